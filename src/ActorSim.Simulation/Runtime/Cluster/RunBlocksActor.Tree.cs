using ActorSim.Actors;
using ActorSim.Actors.Remote;
using ActorSim.Actors.Trees;
using Akka.Actor;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// This node's node of the run's gather tree (<see cref="CreateBlocks.Tree"/>, <see cref="NodeGatherTree"/>): a
/// <see cref="TreeNodeActor"/> child named <c>tree</c> whose leaves are this node's blocks and whose children are the
/// tree nodes of the child worker nodes, reached by path (they are created the same way before their hosts answer
/// <see cref="BlocksCreated"/>, so they exist before the coordinator's first round).
/// </summary>
internal sealed partial class RunBlocksActor
{
    /// <summary>Creates this node's tree node, when the run gathers over a tree.</summary>
    private void StartTreeNode()
    {
        if (create.Tree is not { } plan) return;
        int me = plan.Nodes.ToList().IndexOf(nodeId);
        if (me < 0) throw new InvalidOperationException($"run {create.RunId}: node '{nodeId}' is not in its gather tree ({string.Join(", ", plan.Nodes)})");
        if (plan.Leaves[me] != create.Blocks.Length)
            throw new InvalidOperationException($"run {create.RunId}: the gather tree gives node '{nodeId}' {plan.Leaves[me]} blocks; it holds {create.Blocks.Length}");
        var layout = plan.Layout;
        var below = layout.LeavesBelow(plan.Leaves);
        var cluster = ClusterNode.Of(Context.System) ?? throw new InvalidOperationException($"node '{nodeId}' has left the cluster");
        string path = NodeGatherTree.TreePath(create.RunId, create.Epoch);
        var children = layout.Children(me).Select(c => new TreeChild(c, cluster.ActorFor(plan.Nodes[c], path), below[c])).ToArray();
        var leaves = create.Blocks.Select((block, i) => new TreeLeaf(block, _blocks[i])).ToArray();
        var setup = new TreeNodeSetup(me, children, leaves, Particles.ParticleCoordinatorActor.ReplyKey,
            GatherTree.NodeTimeout(layout, me, TimeSpan.FromMilliseconds(plan.TimeoutMilliseconds)));
        Context.ActorOf(ActorFactory.Props(() => new TreeNodeActor(setup)), "tree");
    }
}
