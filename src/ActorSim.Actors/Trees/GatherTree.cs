using Akka.Actor;

namespace ActorSim.Actors.Trees;

/// <summary>
/// Builds a broadcast/gather tree: one <see cref="TreeNodeActor"/> per node of a <see cref="TreeLayout"/>, each
/// holding the leaves placed on its node. The owner sends <see cref="TreeBroadcast"/> to the returned root and gets one
/// <see cref="Gathered"/> (or <see cref="GatherFailed"/>) per gathering round, so it handles one message per round
/// instead of one per leaf, and the root node handles at most fan-in + its own leaves.
/// </summary>
public static class GatherTree
{
    /// <summary>Creates the tree's node actors, children before parents, and returns the root.</summary>
    /// <param name="layout">The shape of the tree over the nodes.</param>
    /// <param name="placement">For each leaf (by index), the node it lives on.</param>
    /// <param name="leaves">The leaf actors, by index.</param>
    /// <param name="keyOf">Recognises a leaf's reply: its round and leaf index; null for any other message.</param>
    /// <param name="timeout">How long the root waits for a round; a node of height h below a root of height H waits
    /// timeout·(h+1)/(H+1), so the node nearest a missing leaf gives up first and its failure names the leaf.</param>
    /// <param name="spawn">Creates a tree node's actor on node <c>node</c> (its actor system) under the given name.</param>
    /// <param name="link">How node <c>from</c> reaches an actor on node <c>to</c> (default: the actor's own
    /// reference); a benchmark puts a simulated network link here.</param>
    /// <param name="name">The tree nodes' names: <c>name-0</c>, <c>name-1</c>, ….</param>
    public static IActorRef Build(TreeLayout layout, IReadOnlyList<int> placement, IReadOnlyList<IActorRef> leaves,
        Func<object, GatherKey?> keyOf, TimeSpan timeout, Func<int, Props, string, IActorRef> spawn,
        Func<int, int, IActorRef, IActorRef>? link = null, string name = "tree")
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(keyOf);
        ArgumentNullException.ThrowIfNull(spawn);
        if (placement.Count != leaves.Count)
            throw new ArgumentException($"{placement.Count} placements given for {leaves.Count} leaves", nameof(placement));
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "the gather timeout must be positive");
        var own = new List<TreeLeaf>[layout.Nodes];
        for (int n = 0; n < layout.Nodes; n++) own[n] = [];
        for (int leaf = 0; leaf < placement.Count; leaf++)
        {
            int node = placement[leaf];
            if ((uint)node >= (uint)layout.Nodes)
                throw new ArgumentException($"leaf {leaf} is placed on node {node}; the tree has nodes 0 … {layout.Nodes - 1}", nameof(placement));
            own[node].Add(new TreeLeaf(leaf, leaves[leaf]));
        }
        var actors = new IActorRef[layout.Nodes];
        var below = layout.LeavesBelow(own.Select(o => o.Count).ToArray());
        for (int n = layout.Nodes - 1; n >= 0; n--)
        {
            int node = n;
            var children = layout.Children(node)
                .Select(c => new TreeChild(c, link is null ? actors[c] : link(node, c, actors[c]), below[c])).ToArray();
            var setup = new TreeNodeSetup(node, children, own[node], keyOf, NodeTimeout(layout, node, timeout));
            actors[node] = spawn(node, ActorFactory.Props(() => new TreeNodeActor(setup)), $"{name}-{node}");
        }
        return actors[0];
    }

    /// <summary>How long tree node <paramref name="node"/> waits for a round when the root waits <paramref name="timeout"/>:
    /// timeout·(h+1)/(H+1) for a node of height h below a root of height H, so the node nearest a gap gives up first.</summary>
    public static TimeSpan NodeTimeout(TreeLayout layout, int node, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return timeout * ((layout.Height(node) + 1.0) / (layout.MaxDepth + 1));
    }
}
