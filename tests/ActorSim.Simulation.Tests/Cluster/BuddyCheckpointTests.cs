using System.Diagnostics;
using System.Text.Json.Nodes;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Runtime.Cluster;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Tests.Output;

namespace ActorSim.Simulation.Tests.Cluster;

/// <summary>
/// Node-local ("buddy") checkpoints on three nodes in this process, each with a checkpoint directory of its own: each node's
/// directory holds only its own blocks' files and every manifest; when a node goes away (and its directory with it) after a
/// checkpoint, its blocks come back from their buddy's memory, every other block from its own node, all from the same
/// step, and the run ends bit-identical to the in-process run.
/// </summary>
public sealed class BuddyCheckpointTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string VirusPde2D = """
            { "model": "virus-pde",
              "parameters": { "Du": 0.01, "Dv": 0.1, "Dw": 0.1, "chi": 0.22, "d1": 1, "d2": 1, "d3": 1, "beta": 1, "k": 1, "r": 4, "nx": 24, "ny": 24 },
              "initial": { "state": "endemic", "amplitude": 0.02, "mode_x": 2, "mode_y": 3, "noise": 0.002 },
              "time": { "end": 6.0, "output_interval": 0.5 }, "run": { "blocks": 4, "seed": 7, "checkpoint": { "steps": 10 } } }
            """;

    public static TheoryData<string, string, string> Scenarios => new()
    {
        { "virus-pde 2D (subdomain blocks)", VirusPde2D, "worker" },
        { "muscle-1d-particles (particle blocks)", WithCheckpoints(ClusterRunTests.Shipped("muscle-1d-particles", end: 3.0), steps: 10), "worker" },
        { "virus-pde 2D, the coordinator's node lost (the manifest survives on the others)", VirusPde2D, "coordinator" },
    };

    private static string WithCheckpoints(string text, int steps)
    {
        var doc = JsonNode.Parse(text)!.AsObject();
        doc["run"]!["blocks"] = 4;
        doc["run"]!["checkpoint"] = new JsonObject { ["steps"] = steps };
        return doc.ToJsonString();
    }

    private static Scenario Parse(string text) => ScenarioLoader.Parse(text, "buddy-scenario.json", HeatDefinition.Catalog);

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task A_lost_node_s_blocks_come_back_from_buddy_memory_and_the_result_is_bit_identical(string name, string text, string role)
    {
        var scenario = Parse(text);
        OutputDirectory.Prepare(_dir.File("local"), force: false);
        var local = await LocalRunner.RunModelAsync(scenario, HeatDefinition.Catalog.Single(m => m.Name == scenario.Model).Create(scenario),
            new RunOptions(_dir.File("local")));

        await using var cluster = await InProcessCluster.StartAsync(3, nodeLocal: true);
        RunAccepted? first = null;
        var accepted = new TaskCompletionSource<RunAccepted>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = ClusterRunner.RunAsync(scenario, text, cluster.RunOptions(_dir.File("out"), 3), onAccepted: a => accepted.TrySetResult(first = a));
        var a = await accepted.Task.WaitAsync(TimeSpan.FromSeconds(60));
        string victim = role == "coordinator" ? a.CoordinatorNode : a.Placement.First(n => n != a.CoordinatorNode);
        Assert.Contains(victim, a.Placement);
        int[] victimBlocks = BlockPlacement.BlocksOf(a.Placement, victim);

        // Until every node holds a manifest (the first checkpoint is complete and replicated), then the victim goes, and its directory too.
        var clock = Stopwatch.StartNew();
        while (!new[] { "node-1", "node-2", "node-3" }.All(n => Manifests(cluster.CheckpointDirectoryOf(n)).Any()))
        {
            Assert.False(run.IsCompleted, $"{name}: the run ended before its first checkpoint was on every node");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "no checkpoint on every node after 60 s");
            await Task.Delay(10);
        }
        // Each node's directory holds its own blocks' files only: nothing is shared.
        foreach (var node in new[] { "node-1", "node-2", "node-3" })
        {
            var files = Directory.EnumerateFiles(cluster.CheckpointDirectoryOf(node), "block-*.bin", SearchOption.AllDirectories)
                .Select(f => int.Parse(Path.GetFileNameWithoutExtension(f)["block-".Length..])).Distinct().Order().ToArray();
            Assert.Equal(BlockPlacement.BlocksOf(a.Placement, node), files);
        }
        await cluster.Node(victim).DisposeAsync();
        cluster.Nodes.Remove(cluster.Node(victim));
        Directory.Delete(cluster.CheckpointDirectoryOf(victim), recursive: true);

        var result = await run.WaitAsync(TimeSpan.FromSeconds(120));
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(local.ResultsSha256, result.ResultsSha256);
        Assert.Equal(File.ReadAllBytes(_dir.File("local/timeseries.csv")), File.ReadAllBytes(_dir.File("out/timeseries.csv")));
        var json = JsonNode.Parse(File.ReadAllText(_dir.File("out/run.json")))!.AsObject();
        Assert.Equal("node-local", (string?)json["cluster"]!["checkpoint_storage"]);
        var recovery = Assert.Single(json["recoveries"]!.AsArray())!.AsObject();
        output.WriteLine($"{name}: placement {BlockPlacement.Describe(a.Placement)}, {victim} lost; recovery {recovery.ToJsonString()}");
        Assert.Equal(victim, (string?)recovery["node"]);
        Assert.True((long)recovery["resumed_from_step"]! >= 10, recovery.ToJsonString());
        var sources = recovery["restored_from"]!.AsArray().Select(s => (string)s!).ToArray();
        Assert.Equal(4, sources.Length);
        for (int b = 0; b < 4; b++)
        {
            if (victimBlocks.Contains(b)) Assert.Matches("^node-[123] memory$", sources[b]); // the buddy's copy
            Assert.DoesNotContain(victim, sources[b]);
        }
        Assert.NotNull(first);
    }

    /// <summary>
    /// A run stopped with Ctrl-C keeps its in-memory copies: after one of its nodes is then lost (its directory too), the
    /// resumed run (what <c>actorsim resume --cluster</c> does) continues from the final checkpoint with the lost node's
    /// blocks from buddy memory, and ends bit-identical to the uninterrupted run.
    /// </summary>
    [Fact]
    public async Task A_stopped_run_resumes_after_losing_a_node_with_the_lost_blocks_from_buddy_memory()
    {
        var scenario = Parse(VirusPde2D);
        OutputDirectory.Prepare(_dir.File("local"), force: false);
        var local = await LocalRunner.RunModelAsync(scenario, HeatDefinition.Catalog.Single(m => m.Name == scenario.Model).Create(scenario),
            new RunOptions(_dir.File("local")));

        await using var cluster = await InProcessCluster.StartAsync(3, nodeLocal: true);
        using var stop = new CancellationTokenSource();
        RunAccepted? accepted = null;
        var options = cluster.RunOptions(_dir.File("out"), 3);
        var stopped = await ClusterRunner.RunAsync(scenario, VirusPde2D, options, onAccepted: a => accepted = a,
            onProgress: p => { if (p.Steps >= 12) stop.Cancel(); }, cancellation: stop.Token);
        Assert.Equal(RunStatus.Cancelled, stopped.Status);
        var first = JsonNode.Parse(File.ReadAllText(_dir.File("out/run.json")))!.AsObject();
        string runId = (string)first["cluster"]!["run_id"]!;
        Assert.Equal(runId, (string?)first["cluster"]!["checkpoint_directory"]); // relative: under each node's checkpoint_dir

        string victim = accepted!.Placement.First(n => n != accepted.CoordinatorNode);
        await cluster.Node(victim).DisposeAsync();
        cluster.Nodes.Remove(cluster.Node(victim));
        Directory.Delete(cluster.CheckpointDirectoryOf(victim), recursive: true);

        RunAccepted? resumedAt = null;
        var result = await ClusterRunner.RunAsync(scenario, VirusPde2D, options with
        {
            ResumeRunId = runId, ResumeEpoch = 1, ResumeCheckpointDirectory = runId, MinWorkers = 2,
        }, onAccepted: a => resumedAt = a);
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(local.ResultsSha256, result.ResultsSha256);
        Assert.Equal(File.ReadAllBytes(_dir.File("local/timeseries.csv")), File.ReadAllBytes(_dir.File("out/timeseries.csv")));
        Assert.NotNull(resumedAt!.Resume);
        Assert.True(resumedAt.Resume!.Step >= 12, $"resumed from step {resumedAt.Resume.Step}");
        foreach (int b in BlockPlacement.BlocksOf(accepted.Placement, victim)) Assert.Matches("^node-[123] memory$", resumedAt.RestoredFrom[b]);
        Assert.All(resumedAt.RestoredFrom, source => Assert.DoesNotContain(victim, source));
    }

    /// <summary>
    /// What node-local checkpoints do not protect: a block's node and its buddy's node lost together. Block 0's state was
    /// on node-2 (its file) and node-3 (the buddy's memory) only, so no checkpoint survives for it: the run starts over on
    /// node-1 from t = 0, says why, and still ends bit-identical.
    /// </summary>
    [Fact]
    public async Task Losing_a_block_s_node_and_its_buddy_together_starts_the_run_over_and_says_why()
    {
        var scenario = Parse(VirusPde2D);
        OutputDirectory.Prepare(_dir.File("local"), force: false);
        var local = await LocalRunner.RunModelAsync(scenario, HeatDefinition.Catalog.Single(m => m.Name == scenario.Model).Create(scenario),
            new RunOptions(_dir.File("local")));

        await using var cluster = await InProcessCluster.StartAsync(3, nodeLocal: true);
        var accepted = new TaskCompletionSource<RunAccepted>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = ClusterRunner.RunAsync(scenario, VirusPde2D, cluster.RunOptions(_dir.File("out"), 3), onAccepted: a => accepted.TrySetResult(a));
        var a = await accepted.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("node-1", a.CoordinatorNode);
        int[] lost = BlockPlacement.BlocksOf(a.Placement, "node-2"); // their buddy is node-3
        Assert.NotEmpty(lost);
        var clock = Stopwatch.StartNew();
        while (!new[] { "node-1", "node-2", "node-3" }.All(n => Manifests(cluster.CheckpointDirectoryOf(n)).Any()))
        {
            Assert.False(run.IsCompleted, "the run ended before its first checkpoint was on every node");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "no checkpoint on every node after 60 s");
            await Task.Delay(10);
        }
        var victims = new[] { cluster.Node("node-2"), cluster.Node("node-3") };
        await Task.WhenAll(victims.Select(v => v.DisposeAsync().AsTask()));
        foreach (var v in victims) cluster.Nodes.Remove(v);
        foreach (var name in new[] { "node-2", "node-3" }) Directory.Delete(cluster.CheckpointDirectoryOf(name), recursive: true);

        var result = await run.WaitAsync(TimeSpan.FromSeconds(120));
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(local.ResultsSha256, result.ResultsSha256);
        var json = JsonNode.Parse(File.ReadAllText(_dir.File("out/run.json")))!.AsObject();
        var recoveries = json["recoveries"]!.AsArray().Select(r => r!.AsObject()).ToArray();
        output.WriteLine(string.Join(Environment.NewLine, recoveries.Select(r => r.ToJsonString())));
        Assert.Contains(recoveries, r => (long)r["resumed_from_step"]! == 0 && r["checkpoint_warnings"]!.AsArray().Any(w =>
            ((string)w!).Contains($"no surviving node holds the state of block{(lost.Length == 1 ? "" : "s")} {string.Join(", ", lost)}", StringComparison.Ordinal)));
        Assert.Equal(["node-1"], json["placement"]!.AsObject().Select(p => (string)p.Value!).Distinct());
    }

    private static IEnumerable<string> Manifests(string directory) =>
        Directory.Exists(directory) ? Directory.EnumerateFiles(directory, CheckpointStore.ManifestName, SearchOption.AllDirectories) : [];
}
