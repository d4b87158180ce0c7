using System.Text.Json.Nodes;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Runtime.Cluster;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Tests.Output;

namespace ActorSim.Simulation.Tests.Cluster;

/// <summary>
/// Live block moves (ClusterRunActor.LiveMove.cs) on cluster nodes in this process: a particle run whose worker joins or
/// leaves mid-run moves only the blocks that change node, at a step, without a checkpoint or a new epoch; the results
/// are the in-process run's bit for bit. A subdomain run declines and moves through a checkpoint and the next epoch.
/// </summary>
public sealed class LiveMoveTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>muscle-1d particles, 4 blocks, checkpoints every 100 steps (a move needs a run that can fall back to one).</summary>
    private static string Particles()
    {
        var doc = JsonNode.Parse(ClusterRunTests.Shipped("muscle-1d-particles", end: 8.0))!.AsObject();
        doc["time"]!["output_interval"] = 0.5;
        doc["run"]!["checkpoint"] = new JsonObject { ["steps"] = 100 };
        return doc.ToJsonString();
    }

    private async Task<RunResult> LocalAsync(string text)
    {
        var scenario = ScenarioLoader.Parse(text, "test-scenario.json", HeatDefinition.Catalog);
        OutputDirectory.Prepare(_dir.File("local"), force: false);
        return await LocalRunner.RunModelAsync(scenario, HeatDefinition.Catalog.Single(m => m.Name == scenario.Model).Create(scenario),
            new RunOptions(_dir.File("local")));
    }

    private ClusterRunOptions Options(InProcessCluster cluster, int minWorkers) =>
        cluster.RunOptions(_dir.File("out"), minWorkers) with { CheckpointDirectory = _dir.File("checkpoints"), BalanceThreshold = 0 };

    private JsonObject RunJson()
    {
        var run = JsonNode.Parse(File.ReadAllText(_dir.File("out/run.json")))!.AsObject();
        output.WriteLine($"moves: {run["moves"]?.ToJsonString()}");
        output.WriteLine($"recoveries: {run["recoveries"]?.ToJsonString()}");
        return run;
    }

    [Fact]
    public async Task A_worker_that_joins_a_particle_run_gets_blocks_moved_live_without_a_checkpoint_or_a_new_epoch()
    {
        string text = Particles();
        var local = await LocalAsync(text);
        await using var cluster = await InProcessCluster.StartAsync(2);
        Task? joining = null;
        var scenario = ScenarioLoader.Parse(text, "test-scenario.json", HeatDefinition.Catalog);
        var result = await ClusterRunner.RunAsync(scenario, text, Options(cluster, 2),
            onProgress: _ => joining ??= cluster.AddNodeAsync("node-3", NodeRoles.All));
        await joining!;

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(local.ResultsSha256, result.ResultsSha256);
        Assert.Equal(File.ReadAllBytes(_dir.File("local/timeseries.csv")), File.ReadAllBytes(_dir.File("out/timeseries.csv")));
        var run = RunJson();
        Assert.Empty(run["recoveries"]!.AsArray());
        var move = Assert.Single(run["moves"]!.AsArray())!.AsObject();
        Assert.Equal("join", (string?)move["why"]);
        Assert.True((bool)move["live"]!);
        Assert.Equal(0, (int)move["epoch"]!);
        Assert.Equal(0, (int)run["cluster"]!["epoch"]!); // the epoch went on
        Assert.Equal(0, (long)move["steps_recomputed"]!);
        Assert.True((long)move["step"]! > 0);
        var moved = move["blocks_moved"]!.AsArray();
        Assert.NotEmpty(moved);
        Assert.True(moved.Count < 4, "only the blocks that change node move");
        Assert.All(moved, m => Assert.Equal("node-3", (string?)m!["to"]));
        Assert.All(moved, m => Assert.True((long)m!["bytes"]! > 0));
        Assert.Equal(moved.Sum(m => (long)m!["bytes"]!), (long)move["bytes_moved"]!);
        Assert.Contains("node-3", run["placement"]!.AsObject().Select(p => (string?)p.Value));
        // No checkpoint was taken for the move: only the scheduled ones (every 100 steps) exist.
        var steps = Directory.GetDirectories(Directory.GetDirectories(_dir.File("checkpoints")).Single())
            .Select(d => Path.GetFileName(d)).Where(n => n.StartsWith("step-", StringComparison.Ordinal)).ToArray();
        Assert.All(steps, s => Assert.Equal(0, long.Parse(s["step-".Length..], System.Globalization.CultureInfo.InvariantCulture) % 100));
    }

    [Fact]
    public async Task A_node_that_leaves_a_particle_run_hands_its_blocks_over_live()
    {
        string text = Particles();
        var local = await LocalAsync(text);
        await using var cluster = await InProcessCluster.StartAsync(3);
        string? victim = null;
        Task<BlocksHandedOver?>? leaving = null;
        Task? left = null;
        var scenario = ScenarioLoader.Parse(text, "test-scenario.json", HeatDefinition.Catalog);
        var result = await ClusterRunner.RunAsync(scenario, text, Options(cluster, 3),
            onAccepted: a => victim = a.Placement.First(n => n != a.CoordinatorNode),
            onProgress: _ =>
            {
                leaving ??= cluster.Node(victim!).HandOverAsync(TimeSpan.FromSeconds(60));
                // Once its blocks are released the node leaves the cluster, as `actorsim node` does: the run must not mind.
                if (leaving.IsCompleted) left ??= cluster.Node(victim!).DisposeAsync().AsTask();
            });
        var handedOver = await leaving!;
        if (left is not null) await left;

        Assert.Equal(1, handedOver!.Runs);
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(local.ResultsSha256, result.ResultsSha256);
        var run = RunJson();
        Assert.Empty(run["recoveries"]!.AsArray());
        var move = Assert.Single(run["moves"]!.AsArray())!.AsObject();
        Assert.Equal("leave", (string?)move["why"]);
        Assert.Equal(victim, (string?)move["node"]);
        Assert.True((bool)move["live"]!);
        Assert.Equal(0, (int)run["cluster"]!["epoch"]!);
        Assert.All(move["blocks_moved"]!.AsArray(), m => Assert.Equal(victim, (string?)m!["from"]));
        Assert.DoesNotContain(victim, run["placement"]!.AsObject().Select(p => (string?)p.Value));
    }

    [Fact]
    public async Task A_subdomain_run_declines_a_live_move_and_moves_its_blocks_through_a_checkpoint()
    {
        string text = """
            { "model": "virus-pde",
              "parameters": { "Du": 0.01, "Dv": 0.1, "Dw": 0.1, "chi": 0.2, "d1": 1, "d2": 1, "d3": 1, "beta": 1, "k": 1, "r": 4, "nx": 48, "Lx": 1 },
              "initial": { "state": "endemic", "amplitude": 0.01, "mode_x": 3 },
              "time": { "end": 20.0, "output_interval": 0.5 }, "run": { "blocks": 4, "seed": 1, "checkpoint": { "steps": 200 } } }
            """;
        var local = await LocalAsync(text);
        await using var cluster = await InProcessCluster.StartAsync(3);
        string? victim = null;
        Task<BlocksHandedOver?>? leaving = null;
        var scenario = ScenarioLoader.Parse(text, "test-scenario.json", HeatDefinition.Catalog);
        var result = await ClusterRunner.RunAsync(scenario, text, Options(cluster, 3),
            onAccepted: a => victim ??= a.Placement.First(n => n != a.CoordinatorNode),
            onProgress: _ => leaving ??= cluster.Node(victim!).HandOverAsync(TimeSpan.FromSeconds(60)));
        await leaving!;

        Assert.Equal(local.ResultsSha256, result.ResultsSha256);
        var run = RunJson();
        var move = Assert.Single(run["moves"]!.AsArray())!.AsObject();
        Assert.False((bool)move["live"]!);
        Assert.Equal(1, (int)run["cluster"]!["epoch"]!);
        Assert.Equal(0, (long)move["steps_recomputed"]!);
    }
}
