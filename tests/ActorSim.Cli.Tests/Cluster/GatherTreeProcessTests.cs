using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace ActorSim.Cli.Tests.Cluster;

/// <summary>
/// The broadcast/gather tree over worker nodes with real processes (config <c>gather_tree_blocks</c>): three
/// <c>actorsim node</c> processes and particle-block runs of 12 blocks gather every round over a tree of the three nodes,
/// with the in-process run's results_sha256 and timeseries.csv; a run below the threshold keeps the flat path; a worker
/// killed mid-run ends the epoch and the run recovers from its checkpoint over a tree of the two nodes left, bit-identical.
/// </summary>
[Collection(ClusterProcessCollection.Name)]
public sealed class GatherTreeProcessTests(ITestOutputHelper output) : IDisposable
{
    private const string Secret = "gather-tree-secret-0123456789";
    private readonly ScratchDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A shipped particle scenario with <paramref name="blocks"/> blocks, a shorter end and, optionally, checkpoints.</summary>
    private static string Shipped(string name, int blocks, double end, int? checkpointSteps = null)
    {
        var doc = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot.Path, "scenarios", name + ".json")))!.AsObject();
        var time = doc["time"]!.AsObject();
        time["end"] = end;
        time["output_interval"] = Math.Min((double)time["output_interval"]!, end / 2);
        doc["run"]!["blocks"] = blocks;
        if (checkpointSteps is { } n) doc["run"]!["checkpoint"] = new JsonObject { ["steps"] = n };
        return doc.ToJsonString();
    }

    private async Task<(NodeProcesses Nodes, Dictionary<string, string> Environment)> StartNodesAsync(int failureTimeoutMs, Action<JsonObject>? more = null)
    {
        var (config, environment) = NodeProcesses.Setup("tree", _dir.File("checkpoints"), Secret, failureTimeoutMs);
        config["gather_tree_blocks"] = 12;
        more?.Invoke(config);
        return (await NodeProcesses.StartAsync(_dir.Path, config, environment, 3), environment);
    }

    private static JsonObject RunJson(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "run.json")))!.AsObject();

    private string Reference(string name, string file)
    {
        var local = ActorsimProcess.Run(_dir.Path, "run", file, "--out", _dir.File($"{name}-local"), "-q", "--no-plots", "--force");
        Assert.True(local.ExitCode == 0, local.ToString());
        return (string)RunJson(_dir.File($"{name}-local"))["results_sha256"]!;
    }

    [Fact]
    public async Task Particle_runs_of_12_blocks_gather_over_a_tree_of_the_three_nodes_with_the_in_process_results()
    {
        var (nodesStarted, environment) = await StartNodesAsync(failureTimeoutMs: 5000);
        await using var nodes = nodesStarted;
        foreach (var (name, blocks) in new[] { ("huxley-particles", 12), ("muscle-1d-particles", 12), ("huxley-particles", 4) })
        {
            string label = $"{name}-{blocks}";
            var file = _dir.File($"{label}.json");
            File.WriteAllText(file, Shipped(name, blocks, end: 0.4));
            string expected = Reference(label, file);

            using var submit = LiveProcess.Actorsim("submitter", ["run", file, "--cluster", nodes.ConfigFile, "--out", _dir.File($"{label}-cluster"),
                "--min-workers", "3", "--no-plots"], environment, _dir.Path);
            int exit = await submit.WaitForExitAsync(TimeSpan.FromMinutes(2));
            Assert.True(exit == 0, submit.Describe() + string.Concat(nodes.Nodes.Select(n => n.Describe())));
            var run = RunJson(_dir.File($"{label}-cluster"));
            Assert.Equal("completed", (string?)run["status"]);
            Assert.Equal(expected, (string?)run["results_sha256"]);
            Assert.Equal(File.ReadAllBytes(_dir.File($"{label}-local/timeseries.csv")), File.ReadAllBytes(_dir.File($"{label}-cluster/timeseries.csv")));
            Assert.Equal(["node-1", "node-2", "node-3"], run["placement"]!.AsObject().Select(p => (string)p.Value!).Distinct().Order());

            // The coordinator's node says whether it gathers over the tree (logs go to standard error).
            string runId = (string)run["cluster"]!["run_id"]!;
            var coordinator = nodes[(string)run["cluster"]!["coordinator_node"]!];
            string treeLine = $"Run {runId}: replies gathered over a tree of 3 worker nodes (fan-in 8, depth 1; root 'node-1', timeout 600 s)";
            if (blocks >= 12) await coordinator.WaitForErrorLineAsync(l => l.Contains(treeLine), TimeSpan.FromSeconds(10));
            else Assert.DoesNotContain($"Run {runId}: replies gathered over a tree", coordinator.StdErr);
            output.WriteLine($"{label}: {(string?)run["results_sha256"]}, coordinator {coordinator.Name}, tree {(blocks >= 12 ? "on" : "off")}");
        }
        await nodes.StopAsync();
    }

    [Fact]
    public async Task A_worker_killed_mid_run_ends_the_epoch_and_the_run_recovers_over_a_smaller_tree_bit_identical()
    {
        var (nodesStarted, environment) = await StartNodesAsync(failureTimeoutMs: 4000);
        await using var nodes = nodesStarted;
        var file = _dir.File("huxley.json");
        File.WriteAllText(file, Shipped("huxley-particles", 12, end: 4.0, checkpointSteps: 100));
        string expected = Reference("huxley", file);

        using var submit = LiveProcess.Actorsim("submitter", ["run", file, "--cluster", nodes.ConfigFile, "--out", _dir.File("out"), "--min-workers", "3", "--no-plots"],
            environment, _dir.Path);
        var (coordinator, placement) = await ClusterRecoveryProcessTests.AcceptedAsync(submit, 12);
        await ClusterRecoveryProcessTests.WaitForCheckpointAsync(_dir.File("checkpoints"), TimeSpan.FromSeconds(60));
        var victim = placement.First(n => n != coordinator);
        nodes[victim].Kill();

        int exit = await submit.WaitForExitAsync(TimeSpan.FromSeconds(120));
        output.WriteLine($"SIGKILL of worker {victim}{Environment.NewLine}{submit.StdErr}");
        Assert.True(exit == 0, submit.Describe() + string.Concat(nodes.Nodes.Select(n => n.Describe())));
        var run = RunJson(_dir.File("out"));
        Assert.Equal("completed", (string?)run["status"]);
        Assert.Equal(expected, (string?)run["results_sha256"]);
        Assert.Equal(File.ReadAllBytes(_dir.File("huxley-local/timeseries.csv")), File.ReadAllBytes(_dir.File("out/timeseries.csv")));
        var recovery = Assert.Single(run["recoveries"]!.AsArray())!.AsObject();
        Assert.Equal(victim, (string?)recovery["node"]);
        Assert.True((long)recovery["resumed_from_step"]! >= 100, recovery.ToJsonString());
        Assert.DoesNotContain(victim, run["placement"]!.AsObject().Select(p => (string)p.Value!));

        // Epoch 1 gathers over a tree of the two nodes left.
        string runId = (string)run["cluster"]!["run_id"]!;
        await nodes[coordinator].WaitForErrorLineAsync(l => l.Contains($"Run {runId}: replies gathered over a tree of 2 worker nodes"), TimeSpan.FromSeconds(10));
        nodes.Nodes.RemoveAll(n => n.Name == victim);
        await nodes.StopAsync();
    }

    [Fact]
    public async Task A_hung_worker_fails_the_round_with_GatherFailed_and_the_run_recovers_without_it_bit_identical()
    {
        // The membership would notice the frozen process only after a minute: here the tree's timeout (5 s at the root,
        // 2.5 s at the other nodes) ends the round first, naming the silent node, which the next epoch leaves out.
        var (nodesStarted, environment) = await StartNodesAsync(failureTimeoutMs: 60_000, config =>
        {
            config["gather_tree_timeout_s"] = 5;
            config["unreachable_after_ms"] = 60_000;
            config["down_after_ms"] = 60_000;
        });
        await using var nodes = nodesStarted;
        var file = _dir.File("huxley.json");
        File.WriteAllText(file, Shipped("huxley-particles", 12, end: 4.0, checkpointSteps: 100));
        string expected = Reference("huxley", file);

        using var submit = LiveProcess.Actorsim("submitter", ["run", file, "--cluster", nodes.ConfigFile, "--out", _dir.File("out"), "--min-workers", "3", "--no-plots"],
            environment, _dir.Path);
        var (coordinator, placement) = await ClusterRecoveryProcessTests.AcceptedAsync(submit, 12);
        await ClusterRecoveryProcessTests.WaitForCheckpointAsync(_dir.File("checkpoints"), TimeSpan.FromSeconds(60));
        // Not the tree's root (node-1, the first in id order): a frozen root would leave nobody to time the round.
        var victim = placement.Distinct().Order().First(n => n != coordinator && n != "node-1");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        nodes[victim].Stop();
        try
        {
            await submit.WaitForErrorLineAsync(l => l.Contains("continues in epoch 1"), TimeSpan.FromSeconds(60));
            output.WriteLine($"epoch 1 after {clock.Elapsed.TotalSeconds:0.0} s");
            nodes[victim].Continue(); // back, but left out of epoch 1 (its blocks of epoch 0 are released)
            int exit = await submit.WaitForExitAsync(TimeSpan.FromSeconds(120));
            output.WriteLine($"SIGSTOP of worker {victim}: run ended after {clock.Elapsed.TotalSeconds:0.0} s{Environment.NewLine}{submit.StdErr}");
            Assert.True(exit == 0, submit.Describe() + string.Concat(nodes.Nodes.Select(n => n.Describe())));
        }
        finally
        {
            nodes[victim].Continue();
        }
        var run = RunJson(_dir.File("out"));
        Assert.Equal("completed", (string?)run["status"]);
        Assert.Equal(expected, (string?)run["results_sha256"]);
        Assert.Equal(File.ReadAllBytes(_dir.File("huxley-local/timeseries.csv")), File.ReadAllBytes(_dir.File("out/timeseries.csv")));
        var recovery = Assert.Single(run["recoveries"]!.AsArray())!.AsObject();
        Assert.Equal(victim, (string?)recovery["node"]);
        Assert.DoesNotContain(victim, run["placement"]!.AsObject().Select(p => (string)p.Value!));
        int tree = Array.IndexOf(new[] { "node-1", "node-2", "node-3" }, victim);
        Assert.Contains($"did not all arrive: tree node 0, round", submit.StdErr);
        Assert.Contains($"round not complete after 5 s: nothing from child node {tree} (holding 4 leaves)", submit.StdErr);
        Assert.Contains($"nothing came in time from node '{victim}'", submit.StdErr);
        await nodes.StopAsync();
        output.WriteLine($"nodes stopped after {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
