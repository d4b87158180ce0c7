using ActorSim.Simulation.Runtime.Cluster;

namespace ActorSim.Simulation.Tests.Cluster;

/// <summary>The load balancer's proposals: from measured block times to a placement that lowers the slowest node's load.</summary>
public sealed class LoadBalancerTests
{
    private static readonly string[] Three = ["node-1", "node-2", "node-3"];

    [Fact]
    public void A_node_four_times_slower_gives_its_blocks_away_and_the_slowest_load_falls_from_8_to_3()
    {
        string[] placement = ["node-1", "node-1", "node-2", "node-2", "node-3", "node-3"];
        double[] times = [1, 1, 1, 1, 4, 4];
        var known = new Dictionary<string, double>();
        var proposal = LoadBalancer.Propose(placement, times, Three, known);
        Assert.NotNull(proposal);
        Assert.Equal(8, proposal.SlowestBefore, 12);
        Assert.Equal(3, proposal.SlowestAfter, 12);
        // Deterministic: the lower block first, to the node that ends least loaded (ties by name).
        Assert.Equal(["node-1", "node-1", "node-2", "node-2", "node-1", "node-2"], proposal.Placement);
        Assert.Equal(2, proposal.Moves(placement));
        Assert.Equal(4, known["node-3"]); // remembered for later epochs, when node-3 holds no blocks
        Assert.Equal(proposal.Placement, LoadBalancer.Propose(placement, times, Three, new Dictionary<string, double>())!.Placement);
    }

    [Fact]
    public void Balanced_or_slightly_uneven_loads_are_left_alone()
    {
        string[] placement = ["node-1", "node-1", "node-2", "node-2", "node-3", "node-3"];
        Assert.Null(LoadBalancer.Propose(placement, [1, 1, 1, 1, 1, 1], Three, new Dictionary<string, double>()));
        // 10 % slower: moving a block would only make another node the slowest.
        Assert.Null(LoadBalancer.Propose(placement, [1, 1, 1, 1, 1.1, 1.1], Three, new Dictionary<string, double>()));
        // 4 blocks on 3 nodes: the node with two blocks cannot do better by giving one away.
        Assert.Null(LoadBalancer.Propose(["node-1", "node-1", "node-2", "node-3"], [1, 1, 1, 1], Three, new Dictionary<string, double>()));
        // Nothing measured yet.
        Assert.Null(LoadBalancer.Propose(placement, [0, 0, 0, 0, 0, 0], Three, new Dictionary<string, double>()));
    }

    [Fact]
    public void It_moves_as_few_blocks_as_it_needs()
    {
        // Two nodes, the second three times slower: one block moving is enough (loads 2, 6 -> 3, 3).
        string[] placement = ["node-1", "node-1", "node-2", "node-2"];
        var proposal = LoadBalancer.Propose(placement, [1, 1, 3, 3], ["node-1", "node-2"], new Dictionary<string, double>());
        Assert.NotNull(proposal);
        Assert.Equal(1, proposal.Moves(placement));
        Assert.Equal(["node-1", "node-1", "node-1", "node-2"], proposal.Placement);
        Assert.Equal(3, proposal.SlowestAfter, 12);
    }

    [Fact]
    public void A_node_without_blocks_is_judged_by_what_was_measured_on_it_before()
    {
        // node-3 holds no blocks now. Measured slow in an earlier epoch, it gets none back; never measured, it counts as
        // a median node and takes blocks off the loaded ones.
        string[] placement = ["node-1", "node-1", "node-1", "node-2", "node-2", "node-2"];
        double[] times = [1, 1, 1, 1, 1, 1];
        Assert.Null(LoadBalancer.Propose(placement, times, Three, new Dictionary<string, double> { ["node-3"] = 4 }));
        var fresh = LoadBalancer.Propose(placement, times, Three, new Dictionary<string, double>());
        Assert.NotNull(fresh);
        Assert.Equal(2, fresh.SlowestAfter, 12);
        Assert.Equal(2, fresh.Placement.Count(n => n == "node-3"));
    }

    [Fact]
    public void Bad_input_is_refused_or_ignored()
    {
        Assert.Throws<ArgumentException>(() => LoadBalancer.Propose(["node-1"], [1, 2], Three, new Dictionary<string, double>()));
        Assert.Null(LoadBalancer.Propose(["node-1", "node-2"], [double.NaN, 1], Three, new Dictionary<string, double>()));
    }
}
