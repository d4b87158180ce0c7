using System.Diagnostics;
using System.Globalization;
using ActorSim.Numerics.Muscle;
using ActorSim.Simulation.Models;

namespace ActorSim.Bench;

/// <summary>
/// <c>muscle [--n N] [--pm-n N] [--nodes n] [--targets M] [--steps K] [--skip-step] [--skip-pm]</c>:
/// (1) one RK4 step of the 2D deformation constraint (affine map, strain energy, harmonic springs) at N = 10^7
/// particles on one core, beside the memory-bandwidth bound (bytes the step must move / measured triad
/// bandwidth), bytes resident per particle and bytes allocated per step; (2) the particle-mesh interaction at
/// N = 10^6 (deposit, FFT convolution, interpolation at every particle) against direct summation (timed on M
/// target particles with all N sources and extrapolated to N targets), with the relative force error on those
/// targets.
/// </summary>
public sealed class MuscleBenchmark : IBenchmark
{
    public string Name => "muscle";
    public string Description => "muscle particle step at N = 1e7 vs bandwidth bound; particle mesh vs direct summation at N = 1e6";

    /// <summary>
    /// Bytes one RK4 step moves per 2D particle in <see cref="ParticleBlock.EvaluateStage"/> (8-byte doubles, 2 components):
    /// stage 0 reads X, X0 and writes acc, X (8 doubles); stages 1, 2 read X, acc, X0 and write acc, X (10 each);
    /// stage 3 reads X, X0, acc and writes X, X0 (10): 38 doubles = 304 bytes (write-allocate traffic not counted, as in STREAM).
    /// </summary>
    public const double BytesPerParticleStep = 38 * 8;

    public int Run(string[] args)
    {
        var o = Options.Parse(args);
        double bw = Triad.MeasureBytesPerSecond(1);
        Console.WriteLine($"triad bandwidth, 1 thread: {bw / 1e9:F2} GB/s");
        if (!o.SkipStep) StepBenchmark(o.N, o.Steps, bw);
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

    private static void StepBenchmark(int n, int steps, double bandwidth)
    {
        Console.WriteLine($"\n== particle step, 2D deformation constraint (affine F, n_y = 4), N = {n:N0}, one block on one core");
        var model = AffineModel();
        double[] y0 = [0.05, 0.02, -0.03, 0.04], v0 = [0.124, -0.882, 0.86, 0.096];
        long before = GC.GetTotalMemory(true);
        var positions = ParticleSampling.SampleRange(new UniformBoxSampler(1, [-1, -1], [1, 1]), 0, n);
        var driver = new SequentialMuscleDriver(model, positions, y0, v0, new MuscleDriverOptions { BlockCount = 1 });
        positions = null;
        long resident = GC.GetTotalMemory(true) - before;
        driver.Step(1e-3); // warm-up (JIT, first touch)
        var times = new List<double>();
        long allocated = 0;
        for (int k = 0; k < steps; k++)
        {
            long a0 = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            driver.Step(1e-3);
            times.Add(sw.Elapsed.TotalSeconds);
            allocated = Math.Max(allocated, GC.GetAllocatedBytesForCurrentThread() - a0);
        }
        GC.KeepAlive(driver);
        double best = times.Min(), median = times.Order().ElementAt(times.Count / 2);
        double bound = BytesPerParticleStep * n / bandwidth;
        Console.WriteLine($"step time: best {best:F3} s, median {median:F3} s ({best / n * 1e9 / 4:F1} ns per particle and stage)");
        Console.WriteLine($"bandwidth bound: {BytesPerParticleStep:F0} B/particle/step x N / {bandwidth / 1e9:F2} GB/s = {bound:F3} s  ->  {100 * bound / best:F1} % of the bound (target >= 50 %)");
        Console.WriteLine($"achieved traffic: {BytesPerParticleStep * n / best / 1e9:F2} GB/s");
        Console.WriteLine($"resident: {resident / (double)n:F1} bytes per particle (target <= 80; 4 n_x doubles = 64 by design)");
        Console.WriteLine($"allocated per step: {allocated} bytes (independent of N: the coordinator's small n_y x n_y solve)");

        // Reference: the same step with everything that depends only on (y, y') hoisted out of the particle loop
        // (F(y)^-1 and DF(y)[y'] once per stage; Phi of the affine map is [[xr0, xr1, 0, 0], [0, 0, xr0, xr1]]).
        var hoisted = new HoistedAffineStep(n, y0, v0);
        hoisted.Step(1e-3);
        double hBest = double.MaxValue;
        for (int k = 0; k < steps; k++)
        {
            var sw = Stopwatch.StartNew();
            hoisted.Step(1e-3);
            hBest = Math.Min(hBest, sw.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"reference, hand-specialised affine kernel (not the product path): best {hBest:F3} s = {100 * bound / hBest:F1} % of the bound; " +
                          $"y0 after {steps + 1} steps differs from the generic kernel's by {Math.Abs(hoisted.Y[0] - driver.Y[0]):E1}");
    }

    /// <summary>
    /// One block of the affine-map muscle model (W0 = strain energy, W1 = |x|^2 / 2, m = 0.5, M = 1) with the per-stage
    /// constants hoisted: the arithmetic ParticleBlock.EvaluateStage does for this model, minus the per-particle
    /// recomputation of F(y), DF(y)[e_c] and the virtual calls. Same memory layout (X, X0, acc per component).
    /// </summary>
    private sealed class HoistedAffineStep
    {
        private readonly double[] _x, _y, _x0, _y0, _ax, _ay;
        private readonly MacroRk4 _macro;
        private readonly MuscleModel _model = AffineModel();
        private readonly StagePartials _p = new(4), _t = new(4);
        private readonly double[] _acc = new double[4];
        private readonly int _n;

        public HoistedAffineStep(int n, double[] y0, double[] v0)
        {
            _n = n;
            var pos = ParticleSampling.SampleRange(new UniformBoxSampler(1, [-1, -1], [1, 1]), 0, n);
            _x = pos[0]; _y = pos[1];
            _x0 = (double[])_x.Clone(); _y0 = (double[])_y.Clone();
            _ax = new double[n]; _ay = new double[n];
            _macro = new MacroRk4(y0, v0);
        }

        public ReadOnlySpan<double> Y => _macro.Y;

        public void Step(double dt)
        {
            for (int s = 0; s < 4; s++)
            {
                var y = _macro.StageY; var v = _macro.StageVelocity;
                double f00 = 1 + y[0], f01 = y[1], f10 = y[2], f11 = 1 + y[3], id = 1.0 / (f00 * f11 - f01 * f10);
                double i00 = f11 * id, i01 = -f01 * id, i10 = -f10 * id, i11 = f00 * id;
                double w = Rk4.Weight(s), next = Rk4.NextStageFactor(s) * dt, sixth = dt / 6.0;
                double s00 = 0, s01 = 0, s11 = 0, g0 = 0, g1 = 0, g2 = 0, g3 = 0;
                var x = _x; var yy = _y; var x0 = _x0; var y0 = _y0; var ax = _ax; var ay = _ay;
                for (int i = 0; i < x.Length; i++)
                {
                    double px = x[i], py = yy[i];
                    double r0 = i00 * px + i01 * py, r1 = i10 * px + i11 * py;
                    double xd = v[0] * r0 + v[1] * r1, yd = v[2] * r0 + v[3] * r1;
                    double fx = -px, fy = -py;
                    s00 += r0 * r0; s01 += r0 * r1; s11 += r1 * r1;
                    g0 += r0 * fx; g1 += r1 * fx; g2 += r0 * fy; g3 += r1 * fy;
                    if (s == 0) { ax[i] = xd; ay[i] = yd; x[i] = x0[i] + next * xd; yy[i] = y0[i] + next * yd; }
                    else if (s < 3) { ax[i] += w * xd; ay[i] += w * yd; x[i] = x0[i] + next * xd; yy[i] = y0[i] + next * yd; }
                    else
                    {
                        double xn = x0[i] + sixth * (ax[i] + xd), yn = y0[i] + sixth * (ay[i] + yd);
                        x[i] = xn; x0[i] = xn; yy[i] = yn; y0[i] = yn;
                    }
                }
                var m = _p.Mass; m.Clear();
                m[0] = s00; m[1] = s01; m[4] = s01; m[5] = s11; m[10] = s00; m[11] = s01; m[14] = s01; m[15] = s11;
                var f = _p.Force; f[0] = g0; f[1] = g1; f[2] = g2; f[3] = g3;
                MuscleReduction.Reduce([_p], _t);
                MuscleReduction.SolveAcceleration(_model, _n, y, _t, _acc);
                _macro.CompleteStage(dt, _acc);
            }
        }
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

    private sealed record Options(int N, int PmN, int Nodes, int Targets, int Steps, bool SkipStep, bool SkipPm)
    {
        public static Options Parse(string[] args)
        {
            var o = new Options(10_000_000, 1_000_000, 256, 2000, 5, false, false);
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
                    "--skip-step" => o with { SkipStep = true },
                    "--skip-pm" => o with { SkipPm = true },
                    _ => throw new ArgumentException($"unknown option {args[i]}; options: --n --pm-n --nodes --targets --steps --skip-step --skip-pm"),
                };
            }
            return o;
        }
    }
}
