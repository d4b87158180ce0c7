using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using ActorSim.Cli;

namespace ActorSim.Bench;

/// <summary>
/// <c>sweep --cluster</c>: the throughput of <c>actorsim sweep --cluster</c> (the real command, submitting from this
/// process) of M members of a particle scenario (<c>scenarios/muscle-1d-particles.json</c>, one block each, a seed
/// ensemble) on a cluster of K worker nodes (<c>actorsim node</c> processes on loopback, each coordinator and worker)
/// against a cluster of one such node. Throughput = members / total wall; the figure is
/// throughput(K) / throughput(1) against the ideal K (target ≥ 0.85 K) and against what the machine allows, the
/// cores free of other processes (min(K, cores − others' cores)). The two clusters stay up; rounds alternate between
/// them so that both see the same load from other processes; a first sweep on each warms up its JIT.
/// </summary>
internal static class SweepClusterBenchmark
{
    private const string Secret = "sweep-bench-secret-0123456789abcdef";

    public static int Run(int members, int nodes, double end, int particles, int reps)
    {
        string repo = SweepBenchmark.RepoRoot();
        string cli = Path.Combine(AppContext.BaseDirectory, "actorsim.dll");
        string scenario = Path.Combine(repo, "scenarios", "muscle-1d-particles.json");
        string root = Directory.CreateTempSubdirectory("actorsim-sweep-cluster-bench-").FullName;
        Console.WriteLine($"\n== actorsim sweep --cluster: {members} members of muscle-1d-particles (N = {particles}, time.end = {end}, run.blocks = 1, " +
                          $"run.seed=1:{members}:1) on 1 node vs {nodes} nodes (actorsim node processes on loopback), {reps} rounds each after a warm-up");
        var one = Cluster.Start(cli, root, "one", 1);
        Cluster? many = null;
        try
        {
            many = Cluster.Start(cli, root, "many", nodes);
            string[] Axes(int m) => ["--set", "run.blocks=1", "--set", $"run.seed=1:{m}:1", "--set", $"parameters.N={particles}",
                "--set", $"time.end={end.ToString("R", CultureInfo.InvariantCulture)}"];
            Sweep(scenario, Path.Combine(root, "warm-one"), one, Axes(2));
            Sweep(scenario, Path.Combine(root, "warm-many"), many, Axes(nodes));
            var ratios = new List<double>();
            var allowed = new List<double>();
            for (int rep = 0; rep < reps; rep++)
            {
                var (wall1, others1, sum1) = Sweep(scenario, Path.Combine(root, $"one-{rep}"), one, Axes(members));
                var (wallK, othersK, sumK) = Sweep(scenario, Path.Combine(root, $"many-{rep}"), many, Axes(members));
                double ratio = wall1 / wallK;
                double free = Math.Max(1.0, Environment.ProcessorCount - (others1 + othersK) / 2);
                double ideal = Math.Min(nodes, free);
                ratios.Add(ratio);
                allowed.Add(ratio / ideal);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {rep + 1}: 1 node {wall1:F2} s ({members / wall1:F2} members/s, member run times summed {sum1:F1} s, others {others1:F2} cores), " +
                    $"{nodes} nodes {wallK:F2} s ({members / wallK:F2} members/s, summed {sumK:F1} s, others {othersK:F2} cores): " +
                    $"throughput ratio {ratio:F2} (ideal {nodes}, target >= {0.85 * nodes:F2}; the machine allows {ideal:F2}: {ratio / ideal:F2} of it)"));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"throughput({nodes} nodes) / throughput(1 node): median {Median(ratios):F2}, best {ratios.Max():F2} (target >= {0.85 * nodes:F2}); " +
                $"as a share of what the free cores allow: median {Median(allowed):F2}"));
            return 0;
        }
        finally
        {
            many?.Stop();
            one.Stop();
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static double Median(List<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    /// <summary>(total wall, other processes' cores (not this one, not the cluster's nodes), sum of the members' run times).</summary>
    private static (double Wall, double Others, double SumOfMembers) Sweep(string scenario, string dir, Cluster cluster, string[] axes)
    {
        var load = CpuLoad.Start();
        double nodes0 = cluster.CpuSeconds();
        var clock = Stopwatch.StartNew();
        int exit = CliApp.RunAsync(["sweep", scenario, "--out", dir, "-q", "--cluster", cluster.ConfigFile,
            "--min-workers", cluster.Count.ToString(CultureInfo.InvariantCulture), .. axes]).GetAwaiter().GetResult();
        double wall = clock.Elapsed.TotalSeconds;
        double others = Math.Max(0, load.OthersCores() - (cluster.CpuSeconds() - nodes0) / wall);
        if (exit != 0) throw new InvalidOperationException($"actorsim sweep --cluster exited with {exit}");
        var lines = File.ReadAllLines(Path.Combine(dir, "sweep.csv"));
        int col = Array.IndexOf(lines[0].Split(','), "wall_time_s");
        double sum = lines.Skip(1).Sum(l => double.Parse(l.Split(',')[col], CultureInfo.InvariantCulture));
        return (wall, others, sum);
    }

    /// <summary><c>actorsim node</c> processes of one cluster on loopback (config with the secret in a temporary file).</summary>
    private sealed class Cluster
    {
        private readonly List<Process> _nodes = [];

        public required string ConfigFile { get; init; }
        public int Count => _nodes.Count;

        public static Cluster Start(string cli, string root, string name, int count)
        {
            var ports = Enumerable.Range(0, count).Select(_ => FreePort()).ToArray();
            var config = new JsonObject
            {
                ["cluster"] = $"bench-{name}-{Guid.NewGuid().ToString("N")[..8]}",
                ["secret"] = Secret,
                ["checkpoint_dir"] = Path.Combine(root, "checkpoints-" + name),
                ["heartbeat_ms"] = 250,
                ["failure_timeout_ms"] = 10000,
                ["submit_timeout_s"] = 120,
                ["seed_nodes"] = new JsonArray(ports.Select(p => (JsonNode?)$"127.0.0.1:{p}").ToArray()),
            };
            string file = Path.Combine(root, $"cluster-{name}.json");
            File.WriteAllText(file, config.ToJsonString());
            var cluster = new Cluster { ConfigFile = file };
            var joined = new List<Task>();
            try
            {
                for (int i = 0; i < count; i++)
                {
                    var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                    foreach (string a in new[] { cli, "node", "--config", file, "--name", $"node-{i + 1}", "--port", ports[i].ToString(CultureInfo.InvariantCulture) })
                        psi.ArgumentList.Add(a);
                    var p = Process.Start(psi)!;
                    cluster._nodes.Add(p);
                    var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    p.OutputDataReceived += (_, e) => { if (e.Data?.Contains("joined cluster", StringComparison.Ordinal) == true) ready.TrySetResult(); };
                    p.ErrorDataReceived += (_, _) => { };
                    p.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"node-{i + 1} of {name} exited with {p.ExitCode}"));
                    p.EnableRaisingEvents = true;
                    p.BeginOutputReadLine();
                    p.BeginErrorReadLine();
                    joined.Add(ready.Task);
                }
                if (!Task.WhenAll(joined).Wait(TimeSpan.FromSeconds(120))) throw new TimeoutException($"the {name} cluster's nodes did not join within 120 s");
            }
            catch
            {
                cluster.Stop();
                throw;
            }
            return cluster;
        }

        /// <summary>CPU time of the nodes so far.</summary>
        public double CpuSeconds()
        {
            double s = 0;
            foreach (var p in _nodes)
                try { p.Refresh(); s += p.TotalProcessorTime.TotalSeconds; } catch (InvalidOperationException) { }
            return s;
        }

        /// <summary>SIGTERM to every node (each leaves the cluster), then waits up to 30 s; what still runs is killed.</summary>
        public void Stop()
        {
            foreach (var p in _nodes)
                if (!p.HasExited) _ = kill(p.Id, 15);
            foreach (var p in _nodes)
            {
                if (!p.WaitForExit(TimeSpan.FromSeconds(30))) p.Kill();
                p.Dispose();
            }
            _nodes.Clear();
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int kill(int pid, int sig);

        private static int FreePort()
        {
            using var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            return ((IPEndPoint)l.LocalEndpoint).Port;
        }
    }
}
