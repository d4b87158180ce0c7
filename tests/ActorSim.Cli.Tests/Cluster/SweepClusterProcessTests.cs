using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace ActorSim.Cli.Tests.Cluster;

/// <summary>
/// <c>actorsim sweep --cluster</c> on three <c>actorsim node</c> processes: every member is an independent cluster run,
/// with the results_sha256 of the same sweep in process; a member lost from the sweep directory runs again on the
/// cluster with <c>actorsim resume DIR --cluster</c>, the others are kept.
/// </summary>
[Collection(ClusterProcessCollection.Name)]
public sealed class SweepClusterProcessTests(ITestOutputHelper output) : IDisposable
{
    private const string Secret = "sweep-cluster-secret-0123456789";
    private readonly ScratchDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Rows of a sweep.csv by member name (no cell of these sweeps holds a comma).</summary>
    private static Dictionary<string, Dictionary<string, string>> Table(string file)
    {
        var lines = File.ReadAllLines(file);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToDictionary(r => r["member"]);
    }

    [Fact]
    public async Task A_sweep_on_three_node_processes_gives_the_in_process_results_sha256_per_member_and_resumes_there()
    {
        // A 1D virus-pde with 2 blocks (halo exchange between nodes), 4 members: chi x seed.
        var scenario = _dir.File("virus-pde-1d.json");
        File.WriteAllText(scenario, ClusterProcessTests.Scenarios.Single(s => s.Name == "virus-pde-1d").Text);
        string[] axes = ["--set", "parameters.chi=0.1,0.2", "--set", "run.seed=1:2:1", "--set", "run.blocks=2", "--set", "time.end=1"];

        var local = ActorsimProcess.Run(_dir.Path, ["sweep", scenario, "--out", _dir.File("local"), "-q", "--jobs", "2", .. axes]);
        Assert.True(local.ExitCode == 0, local.ToString());

        var (config, environment) = NodeProcesses.Setup("sweep", _dir.File("checkpoints"), Secret, failureTimeoutMs: 5000);
        await using var nodes = await NodeProcesses.StartAsync(_dir.Path, config, environment, 3);
        using (var submit = LiveProcess.Actorsim("sweep", ["sweep", scenario, "--out", _dir.File("cluster"), "--cluster", nodes.ConfigFile, "--min-workers", "3", .. axes],
                   environment, _dir.Path))
        {
            int exit = await submit.WaitForExitAsync(TimeSpan.FromMinutes(4));
            Assert.True(exit == 0, submit.Describe() + string.Concat(nodes.Nodes.Select(n => n.Describe())));
            Assert.True(submit.StdOut.Contains("4 of 4 members completed (0 kept from before), 0 failed"), submit.Describe());
        }

        var inProcess = Table(_dir.File("local/sweep.csv"));
        var cluster = Table(_dir.File("cluster/sweep.csv"));
        Assert.Equal(4, cluster.Count);
        Assert.Equal(inProcess.Keys.Order(), cluster.Keys.Order());
        var used = new HashSet<string>();
        foreach (var (member, row) in cluster)
        {
            Assert.Equal("completed", row["status"]);
            Assert.Matches("^[0-9a-f]{64}$", row["results_sha256"]);
            Assert.Equal(inProcess[member]["results_sha256"], row["results_sha256"]);
            Assert.All(row.Keys.Where(k => k.StartsWith("last.", StringComparison.Ordinal)), k => Assert.Equal(inProcess[member][k], row[k]));
            Assert.Contains(row.Keys, k => k.StartsWith("last.", StringComparison.Ordinal));
            var run = JsonNode.Parse(File.ReadAllText(_dir.File($"cluster/{member}/run.json")))!;
            Assert.Equal("cluster", (string?)run["runtime"]);
            var placement = run["placement"]!.AsObject().Select(p => (string)p.Value!).ToList();
            Assert.Equal(2, placement.Count);
            Assert.All(placement, n => Assert.Matches("^node-[123]$", n));
            used.UnionWith(placement);
            output.WriteLine($"{member}: placement {run["placement"]!.ToJsonString()}, coordinator {run["cluster"]!["coordinator_node"]}");
        }
        Assert.True(File.Exists(_dir.File("cluster/sweep.parquet")));

        // A member whose outputs were lost runs again on the cluster; the other three are kept untouched.
        string lost = cluster.Keys.Order().ElementAt(2);
        var keptStamp = File.GetLastWriteTimeUtc(_dir.File($"cluster/{cluster.Keys.Order().First()}/timeseries.csv"));
        File.Delete(_dir.File($"cluster/{lost}/timeseries.csv"));
        using (var resume = LiveProcess.Actorsim("resume", ["resume", _dir.File("cluster"), "--cluster", nodes.ConfigFile], environment, _dir.Path))
        {
            int exit = await resume.WaitForExitAsync(TimeSpan.FromMinutes(2));
            Assert.True(exit == 0, resume.Describe() + string.Concat(nodes.Nodes.Select(n => n.Describe())));
            Assert.True(resume.StdOut.Contains("3 of 4 members completed earlier are kept; running 1"), resume.Describe());
            Assert.True(resume.StdOut.Contains("4 of 4 members completed (3 kept from before), 0 failed"), resume.Describe());
        }
        Assert.Equal(inProcess[lost]["results_sha256"], Table(_dir.File("cluster/sweep.csv"))[lost]["results_sha256"]);
        Assert.Equal(keptStamp, File.GetLastWriteTimeUtc(_dir.File($"cluster/{cluster.Keys.Order().First()}/timeseries.csv")));
        output.WriteLine($"nodes used: {string.Join(", ", used.Order())}");

        await nodes.StopAsync();
    }

    [Fact]
    public async Task One_block_members_on_three_node_processes_are_stepped_beside_their_block_and_spread_over_the_nodes()
    {
        // Six one-block members, three at a time: each member's coordinator runs on the node of its block (not on the
        // leader that accepted it), and the members in flight go to different workers.
        var scenario = _dir.File("virus-pde-1d.json");
        File.WriteAllText(scenario, ClusterProcessTests.Scenarios.Single(s => s.Name == "virus-pde-1d").Text);
        string[] axes = ["--set", "run.seed=1:6:1", "--set", "run.blocks=1", "--set", "time.end=10"];

        var local = ActorsimProcess.Run(_dir.Path, ["sweep", scenario, "--out", _dir.File("local"), "-q", "--jobs", "2", .. axes]);
        Assert.True(local.ExitCode == 0, local.ToString());

        var (config, environment) = NodeProcesses.Setup("beside", _dir.File("checkpoints"), Secret, failureTimeoutMs: 5000);
        await using var nodes = await NodeProcesses.StartAsync(_dir.Path, config, environment, 3);
        using (var submit = LiveProcess.Actorsim("sweep", ["sweep", scenario, "--out", _dir.File("cluster"), "--cluster", nodes.ConfigFile, "--min-workers", "3",
                   "--jobs", "3", .. axes], environment, _dir.Path))
        {
            int exit = await submit.WaitForExitAsync(TimeSpan.FromMinutes(4));
            Assert.True(exit == 0, submit.Describe() + string.Concat(nodes.Nodes.Select(n => n.Describe())));
            Assert.True(submit.StdOut.Contains("6 of 6 members completed (0 kept from before), 0 failed"), submit.Describe());
        }

        var inProcess = Table(_dir.File("local/sweep.csv"));
        var cluster = Table(_dir.File("cluster/sweep.csv"));
        Assert.Equal(inProcess.Keys.Order(), cluster.Keys.Order());
        var used = new HashSet<string>();
        foreach (var (member, row) in cluster)
        {
            Assert.Equal(inProcess[member]["results_sha256"], row["results_sha256"]);
            var run = JsonNode.Parse(File.ReadAllText(_dir.File($"cluster/{member}/run.json")))!;
            string block = (string)Assert.Single(run["placement"]!.AsObject()).Value!;
            string leader = (string)run["cluster"]!["coordinator_node"]!;
            Assert.Equal(block, (string?)run["cluster"]!["stepping_node"]);
            // The run's monitor log says where it was stepped when that is not the leader.
            string started = File.ReadLines(_dir.File($"cluster/{member}/monitor.jsonl")).Select(l => (string?)JsonNode.Parse(l)!["event"]?["text"])
                .OfType<string>().First(t => t.Contains("started on coordinator", StringComparison.Ordinal));
            if (block != leader) Assert.Contains($"stepped beside its blocks on node '{block}'", started);
            used.Add(block);
            output.WriteLine($"{member}: block and coordinator on {block}, accepted by {leader}");
        }
        Assert.True(used.Count >= 2, $"members ran on {string.Join(", ", used)} only");
        await nodes.StopAsync();
    }

    [Fact]
    public async Task Converge_on_three_node_processes_runs_its_members_there_and_gives_the_in_process_table()
    {
        string[] study = ["converge", "scenarios/muscle-meanfield-1d.json", "--n", "50,100", "--seeds", "2"];
        var local = ActorsimProcess.Run(_dir.Path, [.. study, "--out", _dir.File("local")]);
        Assert.True(local.ExitCode == 0, local.ToString());

        var (config, environment) = NodeProcesses.Setup("converge", _dir.File("checkpoints"), Secret, failureTimeoutMs: 5000);
        await using var nodes = await NodeProcesses.StartAsync(_dir.Path, config, environment, 3);
        using (var submit = LiveProcess.Actorsim("converge", [.. study, "--out", _dir.File("cluster"), "--cluster", nodes.ConfigFile, "--min-workers", "3"],
                   environment, _dir.Path))
        {
            int exit = await submit.WaitForExitAsync(TimeSpan.FromMinutes(4));
            Assert.True(exit == 0, submit.Describe() + string.Concat(nodes.Nodes.Select(n => n.Describe())));
            Assert.True(submit.StdOut.Contains("4 of 4 members completed (0 kept from before), 0 failed"), submit.Describe());
        }
        var inProcess = Table(_dir.File("local/sweep/sweep.csv"));
        var cluster = Table(_dir.File("cluster/sweep/sweep.csv"));
        Assert.Equal(inProcess.Keys.Order(), cluster.Keys.Order());
        foreach (var (member, row) in cluster)
        {
            Assert.Equal(inProcess[member]["results_sha256"], row["results_sha256"]);
            foreach (string column in new[] { "analysis.w1_initial", "analysis.w1_final", "analysis.y_error_final", "analysis.y_meanfield_final" })
                Assert.Equal(inProcess[member][column], row[column]);
            Assert.Equal("cluster", (string?)JsonNode.Parse(File.ReadAllText(_dir.File($"cluster/sweep/{member}/run.json")))!["runtime"]);
        }
        // The study's table from the cluster's members is the in-process one, but for the run times.
        static IEnumerable<string> WithoutSeconds(string file) => File.ReadAllLines(file).Select(l => string.Join(',', l.Split(',').Where((_, i) => i != 8)));
        Assert.Equal(WithoutSeconds(_dir.File("local/converge.csv")), WithoutSeconds(_dir.File("cluster/converge.csv")));
        Assert.Equal(File.ReadAllText(_dir.File("local/converge-fit.csv")), File.ReadAllText(_dir.File("cluster/converge-fit.csv")));

        await nodes.StopAsync();
    }
}
