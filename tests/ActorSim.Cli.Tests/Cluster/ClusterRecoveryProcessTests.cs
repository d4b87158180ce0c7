using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace ActorSim.Cli.Tests.Cluster;

/// <summary>
/// Fault tolerance with real processes on loopback: three <c>actorsim node</c> processes (an Akka.NET cluster) and an
/// <c>actorsim run --cluster</c> submitter. A worker killed with SIGKILL, the coordinator's node killed with SIGKILL, and a
/// worker hung with SIGSTOP (then continued with SIGCONT) all end in a completed run whose results_sha256 equals the
/// uninterrupted in-process run's; run.json records each failure, its detection and recovery times and the steps recomputed.
/// </summary>
[Collection(ClusterProcessCollection.Name)]
public sealed class ClusterRecoveryProcessTests(ITestOutputHelper output) : IDisposable
{
    private const string Secret = "recovery-cluster-secret-0123456789";
    private readonly ScratchDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// A 2D virus-pde run of a few seconds on three nodes, checkpointed every 20 steps when <paramref name="checkpointSteps"/>
    /// is set (without checkpoints a recovery starts over).
    /// </summary>
    public static string Scenario(double end, int? checkpointSteps) => $$"""
        { "model": "virus-pde",
          "parameters": { "Du": 0.01, "Dv": 0.1, "Dw": 0.1, "chi": 0.22, "d1": 1, "d2": 1, "d3": 1, "beta": 1, "k": 1, "r": 4,
                          "nx": 32, "ny": 32, "Lx": 1, "Ly": 1 },
          "initial": { "state": "endemic", "amplitude": 0.02, "mode_x": 2, "mode_y": 3, "noise": 0.002 },
          "time": { "end": {{end.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, "output_interval": 0.5 },
          "run": { "blocks": 4, "seed": 7{{(checkpointSteps is { } n ? $", \"checkpoint\": {{ \"steps\": {n} }}" : "")}} } }
        """;

    private (JsonObject Config, Dictionary<string, string> Environment) ClusterSetup() =>
        NodeProcesses.Setup("recov", _dir.File("checkpoints"), Secret, failureTimeoutMs: 4000);

    /// <summary>
    /// Three nodes, the in-process reference result of <see cref="Scenario"/>, and a submitter of the same scenario to the
    /// nodes, past its first checkpoint (or a second into the run without checkpoints).
    /// </summary>
    private async Task<(NodeProcesses Nodes, Dictionary<string, string> Environment, string Expected, LiveProcess Submit, string Coordinator, string[] Placement)>
        StartRunAsync(double end, int? checkpointSteps)
    {
        var (config, environment) = ClusterSetup();
        var nodes = await NodeProcesses.StartAsync(_dir.Path, config, environment, 3);
        var file = _dir.File("scenario.json");
        File.WriteAllText(file, Scenario(end, checkpointSteps));
        string expected = Reference(file);
        var submit = LiveProcess.Actorsim("submitter", ["run", file, "--cluster", nodes.ConfigFile, "--out", _dir.File("out"), "--min-workers", "3", "--no-plots"],
            environment, _dir.Path);
        var (coordinator, placement) = await AcceptedAsync(submit, 4);
        if (checkpointSteps is not null) await WaitForCheckpointAsync(_dir.File("checkpoints"), TimeSpan.FromSeconds(60));
        else await Task.Delay(1000);
        return (nodes, environment, expected, submit, coordinator, placement);
    }

    private static JsonObject RunJson(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "run.json")))!.AsObject();

    /// <summary>The in-process reference run of <paramref name="file"/>: its results_sha256.</summary>
    private string Reference(string file)
    {
        var local = ActorsimProcess.Run(_dir.Path, "run", file, "--out", _dir.File("reference"), "-q", "--no-plots", "--force");
        Assert.True(local.ExitCode == 0, local.ToString());
        return (string)RunJson(_dir.File("reference"))["results_sha256"]!;
    }

    /// <summary>The submitter's coordinator node and block placement, from its stdout.</summary>
    internal static async Task<(string Coordinator, string[] Placement)> AcceptedAsync(LiveProcess submit, int blocks)
    {
        var accepted = await submit.WaitForLineAsync(l => l.Contains("accepted by coordinator"), TimeSpan.FromSeconds(60));
        var coordinator = accepted.Split('\'')[1];
        var placement = new string[blocks];
        for (int b = 0; b < blocks; b++)
        {
            var line = await submit.WaitForLineAsync(l => l.Contains("placement: block"), TimeSpan.FromSeconds(10));
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries); // placement: block B -> NODE
            placement[int.Parse(parts[2])] = parts[4];
        }
        return (coordinator, placement);
    }

    /// <summary>Waits until the run's first checkpoint is complete (its manifest exists).</summary>
    internal static async Task WaitForCheckpointAsync(string checkpoints, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Directory.Exists(checkpoints) || !Directory.EnumerateFiles(checkpoints, "manifest.json", SearchOption.AllDirectories).Any())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"no checkpoint in {checkpoints} after {timeout.TotalSeconds} s");
            await Task.Delay(50);
        }
    }

    [Theory]
    [InlineData("SIGKILL", "worker", true)]
    [InlineData("SIGKILL", "coordinator", true)]
    [InlineData("SIGSTOP", "worker", true)]
    [InlineData("SIGKILL", "worker", false)]
    [InlineData("SIGKILL", "coordinator", false)]
    [InlineData("SIGSTOP", "worker", false)]
    [InlineData("SIGSTOP", "coordinator", true)]
    public async Task A_lost_node_process_is_survived_and_the_result_is_bit_identical(string signal, string role, bool checkpoints)
    {
        var (nodesStarted, environment, expected, submitStarted, coordinator, placement) = await StartRunAsync(end: 12.0, checkpoints ? 20 : null);
        await using var nodes = nodesStarted;
        using var submit = submitStarted;
        var victim = role == "coordinator" ? coordinator : placement.First(n => n != coordinator);

        var clock = Stopwatch.StartNew();
        if (signal == "SIGKILL") nodes[victim].Kill();
        else nodes[victim].Stop();
        if (signal == "SIGSTOP")
        {
            await submit.WaitForErrorLineAsync(l => l.Contains("continues in epoch 1"), TimeSpan.FromSeconds(60));
            nodes[victim].Continue(); // it comes back: either the cluster has downed it (it stops by itself) or its blocks of epoch 0 are stale
            await nodes[victim].WaitForErrorLineAsync(l => (l.Contains("blocks of run") && l.Contains("epoch 0")) || l.Contains("the cluster removed this node"),
                TimeSpan.FromSeconds(60));
        }
        int exit;
        try
        {
            exit = await submit.WaitForExitAsync(TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + string.Concat(nodes.Nodes.Select(n => n.Describe())), e); // what the nodes said
        }
        output.WriteLine($"{signal} of {role} {victim} -> run ended after {clock.Elapsed.TotalMilliseconds:0} ms{Environment.NewLine}{submit.StdErr}");
        Assert.True(exit == 0, submit.Describe() + string.Concat(nodes.Nodes.Select(n => n.Describe())));

        var run = RunJson(_dir.File("out"));
        Assert.Equal("completed", (string?)run["status"]);
        Assert.Equal(expected, (string?)run["results_sha256"]);
        Assert.Equal(File.ReadAllBytes(_dir.File("reference/timeseries.csv")), File.ReadAllBytes(_dir.File("out/timeseries.csv")));
        var recovery = Assert.Single(run["recoveries"]!.AsArray())!.AsObject();
        output.WriteLine(recovery.ToJsonString());
        Assert.Contains($"Survived 1 failure (details in run.json \"recoveries\"):", submit.StdOut);
        Assert.Contains($"epoch 1: {(string?)recovery["kind"]} {victim}, detected after", submit.StdOut);
        Assert.Equal(victim, (string?)recovery["node"]);
        Assert.Equal(role == "coordinator" ? "coordinator lost" : "node lost", (string?)recovery["kind"]);
        Assert.InRange((double)recovery["detection_s"]!, 0, signal == "SIGSTOP" ? 10 : 5);
        Assert.InRange((double)recovery["restarted_s"]!, 0, 30);
        Assert.True((long)recovery["steps_recomputed"]! >= 0);
        if (checkpoints)
        {
            Assert.True((long)recovery["resumed_from_step"]! >= 20, recovery.ToJsonString());
            Assert.NotNull((string?)recovery["resumed_from_checkpoint"]);
        }
        else Assert.Equal(0, (long)recovery["resumed_from_step"]!);
        if (role == "coordinator") Assert.NotEqual(victim, (string?)run["cluster"]!["coordinator_node"]);
        Assert.DoesNotContain(victim, run["placement"]!.AsObject().Select(p => (string)p.Value!));

        if (role == "coordinator")
        {
            // What status --cluster shows after the failover: the new leader's monitor of the run reaches back before it.
            using var status = LiveProcess.Actorsim("status", ["status", "--cluster", nodes.ConfigFile, "--json", "--history"], environment, _dir.Path);
            Assert.True(await status.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, status.Describe());
            var view = JsonNode.Parse(status.StdOut)!;
            string runId = (string)run["cluster"]!["run_id"]!;
            var snapshot = view["runs"]!.AsArray().Single(r => (string?)r!["info"]!["run_id"] == runId)!;
            var kinds = snapshot["events"]!.AsArray().Select(e => (string)e!["kind"]!).ToArray();
            Assert.Equal("started", kinds[0]);
            Assert.Contains("failure", kinds);
            Assert.Contains("recovery", kinds);
            Assert.Equal("completed", kinds[^1]);
            var steps = snapshot["history"]!.AsArray().Select(r => (long)r!["step"]!).ToArray();
            long resumedFrom = (long)recovery["resumed_from_step"]!;
            if (checkpoints) Assert.Contains(steps, s => s > 0 && s < resumedFrom); // records of epoch 0
            else Assert.Contains(steps.Skip(1).Select((s, i) => s < steps[i]), back => back); // epoch 1 started over: the steps go back once
        }

        if (signal == "SIGSTOP")
        {
            // The continued node is a member again and leaves cleanly with the others, or the cluster downed it and it stopped.
            await nodes.StopAsync();
        }
        else
        {
            nodes.Nodes.RemoveAll(n => n.Name == victim);
            await nodes.StopAsync();
        }
    }

    /// <summary>
    /// The chaos soak: random SIGKILLs (the victim is started again as a fresh process) and SIGSTOP/SIGCONT pauses of any node
    /// (the coordinator's too) during a three-node checkpointed run. Short profile by default (4 events);
    /// ACTORSIM_CHAOS_EVENTS=10 for the long one. Reports the failures survived, detection and recovery times (p50, max) and the
    /// steps recomputed, writes them to TestResults/chaos-report.json, and the run ends bit-identical.
    /// </summary>
    [Fact]
    public async Task Chaos_soak_random_kills_and_pauses_end_bit_identical()
    {
        int events = int.TryParse(Environment.GetEnvironmentVariable("ACTORSIM_CHAOS_EVENTS"), out int n) ? n : 4;
        var random = new Random(20261122);
        var (nodesStarted, environment, expected, submitStarted, _, _) = await StartRunAsync(end: 8.0 * events + 8, checkpointSteps: 10);
        await using var nodes = nodesStarted;
        using var submit = submitStarted;
        var actions = new List<string>();
        for (int e = 0; e < events && !submit.HasExited; e++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(2500 + random.Next(1500)));
            if (submit.HasExited) break;
            var victim = nodes.Nodes[random.Next(nodes.Nodes.Count)];
            if (victim.HasExited)
            {
                // The cluster downed it during an earlier pause (it stopped by itself): start it again.
                Assert.Contains("the cluster removed this node", victim.StdErr);
                var again = LiveProcess.Actorsim(victim.Name, nodes.NodeArguments(victim.Name), environment, _dir.Path);
                nodes.Nodes[nodes.Nodes.IndexOf(victim)] = again;
                victim.Dispose();
                await again.WaitForLineAsync(l => l.Contains("joined cluster"), NodeProcesses.StartTimeout);
                actions.Add($"restart {victim.Name} (removed by the cluster after a pause)");
            }
            else if (random.Next(3) < 2)
            {
                victim.Kill();
                await victim.WaitForExitAsync(TimeSpan.FromSeconds(10));
                actions.Add($"SIGKILL {victim.Name}");
                await Task.Delay(TimeSpan.FromMilliseconds(1500)); // lost for a while, then a fresh process under the same name
                var fresh = LiveProcess.Actorsim(victim.Name, nodes.NodeArguments(victim.Name), environment, _dir.Path);
                nodes.Nodes[nodes.Nodes.IndexOf(victim)] = fresh;
                victim.Dispose();
                await fresh.WaitForLineAsync(l => l.Contains("joined cluster"), NodeProcesses.StartTimeout);
            }
            else
            {
                victim.Stop();
                actions.Add($"SIGSTOP {victim.Name} 3 s");
                await Task.Delay(TimeSpan.FromSeconds(3)); // longer than the 1.5 s of silence the failure detector tolerates
                victim.Continue();
            }
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {actions[^1]}");
        }

        int exit = await submit.WaitForExitAsync(TimeSpan.FromMinutes(5));
        Assert.True(exit == 0, submit.Describe() + string.Concat(nodes.Nodes.Select(x => x.Describe())));
        var run = RunJson(_dir.File("out"));
        Assert.Equal("completed", (string?)run["status"]);
        Assert.Equal(expected, (string?)run["results_sha256"]);
        var recoveries = run["recoveries"]!.AsArray().Select(r => r!.AsObject()).ToArray();
        Assert.NotEmpty(recoveries);
        double P50(IEnumerable<double> xs) { var a = xs.Order().ToArray(); return a.Length == 0 ? double.NaN : a[(a.Length - 1) / 2]; }
        var detection = recoveries.Select(r => (double)r["detection_s"]!).ToArray();
        var restart = recoveries.Select(r => (double)r["restarted_s"]!).ToArray();
        var caughtUp = recoveries.Where(r => r["caught_up_s"] is not null).Select(r => (double)r["caught_up_s"]!).ToArray();
        var report = new JsonObject
        {
            ["events"] = new JsonArray(actions.Select(a => (JsonNode?)a).ToArray()),
            ["failures_survived"] = recoveries.Length,
            ["detection_s_p50"] = P50(detection), ["detection_s_max"] = detection.Max(),
            ["restarted_s_p50"] = P50(restart), ["restarted_s_max"] = restart.Max(),
            ["caught_up_s_p50"] = caughtUp.Length > 0 ? P50(caughtUp) : null, ["caught_up_s_max"] = caughtUp.Length > 0 ? caughtUp.Max() : null,
            ["steps_recomputed"] = recoveries.Sum(r => (long)r["steps_recomputed"]!),
            ["results_sha256"] = (string?)run["results_sha256"],
            ["bit_identical"] = true,
        };
        output.WriteLine(report.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        var results = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(results);
        File.WriteAllText(Path.Combine(results, "chaos-report.json"), report.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        await nodes.StopAsync();
    }

    /// <summary>
    /// The dashboard of a running three-node cluster run in headless chromium: the nodes are listed, the progress value
    /// advances, and after a worker is killed the recovery shows up on the timeline. Saves TestResults/dashboard-cluster.png.
    /// </summary>
    [SkippableFact]
    public async Task A_browser_sees_the_cluster_run_and_a_recovery_event_after_a_worker_is_killed()
    {
        Dashboard.DashboardTests.RequireBrowser();
        var (config, environment) = ClusterSetup();
        await using var nodes = await NodeProcesses.StartAsync(_dir.Path, config, environment, 3);
        var file = _dir.File("scenario.json");
        File.WriteAllText(file, Scenario(end: 40.0, checkpointSteps: 20));
        using var submit = LiveProcess.Actorsim("submitter", ["run", file, "--cluster", nodes.ConfigFile, "--out", _dir.File("out"), "--min-workers", "3", "--no-plots",
            "--dashboard", "--dashboard-port", "0"], environment, _dir.Path);
        string victim = "";
        var kill = Task.Run(async () =>
        {
            // The placement from the submitter's output (the browser check reads the lines themselves).
            var clock = Stopwatch.StartNew();
            string[] lines;
            while ((lines = submit.StdOut.Split('\n')).Count(l => l.Contains("placement: block")) < 4)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("no placement printed" + submit.Describe());
                await Task.Delay(50);
            }
            string coordinator = lines.First(l => l.Contains("accepted by coordinator")).Split('\'')[1];
            victim = lines.Where(l => l.Contains("placement: block")).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[4]).First(n => n != coordinator);
            await WaitForCheckpointAsync(_dir.File("checkpoints"), TimeSpan.FromSeconds(60));
            await Task.Delay(3000); // let the page see the run going first
            nodes[victim].Kill();
        });
        var seen = await Dashboard.DashboardTests.CheckDashboardInBrowserAsync(submit, "recovery", "dashboard-cluster.png", output);
        await kill;
        Assert.Contains(seen["nodes"]!.AsArray(), n => ((string?)n)!.StartsWith("node-", StringComparison.Ordinal));
        var progress = seen["progress"]!.AsArray().Select(p => (double)p!).ToArray();
        Assert.True(progress[1] > progress[0], $"progress {progress[0]} -> {progress[1]}");
        Assert.Contains("continues in epoch 1", (string?)seen["event"]);
        int exit = await submit.WaitForExitAsync(TimeSpan.FromSeconds(180));
        Assert.True(exit == 0, submit.Describe());
        nodes.Nodes.RemoveAll(n => n.Name == victim);
        await nodes.StopAsync();
    }

    /// <summary>
    /// The submitter itself stopped (Ctrl-C: a final checkpoint, exit 130) or killed (SIGKILL: nothing more), then
    /// <c>actorsim resume &lt;out&gt; --cluster &lt;config&gt;</c>: the same run id continues on the cluster in its next epoch from
    /// the newest checkpoint, with the uninterrupted result.
    /// </summary>
    [Theory]
    [InlineData("SIGINT")]
    [InlineData("SIGKILL")]
    public async Task A_stopped_or_killed_submitter_is_resumed_with_resume_cluster_and_the_result_is_bit_identical(string signal)
    {
        var (nodesStarted, environment, expected, submitStarted, _, _) = await StartRunAsync(end: 12.0, checkpointSteps: 20);
        await using var nodes = nodesStarted;
        using (var submit = submitStarted)
        {
            await Task.Delay(500);
            if (signal == "SIGINT") submit.Interrupt();
            else submit.Kill();
            int code = await submit.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.True(code == (signal == "SIGINT" ? 130 : 137) || (signal == "SIGKILL" && code != 0), submit.Describe());
        }
        var before = RunJson(_dir.File("out"));
        Assert.Equal(signal == "SIGINT" ? "cancelled" : "running", (string?)before["status"]);
        string runId = (string)before["cluster"]!["run_id"]!;

        using var resume = LiveProcess.Actorsim("resume", ["resume", _dir.File("out"), "--cluster", nodes.ConfigFile, "--no-plots"], environment, _dir.Path);
        int exit = await resume.WaitForExitAsync(TimeSpan.FromSeconds(120));
        output.WriteLine(resume.StdErr);
        Assert.True(exit == 0, resume.Describe() + string.Concat(nodes.Nodes.Select(n => n.Describe())));
        var run = RunJson(_dir.File("out"));
        Assert.Equal("completed", (string?)run["status"]);
        Assert.Equal(expected, (string?)run["results_sha256"]);
        Assert.Equal(File.ReadAllBytes(_dir.File("reference/timeseries.csv")), File.ReadAllBytes(_dir.File("out/timeseries.csv")));
        Assert.Equal(runId, (string?)run["cluster"]!["run_id"]);
        Assert.True((int)run["cluster"]!["epoch"]! >= 1);
        Assert.Contains("resumed in epoch", resume.StdErr);
        Assert.Contains("from the checkpoint at step", resume.StdErr);
        await nodes.StopAsync();
    }

    [Fact]
    public void Resume_refuses_to_mix_in_process_and_cluster_runs()
    {
        File.WriteAllText(_dir.File("s.json"), Scenario(end: 0.5, checkpointSteps: 5));
        var local = ActorsimProcess.Run(_dir.Path, "run", "s.json", "--out", "local", "-q", "--no-plots");
        Assert.True(local.ExitCode == 0, local.ToString());
        var mixed = ActorsimProcess.Run(_dir.Path, "resume", "local", "--cluster", "nowhere.json");
        Assert.Equal(2, mixed.ExitCode);
        Assert.Contains("this run ran in process; resume it without --cluster", mixed.StdErr);
    }
}
