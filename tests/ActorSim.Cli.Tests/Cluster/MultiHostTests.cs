using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace ActorSim.Cli.Tests.Cluster;

/// <summary>
/// Multi-host: three nodes and the submitter each in a network namespace of their own, joined by veth pairs on a bridge,
/// talking over private addresses only, directly to each other (no broker, no third party) and with mutual TLS
/// (certificates from cluster-config/make-certs.sh). The run completes with the in-process results_sha256.
/// </summary>
public sealed class MultiHostTests(ITestOutputHelper output) : IDisposable
{
    private readonly ScratchDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [SkippableFact]
    public async Task Three_nodes_in_separate_network_namespaces_with_mutual_tls_run_a_scenario_to_the_in_process_result()
    {
        await using var lab = await NetnsLab.CreateAsync(["n1", "n2", "n3", "submit"]);
        var certs = _dir.File("tls");
        using (var make = Process.Start(new ProcessStartInfo("bash", [Path.Combine(RepoRoot.Path, "cluster-config", "make-certs.sh"), certs, "member"])
               { RedirectStandardError = true, RedirectStandardOutput = true })!)
        {
            string err = await make.StandardError.ReadToEndAsync();
            await make.WaitForExitAsync();
            Assert.True(make.ExitCode == 0, "make-certs.sh: " + err);
        }
        var secretFile = _dir.File("cluster.secret");
        File.WriteAllText(secretFile, Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        var config = new JsonObject
        {
            ["description"] = "multi-host test in network namespaces",
            ["cluster"] = "netns",
            ["secret_file"] = secretFile,
            ["tls_certificate"] = Path.Combine(certs, "member.pfx"),
            ["tls_ca"] = Path.Combine(certs, "ca.pem"),
            ["checkpoint_dir"] = _dir.File("checkpoints"),
            ["failure_timeout_ms"] = 5000,
        };
        var environment = new Dictionary<string, string> { ["ACTORSIM_TLS_PASSWORD"] = "actorsim" };
        var clock = Stopwatch.StartNew();
        await using var nodes = await NodeProcesses.StartAsync(_dir.Path, config, environment, 3,
            [lab.Namespace("n1"), lab.Namespace("n2"), lab.Namespace("n3")], [lab.Address("n1"), lab.Address("n2"), lab.Address("n3")]);
        output.WriteLine($"three namespaced nodes up in {clock.Elapsed.TotalSeconds:0.0} s");

        // The nodes talk to each other directly, from their own namespaces' addresses.
        var (_, sockets, _) = await lab.ExecAsync("n1", environment, TimeSpan.FromSeconds(10), "ss", "-Htn", "state", "established");
        // (ss shows IPv4 peers as such or as IPv4-mapped IPv6 addresses, [::ffff:10.x.y.z]:port.)
        foreach (var host in new[] { "n2", "n3" })
            Assert.True(sockets.Contains(lab.Address(host) + ":") || sockets.Contains(lab.Address(host) + "]:"), $"no connection from n1 to {host}:{Environment.NewLine}{sockets}");

        var (name, text) = ClusterProcessTests.Scenarios[1];
        var file = _dir.File($"{name}.json");
        File.WriteAllText(file, text);
        var local = ActorsimProcess.Run(_dir.Path, "run", file, "--out", _dir.File("local"), "-q", "--no-plots");
        Assert.True(local.ExitCode == 0, local.ToString());

        using var submit = LiveProcess.Actorsim("submitter", ["run", file, "--cluster", nodes.ConfigFile, "--out", _dir.File("cluster"), "--min-workers", "3", "--no-plots"],
            new Dictionary<string, string>(environment) { ["ACTORSIM_HOST"] = lab.Address("submit") }, _dir.Path, lab.Namespace("submit"));
        int exit = await submit.WaitForExitAsync(TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, submit.Describe() + string.Concat(nodes.Nodes.Select(n => n.Describe())));

        var expected = JsonNode.Parse(File.ReadAllText(_dir.File("local/run.json")))!;
        var actual = JsonNode.Parse(File.ReadAllText(_dir.File("cluster/run.json")))!;
        Assert.Equal("completed", (string?)actual["status"]);
        Assert.Equal((string?)expected["results_sha256"], (string?)actual["results_sha256"]);
        Assert.Equal("akka-tls", (string?)actual["cluster"]!["transport"]);
        Assert.Equal(["node-1", "node-2", "node-3"], actual["placement"]!.AsObject().Select(p => (string)p.Value!).Distinct().Order());
        output.WriteLine($"{name} on 3 namespaced nodes: {actual["wall_time_seconds"]} s, placement {actual["placement"]!.ToJsonString()}, results_sha256 {actual["results_sha256"]}");

        await nodes.StopAsync();
    }

    /// <summary>
    /// A network partition: a worker's link to the others is cut during a checkpointed run. The majority (the other two
    /// nodes) downs it through the split brain resolver, the cut-off node downs itself and stops, and the run finishes on
    /// the majority from its last checkpoint with the uninterrupted results_sha256.
    /// </summary>
    [SkippableFact]
    public async Task A_partition_downs_the_minority_and_the_run_finishes_on_the_majority_bit_identical()
    {
        await using var lab = await NetnsLab.CreateAsync(["n1", "n2", "n3", "submit"]);
        var secretFile = _dir.File("cluster.secret");
        File.WriteAllText(secretFile, Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        var checkpoints = _dir.File("checkpoints");
        var config = new JsonObject
        {
            ["cluster"] = "partition",
            ["secret_file"] = secretFile,
            ["checkpoint_dir"] = checkpoints,
            ["failure_timeout_ms"] = 5000,
            ["submit_timeout_s"] = 60,
        };
        var environment = new Dictionary<string, string>();
        await using var nodes = await NodeProcesses.StartAsync(_dir.Path, config, environment, 3,
            [lab.Namespace("n1"), lab.Namespace("n2"), lab.Namespace("n3")], [lab.Address("n1"), lab.Address("n2"), lab.Address("n3")]);
        var file = _dir.File("scenario.json");
        File.WriteAllText(file, ClusterRecoveryProcessTests.Scenario(end: 12.0, checkpointSteps: 20));
        var local = ActorsimProcess.Run(_dir.Path, "run", file, "--out", _dir.File("reference"), "-q", "--no-plots");
        Assert.True(local.ExitCode == 0, local.ToString());
        string expected = (string)JsonNode.Parse(File.ReadAllText(_dir.File("reference/run.json")))!["results_sha256"]!;

        using var submit = LiveProcess.Actorsim("submitter", ["run", file, "--cluster", nodes.ConfigFile, "--out", _dir.File("out"), "--min-workers", "3", "--no-plots"],
            new Dictionary<string, string>(environment) { ["ACTORSIM_HOST"] = lab.Address("submit") }, _dir.Path, lab.Namespace("submit"));
        var (coordinator, placement) = await ClusterRecoveryProcessTests.AcceptedAsync(submit, 4);
        await ClusterRecoveryProcessTests.WaitForCheckpointAsync(checkpoints, TimeSpan.FromSeconds(60));
        string victim = placement.First(n => n != coordinator);
        var clock = Stopwatch.StartNew();
        await lab.CutAsync("n" + victim["node-".Length..]);

        // The cut-off node is a minority of one: the resolver on its side downs it, and it stops by itself.
        int victimExit = await nodes[victim].WaitForExitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"{victim} cut off: it stopped after {clock.Elapsed.TotalSeconds:0.0} s with exit {victimExit}");
        Assert.True(victimExit == 1, nodes[victim].Describe());
        Assert.Contains("the cluster removed this node", nodes[victim].StdErr);

        int exit = await submit.WaitForExitAsync(TimeSpan.FromSeconds(180));
        output.WriteLine(submit.StdErr);
        Assert.True(exit == 0, submit.Describe() + string.Concat(nodes.Nodes.Select(n => n.Describe())));
        var run = JsonNode.Parse(File.ReadAllText(_dir.File("out/run.json")))!;
        Assert.Equal("completed", (string?)run["status"]);
        Assert.Equal(expected, (string?)run["results_sha256"]);
        var recovery = Assert.Single(run["recoveries"]!.AsArray())!;
        Assert.Equal(victim, (string?)recovery["node"]);
        Assert.DoesNotContain(victim, run["placement"]!.AsObject().Select(p => (string)p.Value!));
        await nodes.StopAsync();
    }
}
