using Akka.Actor;

namespace ActorSim.Simulation.Runtime.Cluster;

// Node-local ("buddy") checkpoints of a cluster run (checkpoint_storage = node-local, see CheckpointKeeperActor): every
// node writes its blocks' files into its own checkpoint directory, each block's state also goes to the checkpoint keeper
// of its buddy node, which keeps the newest copy in memory, and the manifest is replicated to every node. A recovery
// asks every node what it holds and restores each block from a node that still has it. <c>Directory</c> in these
// messages is the run's checkpoint directory as the submitter gave it: a relative one lies under each node's own
// checkpoint_dir.

/// <summary>Block to the node actor of its buddy node: keep this copy of the block's state at <paramref name="Step"/>, then
/// answer <see cref="BlockStateSaved"/> to <paramref name="Coordinator"/> (so a checkpoint completes only once every block's
/// state is on two nodes).</summary>
public sealed record BuddyCopy(string RunId, string Directory, long Step, CheckpointBlockFile File, double[] State, IActorRef Coordinator);

/// <summary>Run actor to every node: the checkpoint at <paramref name="Step"/> is complete; <paramref name="ManifestJson"/> is
/// its manifest file. The node writes it into its own checkpoint folder and forgets older in-memory copies.</summary>
public sealed record CheckpointCommitted(string RunId, string Directory, long Step, string ManifestJson);

/// <summary>Run actor to a node (recovery): which checkpoints of the run do you hold? Answered with <see cref="CheckpointInventory"/>.</summary>
public sealed record CheckpointInventoryRequest(string RunId, string Directory);

/// <summary>A block state a node holds: in memory (a buddy copy) or as a file in its checkpoint directory.</summary>
public sealed record HeldBlock(long Step, int Block, long Length, bool InMemory);

/// <summary>A node's answer to <see cref="CheckpointInventoryRequest"/>: the manifests it has (file texts) and the block states it holds.</summary>
public sealed record CheckpointInventory(string NodeId, IReadOnlyList<string> Manifests, IReadOnlyList<HeldBlock> Blocks);

/// <summary>Run actor to a node holding block <c>File.Block</c>'s state at <paramref name="Step"/>: send it to
/// <paramref name="Target"/> (the block's new actor) as <see cref="RestoreBlockState"/>; on failure answer
/// <see cref="BlockRestored"/> with the error to <paramref name="ReplyTo"/>.</summary>
public sealed record SendBlockState(string RunId, string Directory, long Step, CheckpointBlockFile File, IActorRef Target, IActorRef ReplyTo);

/// <summary>A holder to a block actor: load this state (verified against <paramref name="File"/>'s length and SHA-256) and
/// answer <see cref="BlockRestored"/> to <paramref name="ReplyTo"/>.</summary>
public sealed record RestoreBlockState(long Step, CheckpointBlockFile File, double[] State, IActorRef ReplyTo);

/// <summary>A block (or its holder, on failure) to the run actor: block <paramref name="Block"/> holds the checkpoint's state
/// now; a non-empty <paramref name="Error"/> says why it could not.</summary>
public sealed record BlockRestored(int Block, long Step, string Error = "")
{
    /// <summary>The size of the state loaded, in bytes (0 with an error).</summary>
    public long Bytes { get; init; }
}
