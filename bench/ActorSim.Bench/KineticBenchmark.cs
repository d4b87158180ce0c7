using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ActorSim.Numerics.Virus.Kinetic;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Bench;

/// <summary>
/// <c>kinetic [--n N] [--steps K] [--reps R] [--skip-actors]</c>: steps of the 1D asymptotic-preserving micro–macro
/// kinetic solver (parameters and initial state of scenarios/virus-kinetic-small-eps.json, ε = 0.01, on N cells,
/// default 2^20) beside the memory-bandwidth bound: in process (<see cref="MicroMacroSolver1D"/>, one slab, one thread)
/// and on the subdomain actors through LocalRunner with 1 and 2 blocks.
/// <para>
/// Counting: rate = cells × steps / time. Bytes one step must move per cell (8-byte doubles; N + 1 interfaces ≈ N;
/// write-allocate not counted, as in STREAM): read ρ_i (3 species) and g_i,k (3 species × 2 velocities), write the
/// new ρ (3) and g (6): 18 doubles = 144 B. Not counted: the solver's scratch arrays (interface fluxes, Σ_k g1 g3) and
/// its second read of the new g in the macro step (it streams about 35 doubles per cell).
/// </para>
/// </summary>
public sealed class KineticBenchmark : IBenchmark
{
    public string Name => "kinetic";
    public string Description => "AP micro-macro kinetic solver (1D, 2^20 cells) vs bandwidth bound; in process and 1 vs 2 subdomain actors";

    private const string ScenarioPath = "scenarios/virus-kinetic-small-eps.json";

    /// <summary>Bytes per cell and step (see the class summary).</summary>
    public const double BytesPerCellStep = 18 * 8;

    public int Run(string[] args)
    {
        var o = Options.Parse(args);
        long n = o.N;
        var probe = (VirusKineticModel)new VirusKineticDefinition().Create(Parse(o.N, 1, 1.0));
        double dt = probe.MaxDt, end = (o.Steps + 1) * dt;
        Console.WriteLine($"\n== virus-kinetic AP solver, {o.N:N0} cells, eps = {probe.Epsilon}, parameters and initial state of {ScenarioPath}; dt = {dt:G3} (the model's step); steps 1..{o.Steps} timed after step 0");
        Console.WriteLine($"   {o.Reps} rounds, each: triad 1 and 2 threads, then every configuration; best time per step over the rounds, against the best triad");
        Console.WriteLine($"   bytes counted per cell and step: read rho (3) and g (3 species x 2 velocities), write both: 18 doubles = {BytesPerCellStep} B");

        string[] names = ["in process, MicroMacroSolver1D, 1 slab, 1 thread", "subdomain actors (LocalRunner), 1 block",
            $"subdomain actors (LocalRunner), 2 blocks on {Environment.ProcessorCount} cores"];
        int[] cores = [1, 1, 2];
        var best = new double[3][];
        double bw1 = 0, bw2 = 0;
        string? sha1 = null, sha2 = null;
        var ratios = new List<double>();
        for (int round = 0; round < o.Reps; round++)
        {
            double t1 = Triad.MeasureBytesPerSecond(1), t2 = Triad.MeasureBytesPerSecond(2);
            bw1 = Math.Max(bw1, t1); bw2 = Math.Max(bw2, t2);
            var m = new double[3][];
            var others = new double[3];
            var load = CpuLoad.Start();
            m[0] = Sequential(probe, o.Steps, end / (o.Steps + 1));
            others[0] = load.OthersCores();
            if (!o.SkipActors)
            {
                load = CpuLoad.Start();
                (m[1], sha1) = Actors(Parse(o.N, 1, end));
                others[1] = load.OthersCores(); load = CpuLoad.Start();
                (m[2], sha2) = Actors(Parse(o.N, 2, end));
                others[2] = load.OthersCores();
                ratios.Add(m[1].Sum() / m[2].Sum());
            }
            Console.Write($"round {round + 1}: triad {t1 / 1e9:F1} | {t2 / 1e9:F1} GB/s; M cell-steps/s (other processes' CPU use, cores):");
            for (int c = 0; c < 3; c++)
            {
                if (m[c] is null) continue;
                if (m[c].Length != o.Steps) throw new InvalidOperationException($"{names[c]}: {m[c].Length} steps timed, expected {o.Steps}");
                Console.Write($" {n * m[c].Length / m[c].Sum() / 1e6:F1} ({others[c]:F2})");
                best[c] = best[c] is null ? m[c] : best[c].Zip(m[c], Math.Min).ToArray();
            }
            Console.WriteLine(o.SkipActors ? "" : $"; actors 2 / 1 block: {ratios[^1]:F2}x");
        }

        Console.WriteLine($"\n== summary: triad (best of the rounds) 1 thread {bw1 / 1e9:F2} GB/s, 2 threads {bw2 / 1e9:F2} GB/s; bound = counted bytes / triad of as many threads as cores used");
        for (int c = 0; c < 3; c++)
        {
            if (best[c] is not { } b) continue;
            double sec = b.Sum(), rate = n * b.Length / sec, bw = cores[c] == 1 ? bw1 : bw2, bound = BytesPerCellStep * n * b.Length / bw;
            Console.WriteLine($"-- {names[c]}");
            Console.WriteLine($"   {rate / 1e6:F1} M cell-steps/s ({rate / cores[c] / 1e6:F1} M per core), {sec / b.Length * 1e3:F2} ms per step, {sec / (n * b.Length) * 1e9:F2} ns per cell-step; " +
                              $"bound {bound / b.Length * 1e3:F2} ms per step at {bw / 1e9:F2} GB/s -> {100 * bound / sec:F1} % of the bound");
            if (c > 0) Console.WriteLine($"   rate / in-process rate: {best[0].Sum() / sec:F2}x");
        }
        if (best[1] is { } a1 && best[2] is { } a2)
        {
            ratios.Sort();
            Console.WriteLine($"   2-block actor rate / 1-block actor rate: {a1.Sum() / a2.Sum():F2}x from the best steps; per round {string.Join(", ", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}");
            Console.WriteLine($"   results_sha256: 1 block {sha1![..16]}, 2 blocks {sha2![..16]}: {(sha1 == sha2 ? "identical" : "DIFFERENT")}");
        }
        return 0;
    }

    private static double[] Sequential(VirusKineticModel model, int steps, double dt)
    {
        var solver = new MicroMacroSolver1D(model.Grid, model.Parameters, model.Epsilon, 1);
        for (int s = 0; s < 3; s++) solver.SetInitialDensity(s, model.InitialDensity(s));
        solver.Step(dt); // step 0, warm-up
        var times = new double[steps];
        for (int k = 0; k < steps; k++)
        {
            var sw = Stopwatch.StartNew();
            solver.Step(dt);
            times[k] = sw.Elapsed.TotalSeconds;
        }
        return times;
    }

    private static (double[], string) Actors(Scenario s)
    {
        var (steps, sha) = SubdomainRunTiming.Run(s, (VirusKineticModel)new VirusKineticDefinition().Create(s));
        return (steps.Select(x => x.Seconds).ToArray(), sha);
    }

    private static Scenario Parse(int n, int blocks, double end)
    {
        var doc = JsonNode.Parse(File.ReadAllText(SubdomainRunTiming.FindRepoFile(ScenarioPath)))!.AsObject();
        doc["parameters"]!["nx"] = n;
        doc["time"] = new JsonObject { ["end"] = end, ["output_interval"] = end };
        doc["run"]!["blocks"] = blocks;
        return ScenarioLoader.Parse(doc.ToJsonString(), ScenarioPath);
    }

    private sealed record Options(int N, int Steps, int Reps, bool SkipActors)
    {
        public static Options Parse(string[] args)
        {
            var o = new Options(1 << 20, 20, 3, false);
            for (int i = 0; i < args.Length; i++)
            {
                int Next() => int.Parse(args[++i], CultureInfo.InvariantCulture);
                o = args[i] switch
                {
                    "--n" => o with { N = Next() },
                    "--steps" => o with { Steps = Next() },
                    "--reps" => o with { Reps = Next() },
                    "--skip-actors" => o with { SkipActors = true },
                    _ => throw new ArgumentException($"unknown option {args[i]}; options: --n --steps --reps --skip-actors"),
                };
            }
            return o;
        }
    }
}
