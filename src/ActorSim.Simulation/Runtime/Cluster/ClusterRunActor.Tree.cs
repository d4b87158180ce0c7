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
        var defaults = new GatherTreeSettings();
        var tree = NodeGatherTree.For(_placement, defaults.FanIn, defaults.Timeout);
        Log.LogInformation("Run {Run}: replies gathered over a tree of {Nodes} worker nodes (fan-in {FanIn}, depth {Depth}; root '{Root}')",
            RunId, tree.Nodes.Count, tree.FanIn, tree.Layout.MaxDepth, tree.Nodes[0]);
        return tree;
    }

    /// <summary>The coordinator's blocks: over the tree when there is one.</summary>
    private BlockSet WithTree(NodeFanoutBlockSet flat) =>
        _tree is null ? flat : new NodeTreeBlockSet(flat, Cluster.ActorFor(_tree.Nodes[0], NodeGatherTree.TreePath(RunId, Epoch)));

    /// <summary>A round that did not come back over the tree: the epoch ends as if a node were lost, naming the tree node that gave up.</summary>
    private void GatherFailed(GatherFailedException e)
    {
        string where = _tree is { } tree && (uint)e.Failed.Node < (uint)tree.Nodes.Count ? $" (tree node {e.Failed.Node} is node '{tree.Nodes[e.Failed.Node]}')" : "";
        Fail($"run {RunId}: {e.Message}{where}", recoverable: true);
    }
}
