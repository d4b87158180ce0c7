using ActorSim.Actors;
using Akka.Actor;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Subdomains;
using Microsoft.Extensions.Logging;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// The run's coordinator beside its blocks (<see cref="StartCoordinator"/>, sent by the run actor when every block of the
/// run sits on this node): built here, as in process, from this node's scenario and model (the blocks' model), over the
/// local block actors, so a stage round is a local message; rows and fields go to the submitter's writer. This actor is
/// the coordinator's progress listener and requester: progress, monitoring and the end of the run (with the model's
/// analysis) go on to the run actor, <see cref="StopRun"/> from the run actor goes to the coordinator, and a failing
/// coordinator ends the run like a failing block. Releasing the run stops the coordinator with the blocks.
/// </summary>
internal sealed partial class RunBlocksActor
{
    private IActorRef? _coordinator;

    private void StartCoordinator(StartCoordinator start)
    {
        if (_coordinator is not null) return;
        try
        {
            var byBlock = new IActorRef[create.Blocks.Length];
            for (int i = 0; i < create.Blocks.Length; i++)
            {
                int b = create.Blocks[i];
                if (b < 0 || b >= byBlock.Length || byBlock[b] is not null)
                    throw new InvalidOperationException($"node '{nodeId}' holds blocks {string.Join(", ", create.Blocks)}, not all of the run's blocks");
                byBlock[b] = _blocks[i];
            }
            var blocks = new BlockSet(byBlock);
            var outputTimes = scenario.Time.OutputTimes();
            var checkpoint = start.CheckpointDirectory.Length > 0 ? scenario.Run.Checkpoint : null;
            var directory = checkpoint is null ? null : start.CheckpointDirectory;
            // The checkpoint the run actor chose (and told the submitter about), read here from the shared directory.
            var resume = start.ResumeFolder.Length > 0 ? CheckpointStore.Load(start.ResumeFolder) : null;
            int epoch = start.Epoch;
            var writer = start.Writer;
            var self = Self; // captured now: Self inside the factory would be the coordinator's
            Props props = model switch
            {
                ISubdomainModel m => ActorFactory.Props(() => new SubdomainCoordinatorActor(m, outputTimes, writer, self, checkpoint, directory, resume, blocks, epoch)),
                Particles.IParticleModel m => ActorFactory.Props(() => new Particles.ParticleCoordinatorActor(m, outputTimes, writer, self, checkpoint, directory, resume, blocks, epoch)),
                _ => throw new InvalidOperationException($"model type {model.GetType().Name} has no block coordinator"),
            };
            _coordinator = Context.ActorOf(props, "coordinator");
            _coordinator.Tell(new StartRun(), Self);
            Log.LogInformation("Node '{Node}': run {Run} epoch {Epoch}: coordinator started beside blocks {Blocks}", nodeId, create.RunId, epoch,
                string.Join(", ", create.Blocks));
        }
        catch (Exception ex) when (ex is InvalidOperationException or CheckpointException or IOException or ArgumentException)
        {
            _failed = true;
            create.Run.Tell(new BlockFailed(create.RunId, nodeId, $"the coordinator of run {create.RunId} could not start on node '{nodeId}': {ex.Message}"), Self);
        }
    }

    private void FromOrToCoordinator(object message)
    {
        switch (message)
        {
            case StopRun stop:
                _coordinator?.Tell(stop, Self);
                break;
            case RunCompleted completed:
                // The analysis of the model the coordinator and the blocks stepped, as an in-process run reports it.
                create.Run.Tell(completed with { AnalysisJson = model.Analysis().ToJsonString() }, Self);
                break;
            default:
                create.Run.Tell(message, Self); // progress and monitoring, to the run actor (which stamps and passes them on)
                break;
        }
    }

    /// <summary>A child's failure as the run's error: a block's names itself; anything else here is the coordinator's.</summary>
    private string FailureText(Exception cause) =>
        _coordinator is null || cause is BlockFailedException ? cause.Message
            : $"the coordinator of run {create.RunId} on node '{nodeId}' (beside its blocks) failed: {cause.Message}";
}
