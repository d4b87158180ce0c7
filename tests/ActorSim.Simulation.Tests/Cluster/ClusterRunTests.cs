using System.Text.Json.Nodes;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Runtime.Cluster;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Tests.Output;

namespace ActorSim.Simulation.Tests.Cluster;

/// <summary>
/// Runs submitted to three cluster nodes in this process (in-process transport: the same frames, HMAC, membership and
/// protocol as over RabbitMQ): results bit-identical to the in-process runtime, placement in run.json, and clear
/// errors when a node goes away, a block fails, or the cluster cannot take the run.
/// </summary>
public sealed class ClusterRunTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string> Scenarios => new()
    {
        { "virus-pde 1D, 4 blocks", """
            { "model": "virus-pde",
              "parameters": { "Du": 0.01, "Dv": 0.1, "Dw": 0.1, "chi": 0.2, "d1": 1, "d2": 1, "d3": 1, "beta": 1, "k": 1, "r": 4, "nx": 48, "Lx": 1 },
              "initial": { "state": "endemic", "amplitude": 0.01, "mode_x": 3 },
              "time": { "end": 2.0, "output_interval": 0.5 }, "run": { "blocks": 4, "seed": 1 } }
            """ },
        { "virus-pde 2D, 4 blocks", """
            { "model": "virus-pde",
              "parameters": { "Du": 0.01, "Dv": 0.1, "Dw": 0.1, "chi": 0.22, "d1": 1, "d2": 1, "d3": 1, "beta": 1, "k": 1, "r": 4, "nx": 16, "ny": 16 },
              "initial": { "state": "endemic", "amplitude": 0.02, "mode_x": 2, "mode_y": 3, "noise": 0.002 },
              "time": { "end": 0.4, "output_interval": 0.2 }, "run": { "blocks": 4, "seed": 7 } }
            """ },
        // Slabs of rows between x walls: on the cluster one deep exchange per step and bounds sent before it (in process:
        // an exchange per stage) — the same results.
        { "virus-pde 2D slabs, 2 blocks", """
            { "model": "virus-pde",
              "parameters": { "Du": 0.01, "Dv": 0.1, "Dw": 0.1, "chi": 0.3, "d1": 1, "d2": 1, "d3": 1, "beta": 1, "k": 1, "r": 4, "nx": 16, "ny": 32 },
              "initial": { "state": "endemic", "amplitude": 0.02, "mode_x": 2, "mode_y": 3, "noise": 0.01 },
              "time": { "end": 0.4, "output_interval": 0.2 }, "run": { "blocks": 2, "seed": 5 } }
            """ },
        { "heat toy, 7 blocks", HeatDefinition.Scenario(cells: 42, blocks: 7, end: 0.05, interval: 0.01) },
        { "huxley-particles (particle blocks), shortened", Shipped("huxley-particles", end: 0.2) },
        { "muscle-1d-particles (particle blocks), shortened", Shipped("muscle-1d-particles", end: 0.3) },
        { "muscle-meanfield-1d (particle-block protocol, slabs), shortened", Shipped("muscle-meanfield-1d", end: 0.2) },
        { "muscle-deformation-2d (positions relayed every stage), shortened", Shipped("muscle-deformation-2d", end: 0.1) },
        { "virus-kinetic (subdomains), shortened", Shipped("virus-kinetic-small-eps", end: 1.0) },
        { "may-nowak-ode, no blocks", """
            { "model": "may-nowak-ode", "parameters": { "d1": 0.1, "d2": 0.5, "d3": 5, "beta": 0.01, "k": 50, "r": 10 },
              "initial": { "u": 100, "v": 1, "w": 1 }, "time": { "end": 5, "output_interval": 1 } }
            """ },
    };

    /// <summary>A shipped scenario with a shorter end time (two output intervals at most).</summary>
    public static string Shipped(string name, double end)
    {
        var doc = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot.Path, "scenarios", name + ".json")))!.AsObject();
        var time = doc["time"]!.AsObject();
        time["end"] = end;
        time["output_interval"] = Math.Min((double)time["output_interval"]!, end / 2);
        return doc.ToJsonString();
    }

    private static Scenario Parse(string text) => ScenarioLoader.Parse(text, "test-scenario.json", HeatDefinition.Catalog);

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task A_run_on_three_nodes_gives_the_in_process_results_bit_for_bit(string name, string text)
    {
        var scenario = Parse(text);
        string localDir = _dir.File("local"), clusterDir = _dir.File("cluster");
        var model = HeatDefinition.Catalog.Single(m => m.Name == scenario.Model).Create(scenario);
        OutputDirectory.Prepare(localDir, force: false);
        var local = await LocalRunner.RunModelAsync(scenario, model, new RunOptions(localDir));

        await using var cluster = await InProcessCluster.StartAsync(3);
        RunAccepted? accepted = null;
        var result = await ClusterRunner.RunAsync(scenario, text, cluster.RunOptions(clusterDir, minWorkers: 3), onAccepted: a => accepted = a);

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(local.ResultsSha256, result.ResultsSha256);
        Assert.Equal(File.ReadAllBytes(Path.Combine(localDir, "timeseries.csv")), File.ReadAllBytes(Path.Combine(clusterDir, "timeseries.csv")));
        var localFields = Directory.Exists(Path.Combine(localDir, "fields")) ? Directory.GetFiles(Path.Combine(localDir, "fields")).Select(Path.GetFileName).Order().ToArray() : [];
        foreach (var f in localFields)
            Assert.Equal(File.ReadAllBytes(Path.Combine(localDir, "fields", f!)), File.ReadAllBytes(Path.Combine(clusterDir, "fields", f!)));

        var run = JsonNode.Parse(File.ReadAllText(Path.Combine(clusterDir, "run.json")))!.AsObject();
        Assert.Equal("completed", (string?)run["status"]);
        Assert.Equal("cluster", (string?)run["runtime"]);
        Assert.Equal(local.ResultsSha256, (string?)run["results_sha256"]);
        Assert.Equal("node-1", (string?)run["cluster"]!["coordinator_node"]); // the first candidate leads
        var placement = run["placement"]!.AsObject();
        Assert.NotNull(accepted);
        Assert.Equal(model is ActorSim.Simulation.Models.ICoordinatorModel ? 0 : scenario.Run.Blocks, placement.Count);
        for (int b = 0; b < placement.Count; b++) Assert.Equal(accepted!.Placement[b], (string?)placement[b.ToString()]);
        if (placement.Count >= 3)
            Assert.Equal(["node-1", "node-2", "node-3"], placement.Select(p => (string)p.Value!).Distinct().Order());
        _ = name;
    }

    [Fact]
    public async Task A_node_leaving_during_a_run_without_checkpoints_restarts_it_on_the_survivors_with_the_same_result()
    {
        var text = HeatDefinition.Scenario(cells: 60, blocks: 6, end: 0.2, interval: 0.05);
        var scenario = Parse(text);
        OutputDirectory.Prepare(_dir.File("local"), force: false);
        var local = await LocalRunner.RunModelAsync(scenario, HeatDefinition.Catalog.Single(m => m.Name == scenario.Model).Create(scenario), new RunOptions(_dir.File("local")));

        await using var cluster = await InProcessCluster.StartAsync(3);
        Task? leaving = null;
        string? victim = null;
        int[] victimBlocks = [];
        var result = await ClusterRunner.RunAsync(scenario, text, cluster.RunOptions(_dir.File("out"), 3),
            onAccepted: a =>
            {
                victim = a.Placement.First(n => n != a.CoordinatorNode);
                victimBlocks = BlockPlacement.BlocksOf(a.Placement, victim);
                leaving = cluster.Node(victim).DisposeAsync().AsTask();
            });
        await leaving!;

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(local.ResultsSha256, result.ResultsSha256);
        Assert.Equal(File.ReadAllBytes(_dir.File("local/timeseries.csv")), File.ReadAllBytes(_dir.File("out/timeseries.csv")));
        var run = JsonNode.Parse(File.ReadAllText(_dir.File("out/run.json")))!.AsObject();
        Assert.Equal("completed", (string?)run["status"]);
        var recovery = Assert.Single(run["recoveries"]!.AsArray())!.AsObject();
        Assert.Equal(victim, (string?)recovery["node"]);
        Assert.Equal(1, (int)recovery["epoch"]!);
        Assert.Contains($"node '{victim}' left the cluster while holding block", (string?)recovery["error"]);
        Assert.Contains(string.Join(", ", victimBlocks), (string?)recovery["error"]);
        Assert.Equal(0, (long)recovery["resumed_from_step"]!); // no checkpoints: from the start
        Assert.Null(recovery["resumed_from_checkpoint"]);
        var placement = run["placement"]!.AsObject();
        Assert.Equal(6, placement.Count);
        Assert.DoesNotContain(victim, placement.Select(p => (string)p.Value!)); // the new epoch runs on the survivors
        Assert.Equal(1, (int)run["cluster"]!["epoch"]!);
    }

    [Fact]
    public async Task Cancelling_a_cluster_run_stops_it_after_the_current_step_and_keeps_the_outputs()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var text = HeatDefinition.Scenario(cells: 60, blocks: 6, end: 1e6, interval: 1e5); // would run for hours
        using var cancel = new CancellationTokenSource();
        var result = await ClusterRunner.RunAsync(Parse(text), text, cluster.RunOptions(_dir.File("out"), 3),
            onProgress: _ => cancel.Cancel(), cancellation: cancel.Token); // cancel once the first row is written

        Assert.Equal(RunStatus.Cancelled, result.Status);
        Assert.Equal("cancelled by the user (Ctrl-C)", result.Reason);
        Assert.True(result.FinalTime < 1e5, $"stopped at t = {result.FinalTime}, before the first output interval ended");
        var run = JsonNode.Parse(File.ReadAllText(_dir.File("out/run.json")))!.AsObject();
        Assert.Equal("cancelled", (string?)run["status"]);
        Assert.Equal(result.ResultsSha256, (string?)run["results_sha256"]);
        var rows = File.ReadAllLines(_dir.File("out/timeseries.csv")).Skip(1).ToArray();
        Assert.Equal(result.Rows, rows.Length);
        Assert.Equal(result.FinalTime, double.Parse(rows[^1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)); // the state at the stop is the last row
    }

    [Fact]
    public async Task A_failing_block_stops_the_run_with_an_error_naming_the_block_and_its_node()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var text = HeatDefinition.Scenario(cells: 30, blocks: 3, end: 0.05, interval: 0.01, failBlock: 1, failStep: 3);
        RunAccepted? accepted = null;
        var error = await Assert.ThrowsAsync<RunFailedException>(() =>
            ClusterRunner.RunAsync(Parse(text), text, cluster.RunOptions(_dir.File("out"), 3), onAccepted: a => accepted = a));

        Assert.Contains($"block 1 on node '{accepted!.Placement[1]}' failed in BeginStep(step 3): block 1 blew up", error.Message);
        var run = JsonNode.Parse(File.ReadAllText(_dir.File("out/run.json")))!.AsObject();
        Assert.Equal("failed", (string?)run["status"]);
        Assert.Contains("timeseries.csv", (string?)run["outputs"]!["timeseries"]);
    }

    /// <summary>A driver that no longer owns the run's outputs (another node took a detached run over) writes no run.json.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_driver_that_lost_the_run_writes_no_run_json_whether_it_fails_or_completes(bool failing)
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var text = HeatDefinition.Scenario(cells: 30, blocks: 3, end: 0.05, interval: 0.01, failBlock: failing ? 1 : -1, failStep: failing ? 3 : -1);
        var options = cluster.RunOptions(_dir.File("out"), 3) with { Owns = () => false };

        var error = await Assert.ThrowsAsync<RunFailedException>(() => ClusterRunner.RunAsync(Parse(text), text, options));

        Assert.Contains(failing ? "block 1 blew up" : "another node has taken the run over", error.Message);
        Assert.False(File.Exists(_dir.File("out/run.json")), "run.json written by a driver that does not own the run");
    }

    [Fact]
    public async Task Too_few_workers_is_refused_with_a_clear_error_and_a_failed_run_json()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var text = HeatDefinition.Scenario(cells: 20, blocks: 4, end: 0.01, interval: 0.01);
        var options = cluster.RunOptions(_dir.File("out"), minWorkers: 4) with { SubmitTimeout = TimeSpan.FromMilliseconds(300) };

        var error = await Assert.ThrowsAsync<RunFailedException>(() => ClusterRunner.RunAsync(Parse(text), text, options));

        Assert.Contains("has 3 worker nodes (node-1, node-2, node-3) but the run needs at least 4", error.Message);
        Assert.Equal("failed", (string?)JsonNode.Parse(File.ReadAllText(_dir.File("out/run.json")))!["status"]);
    }

    [Fact]
    public async Task A_cluster_without_a_coordinator_capable_node_gives_a_clear_error()
    {
        await using var cluster = await InProcessCluster.StartAsync(2, roles: [NodeRoles.Worker]);
        var text = HeatDefinition.Scenario(cells: 20, blocks: 2, end: 0.01, interval: 0.01);
        var options = cluster.RunOptions(_dir.File("out"), minWorkers: 1) with { SubmitTimeout = TimeSpan.FromMilliseconds(300) };

        var error = await Assert.ThrowsAsync<RunFailedException>(() => ClusterRunner.RunAsync(Parse(text), text, options));

        Assert.Contains($"no node of cluster '{cluster.ClusterId}' leads", error.Message);
    }

    [Fact]
    public async Task A_scenario_the_nodes_cannot_build_is_refused_with_the_nodes_reason()
    {
        await using var cluster = await InProcessCluster.StartAsync(1);
        var scenario = Parse(HeatDefinition.Scenario(cells: 20, blocks: 2, end: 0.01, interval: 0.01));
        var options = cluster.RunOptions(_dir.File("out"), minWorkers: 1);

        // The JSON that travels is not what the submitter validated: the node reports its own validation error.
        var error = await Assert.ThrowsAsync<RunFailedException>(() => ClusterRunner.RunAsync(scenario, """{ "model": "no-such-model" }""", options));

        Assert.Contains("did not accept the run", error.Message);
        Assert.Contains("unknown model \"no-such-model\"", error.Message);
    }
}
