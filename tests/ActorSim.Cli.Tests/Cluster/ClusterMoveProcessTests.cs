using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace ActorSim.Cli.Tests.Cluster;

/// <summary>
/// Elastic runs (issue "Elastic cluster", item 1) with real processes: a run of 4 blocks on 2 nodes, and a third node that
/// joins while it runs: the blocks move to it at the next step (a checkpoint there, the next epoch goes on from it over
/// the three nodes; with <c>--keep-placement</c> nothing moves). And a run on 3 nodes, one of which is stopped with
/// SIGTERM: it hands its blocks over at the next step before it leaves. Either way no step is computed twice, nothing
/// is recovered (no failure), and the results are the uninterrupted in-process run's, bit for bit.
/// </summary>
[Collection(ClusterProcessCollection.Name)]
public sealed class ClusterMoveProcessTests(ITestOutputHelper output) : IDisposable
{
    private const string Secret = "join-move-cluster-secret-0123456789";
    private readonly ScratchDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_worker_that_joins_mid_run_receives_blocks_at_the_next_step_without_recomputing_any(bool keepPlacement)
    {
        var (config, environment) = NodeProcesses.Setup("join", _dir.File("checkpoints"), Secret, failureTimeoutMs: 4000);
        await using var nodes = await NodeProcesses.StartAsync(_dir.Path, config, environment, 3, startNow: 2);
        var file = _dir.File("scenario.json");
        File.WriteAllText(file, ClusterRecoveryProcessTests.Scenario(end: 20.0, checkpointSteps: 200));
        string expected = Reference(file);

        using var submit = LiveProcess.Actorsim("submitter", ["run", file, "--cluster", nodes.ConfigFile, "--out", _dir.File("out"), "--min-workers", "2", "--no-plots",
            .. keepPlacement ? ["--keep-placement"] : Array.Empty<string>()], environment, _dir.Path);
        var (_, placement) = await ClusterRecoveryProcessTests.AcceptedAsync(submit, 4);
        Assert.DoesNotContain("node-3", placement);
        // Well into the run (a few output rows written), then the third node joins.
        await OutputRowsAsync(submit, 3);
        await nodes.StartNodeAsync("node-3");

        int exit = await submit.WaitForExitAsync(TimeSpan.FromSeconds(180));
        output.WriteLine(submit.StdErr);
        Assert.True(exit == 0, submit.Describe() + string.Concat(nodes.Nodes.Select(n => n.Describe())));
        var run = RunJson(_dir.File("out"));
        Assert.Equal("completed", (string?)run["status"]);
        Assert.Equal(expected, (string?)run["results_sha256"]);
        Assert.Equal(File.ReadAllBytes(_dir.File("reference/timeseries.csv")), File.ReadAllBytes(_dir.File("out/timeseries.csv")));
        Assert.Empty(run["recoveries"]!.AsArray());
        var moves = run["moves"]!.AsArray();
        if (keepPlacement)
        {
            Assert.Empty(moves);
            Assert.Equal(0, (int)run["cluster"]!["epoch"]!);
            await nodes.StopAsync();
            return;
        }
        // Unless the run ended before the node was up (it runs for seconds, the node joins in one), the blocks moved.
        var move = Assert.Single(moves)!.AsObject();
        output.WriteLine($"move: {move.ToJsonString()}");
        Assert.Equal("join", (string?)move["why"]);
        Assert.Equal("node-3", (string?)move["node"]);
        Assert.Equal(0, (long)move["steps_recomputed"]!);
        Assert.Equal((long)move["step"]!, (long)move["resumed_from_step"]!);
        Assert.True((long)move["step"]! > 0);
        var moved = move["blocks_moved"]!.AsArray();
        Assert.NotEmpty(moved);
        Assert.All(moved, m => Assert.Equal("node-3", (string?)m!["to"]));
        Assert.All(moved, m => Assert.True((long)m!["bytes"]! > 0)); // each block's state in the checkpoint it moved through
        Assert.Equal(moved.Sum(m => (long)m!["bytes"]!), (long)move["bytes_moved"]!);
        Assert.Contains("node-3", run["placement"]!.AsObject().Select(p => (string?)p.Value));
        Assert.Equal(1, (int)run["cluster"]!["epoch"]!);
        Assert.Contains("to move blocks: worker 'node-3' joined", submit.StdErr);
        // The run's history says so too (monitor.jsonl, which `actorsim status` and the dashboard read).
        string monitor = File.ReadAllText(_dir.File("out/monitor.jsonl"));
        Assert.Contains("\"kind\":\"move\"", monitor);
        Assert.DoesNotContain("\"kind\":\"cancelled\"", monitor);
        await nodes.StopAsync();
    }

    [Fact]
    public async Task A_node_stopped_with_SIGTERM_hands_its_blocks_over_at_the_next_step_before_it_leaves()
    {
        var (config, environment) = NodeProcesses.Setup("leave", _dir.File("checkpoints"), Secret, failureTimeoutMs: 4000);
        await using var nodes = await NodeProcesses.StartAsync(_dir.Path, config, environment, 3);
        var file = _dir.File("scenario.json");
        File.WriteAllText(file, ClusterRecoveryProcessTests.Scenario(end: 20.0, checkpointSteps: 200));
        string expected = Reference(file);

        using var submit = LiveProcess.Actorsim("submitter", ["run", file, "--cluster", nodes.ConfigFile, "--out", _dir.File("out"), "--min-workers", "3", "--no-plots"],
            environment, _dir.Path);
        var (coordinator, placement) = await ClusterRecoveryProcessTests.AcceptedAsync(submit, 4);
        string leaving = placement.First(n => n != coordinator);
        await OutputRowsAsync(submit, 3);
        var victim = nodes[leaving];
        victim.Terminate();
        int code = await victim.WaitForExitAsync(TimeSpan.FromSeconds(90));
        Assert.True(code == 0, victim.Describe());
        Assert.Contains($"actorsim node '{leaving}' handed the blocks of 1 run over", victim.StdOut);
        Assert.Contains($"actorsim node '{leaving}' left", victim.StdOut);

        int exit = await submit.WaitForExitAsync(TimeSpan.FromSeconds(180));
        output.WriteLine(submit.StdErr);
        Assert.True(exit == 0, submit.Describe() + string.Concat(nodes.Nodes.Select(n => n.Describe())));
        var run = RunJson(_dir.File("out"));
        Assert.Equal("completed", (string?)run["status"]);
        Assert.Equal(expected, (string?)run["results_sha256"]);
        Assert.Empty(run["recoveries"]!.AsArray());
        var move = Assert.Single(run["moves"]!.AsArray())!.AsObject();
        output.WriteLine($"move: {move.ToJsonString()}");
        Assert.Equal("leave", (string?)move["why"]);
        Assert.Equal(leaving, (string?)move["node"]);
        Assert.Equal(0, (long)move["steps_recomputed"]!);
        Assert.All(move["blocks_moved"]!.AsArray(), m => Assert.Equal(leaving, (string?)m!["from"]));
        Assert.DoesNotContain(leaving, run["placement"]!.AsObject().Select(p => (string?)p.Value));
        nodes.Nodes.Remove(victim);
        await nodes.StopAsync();
    }

    /// <summary>
    /// Load balancing (issue "Elastic cluster", item 2): node-3 runs as a machine four times slower
    /// (<c>ACTORSIM_NODE_SLOWDOWN=4</c>: its blocks compute one at a time, each followed by a sleep of three times its
    /// duration). Its blocks show in the per-block compute times; the submitter re-places the blocks at a step (live:
    /// muscle-1d is a particle model), the slow node's blocks go to the others, the imbalance falls below the threshold, steps per second rise, and the
    /// results are the in-process run's.
    /// </summary>
    [Fact]
    public async Task A_slowed_worker_loses_its_blocks_to_the_others_and_the_run_gets_faster()
    {
        var (config, environment) = NodeProcesses.Setup("balance", _dir.File("checkpoints"), Secret, failureTimeoutMs: 4000);
        await using var nodes = await NodeProcesses.StartAsync(_dir.Path, config, environment, 3,
            environmentOf: name => name == "node-3" ? new Dictionary<string, string>(environment) { ["ACTORSIM_NODE_SLOWDOWN"] = "4" } : environment);
        var file = _dir.File("scenario.json");
        File.WriteAllText(file, """
            { "model": "muscle-1d",
              "parameters": { "method": "particles", "constraint": "stretch", "N": 300000, "M": 1.0, "m": 1.0, "k0": 4.0, "k1": 2.0, "x_star": 0.5,
                              "density": "sine-bump", "x_lo": 0.5, "x_hi": 1.5, "cells": 1000, "grid_min": 0.0, "grid_max": 2.5, "w1": "off" },
              "initial": { "y": 0.0, "ydot": 0.6 },
              "time": { "end": 50.0, "output_interval": 0.5, "dt": 0.01 },
              "run": { "blocks": 6, "seed": 11, "checkpoint": { "steps": 2000 } } }
            """);
        string expected = Reference(file);

        using var submit = LiveProcess.Actorsim("submitter", ["run", file, "--cluster", nodes.ConfigFile, "--out", _dir.File("out"), "--min-workers", "3", "--no-plots",
            "--balance-threshold", "1.2"], environment, _dir.Path);
        var (_, placement) = await ClusterRecoveryProcessTests.AcceptedAsync(submit, 6);
        Assert.Equal(2, placement.Count(n => n == "node-3"));
        int exit = await submit.WaitForExitAsync(TimeSpan.FromSeconds(240));
        output.WriteLine(submit.StdErr);
        Assert.True(exit == 0, submit.Describe() + string.Concat(nodes.Nodes.Select(n => n.Describe())));
        var run = RunJson(_dir.File("out"));
        Assert.Equal(expected, (string?)run["results_sha256"]);
        Assert.Empty(run["recoveries"]!.AsArray());
        if (run["moves"]!.AsArray().Count != 1)
            Assert.Fail($"moves: {run["moves"]!.ToJsonString()}; wall {run["wall_time_seconds"]}; imbalance of the records: " +
                string.Join(", ", File.ReadLines(_dir.File("out/monitor.jsonl")).Select(l => JsonNode.Parse(l)?["record"]?["imbalance"]).OfType<JsonNode>()
                    .Select(v => ((double)v).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture))));
        var move = run["moves"]!.AsArray()[0]!.AsObject();
        output.WriteLine($"move: {move.ToJsonString()}");
        Assert.Equal("imbalance", (string?)move["why"]);
        Assert.Equal(0, (long)move["steps_recomputed"]!);
        Assert.True((bool)move["live"]!, "a particle model moves its blocks live"); // ClusterRunActor.LiveMove.cs
        Assert.Equal(0, (int)run["cluster"]!["epoch"]!);
        Assert.True((double)move["imbalance"]! > 1.2);
        var moved = move["blocks_moved"]!.AsArray();
        Assert.Equal(2, moved.Count);
        Assert.All(moved, m => Assert.Equal("node-3", (string?)m!["from"]));
        Assert.DoesNotContain("node-3", run["placement"]!.AsObject().Select(p => (string?)p.Value));
        Assert.True((double)move["node_cost_s"]!["node-3"]! > 2 * (double)move["node_cost_s"]!["node-1"]!, move.ToJsonString());
        // After the move: balanced, and faster.
        Assert.True((double)move["imbalance_after"]! < 1.2, move.ToJsonString());
        Assert.True((double)move["steps_per_s_after"]! > (double)move["steps_per_s_before"]!, move.ToJsonString());
        await nodes.StopAsync();
    }

    private string Reference(string file)
    {
        var reference = ActorsimProcess.Run(_dir.Path, "run", file, "--out", _dir.File("reference"), "-q", "--no-plots", "--force");
        Assert.True(reference.ExitCode == 0, reference.ToString());
        return (string)RunJson(_dir.File("reference"))["results_sha256"]!;
    }

    /// <summary>Waits until the run has written more than <paramref name="rows"/> output rows.</summary>
    private async Task OutputRowsAsync(LiveProcess submit, int rows)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(_dir.File("out/timeseries.csv")) || File.ReadLines(_dir.File("out/timeseries.csv")).Count() <= rows)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60) && !submit.HasExited, "no output rows" + submit.Describe());
            await Task.Delay(50);
        }
    }

    private static JsonObject RunJson(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "run.json")))!.AsObject();
}
