using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ActorSim.Cli.Tests;

/// <summary><c>run --set</c>, <c>validate --set</c> and <c>actorsim sweep</c> (tiny may-nowak-ode runs: time.end = 5).</summary>
public class SweepCommandTests
{
    private const string Scenario = "scenarios/may-nowak-ode.json";

    private static string[] Csv(string path) => File.ReadAllLines(path);

    private static Dictionary<string, string> Row(string[] csv, int i)
    {
        string[] header = csv[0].Split(','), cells = csv[i].Split(',');
        return header.Zip(cells).ToDictionary(p => p.First, p => p.Second);
    }

    [Fact]
    public void Run_set_overrides_values_and_records_them_in_run_json()
    {
        using var dir = new ScratchDir();
        var r = ActorsimProcess.Run(dir.Path, "run", Scenario, "--out", "out", "-q", "--set", "time.end=5", "--set", "parameters.beta=0.001", "--set", "run.seed=7");
        Assert.True(r.ExitCode == 0, r.ToString());
        var run = JsonNode.Parse(File.ReadAllText(dir.File("out/run.json")))!;
        Assert.Equal(5.0, (double)run["scenario"]!["time"]!["end"]!);
        Assert.Equal(0.001, (double)run["scenario"]!["parameters"]!["beta"]!);
        Assert.Equal(7, (int)run["seed"]!);
        Assert.Equal(4.0, (double)run["analysis"]!["R0"]!, 12);   // R0 = beta·k·r/(d1·d2·... ) halves with beta
        Assert.StartsWith("5,", File.ReadAllLines(dir.File("out/timeseries.csv"))[^1]);
    }

    [Fact]
    public void Bad_set_values_exit_2_naming_the_set_before_anything_runs()
    {
        using var dir = new ScratchDir();
        var r = ActorsimProcess.Run(dir.Path, "run", Scenario, "--out", "out", "--set", "parameters.beta=-1", "--set", "parameters.betta=2");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("$.parameters.beta: -1 is not allowed", r.StdErr);
        Assert.Contains("(from --set parameters.beta=-1)", r.StdErr);
        Assert.Contains("did you mean parameters.beta?", r.StdErr);
        Assert.False(Directory.Exists(dir.File("out")));

        var v = ActorsimProcess.Run(dir.Path, "validate", Scenario, "--set", "time.end=abc");
        Assert.Equal(2, v.ExitCode);
        Assert.Contains("$.time.end: must be a number, got the string \"abc\" (from --set time.end=abc)", v.StdErr);
        var ok = ActorsimProcess.Run(dir.Path, "validate", Scenario, "--set", "time.end=50");
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains("end time 50", ok.StdOut);
    }

    [Fact]
    public async Task A_sweep_runs_the_product_writes_a_table_and_members_equal_plain_runs()
    {
        using var dir = new ScratchDir();
        var r = ActorsimProcess.Run(dir.Path, "sweep", Scenario, "--out", "sw", "--jobs", "2",
            "--set", "parameters.beta=0.001,0.002", "--set", "run.seed=1:2:1", "--set", "time.end=5");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("4 of 4 members completed", r.StdOut);
        Assert.Contains("sweep: 4/4 done, 0 running, 0 failed", r.StdErr);

        var csv = Csv(dir.File("sw/sweep.csv"));
        Assert.Equal(5, csv.Length);
        Assert.StartsWith("member,parameters.beta,run.seed,time.end,status,wall_time_s,results_sha256,last.t,last.u,last.v,last.w,analysis.R0", csv[0]);
        string[] names = ["0000_beta=0.001_seed=1", "0001_beta=0.001_seed=2", "0002_beta=0.002_seed=1", "0003_beta=0.002_seed=2"];
        for (int i = 0; i < 4; i++)
        {
            var row = Row(csv, i + 1);
            Assert.Equal(names[i], row["member"]);
            Assert.Equal("completed", row["status"]);
            Assert.Equal(i < 2 ? "4" : "8", row["analysis.R0"]);
            Assert.Equal("5", row["last.t"]);
            var run = JsonNode.Parse(File.ReadAllText(dir.File($"sw/{names[i]}/run.json")))!;
            Assert.Equal((string)run["results_sha256"]!, row["results_sha256"]);
            Assert.Equal(File.ReadAllLines(dir.File($"sw/{names[i]}/timeseries.csv"))[^1].Split(',')[1], row["last.u"]);
        }

        // sweep.parquet holds the same table, typed.
        await using (var stream = File.OpenRead(dir.File("sw/sweep.parquet")))
        await using (var reader = await Parquet.ParquetReader.CreateAsync(stream))
        {
            var fields = reader.Schema.GetDataFields();
            Assert.Equal(csv[0].Split(','), fields.Select(f => f.Name));
            using var group = reader.OpenRowGroupReader(0);
            Assert.Equal(4, group.RowCount);
            var beta = new double?[4];
            await group.ReadAsync<double>(fields.Single(f => f.Name == "parameters.beta"), beta.AsMemory());
            Assert.Equal([0.001, 0.001, 0.002, 0.002], beta.Select(b => b!.Value));
            var seed = new long?[4];
            await group.ReadAsync<long>(fields.Single(f => f.Name == "run.seed"), seed.AsMemory());
            Assert.Equal([1L, 2L, 1L, 2L], seed.Select(b => b!.Value));
            var sha = new string[4];
            await group.ReadAsync(fields.Single(f => f.Name == "results_sha256"), sha.AsMemory());
            Assert.Equal(Enumerable.Range(1, 4).Select(i => Row(csv, i)["results_sha256"]), sha);
        }

        // A member is bit-identical to a plain run with the same --set values.
        var plain = ActorsimProcess.Run(dir.Path, "run", Scenario, "--out", "plain", "-q", "--set", "parameters.beta=0.002", "--set", "run.seed=2", "--set", "time.end=5");
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Equal((string)JsonNode.Parse(File.ReadAllText(dir.File("plain/run.json")))!["results_sha256"]!, Row(csv, 4)["results_sha256"]);
    }

    [Fact]
    public void A_stopped_sweep_resumes_keeping_completed_members()
    {
        using var dir = new ScratchDir();
        string[] args = ["sweep", Scenario, "--out", "sw", "--set", "parameters.beta=0.001,0.002,0.003", "--set", "time.end=5", "--zip", "-q"];
        Assert.Equal(0, ActorsimProcess.Run(dir.Path, args).ExitCode);
        var before = Csv(dir.File("sw/sweep.csv"));
        string keptRecord = File.ReadAllText(dir.File("sw/0000_beta=0.001/run.json"));

        // As if stopped: one member never ran, another was cut short (its time series no longer matches its hash).
        Directory.Delete(dir.File("sw/0001_beta=0.002"), recursive: true);
        File.AppendAllText(dir.File("sw/0002_beta=0.003/timeseries.csv"), "6,1,2,3\n");

        var again = ActorsimProcess.Run(dir.Path, "resume", "sw");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("1 of 3 members completed earlier are kept; running 2", again.StdOut);
        Assert.Equal(keptRecord, File.ReadAllText(dir.File("sw/0000_beta=0.001/run.json")));   // not run again
        var after = Csv(dir.File("sw/sweep.csv"));
        for (int i = 1; i <= 3; i++)
            Assert.Equal(Row(before, i)["results_sha256"], Row(after, i)["results_sha256"]);

        // The same command again runs nothing; a different sweep into the same directory is refused.
        var same = ActorsimProcess.Run(dir.Path, args);
        Assert.Equal(0, same.ExitCode);
        Assert.Equal(keptRecord, File.ReadAllText(dir.File("sw/0000_beta=0.001/run.json")));
        var other = ActorsimProcess.Run(dir.Path, "sweep", Scenario, "--out", "sw", "--set", "parameters.beta=0.001,0.004");
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("holds a different sweep", other.StdErr);

        // --force starts over: the earlier sweep's members are removed.
        var forced = ActorsimProcess.Run(dir.Path, "sweep", Scenario, "--out", "sw", "-q", "--force", "--set", "parameters.beta=0.001,0.004", "--set", "time.end=5");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal(["0000_beta=0.001", "0001_beta=0.004"], Directory.GetDirectories(dir.File("sw")).Select(Path.GetFileName).Order());
        Assert.Equal(3, Csv(dir.File("sw/sweep.csv")).Length);
    }

    [Fact]
    public void A_sweep_stopped_by_ctrl_c_exits_130_and_the_same_command_finishes_it()
    {
        using var dir = new ScratchDir();
        string[] args = ["sweep", Scenario, "--out", "sw", "--jobs", "1", "--set", "run.seed=1:60:1"];
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = dir.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args.Prepend(ActorsimProcess.Dll)) psi.ArgumentList.Add(a);
        using var threeDone = new ManualResetEventSlim();
        var stderr = new System.Text.StringBuilder();
        using (var p = new Process { StartInfo = psi })
        {
            p.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (stderr) stderr.AppendLine(e.Data);
                if (Regex.Match(e.Data, @"^sweep: (\d+)/60 done") is { Success: true } m && int.Parse(m.Groups[1].Value) >= 3) threeDone.Set();
            };
            p.Start();
            p.BeginErrorReadLine();
            var stdout = p.StandardOutput.ReadToEndAsync();
            Assert.True(threeDone.Wait(TimeSpan.FromSeconds(60)), stderr.ToString());
            Process.Start("kill", ["-INT", p.Id.ToString()])!.WaitForExit();
            Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)));
            Assert.True(p.ExitCode == 130, $"exit {p.ExitCode}\n{stdout.Result}\n{stderr}");
            Assert.Contains("Sweep stopped", stdout.Result);
        }
        var stopped = Csv(dir.File("sw/sweep.csv"));
        var statuses = Enumerable.Range(1, 60).Select(i => Row(stopped, i)["status"]).ToList();
        int completed = statuses.Count(s => s == "completed");
        Assert.InRange(completed, 3, 59);
        Assert.All(statuses, s => Assert.Contains(s, new[] { "completed", "cancelled", "pending" }));
        string first = File.ReadAllText(dir.File("sw/0000_seed=1/run.json"));

        var again = ActorsimProcess.Run(dir.Path, args);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains($"{completed} of 60 members completed earlier are kept", again.StdOut);
        Assert.Equal(first, File.ReadAllText(dir.File("sw/0000_seed=1/run.json")));
        var finished = Csv(dir.File("sw/sweep.csv"));
        Assert.All(Enumerable.Range(1, 60), i => Assert.Equal("completed", Row(finished, i)["status"]));
        // may-nowak-ode is deterministic: every seed gives the same results
        Assert.Single(Enumerable.Range(1, 60).Select(i => Row(finished, i)["results_sha256"]).Distinct());
    }

    [Fact]
    public void The_scenarios_sweep_section_gives_the_axes_and_set_replaces_one()
    {
        using var dir = new ScratchDir();
        var doc = JsonNode.Parse(File.ReadAllText(dir.File(Scenario)))!.AsObject();
        doc["time"]!["end"] = 5;
        doc["sweep"] = JsonNode.Parse("""{ "axes": { "parameters.beta": [0.001, 0.002], "run.seed": "1:2:1" } }""");
        File.WriteAllText(dir.File("s.json"), doc.ToJsonString());

        var r = ActorsimProcess.Run(dir.Path, "sweep", "s.json", "--out", "a", "-q");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["0000_beta=0.001_seed=1", "0001_beta=0.001_seed=2", "0002_beta=0.002_seed=1", "0003_beta=0.002_seed=2"],
            Csv(dir.File("a/sweep.csv")).Skip(1).Select(l => l.Split(',')[0]));

        var b = ActorsimProcess.Run(dir.Path, "sweep", "s.json", "--out", "b", "-q", "--set", "run.seed=7,8,9");
        Assert.True(b.ExitCode == 0, b.ToString());
        var csv = Csv(dir.File("b/sweep.csv"));
        Assert.Equal(7, csv.Length);
        Assert.Equal("9", Row(csv, 6)["run.seed"]);

        var run = ActorsimProcess.Run(dir.Path, "run", "s.json", "--out", "plain", "-q");   // a plain run ignores the section
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public void A_sweep_too_large_for_the_disk_is_refused_before_it_runs()
    {
        using var dir = new ScratchDir();
        // each member writes 8·10^6 rows (several GB of text); 2000 of them need terabytes
        var r = ActorsimProcess.Run(dir.Path, "sweep", Scenario, "--out", "sw", "--set", "time.end=4e6", "--set", "run.seed=1:2000:1");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("the sweep is too large for this machine: the outputs of the 2000 members need about", r.StdErr);
        Assert.Contains("--force-size", r.StdErr);
        Assert.False(Directory.Exists(dir.File("sw")));
    }

    [Theory]
    [InlineData("parameters.chi=1,2", "$.parameters.chi: unknown parameter")]
    [InlineData("parameters.beta=0.001,-1", "$.parameters.beta: -1 is not allowed")]
    [InlineData("run.seed=5:1:1", "the range 5:1:1 is empty")]
    [InlineData("parameters.beta=logspace(0,1,3)", "a > 0 and b > 0")]
    public void Bad_sweeps_exit_2_before_creating_the_directory(string axis, string message)
    {
        using var dir = new ScratchDir();
        var r = ActorsimProcess.Run(dir.Path, "sweep", Scenario, "--out", "sw", "--set", axis);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.StdErr);
        Assert.False(Directory.Exists(dir.File("sw")));
    }

    [Fact]
    public void A_cluster_sweep_with_a_bad_config_or_min_workers_exits_2_before_anything_runs()
    {
        using var dir = new ScratchDir();
        var r = ActorsimProcess.Run(dir.Path, "sweep", Scenario, "--out", "sw", "--cluster", "missing-cluster.json", "--set", "run.seed=1,2");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("missing-cluster.json", r.StdErr);
        Assert.False(Directory.Exists(dir.File("sw")));

        File.WriteAllText(dir.File("cluster.json"), """{ "cluster": "c1", "secret": "0123456789abcdef0123", "heartbeat_ms": -5 }""");
        var bad = ActorsimProcess.Run(dir.Path, "sweep", Scenario, "--out", "sw", "--cluster", "cluster.json", "--set", "run.seed=1,2");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("cluster.json", bad.StdErr);
        Assert.Contains("heartbeat_ms", bad.StdErr);
        Assert.False(Directory.Exists(dir.File("sw")));

        var min = ActorsimProcess.Run(dir.Path, "sweep", Scenario, "--out", "sw", "--cluster", "cluster.json", "--min-workers", "0", "--set", "run.seed=1,2");
        Assert.Equal(2, min.ExitCode);
        Assert.Contains("--min-workers must be at least 1, not 0", min.StdErr);
        Assert.False(Directory.Exists(dir.File("sw")));
    }

    [Fact]
    public async Task A_run_with_a_deferred_shutdown_returns_complete_outputs_and_hands_over_the_stopping_of_its_actor_system()
    {
        using var dir = new ScratchDir();
        var scenario = ActorSim.Simulation.Scenarios.ScenarioLoader.Parse(File.ReadAllText(Path.Combine(RepoRoot.Path, Scenario)), Scenario,
            [ActorSim.Simulation.Scenarios.ScenarioOverride.Parse("time.end=5")]);
        var stops = new List<Task>();
        var options = new ActorSim.Simulation.Runtime.RunOptions(dir.File("out")) { DeferShutdown = stops.Add };
        var result = await ActorSim.Simulation.Runtime.LocalRunner.RunAsync(scenario, options);
        _ = Assert.Single(stops);
        // The outputs are complete when the run returns, whether or not its actor system has stopped yet.
        var run = JsonNode.Parse(File.ReadAllText(dir.File("out/run.json")))!;
        Assert.Equal("completed", (string?)run["status"]);
        Assert.Equal(result.ResultsSha256, (string?)run["results_sha256"]);
        Assert.True(ActorSim.Cli.Commands.SweepCommand.IsCompleted(dir.File("out")));
        await stops[0].WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(stops[0].IsCompletedSuccessfully);
    }

    [Fact]
    public void A_cluster_sweep_places_each_member_on_the_least_busy_workers_and_never_on_other_submitters()
    {
        var balancer = new ActorSim.Cli.Commands.SweepCommand.WorkerBalancer();
        // Nothing known yet: nothing to steer by.
        Assert.Empty(balancer.Exclude(1));
        var workersKnown = balancer.WorkersChanged;
        static ActorSim.Simulation.Runtime.Cluster.RunAccepted Accept(string[] placement, string coordinator = "node-1") =>
            new("r", Akka.Actor.ActorRefs.Nobody, coordinator, placement, ["node-1", "node-2", "node-3"], ["t"], "{}");
        var first = balancer.Accepted(Accept(["node-1"]));
        Assert.True(workersKnown.IsCompleted);
        Assert.Equal(3, balancer.WorkerCount);
        Assert.Equal(["node-1"], first);
        // One block: the least busy worker (node-2, then node-3), the others excluded.
        Assert.Equal(["node-1", "node-3"], balancer.Exclude(1));
        balancer.Accepted(Accept(["node-2"]));
        Assert.Equal(["node-1", "node-2"], balancer.Exclude(1));
        // Two blocks: the two least busy; four blocks on three workers: all of them.
        balancer.Accepted(Accept(["node-3", "node-3"]));
        Assert.Equal(["node-3"], balancer.Exclude(2));
        Assert.Empty(balancer.Exclude(4));
        // A member without blocks runs on its coordinator, and counts there.
        Assert.Equal(["node-2"], balancer.Accepted(Accept([], coordinator: "node-2")));
        balancer.Ended(first);
        Assert.Equal(["node-2", "node-3"], balancer.Exclude(1));
        // Submitters in flight are excluded too (they are cluster members, not workers).
        balancer.Submitting("sweep-1-1-ab12");
        Assert.Equal(["sweep-1-1-ab12"], balancer.Exclude(0));
        Assert.Equal(["node-2", "node-3", "sweep-1-1-ab12"], balancer.Exclude(1));
    }
}
