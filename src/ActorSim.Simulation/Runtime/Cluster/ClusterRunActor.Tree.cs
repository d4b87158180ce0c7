using ActorSim.Actors.Trees;
using Microsoft.Extensions.Logging;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// Gathering over a tree of the worker nodes (<see cref="NodeGatherTree"/>, docs/capacity.md): a particle-block run with at
/// least this node's <see cref="NodeInfo.GatherTreeBlocks"/> blocks, spread over several nodes, has one tree node in each
/// worker's block host; the coordinator sends each round to the root and gets one <see cref="Gathered"/> per round, with
/// every block's reply unchanged, so the results are those of the flat path bit for bit. A round that does not come back
/// (<see cref="GatherFailedException"/>) interrupts the epoch like a lost node: the run continues from its checkpoint.
/// </summary>
internal sealed partial class ClusterRunActor
{
    private NodeGatherTree? _tree;

    /// <summary>The tree for the placement just made, or null for the flat path (off, too few blocks, not a particle model,
    /// or every block on one node, where the coordinator runs beside the blocks).</summary>
    private NodeGatherTree? PlanTree(int blockCount)
    {
        int min = _self.GatherTreeBlocks;
        if (min <= 0 || blockCount < min || _model is not Particles.IParticleModel) return null;
        if (!NodeLocal && BlockPlacement.SteppingNode(_placement) is not null) return null;
        var tree = NodeGatherTree.For(_placement, new GatherTreeSettings().FanIn, TimeSpan.FromSeconds(_self.GatherTreeTimeoutSeconds));
        Log.LogInformation("Run {Run}: replies gathered over a tree of {Nodes} worker nodes (fan-in {FanIn}, depth {Depth}; root '{Root}', timeout {Timeout} s)",
            RunId, tree.Nodes.Count, tree.FanIn, tree.Layout.MaxDepth, tree.Nodes[0], _self.GatherTreeTimeoutSeconds);
        return tree;
    }

    /// <summary>The coordinator's blocks: over the tree when there is one.</summary>
    private BlockSet WithTree(NodeFanoutBlockSet flat) =>
        _tree is null ? flat : new NodeTreeBlockSet(flat, Cluster.ActorFor(_tree.Nodes[0], NodeGatherTree.TreePath(RunId, Epoch)));

    /// <summary>The tree's report in a child's failure (the actor base wraps the coordinator's exception), or null.</summary>
    private static GatherFailedException? GatherFailedIn(Exception? cause)
    {
        for (; cause is not null; cause = cause.InnerException)
            if (cause is GatherFailedException gather) return gather;
        return null;
    }

    /// <summary>
    /// A round that did not come back over the tree: the epoch ends as if a node were lost. When one tree node was silent,
    /// its worker is named as the lost node (the next epoch leaves it out), else none is.
    /// </summary>
    private void GatherFailed(GatherFailedException e)
    {
        var nodes = _tree?.Nodes ?? [];
        string NodeOf(int treeNode) => (uint)treeNode < (uint)nodes.Count ? nodes[treeNode] : $"tree node {treeNode}";
        var silent = e.Failed.Silent.Select(NodeOf).Distinct().ToArray();
        string lost = silent.Length == 1 && nodes.Contains(silent[0]) ? silent[0] : "";
        string what = silent.Length == 0 ? "" : $"; nothing came in time from node{(silent.Length == 1 ? "" : "s")} '{string.Join("', '", silent)}'";
        Fail($"run {RunId}: {e.Message} (tree node {e.Failed.Node} is node '{NodeOf(e.Failed.Node)}'){what}", recoverable: true, lost);
    }
}
