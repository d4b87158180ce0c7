using ActorSim.Numerics.Tests.Muscle;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ActorSim.Numerics.Muscle;
using ActorSim.Simulation.Models;

namespace ActorSim.Bench;

/// <summary>
/// <c>muscle [--n N] [--pm-n N] [--nodes n] [--targets M] [--steps K] [--legacy-steps K] [--skip-step] [--skip-legacy] [--skip-pm]</c>:
/// (1) RK4 steps of the 2D deformation constraint (affine map, strain energy, harmonic springs) at N = 10^7
/// particles in one block on one core through the product path (<see cref="SequentialMuscleDriver.Step"/>, i.e.
/// <see cref="ParticleBlock.EvaluateStage"/> plus the coordinator's reduction, solve and macroscopic RK4), beside the
/// memory-bandwidth bound (bytes the step must move / measured triad bandwidth), bytes resident per particle and
/// bytes allocated per step; the same steps through the per-particle constraint interface (the previous product
/// path, kept for constraints without a fast kernel) for comparison and as an accuracy check;
/// (2) the particle-mesh interaction at N = 10^6 (deposit, FFT convolution, interpolation at every particle) against
/// direct summation (timed on M target particles with all N sources and extrapolated to N targets), with the relative
/// force error on those targets.
/// </summary>
public sealed class MuscleBenchmark : IBenchmark
{
    public string Name => "muscle";
    public string Description => "muscle particle step at N = 1e7 vs bandwidth bound; particle mesh vs direct summation at N = 1e6";

    /// <summary>
    /// Bytes one RK4 step must move per 2D particle in <see cref="ParticleBlock.EvaluateStage"/> (8-byte doubles,
    /// 2 components): stage 0 reads X and writes acc, X (6 doubles; X0 == X between steps, so X0 is not read);
    /// stages 1, 2 read X, acc, X0 and write acc, X (10 each); stage 3 reads X, X0, acc and writes X, X0 (10):
    /// 36 doubles = 288 bytes (write-allocate traffic not counted, as in STREAM).
    /// </summary>
    public const double BytesPerParticleStep = 36 * 8;

    public int Run(string[] args)
    {
        var o = Options.Parse(args);
        if (!o.SkipStep) StepBenchmark(o);
        if (!o.SkipPm) MeshBenchmark(o.PmN, o.Nodes, o.Targets);
        return 0;
    }

    private static MuscleModel AffineModel(IPairPotential? pair = null) => new()
    {
        Constraint = new DeformationConstraint2D(new AffineMap()),
        MacroMass = 1.0, ParticleMass = 0.5,
        MacroPotential = new MacroStrainEnergy2D(1.0),
        ParticlePotential = new HarmonicParticlePotential([1.0, 1.0]),
        PairPotential = pair,
    };

    private static void StepBenchmark(Options o)
    {
        int n = o.N;
        // The shared triad is a scalar loop (the JIT does not vectorise), which on a wide core can be limited by the
        // core rather than by memory; the vectorised triad is STREAM as a C compiler would build it. Bandwidth on a
        // shared (virtualised) machine drifts, so the triads are measured before and after the timed steps and the
        // bound uses the largest figure (the strictest bound). Note that the triad's write to a fresh array also costs
        // an uncounted write-allocate read, whereas the particle step almost only rewrites lines it has just read
        // (X, acc, X0), so the step can exceed 100 % of this bound.
        double bwScalar = Triad.MeasureBytesPerSecond(1);
        double bwVector = VectorTriadBytesPerSecond();
        Console.WriteLine($"triad bandwidth, 1 thread, before the steps: {bwScalar / 1e9:F2} GB/s scalar loop, {bwVector / 1e9:F2} GB/s vectorised (Vector256)");
        Console.WriteLine($"\n== particle step, 2D deformation constraint (affine F, n_y = 4), N = {n:N0}, one block on one core, product path");
        var model = AffineModel();
        double[] y0 = [0.05, 0.02, -0.03, 0.04], v0 = [0.124, -0.882, 0.86, 0.096];
        const double dt = 1e-3;
        long before = GC.GetTotalMemory(true);
        var positions = ParticleSampling.SampleRange(new UniformBoxSampler(1, [-1, -1], [1, 1]), 0, n);
        var driver = new SequentialMuscleDriver(model, positions, y0, v0, new MuscleDriverOptions { BlockCount = 1 });
        positions = null;
        long resident = GC.GetTotalMemory(true) - before;
        driver.Step(dt); // warm-up (JIT, first touch)
        driver.Step(dt);
        var times = new double[o.Steps];
        long allocated = 0;
        for (int k = 0; k < o.Steps; k++)
        {
            long t0 = Stopwatch.GetTimestamp();
            long a0 = GC.GetAllocatedBytesForCurrentThread();
            driver.Step(dt);
            long a1 = GC.GetAllocatedBytesForCurrentThread();
            times[k] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            allocated = Math.Max(allocated, a1 - a0);
        }
        double best = times.Min(), median = times.Order().ElementAt(times.Length / 2);
        double bwScalar2 = Triad.MeasureBytesPerSecond(1), bwVector2 = VectorTriadBytesPerSecond();
        double bw = Math.Max(Math.Max(bwScalar, bwVector), Math.Max(bwScalar2, bwVector2));
        double bound = BytesPerParticleStep * n / bw;
        Console.WriteLine($"triad bandwidth, 1 thread, after the steps: {bwScalar2 / 1e9:F2} GB/s scalar loop, {bwVector2 / 1e9:F2} GB/s vectorised (Vector256)");
        Console.WriteLine($"step time: best {best:F4} s, median {median:F4} s over {o.Steps} steps ({best / n * 1e9 / 4:F2} ns per particle and stage)");
        Console.WriteLine($"bandwidth bound (largest triad figure): {BytesPerParticleStep:F0} B/particle/step x N / {bw / 1e9:F2} GB/s = {bound:F4} s  ->  {100 * bound / best:F1} % of the bound (median {100 * bound / median:F1} %; target >= 50 %)");
        Console.WriteLine($"achieved traffic (counted bytes): {BytesPerParticleStep * n / best / 1e9:F2} GB/s");
        Console.WriteLine($"resident: {resident / (double)n:F1} bytes per particle (target <= 80; X, X0, RK4 accumulator, g(X^init, y^init): 4 n_x doubles = 64)");
        Console.WriteLine($"allocated per step: {allocated} bytes (max over {o.Steps} steps, thread allocation counter around SequentialMuscleDriver.Step)");

        if (o.SkipLegacy || o.LegacySteps <= 0) { GC.KeepAlive(driver); return; }
        // The same model through the per-particle constraint interface (ParticleConstraint.Kinematics per particle,
        // the path every constraint without a fast kernel takes, and the product path before the stage kernel).
        driver = null;
        GC.Collect();
        var legacyModel = model with { Constraint = new PerParticleView(model.Constraint) };
        var fast = new SequentialMuscleDriver(model, ParticleSampling.SampleRange(new UniformBoxSampler(1, [-1, -1], [1, 1]), 0, n), y0, v0);
        var legacy = new SequentialMuscleDriver(legacyModel, ParticleSampling.SampleRange(new UniformBoxSampler(1, [-1, -1], [1, 1]), 0, n), y0, v0);
        legacy.Step(dt); fast.Step(dt);
        double lBest = double.MaxValue;
        long lAlloc = 0;
        for (int k = 0; k < o.LegacySteps; k++)
        {
            long t0 = Stopwatch.GetTimestamp();
            long a0 = GC.GetAllocatedBytesForCurrentThread();
            legacy.Step(dt);
            long a1 = GC.GetAllocatedBytesForCurrentThread();
            lBest = Math.Min(lBest, Stopwatch.GetElapsedTime(t0).TotalSeconds);
            lAlloc = Math.Max(lAlloc, a1 - a0);
            fast.Step(dt);
        }
        double dy = 0, dv = 0;
        for (int c = 0; c < 4; c++)
        {
            dy = Math.Max(dy, Math.Abs(fast.Y[c] - legacy.Y[c]) / Math.Max(1e-300, Math.Abs(legacy.Y[c] - y0[c])));
            dv = Math.Max(dv, Math.Abs(fast.Velocity[c] - legacy.Velocity[c]) / Math.Max(1e-300, Math.Abs(legacy.Velocity[c] - v0[c])));
        }
        double dx = 0;
        for (int c = 0; c < 2; c++)
        {
            var a = fast.Blocks[0].Position(c); var b = legacy.Blocks[0].Position(c);
            for (int i = 0; i < n; i++) dx = Math.Max(dx, Math.Abs(a[i] - b[i]));
        }
        Console.WriteLine($"per-particle interface path (previous product path): best {lBest:F3} s per step = {lBest / n * 1e9 / 4:F1} ns per particle and stage = {100 * bound / lBest:F1} % of the bound; " +
                          $"allocated {lAlloc} bytes per step; speed-up of the stage kernel {lBest / best:F0}x");
        Console.WriteLine($"after {o.LegacySteps + 1} steps, stage kernel vs per-particle path: max relative difference of the change in y {dy:E1}, in y' {dv:E1}; max |X difference| {dx:E1}");
        GC.KeepAlive(fast); GC.KeepAlive(legacy);
    }

    /// <summary>STREAM triad a = b + s c with Vector256 loads and stores, 1 thread, best of 8, 3 x 8 bytes per element.</summary>
    internal static double VectorTriadBytesPerSecond(int elements = 1 << 25, int repetitions = 8)
    {
        var a = new double[elements]; var b = new double[elements]; var c = new double[elements];
        for (int i = 0; i < elements; i++) { b[i] = i; c[i] = 2.0 * i; }
        var s = Vector256.Create(3.0);
        double best = double.MaxValue;
        for (int rep = 0; rep < repetitions; rep++)
        {
            long t0 = Stopwatch.GetTimestamp();
            ref double ra = ref MemoryMarshal.GetArrayDataReference(a);
            ref double rb = ref MemoryMarshal.GetArrayDataReference(b);
            ref double rc = ref MemoryMarshal.GetArrayDataReference(c);
            for (nuint i = 0; i < (nuint)elements; i += 4)
                (Vector256.LoadUnsafe(ref rb, i) + s * Vector256.LoadUnsafe(ref rc, i)).StoreUnsafe(ref ra, i);
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        GC.KeepAlive(a);
        return 3.0 * 8.0 * elements / best;
    }

    private static void MeshBenchmark(int n, int nodes, int targets)
    {
        Console.WriteLine($"\n== pair interaction, Gaussian V (A = 1, s = 0.3), N = {n:N0} uniform on [-1, 1]^2, mesh {nodes} x {nodes} on [-1.5, 1.5]^2");
        var v = new GaussianPairPotential(1.0, 0.3);
        var pos = ParticleSampling.SampleRange(new UniformBoxSampler(2, [-1, -1], [1, 1]), 0, n);
        var grid = new ParticleMeshGrid([-1.5, -1.5], 3.0 / (nodes - 1), nodes);
        var mesh = new ParticleMesh(grid, v);
        var counts = new double[grid.NodeCount];
        var force = new double[2 * n];
        Span<double> x = stackalloc double[2];
        double pmBest = double.MaxValue;
        for (int rep = 0; rep < 3; rep++)
        {
            var sw = Stopwatch.StartNew();
            Array.Clear(counts);
            mesh.Deposit(pos[0], pos[1], counts);
            mesh.ComputeField(counts, n);
            Array.Clear(force);
            for (int i = 0; i < n; i++)
            {
                x[0] = pos[0][i]; x[1] = pos[1][i];
                mesh.AddForce(x, force.AsSpan(2 * i, 2));
            }
            pmBest = Math.Min(pmBest, sw.Elapsed.TotalSeconds);
        }
        var direct = new DirectSumField(v, 2, n);
        direct.Load(pos);
        int stride = Math.Max(1, n / targets);
        var f = new double[2];
        double num = 0, den = 0;
        int m = 0;
        var dw = Stopwatch.StartNew();
        for (int i = 0; i < n && m < targets; i += stride, m++)
        {
            x[0] = pos[0][i]; x[1] = pos[1][i];
            f[0] = f[1] = 0;
            direct.AddForce(x, f);
            for (int c = 0; c < 2; c++) { double e = force[2 * i + c] - f[c]; num += e * e; den += f[c] * f[c]; }
        }
        double perTarget = dw.Elapsed.TotalSeconds / m;
        double directTime = perTarget * n;
        Console.WriteLine($"particle mesh (deposit + FFT field + interpolation at all N): {pmBest:F3} s");
        Console.WriteLine($"direct summation: {perTarget * 1e3:F2} ms per target over {m} targets -> {directTime:F0} s for all N targets (extrapolated)");
        Console.WriteLine($"speed-up {directTime / pmBest:F0}x (target >= 100x); relative force error {Math.Sqrt(num / den):E2} on {m} targets (target < 1e-3)");
    }

    private sealed record Options(int N, int PmN, int Nodes, int Targets, int Steps, int LegacySteps, bool SkipStep, bool SkipLegacy, bool SkipPm)
    {
        public static Options Parse(string[] args)
        {
            var o = new Options(10_000_000, 1_000_000, 256, 2000, 10, 2, false, false, false);
            for (int i = 0; i < args.Length; i++)
            {
                int Next() => int.Parse(args[++i], CultureInfo.InvariantCulture);
                o = args[i] switch
                {
                    "--n" => o with { N = Next() },
                    "--pm-n" => o with { PmN = Next() },
                    "--nodes" => o with { Nodes = Next() },
                    "--targets" => o with { Targets = Next() },
                    "--steps" => o with { Steps = Next() },
                    "--legacy-steps" => o with { LegacySteps = Next() },
                    "--skip-step" => o with { SkipStep = true },
                    "--skip-legacy" => o with { SkipLegacy = true },
                    "--skip-pm" => o with { SkipPm = true },
                    _ => throw new ArgumentException($"unknown option {args[i]}; options: --n --pm-n --nodes --targets --steps --legacy-steps --skip-step --skip-legacy --skip-pm"),
                };
            }
            return o;
        }
    }
}
