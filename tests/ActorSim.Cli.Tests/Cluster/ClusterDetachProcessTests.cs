using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace ActorSim.Cli.Tests.Cluster;

/// <summary>
/// Runs that outlive their submitter (issue "Elastic cluster", item 4), with real processes: <c>run --detach</c> hands a
/// run to the cluster (the leader drives it in its own process and writes the outputs), <c>attach</c> follows it; the
/// follower may die, the driving node may be killed (the new leader takes the run over from its last checkpoint) or leave
/// with SIGTERM (it stops the run at a checkpoint and the leader goes on from there): the run ends with the
/// uninterrupted in-process result, bit for bit.
/// </summary>
[Collection(ClusterProcessCollection.Name)]
public sealed class ClusterDetachProcessTests(ITestOutputHelper output) : IDisposable
{
    private const string Secret = "detached-run-cluster-secret-0123456789";
    private readonly ScratchDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <remarks>SIGSTOP: the frozen driving node is downed, the leader takes the run over, and the node is let go on
    /// only after the run completed elsewhere: it finds itself removed and exits, and the outputs stay the completed
    /// run's. (Should its driver get to write before the process ends, the <c>.driver</c> file of the taking-over driver
    /// stops it: <c>ClusterRunTests.A_driver_that_lost_the_run_writes_no_run_json_…</c>.)</remarks>
    [Theory]
    [InlineData("SIGKILL")]
    [InlineData("SIGTERM")]
    [InlineData("SIGSTOP")]
    public async Task A_detached_run_outlives_its_submitter_and_its_driving_node(string signal)
    {
        var (config, environment) = NodeProcesses.Setup("detach", _dir.File("checkpoints"), Secret, failureTimeoutMs: 4000);
        await using var nodes = await NodeProcesses.StartAsync(_dir.Path, config, environment, 3);
        var file = _dir.File("scenario.json");
        File.WriteAllText(file, ClusterRecoveryProcessTests.Scenario(end: 20.0, checkpointSteps: 200));
        string expected = Reference(file);
        string outDir = _dir.File("out");

        if (signal == "SIGKILL")
        {
            // Bad input first: a run handed over without a cluster, into a directory that is not empty, and an unknown run id.
            var noCluster = ActorsimProcess.Run(_dir.Path, "run", file, "--out", outDir, "--detach");
            Assert.True(noCluster.ExitCode == 2 && noCluster.StdErr.Contains("--detach hands a run to a cluster"), noCluster.ToString());
            Directory.CreateDirectory(_dir.File("full"));
            File.WriteAllText(_dir.File("full/keep.txt"), "mine");
            var full = ActorsimProcess.Run(_dir.Path, ["run", file, "--cluster", nodes.ConfigFile, "--out", _dir.File("full"), "--detach"], environment: environment);
            Assert.True(full.ExitCode == 2 && full.StdErr.Contains("the cluster did not take the run") && full.StdErr.Contains("not empty"), full.ToString());
            var unknown = ActorsimProcess.Run(_dir.Path, ["attach", "20990101T000000-abcdef", "--cluster", nodes.ConfigFile], environment: environment);
            Assert.True(unknown.ExitCode == 2 && unknown.StdErr.Contains("knows run 20990101T000000-abcdef"), unknown.ToString());
        }

        var detach = ActorsimProcess.Run(_dir.Path, ["run", file, "--cluster", nodes.ConfigFile, "--out", outDir, "--detach", "--min-workers", "3"], environment: environment);
        Assert.True(detach.ExitCode == 0, detach.ToString());
        var handed = detach.StdOut.Split('\n').First(l => l.Contains("handed to cluster"));
        string runId = handed.Split(' ')[1];
        string driver = handed.Split('\'')[3];
        Assert.Contains($"actorsim attach {runId} --cluster", detach.StdOut);

        // A follower that dies: the run goes on.
        using (var follower = LiveProcess.Actorsim("attach-1", ["attach", runId, "--cluster", nodes.ConfigFile], environment, _dir.Path))
        {
            await follower.WaitForLineAsync(l => l.Contains($"Run {runId}: running, driven by node '{driver}'"), TimeSpan.FromSeconds(60));
            follower.Kill();
            await follower.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
        // Then the node driving it, well into the run (past a checkpoint, a few rows written).
        await OutputRowsAsync(outDir, 3);
        var victim = nodes[driver];
        if (signal == "SIGKILL") victim.Kill();
        else if (signal == "SIGTERM") victim.Terminate();
        else victim.Stop();
        if (signal != "SIGSTOP")
        {
            int code = await victim.WaitForExitAsync(TimeSpan.FromSeconds(90));
            if (signal == "SIGTERM")
            {
                Assert.True(code == 0, victim.Describe());
                Assert.Contains($"actorsim node '{driver}' handed 1 run it drove over", victim.StdOut);
            }
        }
        nodes.Nodes.Remove(victim);
        using var victimProcess = victim; // killed at the end if still there (a frozen node left behind by a failing assertion)

        // The second follower also copies the outputs from the machine they were written on (here the same one).
        string copy = _dir.File("copy");
        using var attach = LiveProcess.Actorsim("attach-2", ["attach", runId, "--cluster", nodes.ConfigFile, .. signal == "SIGKILL" ? ["--out", copy] : Array.Empty<string>()],
            environment, _dir.Path);
        int exit = await attach.WaitForExitAsync(TimeSpan.FromSeconds(240));
        output.WriteLine(attach.StdOut);
        Assert.True(exit == 0, attach.Describe() + string.Concat(nodes.Nodes.Select(n => n.Describe())) + victim.Describe());
        if (signal == "SIGSTOP")
        {
            // Back after the run completed elsewhere: removed from the cluster, it exits; its driver writes nothing.
            victim.Continue();
            int code = await victim.WaitForExitAsync(TimeSpan.FromSeconds(90));
            Assert.True(code != 0 && victim.StdErr.Contains("the cluster removed this node"), victim.Describe());
        }
        Assert.Contains($"Run {runId} completed at t = 20", attach.StdOut);
        Assert.Contains($"results_sha256 {expected}", attach.StdOut);
        Assert.Contains("driven by another node 1 time", attach.StdOut);

        var run = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "run.json")))!.AsObject();
        output.WriteLine(run["resumed_from"]?.ToJsonString());
        Assert.Equal("completed", (string?)run["status"]);
        Assert.Equal(expected, (string?)run["results_sha256"]);
        Assert.Equal(File.ReadAllBytes(_dir.File("reference/timeseries.csv")), File.ReadAllBytes(Path.Combine(outDir, "timeseries.csv")));
        Assert.Equal(runId, (string?)run["cluster"]!["run_id"]);
        string how = (string)run["resumed_from"]!["how"]!;
        Assert.StartsWith("taken over by node 'node-", how);
        Assert.Contains(signal != "SIGTERM" ? $"its driving node '{driver}' was lost" : $"its driving node '{driver}' left and handed it over at a checkpoint", how);
        string drivenBy = (string)run["cluster"]!["submitter_node"]!;
        Assert.StartsWith("drive-node-", drivenBy);
        Assert.DoesNotContain($"drive-{driver}-", drivenBy);
        Assert.True((long)run["resumed_from"]!["step"]! > 0, "the run went on from a checkpoint, not from the start");
        if (signal == "SIGKILL")
        {
            var files = Directory.EnumerateFiles(outDir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(outDir, f)).Order().ToArray();
            Assert.Contains("timeseries.csv", files);
            Assert.Contains($"Copied {files.Length} files of the outputs from node '", attach.StdOut);
            Assert.Equal(files, Directory.EnumerateFiles(copy, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(copy, f)).Order().ToArray());
            Assert.All(files, f => Assert.Equal(File.ReadAllBytes(Path.Combine(outDir, f)), File.ReadAllBytes(Path.Combine(copy, f))));
        }
        await nodes.StopAsync();
    }

    /// <summary><c>attach --stop</c> stops a detached run at a checkpoint; <c>resume --cluster --detach</c> hands it back to the
    /// cluster (a second one is refused while it runs) and it finishes with the uninterrupted result.</summary>
    [Fact]
    public async Task Attach_stop_stops_a_detached_run_at_a_checkpoint_and_resume_finishes_it()
    {
        var (config, environment) = NodeProcesses.Setup("detstop", _dir.File("checkpoints"), Secret, failureTimeoutMs: 4000);
        await using var nodes = await NodeProcesses.StartAsync(_dir.Path, config, environment, 2);
        var file = _dir.File("scenario.json");
        // Long enough that the run is still going when the second resume arrives (a new process joining the cluster).
        File.WriteAllText(file, ClusterRecoveryProcessTests.Scenario(end: 40.0, checkpointSteps: 200));
        string expected = Reference(file);
        string outDir = _dir.File("out");
        var detach = ActorsimProcess.Run(_dir.Path, ["run", file, "--cluster", nodes.ConfigFile, "--out", outDir, "--detach", "-q"], environment: environment);
        Assert.True(detach.ExitCode == 0, detach.ToString());
        string runId = detach.StdOut.Split('\n').First(l => l.Contains("handed to cluster")).Split(' ')[1];
        Assert.DoesNotContain("placement:", detach.StdOut); // -q: the one line only
        await OutputRowsAsync(outDir, 3);
        // status --cluster names the node that drives it.
        string driver = detach.StdOut.Split('\n').First(l => l.Contains("handed to cluster")).Split('\'')[3];
        var status = ActorsimProcess.Run(_dir.Path, ["status", "--cluster", nodes.ConfigFile, "--json"], TimeSpan.FromSeconds(60), environment);
        Assert.True(status.ExitCode == 0, status.ToString());
        var driving = JsonNode.Parse(status.StdOut)!["nodes"]!.AsArray().Single(n => (string?)n!["node_id"] == driver)!;
        Assert.Contains(runId, driving["driven_runs"]!.AsArray().Select(r => (string?)r));

        var stop = ActorsimProcess.Run(_dir.Path, ["attach", runId, "--cluster", nodes.ConfigFile, "--stop"], TimeSpan.FromSeconds(120), environment);
        Assert.True(stop.ExitCode == 130, stop.ToString());
        Assert.Contains($"Run {runId} stopped at t = ", stop.StdOut);
        Assert.Contains($"actorsim resume {outDir} --cluster", stop.StdOut);
        var stopped = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "run.json")))!.AsObject();
        Assert.Equal("cancelled", (string?)stopped["status"]);

        // Handed back to the cluster: the leader resumes it (same run id) and drives it; attach follows it to the end.
        var resume = ActorsimProcess.Run(_dir.Path, ["resume", outDir, "--cluster", nodes.ConfigFile, "--detach"], TimeSpan.FromSeconds(180), environment);
        Assert.True(resume.ExitCode == 0 && resume.StdOut.Contains($"Run {runId} handed to cluster"), resume.ToString());
        var again = ActorsimProcess.Run(_dir.Path, ["resume", outDir, "--cluster", nodes.ConfigFile, "--detach"], TimeSpan.FromSeconds(180), environment);
        Assert.True(again.ExitCode == 2 && again.StdErr.Contains($"run {runId} is still running"), again.ToString());
        var end = ActorsimProcess.Run(_dir.Path, ["attach", runId, "--cluster", nodes.ConfigFile], TimeSpan.FromSeconds(180), environment);
        Assert.True(end.ExitCode == 0 && end.StdOut.Contains($"results_sha256 {expected}"), end.ToString());
        var run = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "run.json")))!.AsObject();
        Assert.Equal("completed", (string?)run["status"]);
        Assert.Equal(expected, (string?)run["results_sha256"]);
        Assert.Equal(runId, (string?)run["cluster"]!["run_id"]);
        Assert.Contains("('actorsim resume --detach')", (string?)run["resumed_from"]!["how"]);
        Assert.Equal(File.ReadAllBytes(_dir.File("reference/timeseries.csv")), File.ReadAllBytes(Path.Combine(outDir, "timeseries.csv")));
        await nodes.StopAsync();
    }

    private string Reference(string file)
    {
        var reference = ActorsimProcess.Run(_dir.Path, "run", file, "--out", _dir.File("reference"), "-q", "--no-plots", "--force");
        Assert.True(reference.ExitCode == 0, reference.ToString());
        return (string)JsonNode.Parse(File.ReadAllText(_dir.File("reference/run.json")))!["results_sha256"]!;
    }

    /// <summary>Waits until the run has written more than <paramref name="rows"/> output rows.</summary>
    private static async Task OutputRowsAsync(string outDir, int rows)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string csv = Path.Combine(outDir, "timeseries.csv");
        while (!File.Exists(csv) || File.ReadLines(csv).Count() <= rows)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), "no output rows in " + outDir);
            await Task.Delay(50);
        }
    }
}
