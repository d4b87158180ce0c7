using System.Text.Json.Nodes;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Runtime.Cluster;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Tests.Output;
using Akka.Actor;

namespace ActorSim.Simulation.Tests.Cluster;

/// <summary>
/// A run whose blocks all sit on one node is stepped by a coordinator on that node, beside its blocks (not on the leader
/// that accepted it): the same results bit for bit as in process, run.json and monitor.jsonl say where it stepped, a
/// lost node recovers on another, and a checkpointed run continues from its checkpoint there.
/// </summary>
public sealed class SteppingNodeTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Scenario Parse(string text) => ScenarioLoader.Parse(text, "test-scenario.json", HeatDefinition.Catalog);

    private static string WithBlocks(string text, int blocks)
    {
        var doc = JsonNode.Parse(text)!.AsObject();
        doc["run"]!["blocks"] = blocks;
        return doc.ToJsonString();
    }

    public static TheoryData<string, string, string[]> Runs => new()
    {
        // One block: wherever the placement puts it, the coordinator joins it.
        { "virus-pde 1D, 1 block", WithBlocks(ClusterRunTests.Scenarios.Single(s => (string)s[0] == "virus-pde 1D, 4 blocks")[1].ToString()!, 1), [] },
        { "muscle-1d-particles, 1 block", WithBlocks(ClusterRunTests.Shipped("muscle-1d-particles", end: 0.3), 1), [] },
        // Three blocks steered to one worker (a sweep member's way): the coordinator there, off the leader.
        { "heat toy, 3 blocks on node-3", HeatDefinition.Scenario(cells: 42, blocks: 3, end: 0.05, interval: 0.01), ["node-1", "node-2"] },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public async Task A_run_on_one_node_is_stepped_there_with_the_in_process_results_and_analysis(string name, string text, string[] exclude)
    {
        var scenario = Parse(text);
        string localDir = _dir.File("local"), clusterDir = _dir.File("cluster");
        OutputDirectory.Prepare(localDir, force: false);
        var local = await LocalRunner.RunModelAsync(scenario, HeatDefinition.Catalog.Single(m => m.Name == scenario.Model).Create(scenario), new RunOptions(localDir));

        await using var cluster = await InProcessCluster.StartAsync(3);
        RunAccepted? accepted = null;
        var result = await ClusterRunner.RunAsync(scenario, text, cluster.RunOptions(clusterDir, minWorkers: 3 - exclude.Length) with { Exclude = exclude },
            onAccepted: a => accepted = a);

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(local.ResultsSha256, result.ResultsSha256);
        Assert.Equal(File.ReadAllBytes(Path.Combine(localDir, "timeseries.csv")), File.ReadAllBytes(Path.Combine(clusterDir, "timeseries.csv")));
        string node = accepted!.Placement.Distinct().Single();
        if (exclude.Length > 0) Assert.Equal("node-3", node);
        Assert.Equal(node, accepted.SteppingNode);
        var run = JsonNode.Parse(File.ReadAllText(Path.Combine(clusterDir, "run.json")))!.AsObject();
        Assert.Equal(node, (string?)run["cluster"]!["stepping_node"]);
        Assert.Equal("node-1", (string?)run["cluster"]!["coordinator_node"]); // the leader accepted and watches it
        Assert.Equal(local.ResultsSha256, (string?)run["results_sha256"]);
        // The analysis is that of the model the coordinator stepped, as in process.
        var localRun = JsonNode.Parse(File.ReadAllText(Path.Combine(localDir, "run.json")))!;
        Assert.Equal(localRun["analysis"]!.ToJsonString(), run["analysis"]!.ToJsonString());
        string started = File.ReadLines(Path.Combine(clusterDir, "monitor.jsonl")).Select(l => (string?)JsonNode.Parse(l)!["event"]?["text"])
            .OfType<string>().First(t => t.Contains("started on coordinator", StringComparison.Ordinal));
        if (node != "node-1") Assert.Contains($"stepped beside its blocks on node '{node}'", started);
        _ = name;
    }

    [Fact]
    public async Task The_coordinator_actor_lives_on_the_blocks_node_and_not_on_the_leader()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var text = HeatDefinition.Scenario(cells: 40, blocks: 2, end: 1e6, interval: 1e5); // far too long to finish
        using var stop = new CancellationTokenSource();
        string? runId = null;
        var progressed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = ClusterRunner.RunAsync(Parse(text), text, cluster.RunOptions(_dir.File("out"), 1) with { Exclude = ["node-1", "node-2"] },
            onProgress: _ => progressed.TrySetResult(), onAccepted: a => runId = a.RunId, cancellation: stop.Token);
        await progressed.Task.WaitAsync(TimeSpan.FromSeconds(60));

        // The block host of the run (RunBlocksActor, "run-<id>") holds the coordinator; the leader's run actor ("coord-<id>") does not.
        var beside = await cluster.Node("node-3").System.ActorSelection($"/user/{NodeActor.Name}/run-{runId}/coordinator")
            .ResolveOne(TimeSpan.FromSeconds(5));
        Assert.NotNull(beside);
        await Assert.ThrowsAsync<ActorNotFoundException>(() => cluster.Node("node-1").System
            .ActorSelection($"/user/{NodeActor.Name}/coord-{runId}/coordinator").ResolveOne(TimeSpan.FromSeconds(1)));

        stop.Cancel(); // StopRun reaches the coordinator through the block host
        var result = await run.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(RunStatus.Cancelled, result.Status);
        var record = JsonNode.Parse(File.ReadAllText(_dir.File("out/run.json")))!.AsObject();
        Assert.Equal("cancelled", (string?)record["status"]);
        Assert.Equal("node-3", (string?)record["cluster"]!["stepping_node"]);
    }

    [Fact]
    public async Task Losing_the_node_of_a_one_block_run_recovers_it_on_another_worker_with_the_same_result()
    {
        var text = HeatDefinition.Scenario(cells: 30, blocks: 1, end: 0.2, interval: 0.05);
        var scenario = Parse(text);
        OutputDirectory.Prepare(_dir.File("local"), force: false);
        var local = await LocalRunner.RunModelAsync(scenario, HeatDefinition.Catalog.Single(m => m.Name == scenario.Model).Create(scenario), new RunOptions(_dir.File("local")));

        await using var cluster = await InProcessCluster.StartAsync(3);
        Task? leaving = null;
        string? victim = null;
        var result = await ClusterRunner.RunAsync(scenario, text, cluster.RunOptions(_dir.File("out"), 2) with { Exclude = ["node-1"] },
            onAccepted: a =>
            {
                victim = a.SteppingNode; // the block and the coordinator
                leaving = cluster.Node(victim).DisposeAsync().AsTask();
            });
        await leaving!;

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(local.ResultsSha256, result.ResultsSha256);
        var run = JsonNode.Parse(File.ReadAllText(_dir.File("out/run.json")))!.AsObject();
        var recovery = Assert.Single(run["recoveries"]!.AsArray())!.AsObject();
        Assert.Equal(victim, (string?)recovery["node"]);
        Assert.Contains($"node '{victim}' left the cluster while holding block 0", (string?)recovery["error"]);
        string now = (string)run["placement"]!["0"]!;
        Assert.NotEqual(victim, now);
        Assert.Equal(now, (string?)run["cluster"]!["stepping_node"]);
    }

    [Fact]
    public async Task A_one_block_run_stopped_after_checkpoints_continues_beside_its_block_from_the_checkpoint_bit_identical()
    {
        const string text = """
            { "model": "virus-pde",
              "parameters": { "Du": 0.01, "Dv": 0.1, "Dw": 0.1, "chi": 0.2, "d1": 1, "d2": 1, "d3": 1, "beta": 1, "k": 1, "r": 4, "nx": 48, "Lx": 1 },
              "initial": { "state": "endemic", "amplitude": 0.01, "mode_x": 3 },
              "time": { "end": 4.0, "output_interval": 0.5 }, "run": { "blocks": 1, "seed": 1, "checkpoint": { "steps": 10 } } }
            """;
        var scenario = ScenarioLoader.Parse(text, "ckpt.json");
        var local = await LocalRunner.RunAsync(scenario, new RunOptions(_dir.File("local"), Force: true));

        await using var cluster = await InProcessCluster.StartAsync(3);
        string checkpoints = _dir.File("checkpoints");
        var options = cluster.RunOptions(_dir.File("out"), 2) with { CheckpointDirectory = checkpoints, Exclude = ["node-1"] };
        using var stop = new CancellationTokenSource();
        var stopped = await ClusterRunner.RunAsync(scenario, text, options, onProgress: _ =>
        {
            if (Directory.Exists(checkpoints) && Directory.EnumerateFiles(checkpoints, "manifest.json", SearchOption.AllDirectories).Count() >= 2) stop.Cancel();
        }, cancellation: stop.Token);
        Assert.Equal(RunStatus.Cancelled, stopped.Status);
        var record = JsonNode.Parse(File.ReadAllText(_dir.File("out/run.json")))!.AsObject();
        Assert.NotEqual("node-1", (string?)record["cluster"]!["stepping_node"]);
        string runId = (string)record["cluster"]!["run_id"]!;

        var resumed = await ClusterRunner.RunAsync(scenario, text, options with { ResumeRunId = runId, ResumeEpoch = (int?)record["cluster"]!["epoch"] + 1 ?? 1 });

        Assert.Equal(RunStatus.Completed, resumed.Status);
        Assert.Equal(local.ResultsSha256, resumed.ResultsSha256);
        var after = JsonNode.Parse(File.ReadAllText(_dir.File("out/run.json")))!.AsObject();
        Assert.NotNull((string?)after["resumed_from"]!["checkpoint"]);
        Assert.True((long)after["resumed_from"]!["step"]! > 0);
        Assert.Equal((string?)after["placement"]!["0"], (string?)after["cluster"]!["stepping_node"]);
    }
}
