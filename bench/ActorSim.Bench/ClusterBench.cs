using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ActorSim.Actors.Remote;

using ActorSim.Simulation.Models;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Runtime.Cluster;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Bench;

/// <summary>
/// <c>cluster [--rounds N] [--only rounds|runs]</c>: (1) the coordination round — the coordinator sends a step order to
/// every block and gets one reply per block — with 1, 4 and 16 blocks placed over 3 cluster nodes of
/// the Akka.NET cluster on loopback (p50/p99 per round, beside the same rounds in process); (2) the wall time of whole runs
/// on those 3 worker nodes against the in-process runtime (same results_sha256 checked). The coordinator runs on a
/// fourth node with the coordinator role only, so every block is remote to it. The 4 nodes and the submitter live in
/// this process, each a cluster member of its own: every message between them crosses Akka.Remote on loopback, encoded
/// and HMAC-signed, but they share this machine's cores.
/// </summary>
public sealed class ClusterBenchmark : IBenchmark
{
    public string Name => "cluster";
    public string Description => "cluster: coordination round with 1/4/16 blocks over 3 nodes (p50/p99), whole-run overhead vs in process";

    private static readonly ClusterSecret Secret = ClusterSecret.FromString(Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + "-bench");

    public int Run(string[] args)
    {
        int rounds = 3000;
        string only = "";
        var fabrics = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--rounds") rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--only") only = args[++i];
            else if (args[i] == "--fabric") fabrics.AddRange(args[++i].Split(','));
            else { Console.Error.WriteLine($"unknown option {args[i]}; usage: cluster [--rounds N] [--only rounds|runs] [--fabric akka,akka-inline,akka-signed,akka-tls,akka-remote]"); return 2; }
        }
        if (fabrics.Count == 0) fabrics.Add("akka");
        foreach (var fabric in fabrics)
        {
            Console.WriteLine();
            Console.WriteLine($"===== fabric: {fabric} =====");
            int code = RunAsync(rounds, only, fabric).GetAwaiter().GetResult();
            if (code != 0) return code;
        }
        return 0;
    }

    private static async Task<int> RunAsync(int rounds, string only, string fabricName)
    {
        using var fabric = new BenchFabric(fabricName);
        Console.WriteLine($"fabric: {fabric.Description}");
        var scratch = Directory.CreateTempSubdirectory("actorsim-bench-cluster-").FullName;
        IReadOnlyList<IModelDefinition> models = [.. ModelCatalog.All, new ClusterRoundDefinition()];
        var clusterId = "bench-" + Guid.NewGuid().ToString("N")[..6];
        var nodes = new List<ClusterNodeHost>();
        try
        {
            // The coordinator first (it connects first, so it leads), on a node of its own: every block is remote to it.
            nodes.Add(await ClusterNodeHost.StartAsync(new ClusterOptions(clusterId, "coordinator", Secret), [NodeRoles.Coordinator],
                Path.Combine(scratch, "checkpoints"), fabric.Create(seed: true), null, models));
            for (int i = 1; i <= 3; i++)
                nodes.Add(await ClusterNodeHost.StartAsync(new ClusterOptions(clusterId, $"node-{i}", Secret) { LeaderCandidate = false }, [NodeRoles.Worker],
                    Path.Combine(scratch, "checkpoints"), fabric.Create(seed: false), null, models));
            ClusterRunOptions ClusterOptions(string dir) =>
                new(dir, clusterId, Secret, () => fabric.Create(seed: false, submitter: true)) { MinWorkers = 3, Force = true };

            if (only is "" or "rounds") await RoundsAsync(rounds, scratch, models, ClusterOptions, fabric.Via);
            if (only is "" or "runs") await WholeRunsAsync(scratch, ClusterOptions, fabric.Via);
            return 0;
        }
        finally
        {
            foreach (var n in nodes) await n.DisposeAsync();
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task RoundsAsync(int rounds, string scratch, IReadOnlyList<IModelDefinition> models, Func<string, ClusterRunOptions> clusterOptions, string via)
    {
        int warmup = rounds / 10;
        Console.WriteLine();
        Console.WriteLine($"coordination round (RunStep to every block, one BlockBounds back from each, reduce, plan): {rounds} rounds, first {warmup} dropped");
        Console.WriteLine($"{"blocks",6} {"where",-34} {"p50 µs",9} {"p99 µs",9} {"mean µs",9} {"rounds/s",9}");
        Console.WriteLine($"(cluster: coordinator on a node of its own, blocks placed on 3 worker nodes, {via})");
        foreach (int blocks in new[] { 1, 4, 16 })
        {
            var text = ClusterRoundDefinition.Scenario(blocks, rounds);
            var scenario = ScenarioLoader.Parse(text, "bench-rounds.json", models);

            while (ClusterRoundDefinition.Created.TryDequeue(out _)) { }
            var local = (ClusterRoundModel)models.Last().Create(scenario);
            var dir = Path.Combine(scratch, $"rounds-local-{blocks}");
            OutputDirectory.Prepare(dir, force: true);
            await LocalRunner.RunModelAsync(scenario, local, new RunOptions(dir));
            Print(blocks, "in process (1 actor system)", local.RoundMicroseconds(warmup));

            while (ClusterRoundDefinition.Created.TryDequeue(out _)) { }
            RunAccepted? accepted = null;
            await ClusterRunner.RunAsync(scenario, text, clusterOptions(Path.Combine(scratch, $"rounds-cluster-{blocks}")), onAccepted: a => accepted = a);
            var coordinatorModel = ClusterRoundDefinition.Created.OrderByDescending(m => m.PlanTimestamps.Count).First();
            int remote = accepted!.Placement.Count(n => n != accepted.CoordinatorNode);
            Print(blocks, $"over 3 worker nodes {via}", coordinatorModel.RoundMicroseconds(warmup));
            if (remote != blocks) Console.WriteLine($"       ({blocks - remote} blocks on the coordinator's node!)");
        }
    }

    private static void Print(int blocks, string where, double[] us)
    {
        var sorted = us.Order().ToArray();
        double P(double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
        double mean = sorted.Average();
        Console.WriteLine($"{blocks,6} {where,-34} {P(0.5),9:F1} {P(0.99),9:F1} {mean,9:F1} {1e6 / mean,9:F0}");
    }

    private static async Task WholeRunsAsync(string scratch, Func<string, ClusterRunOptions> clusterOptions, string via)
    {
        Console.WriteLine();
        Console.WriteLine($"whole runs, wall time of the call: in process vs on 3 worker nodes {via} (outputs streamed to the submitter; best of 2 each)");
        Console.WriteLine($"{"scenario",-52} {"in process s",12} {"cluster s",10} {"overhead",9}  same sha");
        var root = FindScenarios();
        (string Name, string Text)[] runs =
        [
            ("virus-pde-1d-unstable, 4 blocks (1485 steps)", Edit(root, "virus-pde-1d-unstable", d => d["run"]!["blocks"] = 4)),
            ("virus-pde-2d-pattern 64x64, 4 blocks, t <= 5", Edit(root, "virus-pde-2d-pattern", d => { d["run"]!["blocks"] = 4; d["time"]!["end"] = 5.0; })),
            ("huxley-particles, 4 x 10^6 bridges, 10 steps", Edit(root, "huxley-particles", d =>
            {
                d["parameters"]!["N"] = 4_000_000;
                d["time"] = new JsonObject { ["end"] = 0.02, ["output_interval"] = 0.01, ["dt"] = 0.002 };
            })),
            ("muscle-1d-particles, 4 x 10^6 particles, 10 steps", Edit(root, "muscle-1d-particles", d =>
            {
                d["parameters"]!["N"] = 4_000_000;
                d["parameters"]!["w1"] = "off";
                d["time"] = new JsonObject { ["end"] = 0.1, ["output_interval"] = 0.05, ["dt"] = 0.01 };
            })),
        ];
        foreach (var (name, text) in runs)
        {
            var scenario = ScenarioLoader.Parse(text, name);
            double bestLocal = double.MaxValue, bestCluster = double.MaxValue;
            string? shaLocal = null, shaCluster = null;
            for (int rep = 0; rep < 2; rep++)
            {
                // Wall time as a user sees it: model creation included in process; joining, submission, block
                // creation on the workers and leaving included in the cluster.
                var clock = Stopwatch.StartNew();
                var local = await LocalRunner.RunAsync(scenario, new RunOptions(Path.Combine(scratch, "run-local"), Force: true));
                bestLocal = Math.Min(bestLocal, clock.Elapsed.TotalSeconds);
                shaLocal = local.ResultsSha256;
                clock.Restart();
                var cluster = await ClusterRunner.RunAsync(scenario, text, clusterOptions(Path.Combine(scratch, "run-cluster")));
                bestCluster = Math.Min(bestCluster, clock.Elapsed.TotalSeconds);
                shaCluster = cluster.ResultsSha256;
            }
            Console.WriteLine($"{name,-52} {bestLocal,12:F2} {bestCluster,10:F2} {100 * (bestCluster / bestLocal - 1),8:F0}%  {(shaLocal == shaCluster ? "yes" : "NO")}");
        }
    }

    internal static string FindScenarios()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "scenarios"))) return Path.Combine(dir.FullName, "scenarios");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "scenarios"))) return Path.Combine(dir.FullName, "scenarios");
        throw new InvalidOperationException("scenarios/ not found; run the benchmark from the repository");
    }

    internal static string Edit(string root, string name, Action<JsonObject> edit)
    {
        var doc = JsonNode.Parse(File.ReadAllText(Path.Combine(root, name + ".json")))!.AsObject();
        edit(doc);
        return doc.ToJsonString();
    }
}
