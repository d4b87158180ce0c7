using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ActorSim.Numerics.Virus.Spatial;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Subdomains;

namespace ActorSim.Bench;

/// <summary>
/// <c>virus-pde [--n N] [--steps K] [--blocks B] [--reps R] [--skip-actors]</c>: 2D steps of the virus PDE
/// (the parameters and initial state of scenarios/virus-pde-2d-pattern.json on an N × N grid, default 1024) beside the
/// memory-bandwidth bound, (1) in process on one core (<see cref="SequentialDriver"/>, one block) and (2) on the real
/// subdomain actors through <see cref="LocalRunner"/> with 1 and B (default 2) blocks.
/// <para>
/// Counting. A cell update is one cell in one RKL2 stage (a 2D step is X(Dt/2)·Y(Dt)·X(Dt/2), i.e. 2·sx + sy stages);
/// rate = cells × stages / time, per core = divided by the number of blocks (one block per core).
/// Bytes the step must move (8-byte doubles, 3 species, write-allocate not counted, as in STREAM): per species and cell,
/// stage 1 of a substep reads Y0 and writes F(Y0) and Y1 (3 arrays), stage 2 reads Y1, Y0, F(Y0) and writes Y2 (4),
/// stage j ≥ 3 reads Y_{j-1}, Y_{j-2}, Y0, F(Y0) and writes Y_j (5); a substep of s stages moves 5s − 3 arrays; the
/// step bounds read u, v, w once per step (1 array each). Ghost cells, halos, face fluxes, sources and the diffusion
/// stencil's neighbours (cache hits) are not counted: this is the least traffic any implementation of the scheme
/// that streams every stage through memory needs.
/// </para>
/// </summary>
public sealed class VirusPdeBenchmark : IBenchmark
{
    public string Name => "virus-pde";
    public string Description => "2D virus PDE step (1024^2, RKL2) vs bandwidth bound, one core in process and 1 vs 2 subdomain actors";

    private const string ScenarioPath = "scenarios/virus-pde-2d-pattern.json";

    /// <summary>Bytes the step of <paramref name="plan"/> must move on <paramref name="cells"/> cells (see the class summary).</summary>
    public static double BytesPerStep(StepPlan plan, long cells) => BytesPerStep(plan.StagesX, plan.StagesY, cells);

    public static double BytesPerStep(int sx, int sy, long cells)
    {
        int arrays = 2 * (5 * sx - 3) + (sy > 0 ? 5 * sy - 3 : 0) + 1;
        return 3.0 * 8.0 * arrays * cells;
    }

    public int Run(string[] args)
    {
        var o = Options.Parse(args);
        long cells = (long)o.N * o.N;
        Console.WriteLine($"\n== virus-pde, {o.N} x {o.N} cells, parameters and initial state of {ScenarioPath}: steps 1..{o.Steps} timed after step 0 (warm-up)");
        Console.WriteLine($"   {o.Reps} rounds, each: triad 1 and 2 threads, then every configuration; per configuration the best time of each step over the rounds, against the best triad");
        Console.WriteLine("   cell update = one cell in one RKL2 stage; bytes counted per stage: 3 species x (3 | 4 | 5 arrays for stage 1 | 2 | >= 3) x 8 B, + u, v, w read once for the step bounds");

        string[] names = ["in process, SequentialDriver, 1 block, 1 thread",
            $"in process, SequentialDriver, {o.Blocks} blocks stepped in turn on 1 thread (cost of the split)",
            "subdomain actors (LocalRunner), 1 block",
            $"subdomain actors (LocalRunner), {o.Blocks} blocks on {Environment.ProcessorCount} cores"];
        int[] cores = [1, 1, 1, o.Blocks];
        var best = new Measured?[4];
        var ratios = new List<double>();
        double bw1 = 0, bw2 = 0, tEnd = 0;
        string? sha1 = null, shaB = null;
        for (int round = 0; round < o.Reps; round++)
        {
            double t1 = Triad.MeasureBytesPerSecond(1), t2 = Triad.MeasureBytesPerSecond(2);
            bw1 = Math.Max(bw1, t1); bw2 = Math.Max(bw2, t2);
            var m = new Measured?[4];
            var others = new double[4];
            // The in-process 1-block run fixes the end time, so that every configuration takes exactly the same steps
            // (the plans are bit-identical for any block count); step costs depend on the state (branches of the limiter).
            var load = CpuLoad.Start();
            (m[0], tEnd) = Sequential(ScenarioText(o.N, 1, 1.0), o.Steps);
            others[0] = load.OthersCores(); load = CpuLoad.Start();
            (m[1], _) = Sequential(ScenarioText(o.N, o.Blocks, 1.0), o.Steps);
            others[1] = load.OthersCores(); load = CpuLoad.Start();
            if (!o.SkipActors)
            {
                (m[2], sha1) = Actors(ScenarioText(o.N, 1, tEnd));
                others[2] = load.OthersCores(); load = CpuLoad.Start();
                (m[3], shaB) = Actors(ScenarioText(o.N, o.Blocks, tEnd));
                others[3] = load.OthersCores();
                ratios.Add(m[3]!.Rate(cells) / m[2]!.Rate(cells));
            }
            Console.Write($"round {round + 1}: triad {t1 / 1e9:F1} | {t2 / 1e9:F1} GB/s; M cell-updates/s (other processes' CPU use, cores):");
            for (int c = 0; c < 4; c++)
            {
                if (m[c] is not { } mc) continue;
                Console.Write($" {mc.Rate(cells) / 1e6:F0} ({others[c]:F2})");
                best[c] = best[c] is null ? mc : best[c]!.Min(mc);
            }
            Console.WriteLine(o.SkipActors ? "" : $"; actors {o.Blocks} / 1 block: {ratios[^1]:F2}x");
        }

        for (int c = 0; c < 4; c++)
            if (best[c] is { } b) Report(names[c], b, cells, cores[c], cores[c] == 1 ? bw1 : bw2);

        Console.WriteLine($"\n== summary: triad (best of the rounds) 1 thread {bw1 / 1e9:F2} GB/s, 2 threads {bw2 / 1e9:F2} GB/s; bound = counted bytes / triad of as many threads as cores used");
        for (int c = 0; c < 4; c++)
        {
            if (best[c] is not { } b) continue;
            Console.WriteLine($"-- {names[c]}");
            Line(b, cells, cores[c], cores[c] == 1 ? bw1 : bw2);
            if (c > 0) Console.WriteLine($"   rate / in-process 1-block rate: {b.Rate(cells) / best[0]!.Rate(cells):F2}x");
        }
        if (best[2] is { } a1 && best[3] is { } aB)
        {
            ratios.Sort();
            Console.WriteLine($"   {o.Blocks}-block actor rate / 1-block actor rate: {aB.Rate(cells) / a1.Rate(cells):F2}x from the best steps; " +
                              $"per round {string.Join(", ", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))} (median {ratios[ratios.Count / 2]:F2}x); target >= 1.7x");
            Console.WriteLine($"   results_sha256: 1 block {sha1![..16]}, {o.Blocks} blocks {shaB![..16]}: {(sha1 == shaB ? "identical" : "DIFFERENT")}");
        }
        return 0;
    }

    /// <summary>Timed steps: stages and seconds per step, bytes allocated on the stepping thread.</summary>
    private sealed record Measured(List<(int Sx, int Sy, double Seconds)> Steps, long AllocatedPerStep)
    {
        public long Stages => Steps.Sum(s => 2L * s.Sx + s.Sy);
        public double Seconds => Steps.Sum(s => s.Seconds);
        public double Rate(long cells) => cells * (double)Stages / Seconds;
        public double Bytes(long cells) => Steps.Sum(s => BytesPerStep(s.Sx, s.Sy, cells));

        /// <summary>Step by step the faster of two measurements of the same steps.</summary>
        public Measured Min(Measured other)
        {
            if (other.Steps.Count != Steps.Count) throw new InvalidOperationException("runs took different steps");
            var steps = Steps.Zip(other.Steps, (a, b) =>
            {
                if (a.Sx != b.Sx || a.Sy != b.Sy) throw new InvalidOperationException("runs took different steps");
                return a.Seconds <= b.Seconds ? a : b;
            }).ToList();
            return new Measured(steps, Math.Max(AllocatedPerStep, other.AllocatedPerStep));
        }
    }

    private static void Report(string title, Measured m, long cells, int cores, double bw)
    {
        Console.WriteLine($"\n-- {title}");
        foreach (var (sx, sy, sec) in m.Steps)
            Console.WriteLine($"   step: sx = {sx}, sy = {sy} ({2 * sx + sy} stages), {sec:F3} s, {sec / (cells * (2.0 * sx + sy)) * 1e9:F2} ns per cell update");
        if (m.AllocatedPerStep >= 0) Console.WriteLine($"   allocated on the stepping thread: {m.AllocatedPerStep} bytes per step");
        Line(m, cells, cores, bw);
    }

    private static void Line(Measured m, long cells, int cores, double bw)
    {
        double rate = m.Rate(cells), bound = m.Bytes(cells) / bw;
        Console.WriteLine($"   {rate / 1e6:F1} M cell-updates/s ({rate / cores / 1e6:F1} M per core); " +
                          $"bytes {m.Bytes(cells) / m.Stages / cells:F1} B per cell update, bound {bound:F3} s at {bw / 1e9:F2} GB/s vs {m.Seconds:F3} s " +
                          $"-> {100 * bound / m.Seconds:F1} % of the bound; achieved {m.Bytes(cells) / m.Seconds / 1e9:F2} GB/s");
    }

    private static (Measured, double) Sequential(string scenarioText, int steps)
    {
        var s = ScenarioLoader.Parse(scenarioText, ScenarioPath);
        var model = (VirusPdeSubdomainModel)new VirusPdeDefinition().Create(s);
        var driver = new SequentialDriver(model.Problem, model.Layout, model.Settings);
        driver.Initialise(model.InitialState);
        driver.Step(1e9); // step 0, warm-up: JIT, first touch of the work arrays
        var list = new List<(int, int, double)>();
        long allocated = 0;
        for (int k = 0; k < steps; k++)
        {
            long a0 = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            var plan = driver.Step(1e9);
            double sec = sw.Elapsed.TotalSeconds;
            allocated = Math.Max(allocated, GC.GetAllocatedBytesForCurrentThread() - a0);
            list.Add((plan.StagesX, plan.StagesY, sec));
        }
        return (new Measured(list, allocated), driver.Time);
    }

    private static (Measured, string) Actors(string scenarioText)
    {
        var s = ScenarioLoader.Parse(scenarioText, ScenarioPath);
        var (steps, sha) = SubdomainRunTiming.Run(s, (ISubdomainModel)new VirusPdeDefinition().Create(s));
        return (new Measured(steps.Select(x => (x.Order.Detail![0], x.Order.Detail![1], x.Seconds)).ToList(), -1), sha);
    }

    /// <summary>The 2D pattern scenario with an N × N grid, <paramref name="blocks"/> blocks and outputs at 0 and <paramref name="end"/> only.</summary>
    private static string ScenarioText(int n, int blocks, double end)
    {
        var doc = JsonNode.Parse(File.ReadAllText(SubdomainRunTiming.FindRepoFile(ScenarioPath)))!.AsObject();
        doc["parameters"]!["nx"] = n;
        doc["parameters"]!["ny"] = n;
        doc["time"] = new JsonObject { ["end"] = end, ["output_interval"] = end };
        doc["run"]!["blocks"] = blocks;
        return doc.ToJsonString();
    }

    private sealed record Options(int N, int Steps, int Blocks, int Reps, bool SkipActors)
    {
        public static Options Parse(string[] args)
        {
            var o = new Options(1024, 3, 2, 3, false);
            for (int i = 0; i < args.Length; i++)
            {
                int Next() => int.Parse(args[++i], CultureInfo.InvariantCulture);
                o = args[i] switch
                {
                    "--n" => o with { N = Next() },
                    "--steps" => o with { Steps = Next() },
                    "--blocks" => o with { Blocks = Next() },
                    "--skip-actors" => o with { SkipActors = true },
                    "--reps" => o with { Reps = Next() },
                    _ => throw new ArgumentException($"unknown option {args[i]}; options: --n --steps --blocks --reps --skip-actors"),
                };
            }
            return o;
        }
    }
}
