using ActorSim.Actors;
using Akka.Actor;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>To a node's <see cref="NodeActor"/>: what are you? Answered with <see cref="NodeInfo"/>.</summary>
public sealed record NodeInfoRequest;

/// <summary>A node's description: its roles (<c>coordinator</c>, <c>worker</c>), cores, software version and checkpoint directory.</summary>
public sealed record NodeInfo(string NodeId, IReadOnlyList<string> Roles, int Processors, string Version, string CheckpointDirectory)
{
    public bool IsWorker => Roles.Contains(NodeRoles.Worker);

    /// <summary>
    /// The node's config <c>gather_tree_blocks</c>: runs it coordinates with at least this many particle blocks gather the
    /// blocks' replies over a tree of the worker nodes (<see cref="NodeGatherTree"/>); 0: never.
    /// </summary>
    public int GatherTreeBlocks { get; init; }

    /// <summary>The node's config <c>gather_tree_timeout_s</c>: how long the root of such a tree waits for a round before the
    /// epoch ends as interrupted (lower tree nodes wait less).</summary>
    public double GatherTreeTimeoutSeconds { get; init; } = ClusterSettings.DefaultGatherTreeTimeoutSeconds;
}

/// <summary>
/// Submitter to the leader's <see cref="NodeActor"/>: run this scenario (its JSON text travels with it). The leader
/// waits up to <paramref name="WaitMilliseconds"/> for at least <paramref name="MinWorkers"/> worker nodes, places
/// the blocks and answers <see cref="RunAccepted"/> (or a <see cref="Status.Failure"/>).
/// </summary>
/// <remarks>
/// <see cref="Epoch"/> counts the run's recoveries: epoch 0 is the first submission; after a lost node, a lost
/// coordinator the submitter submits the same run again with the next epoch, and the leader
/// continues it from the newest valid checkpoint in <see cref="CheckpointDirectory"/> (from the start when there is
/// none). Actors of an older epoch are replaced, so their late messages reach nobody.
/// </remarks>
public sealed record SubmitRun(string RunId, string ScenarioFile, string ScenarioText, string SubmitterNode, int MinWorkers, long WaitMilliseconds)
{
    /// <summary>The recovery epoch (0: first submission).</summary>
    public int Epoch { get; init; }

    /// <summary>The run's checkpoint directory, reachable from every node (empty: the run writes no checkpoints).</summary>
    public string CheckpointDirectory { get; init; } = "";

    /// <summary>Nodes the submitter saw lost: they get no blocks of this epoch (the leader may not have noticed yet).</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>
    /// Node-local checkpoints (<c>checkpoint_storage = node-local</c>): every node keeps its checkpoint files in its own
    /// directory (<see cref="CheckpointDirectory"/>, when relative, under the node's checkpoint_dir), each block's state also
    /// lives in its buddy node's memory and the manifest on every node (<see cref="CheckpointKeeperActor"/>); false: one
    /// directory shared by every node.
    /// </summary>
    public bool NodeLocalCheckpoints { get; init; }

    /// <summary>Why this epoch starts when it is not a recovery (empty: the first submission or a failure): a planned move
    /// of the blocks, e.g. "worker 'node-4' joined" (<see cref="ClusterRunner.MoveReasonPrefix"/>).</summary>
    public string EpochReason { get; init; } = "";

    /// <summary>The node of each block the submitter asks for (a load-balancing move, <see cref="LoadBalancer"/>); empty,
    /// or naming a node that is no worker any more: the leader's own balanced placement.</summary>
    public IReadOnlyList<string> Placement { get; init; } = [];
}

/// <summary>
/// Leader to submitter: the blocks exist. <paramref name="Placement"/> is the node of each block (by block index),
/// <paramref name="Run"/> the run's actor on the coordinator node (send <see cref="BeginRun"/>, <see cref="StopRun"/>
/// and <see cref="AbortRun"/> there), <paramref name="Columns"/> the time-series columns and
/// <paramref name="AnalysisJson"/> the model's analysis for run.json.
/// </summary>
public sealed record RunAccepted(string RunId, IActorRef Run, string CoordinatorNode, IReadOnlyList<string> Placement,
    IReadOnlyList<string> Workers, IReadOnlyList<string> Columns, string AnalysisJson)
{
    /// <summary>The epoch of the submission this answers.</summary>
    public int Epoch { get; init; }

    /// <summary>The checkpoint the run continues from (null: from the start).</summary>
    public ResumePoint? Resume { get; init; }

    /// <summary>Checkpoints that were rejected (each names its file and why); the previous one was used.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Node-local checkpoints: where each block's state came from (by block index), e.g. "node-3 memory" or "node-1 file".</summary>
    public IReadOnlyList<string> RestoredFrom { get; init; } = [];

    /// <summary>Node-local checkpoints: how long the blocks took to get their states, from the first request to a holder to the
    /// last block's answer (it includes building the new blocks' kernels, which a block does before it loads the state).</summary>
    public long RestoreMilliseconds { get; init; }

    /// <summary>
    /// The node whose coordinator actor steps the run: the node that holds every block when they all sit on one node
    /// (<see cref="BlockPlacement.SteppingNode"/>), otherwise <see cref="CoordinatorNode"/> (empty from a node that does
    /// not say: <see cref="CoordinatorNode"/>).
    /// </summary>
    public string SteppingNode { get; init; } = "";
}

/// <summary>Where a recovered run continues: the checkpoint's folder, step, time, and the outputs it had (rows, field names per output).</summary>
public sealed record ResumePoint(string Folder, long Step, double T, long Rows, IReadOnlyList<string> FieldNames)
{
    /// <summary>The size of each block's state in the checkpoint, by block index (empty: not known).</summary>
    public IReadOnlyList<long> BlockBytes { get; init; } = [];
}

/// <summary>Submitter to the run actor: the output writer and the listener are ready; start stepping.</summary>
public sealed record BeginRun(string RunId, IActorRef Writer, IActorRef Listener);

/// <summary>Run actor to a worker's <see cref="NodeActor"/>: build these blocks' kernels from the scenario and host them. Answered with <see cref="BlocksCreated"/>.</summary>
public sealed record CreateBlocks(string RunId, string ScenarioFile, string ScenarioText, int[] Blocks, IActorRef Run, string CoordinatorNode)
{
    /// <summary>The run's epoch: a node hosting an older epoch of the run drops those blocks first.</summary>
    public int Epoch { get; init; }

    /// <summary>Node-local checkpoints: the run's checkpoint directory as submitted (relative: under the node's checkpoint_dir),
    /// where this node writes its blocks' files; empty: the coordinator's folder (a shared directory).</summary>
    public string NodeLocalDirectory { get; init; } = "";

    /// <summary>Node-local checkpoints: the node that keeps this node's blocks' states in memory (empty: this node itself).</summary>
    public string BuddyNode { get; init; } = "";

    /// <summary>
    /// The blocks load a checkpoint's state before their first step (a recovered or resumed epoch): their kernels are built
    /// without the initial state it replaces (<see cref="Particles.IParticleModel.CreateKernelForRestore"/>,
    /// <see cref="Subdomains.ISubdomainModel.CreateKernelForRestore"/>).
    /// </summary>
    public bool ForRestore { get; init; }

    /// <summary>The run gathers its blocks' replies over a tree of the worker nodes: this node's blocks become the leaves
    /// of its tree node (NodeGatherTree.cs); null: every block answers the coordinator directly.</summary>
    public NodeGatherTree? Tree { get; init; }

    /// <summary>
    /// A live block move (ClusterRunActor.LiveMove.cs): these blocks join the ones the node may already host of this epoch
    /// (built for restore: their states come from the blocks' old actors); false: the node's blocks of the run are these.
    /// </summary>
    public bool Adding { get; init; }
}

/// <summary>Worker to run actor: the actors of <paramref name="Blocks"/>, in the same order, and <paramref name="Host"/>, the actor
/// that hosts them (it takes <see cref="BlockFanout"/>).</summary>
public sealed record BlocksCreated(string RunId, string NodeId, int[] Blocks, IReadOnlyList<IActorRef> Refs, IActorRef Host);

/// <summary>Coordinator to a node's block host: hand <paramref name="Message"/> to every block of the run on this node, with the
/// coordinator as sender (one frame per node instead of one per block).</summary>
public sealed record BlockFanout(string RunId, object Message);

/// <summary>Run actor to a worker: stop and forget the blocks of the run, if they belong to <see cref="Epoch"/> or an older one.</summary>
public sealed record ReleaseRun(string RunId, string Reason)
{
    public int Epoch { get; init; }

    /// <summary>The run is over (completed, cancelled or failed for good): its in-memory checkpoint copies go too.</summary>
    public bool Final { get; init; }
}

/// <summary>Worker to run actor: a block of the run failed (the error names the block and the node).</summary>
public sealed record BlockFailed(string RunId, string NodeId, string Error);

/// <summary>Run actor to the submitter's listener: the run stopped with an error. <paramref name="Recoverable"/>: a node was lost
/// (the submitter may continue the run from its last checkpoint in a new epoch); otherwise the run itself failed.</summary>
public sealed record RunFailed(string RunId, string Error, bool Recoverable = false)
{
    /// <summary>The lost node (recoverable failures).</summary>
    public string Node { get; init; } = "";

    /// <summary>How long the lost node had been silent when it was counted as lost, in milliseconds (its detection time).</summary>
    public long DetectionMilliseconds { get; init; }
}

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
