using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace ActorSim.Cli.Tests.Cluster;

/// <summary>
/// Node-local checkpoints with real processes on loopback: three <c>actorsim node</c> processes, each with a private
/// checkpoint directory of its own (<c>ACTORSIM_CHECKPOINT_DIR</c>; the config says <c>checkpoint_storage = node-local</c> and
/// names no shared directory). A node killed with SIGKILL after a checkpoint (its directory deleted too) costs nothing but a
/// rollback: its blocks come back from their buddy node's memory, the run finishes with the uninterrupted in-process
/// results_sha256, and run.json says where each block's state came from.
/// </summary>
[Collection(ClusterProcessCollection.Name)]
public sealed class BuddyCheckpointProcessTests(ITestOutputHelper output) : IDisposable
{
    private const string Secret = "buddy-cluster-secret-0123456789ab";
    private static readonly string[] Names = ["node-1", "node-2", "node-3"];
    private readonly ScratchDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string PrivateDirectory(string node) => _dir.File(Path.Combine("private", node));

    private static JsonObject RunJson(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "run.json")))!.AsObject();

    private static IEnumerable<string> Manifests(string directory) =>
        Directory.Exists(directory) ? Directory.EnumerateFiles(directory, "manifest.json", SearchOption.AllDirectories) : [];

    [Theory]
    [InlineData("worker")]
    [InlineData("coordinator")]
    public async Task Kill_9_of_a_node_with_private_checkpoint_directories_ends_bit_identical_from_buddy_memory(string role)
    {
        var (config, environment) = NodeProcesses.Setup("buddy", _dir.File("unused"), Secret, failureTimeoutMs: 4000);
        config.Remove("checkpoint_dir");
        config["checkpoint_storage"] = "node-local";
        await using var nodes = await NodeProcesses.StartAsync(_dir.Path, config, environment, 3,
            environmentOf: name => new Dictionary<string, string>(environment) { ["ACTORSIM_CHECKPOINT_DIR"] = PrivateDirectory(name) });
        var file = _dir.File("scenario.json");
        File.WriteAllText(file, ClusterRecoveryProcessTests.Scenario(end: 12.0, checkpointSteps: 20));
        var local = ActorsimProcess.Run(_dir.Path, "run", file, "--out", _dir.File("reference"), "-q", "--no-plots", "--force");
        Assert.True(local.ExitCode == 0, local.ToString());
        string expected = (string)RunJson(_dir.File("reference"))["results_sha256"]!;

        using var submit = LiveProcess.Actorsim("submitter", ["run", file, "--cluster", nodes.ConfigFile, "--out", _dir.File("out"), "--min-workers", "3", "--no-plots"],
            environment, _dir.Path);
        var (coordinator, placement) = await ClusterRecoveryProcessTests.AcceptedAsync(submit, 4);
        string victim = role == "coordinator" ? coordinator : placement.First(n => n != coordinator);
        Assert.Contains(victim, placement);

        // The first checkpoint is complete and its manifest on every node; each node's directory holds its own blocks' files only.
        var clock = Stopwatch.StartNew();
        while (!Names.All(n => Manifests(PrivateDirectory(n)).Any()))
        {
            Assert.False(submit.HasExited, "the run ended before its first checkpoint was on every node" + submit.Describe());
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("no checkpoint on every node after 60 s" + string.Concat(nodes.Nodes.Select(n => n.Describe())));
            await Task.Delay(20);
        }
        foreach (var node in Names)
        {
            var blocks = Directory.EnumerateFiles(PrivateDirectory(node), "block-*.bin", SearchOption.AllDirectories)
                .Select(f => int.Parse(Path.GetFileNameWithoutExtension(f)["block-".Length..])).Distinct().Order();
            Assert.Equal(Enumerable.Range(0, 4).Where(b => placement[b] == node), blocks);
        }

        nodes[victim].Kill();
        await nodes[victim].WaitForExitAsync(TimeSpan.FromSeconds(10));
        Directory.Delete(PrivateDirectory(victim), recursive: true); // its disk is gone too
        int exit;
        try
        {
            exit = await submit.WaitForExitAsync(TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + string.Concat(nodes.Nodes.Select(n => n.Describe())), e);
        }
        output.WriteLine(submit.StdErr);
        Assert.True(exit == 0, submit.Describe() + string.Concat(nodes.Nodes.Select(n => n.Describe())));

        var run = RunJson(_dir.File("out"));
        Assert.Equal("completed", (string?)run["status"]);
        Assert.Equal(expected, (string?)run["results_sha256"]);
        Assert.Equal(File.ReadAllBytes(_dir.File("reference/timeseries.csv")), File.ReadAllBytes(_dir.File("out/timeseries.csv")));
        Assert.Equal("node-local", (string?)run["cluster"]!["checkpoint_storage"]);
        var recovery = Assert.Single(run["recoveries"]!.AsArray())!.AsObject();
        output.WriteLine(recovery.ToJsonString());
        Assert.Equal(victim, (string?)recovery["node"]);
        Assert.True((long)recovery["resumed_from_step"]! >= 20, recovery.ToJsonString());
        var sources = recovery["restored_from"]!.AsArray().Select(s => (string)s!).ToArray();
        Assert.Equal(4, sources.Length);
        for (int b = 0; b < 4; b++)
        {
            Assert.DoesNotContain(victim, sources[b]);
            if (placement[b] == victim) Assert.Matches("^node-[123] memory$", sources[b]); // from the buddy's memory
        }
        Assert.DoesNotContain(victim, run["placement"]!.AsObject().Select(p => (string)p.Value!));

        nodes.Nodes.RemoveAll(n => n.Name == victim);
        await nodes.StopAsync();
    }
}
