using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace ActorSim.Cli.Tests.Cluster;

/// <summary>
/// Multi-host: the broker, three nodes and the submitter each in a network namespace of their own, joined by veth
/// pairs on a bridge, talking over private addresses only (the broker listens on its namespace's address, started by
/// broker.sh with ACTORSIM_BROKER_LISTEN). The run completes with the in-process results_sha256.
/// </summary>
public sealed class MultiHostTests(ITestOutputHelper output) : IDisposable
{
    private readonly ScratchDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [SkippableFact]
    public async Task Broker_and_three_nodes_in_separate_network_namespaces_run_a_scenario_to_the_in_process_result()
    {
        await using var lab = await NetnsLab.CreateAsync(["broker", "n1", "n2", "n3", "submit"]);
        var brokerDir = _dir.File("broker");
        var brokerEnvironment = new Dictionary<string, string>
        {
            ["ACTORSIM_BROKER_DIR"] = brokerDir,
            ["ACTORSIM_BROKER_LISTEN"] = lab.Address("broker"),
            ["ACTORSIM_BROKER_NODENAME"] = $"actorsim-netns-{Environment.ProcessId}@localhost",
        };
        var script = Path.Combine(RepoRoot.Path, "cluster-config", "broker.sh");
        var clock = Stopwatch.StartNew();
        var start = await lab.ExecAsync("broker", brokerEnvironment, TimeSpan.FromMinutes(5), "bash", script, "start");
        Assert.True(start.ExitCode == 0, $"broker.sh start in the broker namespace failed:{Environment.NewLine}{start.Stderr}{start.Stdout}");
        output.WriteLine($"broker up on {lab.Address("broker")}:5672 in {clock.Elapsed.TotalSeconds:0.0} s");
        try
        {
            var secretFile = _dir.File("cluster.secret");
            File.WriteAllText(secretFile, Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
            var config = new JsonObject
            {
                ["description"] = "multi-host test in network namespaces",
                ["cluster"] = "netns",
                ["broker_url"] = $"amqp://actorsim@{lab.Address("broker")}:5672/actorsim",
                ["broker_password_file"] = Path.Combine(brokerDir, "password"),
                ["secret_file"] = secretFile,
                ["checkpoint_dir"] = _dir.File("checkpoints"),
                ["failure_timeout_ms"] = 5000,
            };
            var noEnvironment = new Dictionary<string, string>();
            await using var nodes = await NodeProcesses.StartAsync(_dir.Path, config, noEnvironment, 3,
                [lab.Namespace("n1"), lab.Namespace("n2"), lab.Namespace("n3")]);

            // The nodes' connections reach the broker from their own namespaces' addresses.
            var (_, sockets, _) = await lab.ExecAsync("broker", noEnvironment, TimeSpan.FromSeconds(10), "ss", "-Htn", "state", "established", "( sport = :5672 )");
            foreach (var host in new[] { "n1", "n2", "n3" }) Assert.Contains(lab.Address(host) + ":", sockets);

            var (name, text) = ClusterProcessTests.Scenarios[1];
            var file = _dir.File($"{name}.json");
            File.WriteAllText(file, text);
            var local = ActorsimProcess.Run(_dir.Path, "run", file, "--out", _dir.File("local"), "-q", "--no-plots");
            Assert.True(local.ExitCode == 0, local.ToString());

            using var submit = LiveProcess.Actorsim("submitter", ["run", file, "--cluster", nodes.ConfigFile, "--out", _dir.File("cluster"), "--min-workers", "3", "--no-plots"],
                noEnvironment, _dir.Path, lab.Namespace("submit"));
            int exit = await submit.WaitForExitAsync(TimeSpan.FromMinutes(2));
            Assert.True(exit == 0, submit.Describe() + string.Concat(nodes.Nodes.Select(n => n.Describe())));

            var expected = JsonNode.Parse(File.ReadAllText(_dir.File("local/run.json")))!;
            var actual = JsonNode.Parse(File.ReadAllText(_dir.File("cluster/run.json")))!;
            Assert.Equal("completed", (string?)actual["status"]);
            Assert.Equal((string?)expected["results_sha256"], (string?)actual["results_sha256"]);
            Assert.Equal(["node-1", "node-2", "node-3"], actual["placement"]!.AsObject().Select(p => (string)p.Value!).Distinct().Order());
            output.WriteLine($"{name} on 3 namespaced nodes: {actual["wall_time_seconds"]} s, placement {actual["placement"]!.ToJsonString()}, results_sha256 {actual["results_sha256"]}");

            await nodes.StopAsync();
        }
        finally
        {
            var stop = await lab.ExecAsync("broker", brokerEnvironment, TimeSpan.FromMinutes(1), "bash", script, "stop");
            output.WriteLine($"broker.sh stop: exit {stop.ExitCode}");
        }
    }
}
