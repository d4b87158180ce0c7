using ActorSim.Simulation.Runtime.Cluster;

namespace ActorSim.Simulation.Tests.Cluster;

public sealed class BlockPlacementTests
{
    [Theory]
    [InlineData(1, 3)]
    [InlineData(4, 3)]
    [InlineData(16, 3)]
    [InlineData(7, 2)]
    [InlineData(5, 5)]
    [InlineData(100, 7)]
    public void Every_node_gets_the_floor_or_the_ceiling_of_its_share(int blocks, int nodes)
    {
        var ids = Enumerable.Range(1, nodes).Select(i => $"node-{i}").ToArray();
        var placement = BlockPlacement.Assign(blocks, ids);
        Assert.Equal(blocks, placement.Length);
        var loads = ids.Select(id => placement.Count(p => p == id)).ToArray();
        Assert.All(loads, l => Assert.InRange(l, blocks / nodes, (blocks + nodes - 1) / nodes));
        Assert.Equal(blocks, loads.Sum());
    }

    [Fact]
    public void A_run_is_stepped_on_the_node_of_its_blocks_only_when_they_all_sit_on_one()
    {
        Assert.Equal("w-b", BlockPlacement.SteppingNode(["w-b"]));
        Assert.Equal("w-c", BlockPlacement.SteppingNode(BlockPlacement.Assign(4, ["w-c"])));
        Assert.Null(BlockPlacement.SteppingNode(["w-a", "w-a", "w-b"]));
        Assert.Null(BlockPlacement.SteppingNode([])); // no blocks: on the leader
    }

    [Fact]
    public void The_placement_depends_on_the_set_of_nodes_not_their_order()
    {
        var a = BlockPlacement.Assign(12, ["w-a", "w-b", "w-c"]);
        var b = BlockPlacement.Assign(12, ["w-c", "w-a", "w-b", "w-a"]);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Adding_a_node_moves_only_some_blocks()
    {
        var before = BlockPlacement.Assign(40, ["n1", "n2", "n3", "n4"]);
        var after = BlockPlacement.Assign(40, ["n1", "n2", "n3", "n4", "n5"]);
        int moved = before.Zip(after).Count(p => p.First != p.Second);
        Assert.InRange(moved, 8, 20); // the 8 blocks n5 takes, plus some rebalancing; far from reshuffling all 40
    }

    [Fact]
    public void No_nodes_is_an_error_and_no_blocks_is_an_empty_placement()
    {
        Assert.Throws<ArgumentException>(() => BlockPlacement.Assign(3, []));
        Assert.Empty(BlockPlacement.Assign(0, []));
    }

    [Fact]
    public void Describe_and_BlocksOf_list_each_node_s_blocks()
    {
        string[] placement = ["b", "a", "b", "c"];
        Assert.Equal("a: 1; b: 0, 2; c: 3", BlockPlacement.Describe(placement));
        Assert.Equal([0, 2], BlockPlacement.BlocksOf(placement, "b"));
        Assert.Empty(BlockPlacement.BlocksOf(placement, "z"));
    }
}
