using System.Diagnostics;
using System.Text.Json.Nodes;
using ActorSim.Actors.Tests.Remote;
using Xunit.Abstractions;

namespace ActorSim.Cli.Tests.Cluster;

/// <summary>
/// Fault tolerance with real processes on a real broker on loopback: three <c>actorsim node</c> processes and an
/// <c>actorsim run --cluster</c> submitter. A worker killed with SIGKILL, the coordinator's node killed with SIGKILL, and a
/// worker hung with SIGSTOP (then continued with SIGCONT) all end in a completed run whose results_sha256 equals the
/// uninterrupted in-process run's; run.json records each failure, its detection and recovery times and the steps recomputed.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class ClusterRecoveryProcessTests(BrokerFixture broker, ITestOutputHelper output) : IDisposable
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

    internal (JsonObject Config, Dictionary<string, string> Environment) ClusterSetup(int failureTimeoutMs = 2000)
    {
        var options = broker.Require();
        var config = new JsonObject
        {
            ["cluster"] = "recov-" + Guid.NewGuid().ToString("N")[..8],
            ["broker_url"] = $"amqp://{options.UserName}@127.0.0.1:{options.Port}/{options.VirtualHost}",
            ["checkpoint_dir"] = _dir.File("checkpoints"),
            ["heartbeat_ms"] = 250,
            ["failure_timeout_ms"] = failureTimeoutMs,
            ["submit_timeout_s"] = 60,
        };
        var environment = new Dictionary<string, string>
        {
            ["ACTORSIM_BROKER_PASSWORD"] = options.Password,
            ["ACTORSIM_CLUSTER_SECRET"] = Secret,
        };
        return (config, environment);
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

    [SkippableTheory]
    [InlineData("SIGKILL", "worker", true)]
    [InlineData("SIGKILL", "coordinator", true)]
    [InlineData("SIGSTOP", "worker", true)]
    [InlineData("SIGKILL", "worker", false)]
    [InlineData("SIGKILL", "coordinator", false)]
    [InlineData("SIGSTOP", "worker", false)]
    public async Task A_lost_node_process_is_survived_and_the_result_is_bit_identical(string signal, string role, bool checkpoints)
    {
        var (config, environment) = ClusterSetup();
        await using var nodes = await NodeProcesses.StartAsync(_dir.Path, config, environment, 3);
        var file = _dir.File("scenario.json");
        File.WriteAllText(file, Scenario(end: 12.0, checkpointSteps: checkpoints ? 20 : null));
        string expected = Reference(file);

        using var submit = LiveProcess.Actorsim("submitter", ["run", file, "--cluster", nodes.ConfigFile, "--out", _dir.File("out"), "--min-workers", "3", "--no-plots"],
            environment, _dir.Path);
        var (coordinator, placement) = await AcceptedAsync(submit, 4);
        var victim = role == "coordinator" ? coordinator : placement.First(n => n != coordinator);
        if (checkpoints) await WaitForCheckpointAsync(_dir.File("checkpoints"), TimeSpan.FromSeconds(60));
        else await Task.Delay(1000);

        var clock = Stopwatch.StartNew();
        if (signal == "SIGKILL") nodes[victim].Kill();
        else nodes[victim].Stop();
        if (signal == "SIGSTOP")
        {
            await submit.WaitForErrorLineAsync(l => l.Contains("continues in epoch 1"), TimeSpan.FromSeconds(60));
            nodes[victim].Continue(); // it comes back: its blocks of epoch 0 are stale
            await nodes[victim].WaitForErrorLineAsync(l => l.Contains("blocks of run") && l.Contains("epoch 0"), TimeSpan.FromSeconds(60));
        }
        int exit = await submit.WaitForExitAsync(TimeSpan.FromSeconds(120));
        output.WriteLine($"{signal} of {role} {victim} -> run ended after {clock.Elapsed.TotalMilliseconds:0} ms{Environment.NewLine}{submit.StdErr}");
        Assert.True(exit == 0, submit.Describe() + string.Concat(nodes.Nodes.Select(n => n.Describe())));

        var run = RunJson(_dir.File("out"));
        Assert.Equal("completed", (string?)run["status"]);
        Assert.Equal(expected, (string?)run["results_sha256"]);
        Assert.Equal(File.ReadAllBytes(_dir.File("reference/timeseries.csv")), File.ReadAllBytes(_dir.File("out/timeseries.csv")));
        var recovery = Assert.Single(run["recoveries"]!.AsArray())!.AsObject();
        output.WriteLine(recovery.ToJsonString());
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

        if (signal == "SIGSTOP")
        {
            // The continued node is a member again and leaves cleanly with the others.
            await nodes.StopAsync();
        }
        else
        {
            nodes.Nodes.RemoveAll(n => n.Name == victim);
            await nodes.StopAsync();
        }
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_broker_restart_mid_run_is_survived_and_the_result_is_bit_identical(bool checkpoints)
    {
        var (config, environment) = ClusterSetup();
        await using var nodes = await NodeProcesses.StartAsync(_dir.Path, config, environment, 3);
        var file = _dir.File("scenario.json");
        File.WriteAllText(file, Scenario(end: 12.0, checkpointSteps: checkpoints ? 20 : null));
        string expected = Reference(file);

        using var submit = LiveProcess.Actorsim("submitter", ["run", file, "--cluster", nodes.ConfigFile, "--out", _dir.File("out"), "--min-workers", "3", "--no-plots"],
            environment, _dir.Path);
        await AcceptedAsync(submit, 4);
        if (checkpoints) await WaitForCheckpointAsync(_dir.File("checkpoints"), TimeSpan.FromSeconds(60));
        else await Task.Delay(1000);

        var clock = Stopwatch.StartNew();
        var stopped = await broker.RunScriptAsync("stop", TimeSpan.FromMinutes(1));
        Assert.True(stopped.ExitCode == 0, stopped.Stderr + stopped.Stdout);
        output.WriteLine($"broker stopped after {clock.ElapsedMilliseconds} ms");
        var started = await broker.RunScriptAsync("start", TimeSpan.FromMinutes(2));
        Assert.True(started.ExitCode == 0, started.Stderr + started.Stdout);
        output.WriteLine($"broker running again after {clock.ElapsedMilliseconds} ms");

        int exit = await submit.WaitForExitAsync(TimeSpan.FromSeconds(180));
        output.WriteLine($"run ended {clock.Elapsed.TotalMilliseconds:0} ms after the broker stopped{Environment.NewLine}{submit.StdErr}");
        Assert.True(exit == 0, submit.Describe() + string.Concat(nodes.Nodes.Select(n => n.Describe())));
        var run = RunJson(_dir.File("out"));
        Assert.Equal("completed", (string?)run["status"]);
        Assert.Equal(expected, (string?)run["results_sha256"]);
        Assert.NotEmpty(run["recoveries"]!.AsArray());
        output.WriteLine(run["recoveries"]!.ToJsonString());
        await nodes.StopAsync();
    }
}
