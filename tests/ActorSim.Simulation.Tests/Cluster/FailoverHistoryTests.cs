using System.Text.Json.Nodes;
using ActorSim.Simulation.Monitoring;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Runtime.Cluster;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Tests.Output;

namespace ActorSim.Simulation.Tests.Cluster;

/// <summary>The run's monitor on the leader (what <c>status --cluster</c> and the dashboard show) survives a coordinator failover.</summary>
public sealed class FailoverHistoryTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_history_survives_a_coordinator_failover_and_shows_the_failure_and_the_recovery()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var text = HeatDefinition.Scenario(cells: 60, blocks: 6, end: 1e6, interval: 1e5); // far too long to finish
        using var stop = new CancellationTokenSource();
        var run = ClusterRunner.RunAsync(ScenarioLoader.Parse(text, "heat.json", HeatDefinition.Catalog), text, cluster.RunOptions(_dir.File("out"), 3), cancellation: stop.Token);

        var options = new ClusterRunOptions("", cluster.ClusterId, InProcessCluster.Secret, () => cluster.Network.CreateTransport());
        await using var client = await ClusterMonitorClient.ConnectAsync(options, TimeSpan.FromSeconds(5));
        RunMonitorSnapshot? before = null;
        for (int i = 0; i < 200 && before is null; i++)
        {
            var view = await client.QueryAsync(0);
            before = view.Runs.FirstOrDefault(r => r.History.Count(x => x.Step > 0) >= 3);
            if (before is null) await Task.Delay(50);
        }
        Assert.NotNull(before);
        var seenBefore = before!.History.Where(r => r.Step > 0).ToArray();

        await cluster.Node("node-1").DisposeAsync(); // the leader, and so the run's coordinator, leaves
        cluster.Nodes.RemoveAll(n => n.Info.NodeId == "node-1");

        RunMonitorSnapshot? after = null;
        ClusterView? last = null;
        for (int i = 0; i < 200 && after is null; i++)
        {
            last = await client.QueryAsync(0);
            after = last.Runs.FirstOrDefault(r => r.Info.RunId == before.Info.RunId && r.Events.Any(e => e.Kind == RunEventKinds.Recovery)
                && r.History.Any(x => x.WallS > seenBefore[^1].WallS + 0.05));
            if (after is null) await Task.Delay(50);
        }
        stop.Cancel();
        var result = await run;

        Assert.True(after is not null, $"no recovered history on the new leader; runs seen: {string.Join("; ", last?.Runs.Select(r => $"{r.Info.RunId} {r.Status} {r.History.Count} records, events {string.Join(",", r.Events.Select(e => e.Kind))}") ?? [])}");
        Assert.NotEqual("node-1", last!.Leader);
        // The records from before the failover are still there, and the timeline shows what happened.
        foreach (var record in seenBefore.Take(3))
            Assert.Contains(after!.History, r => r.Step == record.Step && r.WallS == record.WallS);
        var kinds = after!.Events.Select(e => e.Kind).ToArray();
        Assert.Equal(RunEventKinds.Started, kinds[0]);
        Assert.Contains(RunEventKinds.Failure, kinds);
        Assert.True(Array.IndexOf(kinds, RunEventKinds.Failure) < Array.LastIndexOf(kinds, RunEventKinds.Recovery), string.Join(", ", kinds));
        Assert.Contains(after.Events, e => e.Kind == RunEventKinds.Failure && e.Text.Contains("node-1", StringComparison.Ordinal));
        Assert.Equal(RunStatus.Cancelled, result.Status);
    }
}

/// <summary>Bad storage on a cluster: a corrupted newest checkpoint is named in a warning and the previous one is used.</summary>
public sealed class ClusterCheckpointTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string Text = """
        { "model": "virus-pde",
          "parameters": { "Du": 0.01, "Dv": 0.1, "Dw": 0.1, "chi": 0.2, "d1": 1, "d2": 1, "d3": 1, "beta": 1, "k": 1, "r": 4, "nx": 48, "Lx": 1 },
          "initial": { "state": "endemic", "amplitude": 0.01, "mode_x": 3 },
          "time": { "end": 4.0, "output_interval": 0.5 }, "run": { "blocks": 4, "seed": 1, "checkpoint": { "steps": 10 } } }
        """;

    [Fact]
    public async Task A_cluster_run_continued_past_a_corrupted_newest_checkpoint_uses_the_previous_one_and_ends_bit_identical()
    {
        var scenario = ScenarioLoader.Parse(Text, "ckpt.json");
        OutputDirectory.Prepare(_dir.File("local"), force: false);
        var local = await LocalRunner.RunAsync(scenario, new RunOptions(_dir.File("local"), Force: true));

        await using var cluster = await InProcessCluster.StartAsync(3);
        string checkpoints = _dir.File("checkpoints");
        var options = cluster.RunOptions(_dir.File("out"), 3) with { CheckpointDirectory = checkpoints };
        // Stop the run once it has two checkpoints (the stop adds a final one: three to choose from).
        using var stop = new CancellationTokenSource();
        var stopped = await ClusterRunner.RunAsync(scenario, Text, options, onProgress: _ =>
        {
            if (Directory.Exists(checkpoints) && Directory.EnumerateFiles(checkpoints, "manifest.json", SearchOption.AllDirectories).Count() >= 2) stop.Cancel();
        }, cancellation: stop.Token);
        Assert.Equal(RunStatus.Cancelled, stopped.Status);
        var record = JsonNode.Parse(File.ReadAllText(_dir.File("out/run.json")))!.AsObject();
        string runId = (string)record["cluster"]!["run_id"]!;
        var folders = Directory.GetDirectories(Path.Combine(checkpoints, runId), "ckpt-*").Order(StringComparer.Ordinal).ToArray();
        Assert.True(folders.Length >= 2, string.Join(", ", folders));
        string corrupted = Path.Combine(folders[^1], CheckpointStore.BlockFileName(2));
        var bytes = File.ReadAllBytes(corrupted);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(corrupted, bytes);

        var resumed = await ClusterRunner.RunAsync(scenario, Text, options with { ResumeRunId = runId, ResumeEpoch = (int?)record["cluster"]!["epoch"] + 1 ?? 1 });

        Assert.Equal(RunStatus.Completed, resumed.Status);
        Assert.Equal(local.ResultsSha256, resumed.ResultsSha256);
        var from = JsonNode.Parse(File.ReadAllText(_dir.File("out/run.json")))!["resumed_from"]!;
        Assert.Equal(folders[^2], (string?)from["checkpoint"]);
        var warning = Assert.Single(from["warnings"]!.AsArray());
        Assert.Contains(corrupted, (string?)warning);
        Assert.Contains("checksum mismatch", (string?)warning);
    }
}
