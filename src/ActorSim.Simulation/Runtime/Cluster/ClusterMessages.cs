using ActorSim.Actors;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>To a node's <see cref="NodeActor"/>: what are you? Answered with <see cref="NodeInfo"/>.</summary>
public sealed record NodeInfoRequest;

/// <summary>A node's description: its roles (<c>coordinator</c>, <c>worker</c>), cores, software version and checkpoint directory.</summary>
public sealed record NodeInfo(string NodeId, IReadOnlyList<string> Roles, int Processors, string Version, string CheckpointDirectory)
{
    public bool IsWorker => Roles.Contains(NodeRoles.Worker);
}

/// <summary>
/// Submitter to the leader's <see cref="NodeActor"/>: run this scenario (its JSON text travels with it). The leader
/// waits up to <paramref name="WaitMilliseconds"/> for at least <paramref name="MinWorkers"/> worker nodes, places
/// the blocks and answers <see cref="RunAccepted"/> (or a <see cref="Status.Failure"/>).
/// </summary>
public sealed record SubmitRun(string RunId, string ScenarioFile, string ScenarioText, string SubmitterNode, int MinWorkers, long WaitMilliseconds);

/// <summary>
/// Leader to submitter: the blocks exist. <paramref name="Placement"/> is the node of each block (by block index),
/// <paramref name="Run"/> the run's actor on the coordinator node (send <see cref="BeginRun"/>, <see cref="StopRun"/>
/// and <see cref="AbortRun"/> there), <paramref name="Columns"/> the time-series columns and
/// <paramref name="AnalysisJson"/> the model's analysis for run.json.
/// </summary>
public sealed record RunAccepted(string RunId, IActorRef Run, string CoordinatorNode, IReadOnlyList<string> Placement,
    IReadOnlyList<string> Workers, IReadOnlyList<string> Columns, string AnalysisJson);

/// <summary>Submitter to the run actor: the output writer and the listener are ready; start stepping.</summary>
public sealed record BeginRun(string RunId, IActorRef Writer, IActorRef Listener);

/// <summary>Run actor to a worker's <see cref="NodeActor"/>: build these blocks' kernels from the scenario and host them. Answered with <see cref="BlocksCreated"/>.</summary>
public sealed record CreateBlocks(string RunId, string ScenarioFile, string ScenarioText, int[] Blocks, IActorRef Run, string CoordinatorNode);

/// <summary>Worker to run actor: the actors of <paramref name="Blocks"/>, in the same order, and <paramref name="Host"/>, the actor
/// that hosts them (it takes <see cref="BlockFanout"/>).</summary>
public sealed record BlocksCreated(string RunId, string NodeId, int[] Blocks, IReadOnlyList<IActorRef> Refs, IActorRef Host);

/// <summary>Coordinator to a node's block host: hand <paramref name="Message"/> to every block of the run on this node, with the
/// coordinator as sender (one frame per node instead of one per block).</summary>
public sealed record BlockFanout(string RunId, object Message);

/// <summary>Run actor to a worker: stop and forget the blocks of the run.</summary>
public sealed record ReleaseRun(string RunId, string Reason);

/// <summary>Worker to run actor: a block of the run failed (the error names the block and the node).</summary>
public sealed record BlockFailed(string RunId, string NodeId, string Error);

/// <summary>Run actor to the submitter's listener: the run stopped with an error.</summary>
public sealed record RunFailed(string RunId, string Error);

/// <summary>Submitter to run actor: give up the run (the submitter already reports an error).</summary>
public sealed record AbortRun(string RunId, string Reason);

/// <summary>The roles a node can have.</summary>
public static class NodeRoles
{
    /// <summary>Can be elected leader and coordinate runs.</summary>
    public const string Coordinator = "coordinator";

    /// <summary>Hosts blocks of runs.</summary>
    public const string Worker = "worker";

    public static readonly IReadOnlyList<string> All = [Coordinator, Worker];
}
