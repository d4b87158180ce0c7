using ActorSim.Numerics.Densities;
using ActorSim.Numerics.Muscle;
using ActorSim.Numerics.Transport;
using ActorSim.Simulation.Particles;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Models;

/// <summary>One particle count of a convergence study: means and standard deviations over the seeds.</summary>
/// <param name="W1Initial">W1 between the empirical initial measure and rho0.</param>
/// <param name="W1Final">W1 between the particles at T and the mean-field density at T.</param>
/// <param name="YError">|y_N(T) - y(T)|.</param>
public sealed record ConvergencePoint(int N, int Seeds, double W1Initial, double W1InitialSd, double W1Final, double W1FinalSd,
    double YError, double YErrorSd, double Seconds)
{
    /// <summary>sqrt(N) times the mean W1(0): tends to <see cref="ConvergenceResult.W1Constant"/> as N grows.</summary>
    public double SqrtNW1Initial => Math.Sqrt(N) * W1Initial;
}

/// <summary>
/// A convergence study: the points, least-squares slopes of log(mean) against log N, the reference, and
/// <paramref name="W1Constant"/> = sqrt(2/pi) int sqrt(F (1 - F)) dx of rho0, the limit of sqrt(N) E W1(0).
/// </summary>
public sealed record ConvergenceResult(IReadOnlyList<ConvergencePoint> Points, double SlopeW1Initial, double SlopeW1Final, double SlopeY,
    double T, double YMeanField, int Cells, string Constraint, double W1Constant = double.NaN);

/// <summary>
/// Particle model versus mean-field limit (seed 003's convergence theorem, made quantitative): for each N and each
/// of K seeds, N particles are sampled i.i.d. from rho0 (counter-based, keyed by the seed), integrated to T with the
/// block protocol's arithmetic (<see cref="SequentialMuscleDriver"/> with the scenario's block count — bit-identical
/// to the actor run), and compared with the finite-volume mean-field solution: W1 at t = 0 and at T (exact 1D W1
/// between the empirical measure and the cell density) and |y_N(T) - y(T)|. For i.i.d. samples all three decay like
/// N^{-1/2}; sqrt(N) E W1(0) tends to the constant sqrt(2/pi) int sqrt(F (1 - F)) dx of rho0 (reported alongside).
/// </summary>
public static class MuscleConvergenceStudy
{
    /// <summary>Runs the study for a <c>muscle-1d</c> scenario. Seeds run in parallel; results do not depend on that.</summary>
    public static ConvergenceResult Run(Scenario s, IReadOnlyList<int> particleCounts, int seeds, Action<string>? progress = null)
    {
        Check(s, particleCounts, seeds);
        double T = s.Time.End, dt = s.Time.Dt!.Value;

        // mean-field reference
        var mf = Muscle1DDefinition.MeanFieldSetup(s);
        var fv = new SequentialMeanFieldDriver1D(mf.Model, mf.Grid, mf.Density, mf.Y0, mf.V0);
        while (T - fv.Time > 1e-12 * Math.Max(1.0, T))
            fv.Step(StepPlanner.Next(fv.Time, T, Math.Min(dt, fv.StableTimeStep(mf.Cfl))).Dt);
        var rhoT = fv.Density();
        double yT = fv.Y[0];
        progress?.Invoke($"mean-field reference: {mf.Grid.Cells} cells, y(T = {T}) = {yT:G8}");

        var points = new List<ConvergencePoint>();
        foreach (int n in particleCounts)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var w0 = new double[seeds]; var wT = new double[seeds]; var dy = new double[seeds];
            Parallel.For(0, seeds, k =>
            {
                ulong seed = SampleSeed(s, n, k);
                var setup = Muscle1DDefinition.ParticleSetup(s, n, seed);
                var x0 = ParticleSampling.SampleRange(setup.Sampler, 0, n);
                var sorted0 = (double[])x0[0].Clone();
                Array.Sort(sorted0);
                w0[k] = Wasserstein1D.EmpiricalToCellDensity(sorted0, mf.Grid.Origin, mf.Grid.Dx, mf.Density);
                var driver = new SequentialMuscleDriver(setup.Model, x0, setup.Y0, setup.V0,
                    new MuscleDriverOptions { BlockCount = setup.Blocks, ProjectOntoConstraints = setup.Project });
                double t = 0;
                while (t < T)
                {
                    var (h, next) = StepPlanner.Next(t, T, dt);
                    driver.Step(h);
                    t = next;
                }
                var xT = driver.GatherPositions()[0];
                Array.Sort(xT);
                wT[k] = Wasserstein1D.EmpiricalToCellDensity(xT, mf.Grid.Origin, mf.Grid.Dx, rhoT);
                dy[k] = Math.Abs(driver.Y[0] - yT);
            });
            var p = new ConvergencePoint(n, seeds, Mean(w0), Sd(w0), Mean(wT), Sd(wT), Mean(dy), Sd(dy), clock.Elapsed.TotalSeconds);
            points.Add(p);
            progress?.Invoke($"N = {n}: W1(0) = {p.W1Initial:E3}, W1(T) = {p.W1Final:E3}, |y_N - y| = {p.YError:E3} ({p.Seconds:F1} s)");
        }
        var logN = points.Select(p => (double)p.N).ToList();
        return new ConvergenceResult(points,
            points.Count > 1 ? LogLogSlope(logN, points.Select(p => p.W1Initial).ToList()) : double.NaN,
            points.Count > 1 ? LogLogSlope(logN, points.Select(p => p.W1Final).ToList()) : double.NaN,
            points.Count > 1 ? LogLogSlope(logN, points.Select(p => p.YError).ToList()) : double.NaN,
            T, yT, mf.Grid.Cells, s.Choice("constraint"), W1SamplingConstant.Of(Muscle1DDefinition.Rho0(s)));
    }

    /// <summary>Throws an <see cref="ArgumentException"/> (naming what is wrong) unless a study of <paramref name="s"/> can run.</summary>
    public static void Check(Scenario s, IReadOnlyList<int> particleCounts, int seeds)
    {
        if (s.Model != "muscle-1d")
            throw new ArgumentException($"{s.SourceFile}: converge needs a scenario of model muscle-1d (the 1D particle model and its mean-field PDE), not {s.Model}");
        if (seeds < 1) throw new ArgumentOutOfRangeException(nameof(seeds), seeds, "need at least one seed");
        if (particleCounts.Count == 0 || particleCounts.Any(n => n < 1)) throw new ArgumentException("particle counts must be whole numbers >= 1");
        if (s.Time.Dt is null)
            throw new ArgumentException($"{s.SourceFile}: converge runs fixed RK4 steps and needs time.dt (adaptive time.rtol / time.atol are for run)");
    }

    /// <summary>The seed of sample <paramref name="k"/> at N = <paramref name="n"/> (the same as <see cref="Run"/> draws).</summary>
    public static ulong SampleSeed(Scenario s, int n, int k) => unchecked(s.Run.Seed * 1_000_003UL + (ulong)k * 7919UL + (ulong)n);

    /// <summary>
    /// The study as sweep members (zipped axes, <c>KEY=VALUES</c>): every N with every seed, each a particle run of
    /// the scenario with the mean-field reference alongside (<c>parameters.w1 = meanfield</c>), whose run.json analysis
    /// holds W1(0), W1(T) and |y_N(T) - y(T)| (<see cref="MuscleParticleRun.Analysis"/>). The members sample exactly the
    /// particles <see cref="Run"/> samples.
    /// </summary>
    public static IReadOnlyList<string> MemberAxes(Scenario s, IReadOnlyList<int> particleCounts, int seeds)
    {
        Check(s, particleCounts, seeds);
        var ns = new List<string>();
        var seedList = new List<string>();
        foreach (int n in particleCounts)
            for (int k = 0; k < seeds; k++)
            {
                ns.Add(n.ToString(System.Globalization.CultureInfo.InvariantCulture));
                seedList.Add(SampleSeed(s, n, k).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        return ["parameters.method=particles", "parameters.w1=meanfield", "parameters.N=" + string.Join(',', ns), "run.seed=" + string.Join(',', seedList)];
    }

    /// <summary>What one member of the study recorded (its run.json analysis and wall time).</summary>
    public sealed record Member(int N, double W1Initial, double W1Final, double YError, double YMeanField, double Seconds);

    /// <summary>
    /// The study from its members (<see cref="MemberAxes"/>, in that order): per N the means and standard deviations
    /// over the seeds, the seconds the members of that N ran (summed), the fitted slopes and the reference y(T).
    /// </summary>
    public static ConvergenceResult FromMembers(Scenario s, IReadOnlyList<int> particleCounts, int seeds, IReadOnlyList<Member> members)
    {
        if (members.Count != particleCounts.Count * seeds)
            throw new ArgumentException($"a study of {particleCounts.Count} particle counts and {seeds} seeds has {particleCounts.Count * seeds} members, not {members.Count}");
        var points = new List<ConvergencePoint>();
        for (int i = 0; i < particleCounts.Count; i++)
        {
            var group = members.Skip(i * seeds).Take(seeds).ToList();
            double[] w0 = group.Select(m => m.W1Initial).ToArray(), wT = group.Select(m => m.W1Final).ToArray(), dy = group.Select(m => m.YError).ToArray();
            points.Add(new ConvergencePoint(particleCounts[i], seeds, Mean(w0), Sd(w0), Mean(wT), Sd(wT), Mean(dy), Sd(dy), group.Sum(m => m.Seconds)));
        }
        var logN = points.Select(p => (double)p.N).ToList();
        return new ConvergenceResult(points,
            points.Count > 1 ? LogLogSlope(logN, points.Select(p => p.W1Initial).ToList()) : double.NaN,
            points.Count > 1 ? LogLogSlope(logN, points.Select(p => p.W1Final).ToList()) : double.NaN,
            points.Count > 1 ? LogLogSlope(logN, points.Select(p => p.YError).ToList()) : double.NaN,
            s.Time.End, members[0].YMeanField, Muscle1DDefinition.Grid(s).Cells, s.Choice("constraint"), W1SamplingConstant.Of(Muscle1DDefinition.Rho0(s)));
    }

    private static double Mean(double[] a) => a.Average();

    private static double Sd(double[] a)
    {
        if (a.Length < 2) return 0.0;
        double m = a.Average();
        return Math.Sqrt(a.Sum(v => (v - m) * (v - m)) / (a.Length - 1));
    }

    /// <summary>Least-squares slope of log(y) against log(x) (entries with y &lt;= 0 are skipped).</summary>
    public static double LogLogSlope(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var pts = x.Zip(y).Where(p => p.First > 0 && p.Second > 0).Select(p => (Math.Log(p.First), Math.Log(p.Second))).ToList();
        if (pts.Count < 2) return double.NaN;
        double mx = pts.Average(p => p.Item1), my = pts.Average(p => p.Item2), sxy = 0, sxx = 0;
        foreach (var (a, b) in pts) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx); }
        return sxy / sxx;
    }
}
