using System.Diagnostics;
using System.Globalization;
using ActorSim.Cli;

namespace ActorSim.Bench;

/// <summary>
/// <c>sweep [--members M] [--jobs J] [--reps R] [--end T]</c>: <c>actorsim sweep</c> (the real command, in process) of
/// M members of <c>scenarios/may-nowak-ode.json</c> (a seed ensemble, <c>run.seed=1:M:1</c>, <c>time.end = T</c>) with
/// J members at a time. Reported per round: the sweep's total wall time beside the ideal, the sum of the members' own
/// run times (<c>wall_time_s</c> in sweep.csv) / J; their ratio is the sweep's overhead and imbalance (target ≤ 1.2 for
/// 64 members on 2 cores). A first sweep warms up the JIT and is not counted.
/// <c>sweep --cluster [--nodes 3] [--members 48] [--particles N] [--end T]</c>: the cluster figure
/// (<see cref="SweepClusterBenchmark"/>).
/// </summary>
public sealed class SweepBenchmark : IBenchmark
{
    public string Name => "sweep";
    public string Description => "actorsim sweep of may-nowak-ode members in process: total wall vs sum of member run times / jobs";

    public int Run(string[] args)
    {
        int members = 64, jobs = Environment.ProcessorCount, reps = 3, nodes = 3;
        double end = 400;
        bool cluster = false;
        int? particles = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--cluster": cluster = true; break;
                case "--nodes": nodes = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--particles": particles = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--members": members = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--jobs": jobs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--reps": reps = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--end": end = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        if (cluster)
            return SweepClusterBenchmark.Run(args.Contains("--members") ? members : 48, nodes, args.Contains("--end") ? end : 1.5, particles ?? 20000, reps);
        string scenario = Path.Combine(RepoRoot(), "scenarios", "may-nowak-ode.json");
        string root = Directory.CreateTempSubdirectory("actorsim-sweep-bench-").FullName;
        Console.WriteLine($"\n== actorsim sweep: {members} members of may-nowak-ode (run.seed=1:{members}:1, time.end = {end}), --jobs {jobs}, {reps} rounds after a warm-up");
        try
        {
            Sweep(scenario, Path.Combine(root, "warmup"), Math.Min(members, 2 * jobs), jobs, end);
            var ratios = new List<double>();
            for (int rep = 0; rep < reps; rep++)
            {
                var load = CpuLoad.Start();
                var (wall, sum, longest) = Sweep(scenario, Path.Combine(root, $"round{rep}"), members, jobs, end);
                double ideal = sum / jobs;
                ratios.Add(wall / ideal);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {rep + 1}: total wall {wall:F3} s, sum of member run times {sum:F3} s (longest {longest * 1e3:F1} ms), " +
                    $"sum / {jobs} = {ideal:F3} s, ratio {wall / ideal:F2}; other processes {load.OthersCores():F2} cores"));
            }
            ratios.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"total wall / (sum of member run times / {jobs}): best {ratios[0]:F2}, median {ratios[ratios.Count / 2]:F2} (target <= 1.2)"));
            return 0;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static (double Wall, double SumOfMembers, double Longest) Sweep(string scenario, string dir, int members, int jobs, double end)
    {
        var clock = Stopwatch.StartNew();
        int exit = CliApp.RunAsync(["sweep", scenario, "--out", dir, "-q", "--jobs", jobs.ToString(CultureInfo.InvariantCulture),
            "--set", $"run.seed=1:{members}:1", "--set", $"time.end={end.ToString("R", CultureInfo.InvariantCulture)}"]).GetAwaiter().GetResult();
        double wall = clock.Elapsed.TotalSeconds;
        if (exit != 0) throw new InvalidOperationException($"actorsim sweep exited with {exit}");
        var lines = File.ReadAllLines(Path.Combine(dir, "sweep.csv"));
        int col = Array.IndexOf(lines[0].Split(','), "wall_time_s");
        var times = lines.Skip(1).Select(l => double.Parse(l.Split(',')[col], CultureInfo.InvariantCulture)).ToArray();
        if (times.Length != members) throw new InvalidOperationException($"sweep.csv has {times.Length} rows, not {members}");
        return (wall, times.Sum(), times.Max());
    }

    internal static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ActorSim.sln"))) return d.FullName;
        throw new InvalidOperationException("ActorSim.sln not found above " + AppContext.BaseDirectory);
    }
}
