namespace ActorSim.Simulation.Runtime;

/// <summary>
/// Replies of the blocks over a broadcast/gather tree (<see cref="ActorSim.Actors.Trees.GatherTree"/>) instead of one
/// message per block to the coordinator: the blocks are grouped into tree nodes of <see cref="BlocksPerNode"/>
/// consecutive blocks, the nodes form a tree of fan-in <see cref="FanIn"/>, and the coordinator receives one message per
/// round holding every reply unchanged, so it still combines them in block order and the results keep their bits
/// (docs/capacity.md). Used when the run has at least <see cref="MinBlocks"/> blocks, by the particle-block
/// coordinator of an in-process run. A cluster run groups the blocks by worker node instead
/// (<see cref="Cluster.NodeGatherTree"/>, config <c>gather_tree_blocks</c>), with this fan-in's default.
/// </summary>
public sealed record GatherTreeSettings
{
    /// <summary>Child nodes per tree node (at least 2).</summary>
    public int FanIn { get; init; } = 8;

    /// <summary>Consecutive blocks gathered by one tree node (at least 1).</summary>
    public int BlocksPerNode { get; init; } = 4;

    /// <summary>The smallest block count for which the tree is used; below it the replies go straight to the coordinator.</summary>
    public int MinBlocks { get; init; } = 64;

    /// <summary>How long a round may take before the tree reports the blocks that did not answer (the run then fails).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Is the tree used for a run of <paramref name="blocks"/> blocks?</summary>
    public bool AppliesTo(int blocks) => blocks >= Math.Max(1, MinBlocks);

    /// <summary>Checks the settings; the error names the field, its value and what is allowed.</summary>
    public void Validate()
    {
        if (FanIn < 2) throw new ArgumentOutOfRangeException(nameof(FanIn), FanIn, $"gather tree: FanIn is {FanIn}; it must be at least 2");
        if (BlocksPerNode < 1) throw new ArgumentOutOfRangeException(nameof(BlocksPerNode), BlocksPerNode, $"gather tree: BlocksPerNode is {BlocksPerNode}; it must be at least 1");
        if (Timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, $"gather tree: Timeout is {Timeout}; it must be positive");
    }
}
