using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace ActorSim.Cli.Tests.Cluster;

/// <summary>
/// The real thing on loopback: three <c>actorsim node</c> processes forming an Akka.NET cluster and an
/// <c>actorsim run --cluster</c> process. The same scenario gives the same results_sha256 as <c>actorsim run</c> in
/// process; a node killed with SIGKILL during a run stops it with an error naming the node and its blocks; SIGTERM
/// makes a node leave cleanly.
/// </summary>
[Collection(ClusterProcessCollection.Name)]
public sealed class ClusterProcessTests(ITestOutputHelper output) : IDisposable
{
    private const string Secret = "process-cluster-secret-0123456789";
    private readonly ScratchDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// Small versions of the shipped 1D and 2D virus-pde scenarios (subdomain blocks exchanging halos), with 4 blocks to
    /// spread over 3 nodes, and of two particle scenarios (particle-block protocol: muscle RK4 stage rounds, stochastic
    /// Huxley cross-bridges with counter-based random streams), 4 blocks each.
    /// </summary>
    public static readonly (string Name, string Text)[] Scenarios =
    [
        ("virus-pde-1d", """
            { "model": "virus-pde",
              "parameters": { "Du": 0.01, "Dv": 0.1, "Dw": 0.1, "chi": 0.2, "d1": 1, "d2": 1, "d3": 1, "beta": 1, "k": 1, "r": 4,
                              "nx": 64, "Lx": 1, "boundary_x": "neumann" },
              "initial": { "state": "endemic", "amplitude": 0.01, "mode_x": 3 },
              "time": { "end": 3.0, "output_interval": 0.5 }, "run": { "blocks": 4, "seed": 1 } }
            """),
        ("virus-pde-2d", """
            { "model": "virus-pde",
              "parameters": { "Du": 0.01, "Dv": 0.1, "Dw": 0.1, "chi": 0.22, "d1": 1, "d2": 1, "d3": 1, "beta": 1, "k": 1, "r": 4,
                              "nx": 24, "ny": 24, "Lx": 1, "Ly": 1 },
              "initial": { "state": "endemic", "amplitude": 0.02, "mode_x": 2, "mode_y": 3, "noise": 0.002 },
              "time": { "end": 1.0, "output_interval": 0.25 }, "run": { "blocks": 4, "seed": 7 } }
            """),
        ("muscle-1d-particles", Shipped("muscle-1d-particles", end: 0.4)),
        ("huxley-particles", Shipped("huxley-particles", end: 0.4)),
    ];

    /// <summary>A shipped scenario with a shorter end time (two output intervals at most).</summary>
    private static string Shipped(string name, double end)
    {
        var doc = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot.Path, "scenarios", name + ".json")))!.AsObject();
        var time = doc["time"]!.AsObject();
        time["end"] = end;
        time["output_interval"] = Math.Min((double)time["output_interval"]!, end / 2);
        return doc.ToJsonString();
    }

    private (JsonObject Config, Dictionary<string, string> Environment) ClusterSetup() =>
        NodeProcesses.Setup("proc", _dir.File("checkpoints"), Secret, failureTimeoutMs: 5000);

    private static JsonObject RunJson(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "run.json")))!.AsObject();

    [Fact]
    public async Task Three_node_processes_give_the_in_process_results_sha256_for_subdomain_and_particle_runs_and_leave_cleanly_on_SIGTERM()
    {
        var (config, environment) = ClusterSetup();
        await using var nodes = await NodeProcesses.StartAsync(_dir.Path, config, environment, 3);

        foreach (var (name, text) in Scenarios)
        {
            var file = _dir.File($"{name}.json");
            File.WriteAllText(file, text);
            var clock = Stopwatch.StartNew();
            var local = ActorsimProcess.Run(_dir.Path, "run", file, "--out", _dir.File($"{name}-local"), "-q", "--no-plots");
            Assert.True(local.ExitCode == 0, local.ToString());
            var localWall = clock.Elapsed;

            clock.Restart();
            using var submit = LiveProcess.Actorsim("submitter", ["run", file, "--cluster", nodes.ConfigFile, "--out", _dir.File($"{name}-cluster"), "--min-workers", "3", "--no-plots"],
                environment, _dir.Path);
            int exit = await submit.WaitForExitAsync(TimeSpan.FromMinutes(2));
            Assert.True(exit == 0, submit.Describe() + string.Concat(nodes.Nodes.Select(n => n.Describe())));
            output.WriteLine($"{name}: in process {localWall.TotalSeconds:0.00} s, on 3 node processes {clock.Elapsed.TotalSeconds:0.00} s (process start included)");

            var inProcess = RunJson(_dir.File($"{name}-local"));
            var cluster = RunJson(_dir.File($"{name}-cluster"));
            Assert.Equal("completed", (string?)cluster["status"]);
            Assert.Equal("cluster", (string?)cluster["runtime"]);
            Assert.Equal((string?)inProcess["results_sha256"], (string?)cluster["results_sha256"]);
            Assert.Equal(File.ReadAllBytes(_dir.File($"{name}-local/timeseries.csv")), File.ReadAllBytes(_dir.File($"{name}-cluster/timeseries.csv")));
            // Observability parity: the same analysis block as in process, and monitor.jsonl for `actorsim status <out>`.
            Assert.True(JsonNode.DeepEquals(inProcess["analysis"], cluster["analysis"]),
                $"analysis in process {inProcess["analysis"]?.ToJsonString()}{Environment.NewLine}on the cluster {cluster["analysis"]?.ToJsonString()}");
            var status = ActorsimProcess.Run(_dir.Path, "status", _dir.File($"{name}-cluster"), "--json");
            Assert.True(status.ExitCode == 0, status.ToString());
            var view = JsonNode.Parse(status.StdOut)!;
            Assert.Equal("completed", (string?)view["runs"]![0]!["status"]);
            Assert.Equal("cluster", (string?)view["runs"]![0]!["info"]!["runtime"]);
            var placement = cluster["placement"]!.AsObject();
            Assert.Equal(4, placement.Count);
            Assert.Equal(["node-1", "node-2", "node-3"], placement.Select(p => (string)p.Value!).Distinct().Order());
            foreach (var (block, node) in placement) Assert.Contains($"placement: block {block} -> {node}", submit.StdOut);
            output.WriteLine($"  placement {placement.ToJsonString()}, coordinator {cluster["cluster"]!["coordinator_node"]}");
        }

        await nodes.StopAsync();
    }
}
