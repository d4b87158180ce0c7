using ActorSim.Actors.Trees;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// The broadcast/gather tree of a cluster run over its worker nodes (docs/capacity.md): one tree node per node that
/// holds blocks, in the order of <see cref="Nodes"/> (sorted by node id, so the same nodes give the same tree), shaped by
/// <see cref="TreeLayout"/> with fan-in <see cref="FanIn"/>; tree node i lives in node <c>Nodes[i]</c>'s block host
/// (<see cref="RunBlocksActor"/>, child <c>tree</c>) and holds that node's blocks as its leaves. The run actor sends the
/// same plan with every <see cref="CreateBlocks"/>; each host builds its own tree node from it and reaches its child
/// nodes by path (<see cref="TreePath"/>), so no further setup round is needed. The coordinator sends each round to tree
/// node 0 and gets one <see cref="Gathered"/> holding every block's reply unchanged.
/// </summary>
/// <param name="Nodes">The tree's nodes: the worker nodes holding blocks, sorted by node id.</param>
/// <param name="FanIn">Child nodes per tree node (at least 2).</param>
/// <param name="Leaves">How many blocks <c>Nodes[i]</c> holds.</param>
/// <param name="TimeoutMilliseconds">How long the root waits for a round (lower nodes wait less).</param>
public sealed record NodeGatherTree(IReadOnlyList<string> Nodes, int FanIn, int[] Leaves, long TimeoutMilliseconds)
{
    /// <summary>The tree for a placement (block → node): its nodes in id order, with the blocks each holds.</summary>
    public static NodeGatherTree For(IReadOnlyList<string> placement, int fanIn, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(placement);
        var nodes = placement.Distinct().Order(StringComparer.Ordinal).ToArray();
        var leaves = nodes.Select(n => placement.Count(p => p == n)).ToArray();
        var tree = new NodeGatherTree(nodes, fanIn, leaves, (long)timeout.TotalMilliseconds);
        tree.Validate();
        return tree;
    }

    /// <summary>The shape of the tree.</summary>
    public TreeLayout Layout => new(Nodes.Count, FanIn);

    /// <summary>The path of run <paramref name="runId"/>'s tree node (epoch <paramref name="epoch"/>) on every node.</summary>
    public static string TreePath(string runId, int epoch) => $"{NodeActor.Path}/{RunBlocksActor.ChildName(runId, epoch)}/tree";

    /// <summary>Checks the plan; the error names the field, its value and what is allowed.</summary>
    public void Validate()
    {
        if (Nodes.Count == 0) throw new ArgumentException("a node gather tree needs at least one node", nameof(Nodes));
        if (FanIn < 2) throw new ArgumentOutOfRangeException(nameof(FanIn), FanIn, $"node gather tree: FanIn is {FanIn}; it must be at least 2");
        if (Leaves.Length != Nodes.Count)
            throw new ArgumentException($"node gather tree: {Leaves.Length} leaf counts for {Nodes.Count} nodes", nameof(Leaves));
        if (TimeoutMilliseconds <= 0)
            throw new ArgumentOutOfRangeException(nameof(TimeoutMilliseconds), TimeoutMilliseconds, "node gather tree: the timeout must be positive");
        if (Nodes.Distinct(StringComparer.Ordinal).Count() != Nodes.Count)
            throw new ArgumentException($"node gather tree: a node appears twice in {string.Join(", ", Nodes)}", nameof(Nodes));
    }
}
