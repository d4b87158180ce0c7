using ActorSim.Actors;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ActorSim.Actors.Remote;
using ActorSim.Simulation.Runtime.Cluster;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Bench;

/// <summary>
/// <c>recovery [--n N] [--steps S] [--every K] [--storage shared,node-local]</c>: recovery after a worker crash, on the Akka.NET cluster on loopback. A
/// coordinator-only node and 3 worker nodes (in this process, each a cluster member of its own) run
/// muscle-1d-particles with N particles in 4 blocks, checkpointed every K steps into a shared directory: first without a
/// failure (the reference wall time and results_sha256), then with worker node-1 crashed (its actor system stopped without leaving,
/// heartbeats stopped, as when its process dies) right after the second checkpoint is complete. Reports the detection
/// time, the time until the run continued on the survivors from the checkpoint, the time until it was back at the
/// step it had reached, the steps recomputed, the extra wall time, and whether the result is bit-identical. With
/// <c>--storage node-local</c> every node has a checkpoint directory of its own (no shared directory): the crashed node's
/// blocks come back from their buddy node's memory; with both storages the two recoveries are measured in the same run
/// (ratio node-local / shared of the restart time).
/// </summary>
public sealed class RecoveryBenchmark : IBenchmark
{
    public string Name => "recovery";
    public string Description => "recovery: a worker crashes mid-run (10^6 particles, 3 workers): detection, restart, catch-up times; with --event join a worker joins and the blocks move to it at a step [--fabric akka,akka-remote] [--storage shared,node-local] [--event crash,join]";

    private static readonly ClusterSecret Secret = ClusterSecret.FromString(Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + "-bench");

    public int Run(string[] args)
    {
        int n = 1_000_000, steps = 200, every = 20;
        var fabrics = new List<string>();
        var storages = new List<string>();
        var events = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--n") n = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--steps") steps = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--every") every = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--fabric") fabrics.AddRange(args[++i].Split(','));
            else if (args[i] == "--storage") storages.AddRange(args[++i].Split(','));
            else if (args[i] == "--event") events.AddRange(args[++i].Split(','));
            else { Console.Error.WriteLine($"unknown option {args[i]}; usage: recovery [--n N] [--steps S] [--every K] [--fabric akka,akka-remote] [--storage shared,node-local] [--event crash,join]"); return 2; }
        }
        if (fabrics.Count == 0) fabrics.Add("akka");
        if (storages.Count == 0) storages.Add(ClusterSettings.SharedStorage);
        if (events.Count == 0) events.Add("crash");
        if (events.FirstOrDefault(e => e is not ("crash" or "join")) is { } unknown)
        {
            Console.Error.WriteLine($"--event: '{unknown}' is not an event; use crash (a worker dies: recovery from a checkpoint) and/or join (a worker joins: the blocks move to it at a step)");
            return 2;
        }
        if (storages.FirstOrDefault(s => s is not (ClusterSettings.SharedStorage or ClusterSettings.NodeLocalStorage)) is { } bad)
        {
            Console.Error.WriteLine($"--storage: '{bad}' is not a checkpoint storage; use {ClusterSettings.SharedStorage} and/or {ClusterSettings.NodeLocalStorage}");
            return 2;
        }
        foreach (var fabric in fabrics)
        {
            Console.WriteLine();
            Console.WriteLine($"===== fabric: {fabric} =====");
            int code = events.Contains("crash") ? RunAsync(n, steps, every, fabric, storages).GetAwaiter().GetResult() : 0;
            if (code == 0 && events.Contains("join")) code = JoinAsync(n, steps, every, fabric, storages).GetAwaiter().GetResult();
            if (code != 0) return code;
        }
        return 0;
    }

    private static async Task<int> RunAsync(int n, int steps, int every, string fabricName, IReadOnlyList<string> storages)
    {
        using var fabric = new BenchFabric(fabricName);
        Console.WriteLine($"fabric: {fabric.Description}");
        var scratch = Directory.CreateTempSubdirectory("actorsim-bench-recovery-").FullName;
        try
        {
            var (text, scenario) = Particles(n, steps, every, "recovery bench");
            Console.WriteLine($"muscle-1d-particles, {n} particles in 4 blocks, {steps} steps, checkpoint every {every} steps; coordinator on a node of its own, 3 worker nodes");

            Console.WriteLine($"state per block: {n / 4 * 16.0 / (1 << 20):F1} MB (2 doubles per particle); storages: {string.Join(", ", storages)}");

            await RunOnceAsync(fabric, scenario, text, scratch, "warm-up", crash: false, nodeLocal: false); // JIT and page cache, not counted
            var (reference, referenceWall) = await RunOnceAsync(fabric, scenario, text, scratch, "reference", crash: false, nodeLocal: false);
            var rows = new List<(string Storage, double Wall, JsonObject Recovery, bool Same)>();
            foreach (var storage in storages)
            {
                bool nodeLocal = storage == ClusterSettings.NodeLocalStorage;
                var (recovered, recoveredWall) = await RunOnceAsync(fabric, scenario, text, scratch, "crash-" + storage, crash: true, nodeLocal);
                var run = JsonNode.Parse(File.ReadAllText(Path.Combine(scratch, "crash-" + storage, "run.json")))!.AsObject();
                rows.Add((storage, recoveredWall, run["recoveries"]!.AsArray().Single()!.AsObject(), reference == recovered));
            }
            Console.WriteLine();
            Console.WriteLine($"{"storage",-11} {"uninterrupted wall s",21} {"with crash wall s",18} {"detection s",12} {"restarted s",12} {"restore s",10} {"caught up s",12} {"steps redone",13} {"same sha",9}  restored from");
            foreach (var (storage, wall, r, same) in rows)
            {
                string F(string key) => r[key] is { } v ? ((double)v).ToString("F3", CultureInfo.InvariantCulture) : "-";
                string from = r["restored_from"] is JsonArray a ? string.Join(", ", a.Select((x, b) => $"{b}: {(string?)x}")) : $"the shared directory ({(string?)r["resumed_from_checkpoint"]})";
                Console.WriteLine($"{storage,-11} {referenceWall,21:F2} {wall,18:F2} {F("detection_s"),12} {F("restarted_s"),12} {F("restore_s"),10} {F("caught_up_s"),12} {(long)r["steps_recomputed"]!,13} {(same ? "yes" : "NO"),9}  {from}");
                Console.WriteLine($"{"",-11} crash cost: {wall - referenceWall:F2} s of wall time ({100 * (wall / referenceWall - 1):F0} % of the uninterrupted run); resumed from step {(long)r["resumed_from_step"]!}; " +
                    $"the last step record before the crash was at step {(long)r["step_reached"]!} (records come at most every 100 ms, so steps redone is a lower bound)");
            }
            if (rows.Count == 2)
            {
                // With a shared directory the new blocks read their files after the run is "restarted" (so restarted_s leaves out
                // building the kernels and loading the states); node-local restarts only once every block holds its state. Caught
                // up (back at the step reached) includes both the same way.
                Console.WriteLine($"restarted (detection -> running again) node-local / shared: {(double)rows[1].Recovery["restarted_s"]! / (double)rows[0].Recovery["restarted_s"]!:F2}; " +
                    $"caught up node-local / shared: {(double)rows[1].Recovery["caught_up_s"]! / (double)rows[0].Recovery["caught_up_s"]!:F2}");
            }
            KernelCosts(scenario, n);
            return rows.All(r => r.Same) ? 0 : 1;
        }
        finally
        {
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// A planned move (issue "Elastic cluster", item 1 and its speed figure): the run starts on 2 workers; right after
    /// the second checkpoint a third worker joins, and the blocks move to it at the next step (a checkpoint there, the
    /// next epoch from it). Reports the move's phases from run.json (<c>moves</c>) against the time the same bytes take
    /// node to node on the cluster's frames (measured in this run, 8 MB arrays).
    /// </summary>
    private static async Task<int> JoinAsync(int n, int steps, int every, string fabricName, IReadOnlyList<string> storages)
    {
        using var fabric = new BenchFabric(fabricName);
        var scratch = Directory.CreateTempSubdirectory("actorsim-bench-move-").FullName;
        try
        {
            var (text, scenario) = Particles(n, steps, every, "move bench");
            Console.WriteLine();
            Console.WriteLine($"move: muscle-1d-particles, {n} particles in 4 blocks ({n / 4 * 16.0 / (1 << 20):F1} MB of state each), {steps} steps, checkpoint every {every}; " +
                "2 workers, a third joins after the second checkpoint");
            var (reference, _) = await RunOnceAsync(fabric, scenario, text, scratch, "move-reference", crash: false, nodeLocal: false);
            double rate, one;
            long stateBytes = n / 4 * 16L; // one block's state: x and v of its particles
            await using (var pair = await FrameBulkBenchmark.Pair.StartAsync(fabricName))
            {
                var data = new double[1 << 20]; // 8 MB
                rate = 64 * 8.0 * (1 << 20) / await pair.MeasureAsync(data, 64, 8);
                // One block's state as one message, sent and acknowledged one at a time (what a move does), best of 3.
                var state = new double[stateBytes / 8];
                one = double.MaxValue;
                for (int rep = 0; rep < 3; rep++) one = Math.Min(one, await pair.MeasureAsync(state, 4, 1) / 4);
            }
            Console.WriteLine($"frames node to node (8 MB arrays, 8 in flight): {rate / 1e9:F2} GB/s; one {stateBytes / 1e6:F0} MB array sent and acknowledged: {one:F4} s");
            // A live move (shared checkpoints) ships only the moved blocks' states at the barrier; with node-local checkpoints the run
            // declines it and moves through a checkpoint and the next epoch. "at the barrier s" is what the move costs once the
            // coordinator holds at the step (live: transfer_s; epoch: running again − barrier wait is not separable, so all of it).
            Console.WriteLine($"{"storage",-11} {"live",5} {"barrier s",10} {"moved s",9} {"running again s",16} {"at the barrier s",17} {"bytes moved",12} {"same bytes by frames s",23} {"ratio",7} {"one message s",14} {"ratio",7} {"same sha",9}");
            foreach (var storage in storages)
            {
                bool nodeLocal = storage == ClusterSettings.NodeLocalStorage;
                var (sha, _) = await RunOnceAsync(fabric, scenario, text, scratch, "move-" + storage, crash: false, nodeLocal, join: true);
                var run = JsonNode.Parse(File.ReadAllText(Path.Combine(scratch, "move-" + storage, "run.json")))!.AsObject();
                if (run["moves"]!.AsArray().FirstOrDefault() is not JsonObject move)
                {
                    Console.WriteLine($"{storage,-11} no move (the run ended before the worker joined)");
                    continue;
                }
                long bytes = (long?)move["bytes_moved"] ?? 0;
                double again = (double?)move["running_again_s"] ?? double.NaN, byFrames = bytes / rate;
                bool live = (bool?)move["live"] ?? false;
                double atBarrier = live ? (double)move["transfer_s"]! : again;
                double byMessages = one * bytes / stateBytes; // one message per moved block
                Console.WriteLine($"{storage,-11} {(live ? "yes" : "no"),5} {(double)move["barrier_s"]!,10:F3} {(double)move["moved_s"]!,9:F3} {again,16:F3} {atBarrier,17:F4} {bytes,12} {byFrames,23:F4} {atBarrier / byFrames,7:F2} {byMessages,14:F4} {atBarrier / byMessages,7:F2} {(sha == reference ? "yes" : "NO"),9}");
            }
            return 0;
        }
        finally
        {
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>muscle-1d-particles with <paramref name="n"/> particles in its 4 blocks, <paramref name="steps"/> steps of 0.01,
    /// a checkpoint every <paramref name="every"/> steps, no W1.</summary>
    private static (string Text, Scenario Scenario) Particles(int n, int steps, int every, string what)
    {
        const double dt = 0.01;
        var text = ClusterBenchmark.Edit(ClusterBenchmark.FindScenarios(), "muscle-1d-particles", d =>
        {
            d["parameters"]!["N"] = n;
            d["parameters"]!["w1"] = "off";
            d["time"] = new JsonObject { ["end"] = steps * dt, ["output_interval"] = steps * dt / 4, ["dt"] = dt };
            d["run"]!["checkpoint"] = new JsonObject { ["steps"] = every };
        });
        return (text, ScenarioLoader.Parse(text, $"muscle-1d-particles ({what})"));
    }

    /// <summary>What a recovering block does besides receiving its state: build its kernel (for restore: its arrays only; with the
    /// model's initial state for its particles, as before #12's restore-built kernels), check the state's SHA-256 (done by the
    /// buddy when the copy arrives) and load it; one block, in this process, best of 3.</summary>
    private static void KernelCosts(Scenario scenario, int n)
    {
        var model = (ActorSim.Simulation.Particles.IParticleModel)ActorSim.Simulation.Models.ModelCatalog.Find(scenario.Model)!.Create(scenario);
        double initial = double.MaxValue, forRestore = double.MaxValue, hash = double.MaxValue, load = double.MaxValue;
        long bytes = 0;
        for (int rep = 0; rep < 3; rep++)
        {
            var clock = Stopwatch.StartNew();
            var kernel = (ActorSim.Simulation.Runtime.ICheckpointableKernel)model.CreateKernel(0);
            initial = Math.Min(initial, clock.Elapsed.TotalSeconds);
            var state = new double[kernel.StateLength];
            kernel.SaveState(state);
            bytes = state.Length * 8L;
            kernel = null;
            clock.Restart();
            var restored = (ActorSim.Simulation.Runtime.ICheckpointableKernel)model.CreateKernelForRestore(0);
            forRestore = Math.Min(forRestore, clock.Elapsed.TotalSeconds);
            clock.Restart();
            System.Security.Cryptography.SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(state.AsSpan()));
            hash = Math.Min(hash, clock.Elapsed.TotalSeconds);
            clock.Restart();
            restored.LoadState(state);
            load = Math.Min(load, clock.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"one block of {n / 4} particles ({bytes / (double)(1 << 20):F1} MB of state), in this process, best of 3: build its kernel for restore {forRestore:F3} s " +
            $"(with its initial state {initial:F3} s, ratio {initial / forRestore:F0}), SHA-256 of its state {hash:F3} s, load the state {load:F3} s");
    }

    /// <summary>
    /// One cluster run on fresh nodes; with <paramref name="crash"/>, worker node-1 crashes after the second checkpoint (with
    /// <paramref name="nodeLocal"/>: once it is on every node, and node-1's checkpoint directory is deleted with it).
    /// </summary>
    private static async Task<(string Sha, double Wall)> RunOnceAsync(BenchFabric fabric, Scenario scenario, string text, string scratch, string name, bool crash,
        bool nodeLocal, bool join = false)
    {
        var clusterId = "bench-" + Guid.NewGuid().ToString("N")[..6];
        var checkpoints = Path.Combine(scratch, "checkpoints-" + name);
        string DirectoryOf(string node) => nodeLocal ? Path.Combine(checkpoints, node) : checkpoints;
        var nodes = new List<ClusterNodeHost>();
        try
        {
            var failure = TimeSpan.FromSeconds(2);
            nodes.Add(await ClusterNodeHost.StartAsync(new ClusterOptions(clusterId, "coordinator", Secret) { FailureTimeout = failure }, [NodeRoles.Coordinator],
                DirectoryOf("coordinator"), fabric.Create(seed: true)));
            for (int i = 1; i <= (join ? 2 : 3); i++)
                nodes.Add(await ClusterNodeHost.StartAsync(new ClusterOptions(clusterId, $"node-{i}", Secret) { LeaderCandidate = false, FailureTimeout = failure }, [NodeRoles.Worker],
                    DirectoryOf($"node-{i}"), fabric.Create(seed: false)));
            var options = new ClusterRunOptions(Path.Combine(scratch, name), clusterId, Secret, () => fabric.Create(seed: false, submitter: true))
            {
                MinWorkers = join ? 2 : 3, Force = true, BalanceThreshold = 0, CheckpointDirectory = nodeLocal ? null : checkpoints, FailureTimeout = failure, NodeLocalCheckpoints = nodeLocal,
            };
            var clock = Stopwatch.StartNew();
            var run = ClusterRunner.RunAsync(scenario, text, options);
            if (crash)
            {
                int Manifests(string directory) => Directory.Exists(directory) ? Directory.EnumerateFiles(directory, "manifest.json", SearchOption.AllDirectories).Count() : 0;
                while (!run.IsCompleted && (nodeLocal ? new[] { "coordinator", "node-1", "node-2", "node-3" }.Any(x => Manifests(DirectoryOf(x)) < 2) : Manifests(checkpoints) < 2))
                    await Task.Delay(20);
                var victim = nodes.Single(x => x.Info.NodeId == "node-1");
                Console.WriteLine($"  crashing node-1 at {clock.Elapsed.TotalSeconds:F2} s");
                await victim.Node.SimulateCrashAsync();
                await victim.System.ShutdownAsync(TimeSpan.FromSeconds(10));
                if (nodeLocal) Directory.Delete(DirectoryOf("node-1"), recursive: true); // its disk is gone with it
            }
            if (join)
            {
                int Manifests(string directory) => Directory.Exists(directory) ? Directory.EnumerateFiles(directory, "manifest.json", SearchOption.AllDirectories).Count() : 0;
                while (!run.IsCompleted && Manifests(nodeLocal ? DirectoryOf("node-1") : checkpoints) < 2) await Task.Delay(20);
                Console.WriteLine($"  node-3 joins at {clock.Elapsed.TotalSeconds:F2} s");
                nodes.Add(await ClusterNodeHost.StartAsync(new ClusterOptions(clusterId, "node-3", Secret) { LeaderCandidate = false, FailureTimeout = TimeSpan.FromSeconds(2) },
                    [NodeRoles.Worker], DirectoryOf("node-3"), fabric.Create(seed: false)));
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
