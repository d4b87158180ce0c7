using Akka.Actor;
using ActorSim.Actors.Remote.Wire;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// Run actor (on the leader) to the block host (<see cref="RunBlocksActor"/>) of the node that holds every block of the
/// run: start the run's coordinator here, beside the blocks, with <paramref name="Writer"/> (the submitter's output
/// writer) for its rows and fields. The host builds the coordinator from its own copy of the scenario and model, is its
/// progress listener (passing progress, monitoring and the end of the run on to the run actor), hands it
/// <see cref="StopRun"/>, and reports its failure as a <see cref="BlockFailed"/>.
/// </summary>
/// <param name="CheckpointDirectory">The run's checkpoint directory (empty: no checkpoints).</param>
/// <param name="ResumeFolder">The checkpoint folder the epoch continues from, as the run actor chose it (empty: from the start).</param>
public sealed record StartCoordinator(string RunId, IActorRef Writer, string CheckpointDirectory, string ResumeFolder)
{
    /// <summary>The run's epoch (written into checkpoint manifests).</summary>
    public int Epoch { get; init; }
}

/// <summary>The wire contract of <see cref="StartCoordinator"/> (id 159, the last of the cluster-run range 140–159).</summary>
public static class CoordinatorBesideBlocksWire
{
    public const int StartCoordinatorId = 159;

    public static void Register(WireRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register<StartCoordinator>(StartCoordinatorId, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            w.WriteActorRef(2, m.Writer);
            w.WriteString(3, m.CheckpointDirectory);
            w.WriteString(4, m.ResumeFolder);
            w.WriteInt32(5, m.Epoch);
        }, static (ref WireReader r, int _) =>
        {
            string run = "", checkpoints = "", resume = "";
            IActorRef? writer = null;
            int epoch = 0;
            while (r.NextField())
            {
                switch (r.Field)
                {
                    case 1: run = r.ReadString(); break;
                    case 2: writer = r.ReadActorRef(); break;
                    case 3: checkpoints = r.ReadString(); break;
                    case 4: resume = r.ReadString(); break;
                    case 5: epoch = r.ReadInt32(); break;
                    default: r.SkipField(); break;
                }
            }
            return new StartCoordinator(run, writer ?? throw new WireFormatException("StartCoordinator needs the output writer."), checkpoints, resume)
            {
                Epoch = epoch,
            };
        });
    }
}
