namespace ActorSim.Actors.Trees;

/// <summary>
/// The fixed shape of a broadcast/gather tree over <see cref="Nodes"/> nodes numbered 0 … n−1: a complete
/// <see cref="FanIn"/>-ary tree in heap order, node 0 the root, node i's children k·i+1 … k·i+k. The shape depends on
/// the node count and fan-in only, so every node of a run computes the same tree without asking anyone.
/// </summary>
public sealed class TreeLayout
{
    public TreeLayout(int nodes, int fanIn)
    {
        if (nodes < 1) throw new ArgumentOutOfRangeException(nameof(nodes), nodes, "a tree needs at least one node");
        if (fanIn < 2) throw new ArgumentOutOfRangeException(nameof(fanIn), fanIn, "the fan-in of a tree must be at least 2");
        Nodes = nodes;
        FanIn = fanIn;
    }

    /// <summary>How many nodes the tree has.</summary>
    public int Nodes { get; }

    /// <summary>How many children a node has at most.</summary>
    public int FanIn { get; }

    /// <summary>The parent of <paramref name="node"/>, or −1 for the root.</summary>
    public int Parent(int node) => Check(node) == 0 ? -1 : (node - 1) / FanIn;

    /// <summary>The children of <paramref name="node"/>, in ascending order (empty for a leaf node).</summary>
    public IReadOnlyList<int> Children(int node)
    {
        long first = (long)Check(node) * FanIn + 1;
        if (first >= Nodes) return [];
        int count = (int)Math.Min(FanIn, Nodes - first);
        var children = new int[count];
        for (int c = 0; c < count; c++) children[c] = (int)first + c;
        return children;
    }

    /// <summary>Hops from the root down to <paramref name="node"/> (0 for the root).</summary>
    public int Depth(int node)
    {
        int depth = 0;
        for (int n = Check(node); n > 0; n = (n - 1) / FanIn) depth++;
        return depth;
    }

    /// <summary>Hops from <paramref name="node"/> down to the deepest node below it (0 for a node without children).</summary>
    public int Height(int node)
    {
        int height = 0;
        for (long first = (long)Check(node) * FanIn + 1; first < Nodes; first = first * FanIn + 1) height++;
        return height;
    }

    /// <summary>
    /// For each node, the leaves of its subtree (itself included), given each node's own leaf count
    /// <paramref name="own"/>: what a parent expects from that child in every round.
    /// </summary>
    public int[] LeavesBelow(IReadOnlyList<int> own)
    {
        ArgumentNullException.ThrowIfNull(own);
        if (own.Count != Nodes) throw new ArgumentException($"{own.Count} leaf counts given for a tree of {Nodes} nodes", nameof(own));
        var below = new int[Nodes];
        for (int n = Nodes - 1; n >= 0; n--)
        {
            if (own[n] < 0) throw new ArgumentException($"node {n} has {own[n]} leaves; a count cannot be negative", nameof(own));
            below[n] = own[n];
            foreach (int c in Children(n)) below[n] += below[c];
        }
        return below;
    }

    /// <summary>Hops from the root to the deepest node: ⌈log_k⌉ of the node count, about.</summary>
    public int MaxDepth => Height(0);

    private int Check(int node) =>
        (uint)node < (uint)Nodes ? node : throw new ArgumentOutOfRangeException(nameof(node), node, $"the tree has nodes 0 … {Nodes - 1}");
}
