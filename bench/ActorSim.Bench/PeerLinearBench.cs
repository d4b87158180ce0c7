using ActorSim.Numerics.Tests.Muscle;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ActorSim.Numerics.Muscle;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Bench;

/// <summary>
/// <c>peer-linear [--n 16000,1600000] [--blocks B] [--dt 0.5] [--tol 1e-5,1e-6] [--reps R] [--kernel-n N] [--skip-process] [--skip-kernels] [--skip-before]</c>:
/// the seed author's linear example (issue 14) as the product runs it: a heavy spring (m_r = 20, k_r = 1) and n light
/// springs of total mass 10 and total stiffness 1 under q_j + r = const, r(0) = 1, r'(0) = 0, to t = 60 — the
/// <c>muscle-1d</c> model with <c>constraint = "linear"</c>, G = −1, M = 20, m = 10, k0 = 1, k1 = 1, x* = y_rest = 0,
/// q_j(0) at the quantiles of the uniform density on [0, 1], RK4 with fixed dt. For each n it reports
/// (1) the whole process (<c>dotnet actorsim.dll run … --quiet</c>: start-up, scenario, sampling, the run, outputs),
/// (2) the same run in this process through <see cref="LocalRunner"/> (the actor runtime), (3) the stepping alone
/// (<see cref="SequentialMuscleDriver"/>) with the block kernel and with the per-particle path it replaced, all with the
/// largest error of y against the closed form r(t) = r* + (r(0) − r*) cos ωt, r* = k_q Σ c_j / (k_r + n k_q),
/// ω² = (k_r + n k_q) / (m_r + n m_q), c_j = q_j(0) + r(0). Then (4) the particle-stage kernels of <c>muscle-1d</c>
/// (stretch and linear) and <c>muscle-linear</c> (n_x = 2) at N = 10^7 against the per-particle path, in ns per particle
/// and stage and as % of the bandwidth bound (bytes the step must move / vectorised triad bandwidth measured in the
/// same run; per position component and RK4 step 18 doubles for the stretch, 6 for the linear constraint, see
/// <see cref="StretchBytesPerComponentStep"/>; the "before" column is held to the same count), with bytes allocated per step.
/// Adaptive steps (issue 14, item 2): for each tolerance of <c>--tol</c> (rtol = atol) the same case with
/// <c>time.rtol</c> / <c>time.atol</c> instead of <c>time.dt</c> (Dormand–Prince 5(4), error control over r, r' and every
/// q_j): the whole process, <see cref="LocalRunner"/> and the stepping alone (the model's rounds driven in this thread),
/// each with the error against the closed form, accepted and rejected steps and stage rounds.
/// </summary>
public sealed class PeerLinearBenchmark : IBenchmark
{
    public string Name => "peer-linear";
    public string Description => "issue 14's linear example (heavy spring + n light springs) at n = 16,000 and 1.6e6: time and error vs closed form; 1D/2D particle-stage kernels vs bandwidth";

    private const double Mr = PeerLinearExample.Mr, Kr = PeerLinearExample.Kr, MassQ = PeerLinearExample.MassQ,
        StiffQ = PeerLinearExample.StiffQ, R0 = PeerLinearExample.R0, TEnd = 60.0;

    /// <summary>
    /// Bytes one RK4 step must move per position component (write-allocate not counted, as in STREAM): the stretch
    /// kernel 18 doubles (stage 0: read X, write acc, X; stages 1, 2: read X, acc, X0, write acc, X; stage 3: read X,
    /// X0, acc, write X, X0); the linear kernel 6 (X' is the same for every particle: X0 read at every stage, X and X0
    /// written once at the end). The per-particle path moves at least the stretch kernel's 18.
    /// </summary>
    public const double StretchBytesPerComponentStep = 18 * 8, LinearBytesPerComponentStep = 6 * 8;

    private sealed record Options(int[] Ns, int Blocks, double Dt, double[] Tols, int Reps, int KernelN, bool SkipProcess, bool SkipKernels, bool SkipBefore = false)
    {
        public static Options? Parse(string[] args)
        {
            int[] ns = [16_000, 1_600_000];
            int blocks = 1, reps = 2, kernelN = 10_000_000;
            double dt = 0.5;
            double[] tols = [1e-5, 1e-6];
            bool skipProcess = false, skipKernels = false, skipBefore = false;
            for (int i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--n": ns = Next().Split(',').Select(v => (int)double.Parse(v, CultureInfo.InvariantCulture)).ToArray(); break;
                    case "--blocks": blocks = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--dt": dt = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--tol": tols = Next().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray(); break;
                    case "--reps": reps = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--kernel-n": kernelN = (int)double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--skip-process": skipProcess = true; break;
                    case "--skip-kernels": skipKernels = true; break;
                    case "--skip-before": skipBefore = true; break;
                    default: Console.Error.WriteLine($"unknown option {args[i]}"); return null;
                }
            }
            return new Options(ns, blocks, dt, tols, reps, kernelN, skipProcess, skipKernels, skipBefore);
        }
    }

    public int Run(string[] args)
    {
        var o = Options.Parse(args);
        if (o is null) return 2;
        double bw0 = MuscleBenchmark.VectorTriadBytesPerSecond();
        Console.WriteLine($"vectorised triad, 1 thread: {bw0 / 1e9:F2} GB/s");
        int failures = 0;
        foreach (int n in o.Ns)
        {
            failures += PeerCase(o, n);
            foreach (double tol in o.Tols) failures += AdaptiveCase(o, n, tol);
        }
        if (!o.SkipKernels) KernelCases(o, bw0);
        return failures == 0 ? 0 : 1;
    }

    /// <summary>The scenario text of the linear example with n light springs; adaptive (rtol = atol = tol, no dt) when tol is given.</summary>
    public static string ScenarioText(int n, double dt, int blocks, double? tol = null) => new JsonObject
    {
        ["model"] = "muscle-1d",
        ["description"] = "issue 14's linear example: heavy spring m_r = 20, k_r = 1; n light springs of total mass 10 and total stiffness 1; q_j + r = const",
        ["parameters"] = new JsonObject
        {
            ["method"] = "particles", ["constraint"] = "linear", ["G"] = -1.0, ["N"] = n, ["M"] = Mr, ["m"] = MassQ,
            ["k0"] = Kr, ["y_rest"] = 0.0, ["k1"] = StiffQ, ["x_star"] = 0.0,
            ["density"] = "uniform", ["x_lo"] = 0.0, ["x_hi"] = 1.0, ["sampling"] = "quantile", ["w1"] = "off",
        },
        ["initial"] = new JsonObject { ["y"] = R0, ["ydot"] = 0.0 },
        ["time"] = tol is { } e
            ? new JsonObject { ["end"] = TEnd, ["output_interval"] = 1.0, ["rtol"] = e, ["atol"] = e }
            : new JsonObject { ["end"] = TEnd, ["output_interval"] = 1.0, ["dt"] = dt },
        ["run"] = new JsonObject { ["blocks"] = blocks, ["seed"] = 1 },
    }.ToJsonString();

    /// <summary>One whole <c>actorsim run --quiet</c> process: wall seconds, exit code, standard error.</summary>
    private static (double Seconds, int ExitCode, string Stderr) RunProcess(string dll, string file, string outDir)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { dll, "run", file, "--out", outDir, "--force", "--quiet" }) psi.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        stdout.Wait();
        p.WaitForExit();
        return (clock.Elapsed.TotalSeconds, p.ExitCode, stderr);
    }

    private static int PeerCase(Options o, int n)
    {
        string text = ScenarioText(n, o.Dt, o.Blocks);
        var scenario = ScenarioLoader.Parse(text, "peer-linear.json");
        var q0 = ParticleSampling.SampleRange(Muscle1DDefinition.Sampler(scenario, scenario.Run.Seed, n), 0, n)[0];
        var exact = PeerLinearExample.ClosedForm(q0);
        int steps = (int)Math.Round(TEnd / o.Dt);
        Console.WriteLine($"\n== linear example, n = {n:N0}, dt = {o.Dt} ({steps} RK4 steps to t = {TEnd}), {o.Blocks} block(s); q_j(0) uniform quantiles on [0, 1]");
        var scratch = Directory.CreateTempSubdirectory("actorsim-bench-peer-").FullName;
        int failures = 0;
        try
        {
            string file = Path.Combine(scratch, "peer-linear.json");
            File.WriteAllText(file, text);
            // (1) the whole process
            string dll = Path.Combine(AppContext.BaseDirectory, "actorsim.dll");
            if (!o.SkipProcess && File.Exists(dll))
            {
                double best = double.MaxValue, err = double.NaN;
                var load = CpuLoad.Start();
                for (int r = 0; r < o.Reps + 1; r++) // the first run warms the page cache, not counted
                {
                    string outDir = Path.Combine(scratch, "process");
                    var (t, exitCode, stderr) = RunProcess(dll, file, outDir);
                    if (exitCode != 0) { Console.WriteLine($"actorsim run failed ({exitCode}): {stderr}"); failures++; break; }
                    if (r > 0) best = Math.Min(best, t);
                    err = TimeseriesError(Path.Combine(outDir, "timeseries.csv"), exact);
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"whole process (dotnet actorsim.dll run --quiet)   {best,8:F3} s  max |y - r(t)| at outputs {err:E2}  (best of {o.Reps}; others {load.OthersCores():F2} cores)"));
            }
            else if (!o.SkipProcess) Console.WriteLine($"(no {dll}: whole-process timing skipped)");
            // (2) in process through the actor runtime
            {
                double best = double.MaxValue, err = double.NaN;
                string sha = "";
                var load = CpuLoad.Start();
                for (int r = 0; r < o.Reps + 1; r++)
                {
                    string outDir = Path.Combine(scratch, "local");
                    var clock = Stopwatch.StartNew();
                    var result = LocalRunner.RunAsync(scenario, new RunOptions(outDir, Force: true)).GetAwaiter().GetResult();
                    double t = clock.Elapsed.TotalSeconds;
                    if (result.Status != RunStatus.Completed) { Console.WriteLine($"run failed: {result.Reason}"); failures++; break; }
                    if (r > 0) best = Math.Min(best, t);
                    err = TimeseriesError(Path.Combine(outDir, "timeseries.csv"), exact);
                    sha = result.ResultsSha256;
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"in process, actor runtime (LocalRunner.RunAsync) {best,8:F3} s  max |y - r(t)| at outputs {err:E2}  results_sha256 {sha[..16]}…  (others {load.OthersCores():F2} cores)"));
            }
        }
        finally
        {
            try { Directory.Delete(scratch, true); } catch (IOException) { }
        }
        // (3) stepping alone: block kernel vs the per-particle path, same particles, same steps
        var model = Muscle1DDefinition.Model(scenario);
        var configs = new (string Name, MuscleModel Model)[]
        {
            ("steps, block kernel (after)", model),
            ("steps, per-particle path (before)", model with { Constraint = new PerParticleView(model.Constraint) }),
        };
        if (o.SkipBefore) configs = configs[..1];
        var times = new double[configs.Length];
        for (int c = 0; c < configs.Length; c++)
        {
            double best = double.MaxValue, err = 0.0;
            long allocated = long.MaxValue; // the least over the rounds (the runtime's own tier-up allocations happen once)
            for (int r = 0; r < Math.Max(1, o.Reps) + 1; r++) // round 0 warms up the JIT, not counted
            {
                var driver = new SequentialMuscleDriver(configs[c].Model, [q0], [R0], [0.0], new MuscleDriverOptions { BlockCount = o.Blocks });
                err = 0.0;
                long a0 = GC.GetAllocatedBytesForCurrentThread();
                long t0 = Stopwatch.GetTimestamp();
                for (int k = 1; k <= steps; k++)
                {
                    driver.Step(o.Dt);
                    err = Math.Max(err, Math.Abs(driver.Y[0] - exact(k * o.Dt)));
                }
                double elapsed = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                if (r == 0) continue;
                best = Math.Min(best, elapsed);
                allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - a0);
            }
            times[c] = best;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{configs[c].Name,-48} {best,8:F3} s  {best / (4.0 * steps * n) * 1e9,6:F2} ns per particle-stage  max |y - r(t)| at steps {err:E2}  {allocated / (double)steps:F0} B allocated per step"));
        }
        if (times.Length > 1) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"steps: per-particle path / block kernel = {times[1] / times[0]:F2}x"));
        return failures;
    }

    /// <summary>The adaptive rows of one n and tolerance: whole process, LocalRunner, stepping alone.</summary>
    private static int AdaptiveCase(Options o, int n, double tol)
    {
        string text = ScenarioText(n, o.Dt, o.Blocks, tol);
        var scenario = ScenarioLoader.Parse(text, "peer-linear-adaptive.json");
        var q0 = ParticleSampling.SampleRange(Muscle1DDefinition.Sampler(scenario, scenario.Run.Seed, n), 0, n)[0];
        var exact = PeerLinearExample.ClosedForm(q0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\n== linear example, n = {n:N0}, adaptive Dormand-Prince 5(4), rtol = atol = {tol:G3}, outputs every 1 to t = {TEnd}, {o.Blocks} block(s)"));
        var scratch = Directory.CreateTempSubdirectory("actorsim-bench-peer-").FullName;
        int failures = 0;
        try
        {
            string file = Path.Combine(scratch, "peer-linear-adaptive.json");
            File.WriteAllText(file, text);
            string dll = Path.Combine(AppContext.BaseDirectory, "actorsim.dll");
            if (!o.SkipProcess && File.Exists(dll))
            {
                double best = double.MaxValue, err = double.NaN;
                string counters = "";
                var load = CpuLoad.Start();
                for (int r = 0; r < o.Reps + 1; r++)
                {
                    string outDir = Path.Combine(scratch, "process");
                    var (t, exitCode, stderr) = RunProcess(dll, file, outDir);
                    if (exitCode != 0) { Console.WriteLine($"actorsim run failed ({exitCode}): {stderr}"); failures++; break; }
                    if (r > 0) best = Math.Min(best, t);
                    err = TimeseriesError(Path.Combine(outDir, "timeseries.csv"), exact);
                    var run = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "run.json")))!["integrator"]!;
                    counters = $"{run["accepted_steps"]} steps, {run["rejected_steps"]} rejected, {run["rhs_evaluations"]} stage rounds";
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"whole process (dotnet actorsim.dll run --quiet)   {best,8:F3} s  max |y - r(t)| at outputs {err:E2}  {counters}  (best of {o.Reps}; others {load.OthersCores():F2} cores)"));
            }
            {
                double best = double.MaxValue, err = double.NaN;
                string sha = "";
                StepCounters? counters = null;
                var load = CpuLoad.Start();
                for (int r = 0; r < o.Reps + 1; r++)
                {
                    string outDir = Path.Combine(scratch, "local");
                    var clock = Stopwatch.StartNew();
                    var result = LocalRunner.RunAsync(scenario, new RunOptions(outDir, Force: true)).GetAwaiter().GetResult();
                    double t = clock.Elapsed.TotalSeconds;
                    if (result.Status != RunStatus.Completed) { Console.WriteLine($"run failed: {result.Reason}"); failures++; break; }
                    if (r > 0) best = Math.Min(best, t);
                    err = TimeseriesError(Path.Combine(outDir, "timeseries.csv"), exact);
                    sha = result.ResultsSha256;
                    counters = result.Counters;
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"in process, actor runtime (LocalRunner.RunAsync) {best,8:F3} s  max |y - r(t)| at outputs {err:E2}  {counters?.Accepted} steps, {counters?.Rejected} rejected  results_sha256 {sha[..16]}…  (others {load.OthersCores():F2} cores)"));
            }
        }
        finally
        {
            try { Directory.Delete(scratch, true); } catch (IOException) { }
        }
        // stepping alone: the model's rounds in this thread, blocks in block order, no outputs but the step ends at every output time
        {
            double best = double.MaxValue, err = 0.0;
            long allocated = long.MaxValue;
            StepCounters counters = new(0, 0, 0);
            var setup = Muscle1DDefinition.ParticleSetup(scenario, n, scenario.Run.Seed);
            for (int r = 0; r < Math.Max(1, o.Reps) + 1; r++)
            {
                var run = new MuscleParticleRun(setup);
                var kernels = Enumerable.Range(0, run.BlockCount).Select(run.CreateKernel).ToArray();
                var replies = new double[kernels.Length][];
                err = 0.0;
                long a0 = GC.GetAllocatedBytesForCurrentThread();
                long t0 = Stopwatch.GetTimestamp();
                for (int k = 1; k <= (int)TEnd; k++)
                {
                    double tEnd = k;
                    while (tEnd - run.Time > 1e-12 * tEnd)
                    {
                        var round = run.BeginStep(tEnd);
                        while (round is not null)
                        {
                            for (int b = 0; b < kernels.Length; b++) replies[b] = kernels[b].Handle(round);
                            round = run.Continue(replies);
                        }
                    }
                    err = Math.Max(err, Math.Abs(run.Y[0] - exact(run.Time)));
                }
                double elapsed = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                if (r == 0) continue;
                best = Math.Min(best, elapsed);
                counters = run.Counters;
                allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - a0);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{"steps alone (model rounds, this thread)",-48} {best,8:F3} s  {best / ((double)counters.RhsEvaluations * n) * 1e9,6:F2} ns per particle-stage  max |y - r(t)| at outputs {err:E2}  {counters.Accepted} steps, {counters.Rejected} rejected, {counters.RhsEvaluations} stage rounds  {allocated / (double)Math.Max(1, counters.RhsEvaluations):F0} B allocated per round (the round record)"));
        }
        return failures;
    }

    /// <summary>Largest |y - r(t)| over the rows of a run's timeseries.csv.</summary>
    private static double TimeseriesError(string path, Func<double, double> exact)
    {
        var lines = File.ReadAllLines(path);
        var head = lines[0].Split(',');
        int ct = Array.IndexOf(head, "t"), cy = Array.IndexOf(head, "y");
        double err = 0.0;
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split(',');
            double t = double.Parse(f[ct], CultureInfo.InvariantCulture), y = double.Parse(f[cy], CultureInfo.InvariantCulture);
            err = Math.Max(err, Math.Abs(y - exact(t)));
        }
        return err;
    }

    /// <summary>(4) the particle-stage kernels at N particles, block kernel vs per-particle path, one block on one core.</summary>
    private static void KernelCases(Options o, double bwBefore)
    {
        int n = o.KernelN;
        const double dt = 1e-3;
        const int steps = 5;
        Console.WriteLine($"\n== particle-stage kernels, N = {n:N0}, one block on one core, {steps} RK4 steps after 2 warm-up steps, best of {Math.Max(2, o.Reps)} rounds");
        var cases = new (string Name, MuscleModel Model, double Y0, double V0, double Lo, double Hi)[]
        {
            ("muscle-1d stretch (x / (1 + y))", new MuscleModel
            {
                Constraint = new StretchConstraint1D(), MacroMass = 1.0, ParticleMass = 1.0,
                MacroPotential = new HarmonicMacroPotential([4.0]), ParticlePotential = new HarmonicParticlePotential([2.0], [0.5]),
            }, 0.0, 0.6, 0.5, 1.5),
            ("muscle-1d linear (x - G y, G = -1)", new MuscleModel
            {
                Constraint = new LinearConstraint(new double[,] { { -1.0 } }), MacroMass = Mr, ParticleMass = MassQ,
                MacroPotential = new HarmonicMacroPotential([Kr]), ParticlePotential = new HarmonicParticlePotential([StiffQ]),
            }, R0, 0.0, 0.0, 1.0),
            ("muscle-linear (n_x = 2, G = (1, 2))", new MuscleModel
            {
                Constraint = new LinearConstraint(new double[,] { { 1.0 }, { 2.0 } }), MacroMass = 1.0, ParticleMass = 0.5,
                MacroPotential = new HarmonicMacroPotential([2.0]), ParticlePotential = new HarmonicParticlePotential([1.0, 1.0], [0.3, -0.2]),
            }, 0.7, -0.3, -1.0, 1.0),
        };
        var results = new List<(string Name, double After, double Before, long Alloc, int Nx, double Diff, double Bytes)>();
        foreach (var (name, model, y0, v0, lo, hi) in cases)
        {
            int nx = model.Nx;
            var x0 = new double[nx][];
            for (int c = 0; c < nx; c++)
            {
                x0[c] = new double[n];
                // a deterministic scatter over [lo, hi] (golden-ratio sequence per component)
                double phase = 0.5 + 0.25 * c;
                for (int i = 0; i < n; i++) { double u = phase + i * 0.6180339887498949; x0[c][i] = lo + (hi - lo) * (u - Math.Floor(u)); }
            }
            // JIT warm-up on a small block (tier-up and on-stack replacement allocate on the thread the first times a loop runs hot)
            foreach (bool fast in new[] { true, false })
            {
                var small = x0.Select(a => a[..1000]).ToArray();
                var warm = new SequentialMuscleDriver(fast ? model : model with { Constraint = new PerParticleView(model.Constraint) }, small, [y0], [v0]);
                for (int k = 0; k < 60; k++) warm.Step(dt);
            }
            double after = double.MaxValue, before = double.MaxValue, yAfter = 0, yBefore = 0;
            long alloc = long.MaxValue; // the least over the rounds (the runtime's own tier-up allocations happen once)
            for (int r = 0; r < Math.Max(2, o.Reps); r++)
                foreach (bool fast in new[] { true, false })
                {
                    var m = fast ? model : model with { Constraint = new PerParticleView(model.Constraint) };
                    var driver = new SequentialMuscleDriver(m, x0, [y0], [v0]);
                    driver.Step(dt); driver.Step(dt);
                    long a0 = GC.GetAllocatedBytesForCurrentThread();
                    long t0 = Stopwatch.GetTimestamp();
                    for (int k = 0; k < steps; k++) driver.Step(dt);
                    double t = Stopwatch.GetElapsedTime(t0).TotalSeconds / steps;
                    long a = GC.GetAllocatedBytesForCurrentThread() - a0;
                    if (fast) { after = Math.Min(after, t); alloc = Math.Min(alloc, a / steps); yAfter = driver.Y[0]; }
                    else { before = Math.Min(before, t); yBefore = driver.Y[0]; }
                }
            double bytesPerComponent = model.Constraint is LinearConstraint ? LinearBytesPerComponentStep : StretchBytesPerComponentStep;
            results.Add((name, after, before, alloc, nx, Math.Abs(yAfter - yBefore), bytesPerComponent * nx));
        }
        double bwAfter = MuscleBenchmark.VectorTriadBytesPerSecond();
        double bw = Math.Max(bwBefore, bwAfter);
        Console.WriteLine($"vectorised triad, 1 thread: {bwBefore / 1e9:F2} GB/s before, {bwAfter / 1e9:F2} GB/s after the kernels; bound uses {bw / 1e9:F2} GB/s");
        Console.WriteLine($"{"kernel",-38} {"bytes/step",10} {"after ns/p-st",14} {"% bound",8} {"before ns/p-st",15} {"% bound",8} {"speed-up",9} {"B alloc/step",13} {"|y diff|",9}");
        foreach (var (name, after, before, alloc, nx, diff, bytesPerParticle) in results)
        {
            double bytes = bytesPerParticle * n;
            double bound = bytes / bw;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-38} {bytesPerParticle,10:F0} {after / (4.0 * n) * 1e9,14:F3} {100 * bound / after,7:F1}% {before / (4.0 * n) * 1e9,15:F3} {100 * bound / before,7:F1}% {before / after,8:F1}x {alloc,13} {diff,9:E1}"));
        }
    }
}
