using ActorSim.Actors;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ActorSim.Actors.Remote;
using ActorSim.Simulation.Runtime.Cluster;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Bench;

/// <summary>
/// <c>recovery [--n N] [--steps S] [--every K]</c>: recovery after a worker crash, on the Akka.NET cluster on loopback. A
/// coordinator-only node and 3 worker nodes (in this process, each a cluster member of its own) run
/// muscle-1d-particles with N particles in 4 blocks, checkpointed every K steps into a shared directory: first without a
/// failure (the reference wall time and results_sha256), then with worker node-1 crashed (its actor system stopped without leaving,
/// heartbeats stopped, as when its process dies) right after the second checkpoint is complete. Reports the detection
/// time, the time until the run continued on the survivors from the checkpoint, the time until it was back at the
/// step it had reached, the steps recomputed, the extra wall time, and whether the result is bit-identical.
/// </summary>
public sealed class RecoveryBenchmark : IBenchmark
{
    public string Name => "recovery";
    public string Description => "recovery: a worker crashes mid-run (10^6 particles, 3 workers): detection, restart, catch-up times [--fabric akka,akka-remote]";

    private static readonly ClusterSecret Secret = ClusterSecret.FromString(Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + "-bench");

    public int Run(string[] args)
    {
        int n = 1_000_000, steps = 200, every = 20;
        var fabrics = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--n") n = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--steps") steps = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--every") every = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--fabric") fabrics.AddRange(args[++i].Split(','));
            else { Console.Error.WriteLine($"unknown option {args[i]}; usage: recovery [--n N] [--steps S] [--every K] [--fabric akka,akka-remote]"); return 2; }
        }
        if (fabrics.Count == 0) fabrics.Add("akka");
        foreach (var fabric in fabrics)
        {
            Console.WriteLine();
            Console.WriteLine($"===== fabric: {fabric} =====");
            int code = RunAsync(n, steps, every, fabric).GetAwaiter().GetResult();
            if (code != 0) return code;
        }
        return 0;
    }

    private static async Task<int> RunAsync(int n, int steps, int every, string fabricName)
    {
        using var fabric = new BenchFabric(fabricName);
        Console.WriteLine($"fabric: {fabric.Description}");
        var scratch = Directory.CreateTempSubdirectory("actorsim-bench-recovery-").FullName;
        try
        {
            const double dt = 0.01;
            var text = ClusterBenchmark.Edit(ClusterBenchmark.FindScenarios(), "muscle-1d-particles", d =>
            {
                d["parameters"]!["N"] = n;
                d["parameters"]!["w1"] = "off";
                d["time"] = new JsonObject { ["end"] = steps * dt, ["output_interval"] = steps * dt / 4, ["dt"] = dt };
                d["run"]!["checkpoint"] = new JsonObject { ["steps"] = every };
            });
            var scenario = ScenarioLoader.Parse(text, "muscle-1d-particles (recovery bench)");
            Console.WriteLine($"muscle-1d-particles, {n} particles in 4 blocks, {steps} steps, checkpoint every {every} steps; coordinator on a node of its own, 3 worker nodes");

            await RunOnceAsync(fabric, scenario, text, scratch, "warm-up", crash: false); // JIT and page cache, not counted
            var (reference, referenceWall) = await RunOnceAsync(fabric, scenario, text, scratch, "reference", crash: false);
            var (recovered, recoveredWall) = await RunOnceAsync(fabric, scenario, text, scratch, "crash", crash: true);
            var run = JsonNode.Parse(File.ReadAllText(Path.Combine(scratch, "crash", "run.json")))!.AsObject();
            var r = run["recoveries"]!.AsArray().Single()!.AsObject();
            string F(string key) => r[key] is { } v ? ((double)v).ToString("F3", CultureInfo.InvariantCulture) : "-";
            Console.WriteLine();
            Console.WriteLine($"{"uninterrupted wall s",22} {"with crash wall s",18} {"detection s",12} {"restarted s",12} {"caught up s",12} {"steps redone",13} {"same sha",9}");
            Console.WriteLine($"{referenceWall,22:F2} {recoveredWall,18:F2} {F("detection_s"),12} {F("restarted_s"),12} {F("caught_up_s"),12} {(long)r["steps_recomputed"]!,13} {(reference == recovered ? "yes" : "NO"),9}");
            Console.WriteLine($"crash cost: {recoveredWall - referenceWall:F2} s of wall time ({100 * (recoveredWall / referenceWall - 1):F0} % of the uninterrupted run); resumed from step {(long)r["resumed_from_step"]!}; " +
                $"the last step record before the crash was at step {(long)r["step_reached"]!} (records come at most every 100 ms, so steps redone is a lower bound)");
            return reference == recovered ? 0 : 1;
        }
        finally
        {
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>One cluster run on fresh nodes; with <paramref name="crash"/>, worker node-1 crashes after the second checkpoint.</summary>
    private static async Task<(string Sha, double Wall)> RunOnceAsync(BenchFabric fabric, Scenario scenario, string text, string scratch, string name, bool crash)
    {
        var clusterId = "bench-" + Guid.NewGuid().ToString("N")[..6];
        var checkpoints = Path.Combine(scratch, "checkpoints-" + name);
        var nodes = new List<ClusterNodeHost>();
        try
        {
            var failure = TimeSpan.FromSeconds(2);
            nodes.Add(await ClusterNodeHost.StartAsync(new ClusterOptions(clusterId, "coordinator", Secret) { FailureTimeout = failure }, [NodeRoles.Coordinator],
                checkpoints, fabric.Create(seed: true)));
            for (int i = 1; i <= 3; i++)
                nodes.Add(await ClusterNodeHost.StartAsync(new ClusterOptions(clusterId, $"node-{i}", Secret) { LeaderCandidate = false, FailureTimeout = failure }, [NodeRoles.Worker],
                    checkpoints, fabric.Create(seed: false)));
            var options = new ClusterRunOptions(Path.Combine(scratch, name), clusterId, Secret, () => fabric.Create(seed: false, submitter: true))
            {
                MinWorkers = 3, Force = true, CheckpointDirectory = checkpoints, FailureTimeout = failure,
            };
            var clock = Stopwatch.StartNew();
            var run = ClusterRunner.RunAsync(scenario, text, options);
            if (crash)
            {
                while (!run.IsCompleted && (!Directory.Exists(checkpoints) || Directory.EnumerateFiles(checkpoints, "manifest.json", SearchOption.AllDirectories).Count() < 2))
                    await Task.Delay(20);
                var victim = nodes.Single(x => x.Info.NodeId == "node-1");
                Console.WriteLine($"  crashing node-1 at {clock.Elapsed.TotalSeconds:F2} s");
                await victim.Node.SimulateCrashAsync();
                await victim.System.ShutdownAsync(TimeSpan.FromSeconds(10));
            }
            var result = await run;
            double wall = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"  {name}: {result.Status}, {result.Counters.Accepted} steps, {wall:F2} s");
            return (result.ResultsSha256, wall);
        }
        finally
        {
            foreach (var x in nodes) await x.DisposeAsync();
        }
    }
}
