using System.Text.Json.Nodes;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Runtime.Cluster;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Tests.Output;

namespace ActorSim.Simulation.Tests.Cluster;

/// <summary>
/// Cluster runs whose leader gathers the blocks' replies over a tree of the worker nodes (<see cref="NodeGatherTree"/>,
/// <c>gather_tree_blocks</c>), on three nodes in this process: every particle-block model gives the in-process results
/// bit for bit (stage rounds, slabs with edge cells, positions relayed every stage), also on more nodes than the tree's
/// fan-in, where the tree has two levels.
/// </summary>
public sealed class NodeGatherTreeRunTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string, int> Scenarios => new()
    {
        { "huxley-particles", ClusterRunTests.Shipped("huxley-particles", end: 0.2), 3 },
        { "muscle-1d-particles", ClusterRunTests.Shipped("muscle-1d-particles", end: 0.3), 3 },
        { "muscle-meanfield-1d", ClusterRunTests.Shipped("muscle-meanfield-1d", end: 0.2), 3 },
        { "muscle-deformation-2d, 4 blocks", WithBlocks(ClusterRunTests.Shipped("muscle-deformation-2d", end: 0.1), 4), 3 },
        // 10 nodes and fan-in 8: the root (node-1) has 8 children, node-2 one more below it (depth 2).
        { "huxley-particles, 20 blocks on 10 nodes", WithBlocks(ClusterRunTests.Shipped("huxley-particles", end: 0.1), 20), 10 },
    };

    private static string WithBlocks(string text, int blocks)
    {
        var doc = JsonNode.Parse(text)!.AsObject();
        doc["run"]!["blocks"] = blocks;
        return doc.ToJsonString();
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task A_particle_run_gathered_over_a_tree_of_the_nodes_gives_the_in_process_results_bit_for_bit(string name, string text, int nodes)
    {
        var scenario = ScenarioLoader.Parse(text, "test-scenario.json", HeatDefinition.Catalog);
        Assert.True(scenario.Run.Blocks >= 4, "at or above the nodes' gather_tree_blocks (4), so the leader uses the tree");
        string localDir = _dir.File("local"), clusterDir = _dir.File("cluster");
        var model = HeatDefinition.Catalog.Single(m => m.Name == scenario.Model).Create(scenario);
        OutputDirectory.Prepare(localDir, force: false);
        var local = await LocalRunner.RunModelAsync(scenario, model, new RunOptions(localDir));

        await using var cluster = await InProcessCluster.StartAsync(nodes, gatherTreeBlocks: 4);
        var result = await ClusterRunner.RunAsync(scenario, text, cluster.RunOptions(clusterDir, minWorkers: nodes));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(local.ResultsSha256, result.ResultsSha256);
        Assert.Equal(File.ReadAllBytes(Path.Combine(localDir, "timeseries.csv")), File.ReadAllBytes(Path.Combine(clusterDir, "timeseries.csv")));
        var run = JsonNode.Parse(File.ReadAllText(Path.Combine(clusterDir, "run.json")))!.AsObject();
        Assert.Equal(nodes, run["placement"]!.AsObject().Select(p => (string)p.Value!).Distinct().Count());
        _ = name;
    }

    [Fact]
    public void The_tree_of_a_placement_is_its_nodes_in_id_order_whatever_the_block_order()
    {
        var a = NodeGatherTree.For(["node-3", "node-1", "node-2", "node-3"], 8, TimeSpan.FromSeconds(1));
        var b = NodeGatherTree.For(["node-1", "node-3", "node-3", "node-2"], 8, TimeSpan.FromSeconds(1));
        Assert.Equal(["node-1", "node-2", "node-3"], a.Nodes);
        Assert.Equal(a.Nodes, b.Nodes);
        Assert.Equal([1, 1, 2], a.Leaves);
        Assert.Equal(a.Leaves, b.Leaves);
        var ten = NodeGatherTree.For(Enumerable.Range(0, 20).Select(i => $"node-{i % 10 + 1:00}").ToArray(), 8, TimeSpan.FromSeconds(1));
        Assert.Equal(2, ten.Layout.MaxDepth);
        Assert.Equal([9], ten.Layout.Children(1)); // node-10 hangs below node-02
    }
}
