using ActorSim.Actors;
using Akka.Actor;
using ActorSim.Simulation.Subdomains;
using Microsoft.Extensions.Logging;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// Hosts the blocks of one run on one worker node: creates a <see cref="SubdomainActor"/> or a
/// <see cref="Particles.ParticleBlockActor"/> per block (its kernel built here from the model), answers the run actor with their references, and reports a failing block to the run actor
/// (the failure names block, node and operation) instead of taking the node down. With node-local checkpoints
/// (<see cref="CreateBlocks.NodeLocalDirectory"/>) it points its blocks' <see cref="Runtime.SaveBlockState"/> at this node's own
/// checkpoint folder and at the buddy node that keeps a copy of their states. When the run's blocks all sit on this
/// node it also runs the run's coordinator (RunBlocksActor.Coordinator.cs).
/// </summary>
internal sealed partial class RunBlocksActor(CreateBlocks create, string nodeId, string nodeCheckpointDirectory, Scenarios.Scenario scenario,
    Models.IRunnableModel model, IActorRef replyTo,
    FailureRelay relay) : Actor
{
    public static string ChildName(string runId, int epoch) => epoch == 0 ? $"run-{runId}" : $"run-{runId}-e{epoch}";

    private bool _failed;
    private IActorRef[] _blocks = [];

    protected override void PreStart()
    {
        relay.Target = Self;
        var refs = new IActorRef[create.Blocks.Length];
        for (int i = 0; i < refs.Length; i++)
        {
            int block = create.Blocks[i];
            refs[i] = Context.ActorOf(BlockModels.BlockProps(model, block, nodeId, create.ForRestore), $"block-{block}");
        }
        _blocks = refs;
        _ids = create.Blocks;
        try
        {
            StartTreeNode(); // RunBlocksActor.Tree.cs
        }
        catch (InvalidOperationException e)
        {
            replyTo.Tell(new Status.Failure(e), Self); // the run actor's CreateBlocks fails at once, naming the problem
            return;
        }
        replyTo.Tell(new BlocksCreated(create.RunId, nodeId, create.Blocks, refs, Self), Self);
    }

    protected override void Receive(object message)
    {
        switch (message)
        {
            case BlockFanout fanout when fanout.RunId == create.RunId && _leaving.Count > 0:
                MovedOut(); // RunBlocksActor.LiveMove.cs
                Self.Forward(fanout);
                break;
            case BlockFanout { Message: Runtime.SaveBlockState save } fanout when fanout.RunId == create.RunId && create.NodeLocalDirectory.Length > 0:
                SaveNodeLocal(save);
                break;
            case BlockFanout fanout when fanout.RunId == create.RunId:
                foreach (var block in _blocks) block.Tell(fanout.Message, Sender);
                break;
            case CreateBlocks adding when adding.RunId == create.RunId && adding.Adding:
                AddBlocks(adding); // RunBlocksActor.LiveMove.cs
                break;
            case HandBlockOver handOver when handOver.RunId == create.RunId:
                HandOver(handOver);
                break;
            case BlockRestored restored:
                Arrived(restored);
                break;
            case StartCoordinator start when start.RunId == create.RunId:
                StartCoordinator(start);
                break;
            case StopRun or RunProgress or RunCompleted or Monitoring.StepRecord or Monitoring.RunEvent or Monitoring.FieldPreview:
                FromOrToCoordinator(message);
                break;
            case ChildFailure failure when !_failed:
                _failed = true;
                Log.LogError("Node '{Node}': run {Run}: {Error}", nodeId, create.RunId, failure.Cause.Message);
                create.Run.Tell(new BlockFailed(create.RunId, nodeId, FailureText(failure.Cause)), Self);
                break;
            case ChildFailure:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>The blocks write into this node's folder of the checkpoint and send their states to the buddy node's keeper.</summary>
    private void SaveNodeLocal(Runtime.SaveBlockState save)
    {
        string folder;
        try
        {
            folder = Runtime.CheckpointStore.CreateFolder(CheckpointKeeperActor.RunDirectory(nodeCheckpointDirectory, create.NodeLocalDirectory), save.Step);
        }
        catch (Runtime.CheckpointException e)
        {
            _failed = true;
            create.Run.Tell(new BlockFailed(create.RunId, nodeId, $"node '{nodeId}': {e.Message}"), Self);
            return;
        }
        var cluster = ActorSim.Actors.Remote.ClusterNode.Of(Context.System);
        var buddy = create.BuddyNode.Length == 0 || cluster is null ? Context.Parent : cluster.ActorFor(create.BuddyNode, NodeActor.Path);
        var local = save with { Folder = folder, Buddy = buddy, RunId = create.RunId, Directory = create.NodeLocalDirectory };
        foreach (var block in _blocks) block.Tell(local, Sender);
    }
}
