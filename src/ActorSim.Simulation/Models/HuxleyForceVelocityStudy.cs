using ActorSim.Numerics.Muscle.Huxley;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Models;

/// <summary>
/// One shortening speed of a force–velocity study; forces relative to the isometric force F0 = kappa n_inf h^2 / 2.
/// </summary>
/// <param name="Huxley">Huxley's (1957) closed form F(V)/F0.</param>
/// <param name="Pde">Steady state of the upwind PDE at the scenario's grid.</param>
/// <param name="PdeHalf">The same at half the cell size.</param>
/// <param name="Order">Observed order log2(|Pde - Huxley| / |PdeHalf - Huxley|) (NaN when the error vanishes).</param>
/// <param name="Zahalak">Steady state of the distribution-moment ODEs.</param>
/// <param name="Particles">Stochastic bridges after relaxing at V (null unless asked for).</param>
/// <param name="ParticlesSigma">Standard deviation of <paramref name="Particles"/> (independent bridges at the steady state).</param>
/// <param name="WindowMin">Lower end of the displacement window used at this speed (the scenario's x_min, extended for fast shortening).</param>
public sealed record ForceVelocityPoint(double V, double Huxley, double Pde, double PdeHalf, double Order, double Zahalak,
    double? Particles, double? ParticlesSigma, double WindowMin);

/// <summary>One load of a force–velocity study from load clamps (<see cref="HuxleyForceVelocityStudy.FromLoads"/>).</summary>
/// <param name="Load">P / F0.</param>
/// <param name="V">Settled isotonic shortening speed at the scenario's grid.</param>
/// <param name="VHalf">The same at half the cell size.</param>
/// <param name="VHuxley">Huxley's closed-form speed at that load (inverse of F(V)/F0).</param>
/// <param name="HuxleyForceAtV">Closed-form F(V)/F0 at the settled speed (≈ Load up to the scheme's first-order error).</param>
/// <param name="PdeForceAtV">Discrete steady-state force of the upwind PDE at the settled speed (= Load to round-off).</param>
/// <param name="Order">Observed order of the speed error, log2(|V - VHuxley| / |VHalf - VHuxley|).</param>
public sealed record LoadClampPoint(double Load, double V, double VHalf, double VHuxley, double HuxleyForceAtV, double PdeForceAtV, double Order);

/// <summary>
/// Huxley's force–velocity relation from the models: the exact steady state of the discrete upwind PDE at each
/// speed (and at half the cell size, giving the observed order; the window is extended below the scenario's x_min
/// where the exponential tail n(0) exp(g2 x / V) of fast shortening would otherwise be cut off), the Zahalak moment ODEs run to their steady state,
/// and optionally N stochastic bridges started isometric and shortened at V until the isometric distribution has
/// been swept out (t = h / V + 10 / g2), all against Huxley's closed form.
/// </summary>
public static class HuxleyForceVelocityStudy
{
    public static readonly IReadOnlyList<double> DefaultVelocities = [0, 0.25, 0.5, 1, 2, 4, 8];

    /// <summary>Huxley's closed-form F(V)/F0 for the scenario's rates.</summary>
    public static double ClosedForm(Scenario s, double speed) => HuxleySteadyState.RelativeForce(HuxleyScenarioSpecs.RatesOf(s), speed);

    public static IReadOnlyList<ForceVelocityPoint> Run(Scenario s, IReadOnlyList<double> velocities, int particles = 0, Action<string>? progress = null)
    {
        if (!s.Model.StartsWith("huxley-", StringComparison.Ordinal))
            throw new ArgumentException($"{s.SourceFile}: force-velocity needs a scenario of a Huxley model (huxley-pde, huxley-particles, huxley-zahalak), not {s.Model}");
        if (velocities.Count == 0 || velocities.Any(v => !(v >= 0) || !double.IsFinite(v)))
            throw new ArgumentException("velocities must be finite numbers >= 0 (shortening speeds in L/T)");
        var r = HuxleyScenarioSpecs.RatesOf(s);
        int perH = s.Parameters.TryGetValue("cells_per_h", out double c) ? (int)c : 100;
        double xMin = s.P("x_min"), length = s.P("length"), h = r.H;
        double q1Iso = HuxleySteadyState.FirstMoment(r, 0.0);
        double dt = s.Time.Dt ?? 0.002;
        var result = new List<ForceVelocityPoint>();
        double top = xMin + length, dxCoarse = h / perH;
        foreach (double v0 in velocities)
        {
            double v = v0;
            // At speed V the steady attached fraction below 0 is n(0) exp(g2 x / V): extend the window downwards
            // (on the coarse grid, which the fine grid refines) until the omitted tail is below e^-20 ~ 2e-9.
            double lo = Math.Min(xMin, -Math.Ceiling(20.0 * v / r.G2 / dxCoarse) * dxCoarse);
            double len = top - lo;
            double pde = PdeSteady(r, lo, len, perH, v) / q1Iso;
            double half = PdeSteady(r, lo, len, 2 * perH, v) / q1Iso;
            double exact = HuxleySteadyState.RelativeForce(r, v);
            double e1 = Math.Abs(pde - exact), e2 = Math.Abs(half - exact);
            double order = e1 > 1e-13 && e2 > 1e-13 ? Math.Log2(e1 / e2) : double.NaN;
            double dm = ZahalakSteady(r, v) / q1Iso;
            double? part = null, sigma = null;
            if (particles > 0)
            {
                (double q1, double sd) = ParticlesAt(r, lo, len, particles, s.Run.Blocks > particles ? 1 : s.Run.Blocks, s.Run.Seed, dt, v);
                part = q1 / q1Iso; sigma = sd / q1Iso;
            }
            result.Add(new ForceVelocityPoint(v, exact, pde, half, order, dm, part, sigma, lo));
            progress?.Invoke($"V = {v}: Huxley {exact:F5}, PDE {pde:F5}, moments {dm:F5}{(part is { } p ? $", particles {p:F5} ± {sigma:F5}" : "")}");
        }
        return result;
    }

    /// <summary>
    /// Force–velocity from load clamps: for each relative load P (0 &lt;= P &lt; 1) the PDE starts isometric, is released
    /// to P F0 at t = 0 and shortens isotonically (<see cref="HuxleyLoadClampModel"/>) until v settles (change below
    /// 1e-10 per time unit, at most t = 200); the settled speed V lands on the curve: Huxley's closed form gives
    /// F(V)/F0 ~ P up to the scheme's first-order error, and the discrete steady state at V gives P to round-off.
    /// Run at the scenario's grid and at half the cell size (observed order of the speed error).
    /// </summary>
    public static IReadOnlyList<LoadClampPoint> FromLoads(Scenario s, IReadOnlyList<double> loads, Action<string>? progress = null)
    {
        CheckLoads(s, loads);
        var r = HuxleyScenarioSpecs.RatesOf(s);
        int perH = s.Count("cells_per_h");
        double q1Iso = HuxleySteadyState.FirstMoment(r, 0.0), top = s.P("x_min") + s.P("length"), dxCoarse = r.H / perH;
        var result = new List<LoadClampPoint>();
        foreach (double p in loads)
        {
            double exactV = HuxleySteadyState.SpeedAtForce(r, p);
            double lo = LoadWindowMin(s, r, p, dxCoarse);
            double v1 = SettledSpeed(r, s.P("kappa"), p, lo, top - lo, perH, s.P("cfl"));
            double v2 = SettledSpeed(r, s.P("kappa"), p, lo, top - lo, 2 * perH, s.P("cfl"));
            var solver = new HuxleyUpwindSolver(r, lo, dxCoarse, (int)Math.Round((top - lo) / dxCoarse));
            solver.SolveSteadyState(-v1);
            double e1 = Math.Abs(v1 - exactV), e2 = Math.Abs(v2 - exactV);
            var point = new LoadClampPoint(p, v1, v2, exactV, HuxleySteadyState.RelativeForce(r, v1), solver.Moment(1) / q1Iso,
                e1 > 1e-13 && e2 > 1e-13 ? Math.Log2(e1 / e2) : double.NaN);
            result.Add(point);
            progress?.Invoke($"load {p}: V = {v1:F5} (half dx {v2:F5}), Huxley V(P) = {exactV:F5}, F_huxley(V)/F0 = {point.HuxleyForceAtV:F5}, discrete steady force at V {point.PdeForceAtV:F8}");
        }
        return result;
    }

    /// <summary>How long each load-clamp run of <see cref="LoadClampAxes"/> lasts: v has settled to round-off long before.</summary>
    public const double LoadClampEnd = 40;

    /// <summary>Throws an <see cref="ArgumentException"/> (naming what is wrong) unless load clamps of <paramref name="s"/> can run.</summary>
    public static void CheckLoads(Scenario s, IReadOnlyList<double> loads)
    {
        if (s.Model != "huxley-pde")
            throw new ArgumentException($"{s.SourceFile}: force-velocity from load clamps needs a huxley-pde scenario, not {s.Model}");
        if (loads.Count == 0 || loads.Any(p => !(p >= 0 && p < 1)))
            throw new ArgumentException("loads must be numbers from 0 (inclusive) to 1 (exclusive), relative to the isometric force F0");
    }

    /// <summary>
    /// <see cref="FromLoads"/> as sweep members (zipped axes, <c>KEY=VALUES</c>): per load two runs of the scenario,
    /// at its grid and at half the cell size, each a load clamp from the isometric state to the load at t = 0
    /// (<c>protocol = load</c>, <c>load_steps = "0: P"</c>) on the window extended for the load's speed, to
    /// t = <see cref="LoadClampEnd"/>; run.json's analysis holds the speed reached (<c>V_final</c>).
    /// </summary>
    public static IReadOnlyList<string> LoadClampAxes(Scenario s, IReadOnlyList<double> loads)
    {
        CheckLoads(s, loads);
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var r = HuxleyScenarioSpecs.RatesOf(s);
        int perH = s.Count("cells_per_h");
        double top = s.P("x_min") + s.P("length"), dxCoarse = r.H / perH;
        List<string> steps = [], cells = [], xMin = [], length = [];
        foreach (double p in loads)
        {
            double lo = LoadWindowMin(s, r, p, dxCoarse);
            foreach (int c in new[] { perH, 2 * perH })
            {
                steps.Add("0: " + p.ToString("R", inv));
                cells.Add(c.ToString(inv));
                xMin.Add(lo.ToString("R", inv));
                length.Add((top - lo).ToString("R", inv));
            }
        }
        return ["parameters.protocol=load", "parameters.load_steps=" + string.Join(',', steps), "parameters.cells_per_h=" + string.Join(',', cells),
            "parameters.x_min=" + string.Join(',', xMin), "parameters.length=" + string.Join(',', length), "initial.state=isometric",
            "time.end=" + LoadClampEnd.ToString("R", inv), "time.output_interval=1"];
    }

    /// <summary>
    /// The point of load <paramref name="load"/> from the speeds its two runs reached (<paramref name="v"/> at the
    /// scenario's grid, <paramref name="vHalf"/> at half the cell size): as <see cref="FromLoads"/> reports it.
    /// </summary>
    public static LoadClampPoint LoadClampPoint(Scenario s, double load, double v, double vHalf)
    {
        var r = HuxleyScenarioSpecs.RatesOf(s);
        int perH = s.Count("cells_per_h");
        double q1Iso = HuxleySteadyState.FirstMoment(r, 0.0), top = s.P("x_min") + s.P("length"), dxCoarse = r.H / perH;
        double exactV = HuxleySteadyState.SpeedAtForce(r, load);
        double lo = LoadWindowMin(s, r, load, dxCoarse);
        var solver = new HuxleyUpwindSolver(r, lo, dxCoarse, (int)Math.Round((top - lo) / dxCoarse));
        solver.SolveSteadyState(-v);
        double e1 = Math.Abs(v - exactV), e2 = Math.Abs(vHalf - exactV);
        return new LoadClampPoint(load, v, vHalf, exactV, HuxleySteadyState.RelativeForce(r, v), solver.Moment(1) / q1Iso,
            e1 > 1e-13 && e2 > 1e-13 ? Math.Log2(e1 / e2) : double.NaN);
    }

    /// <summary>The lower end of the window at load P: x_min, extended to where the steady tail at V(P) is below e^-20.</summary>
    private static double LoadWindowMin(Scenario s, HuxleyRates r, double load, double dxCoarse) =>
        Math.Min(s.P("x_min"), -Math.Ceiling(20.0 * HuxleySteadyState.SpeedAtForce(r, load) / r.G2 / dxCoarse) * dxCoarse);

    private static double SettledSpeed(HuxleyRates r, double kappa, double load, double xMin, double length, int perH, double cfl)
    {
        double dx = r.H / perH;
        var model = new HuxleyLoadClampModel(r, kappa, new HuxleyLoadProtocol([(0.0, load)]), xMin, dx, (int)Math.Round(length / dx), true, cfl, null, false);
        Span<double> row = stackalloc double[model.Columns.Count];
        double previous = double.NaN;
        for (int k = 1; k <= 200; k++)
        {
            model.AdvanceTo(k);
            model.ReadState(row);
            if (Math.Abs(row[0] - previous) < 1e-10) break;
            previous = row[0];
        }
        return -row[0];
    }

    private static double PdeSteady(HuxleyRates r, double xMin, double length, int perH, double v)
    {
        double dx = r.H / perH;
        var solver = new HuxleyUpwindSolver(r, xMin, dx, (int)Math.Round(length / dx));
        solver.SolveSteadyState(-v);
        return solver.Moment(1);
    }

    /// <summary>Moment ODEs from the isometric moments, RK4 at dt = 0.01 until the time derivative is below 1e-10 (or t = 500).</summary>
    private static double ZahalakSteady(HuxleyRates r, double v)
    {
        double ninf = r.F1 / (r.F1 + r.G1), h = r.H;
        var dm = new ZahalakMoments(r, ninf * h, ninf * h * h / 2, ninf * h * h * h / 3);
        Span<double> dq = stackalloc double[3];
        double step = Math.Min(0.01, 1.0 / (r.F1 + r.G1 + r.G2));
        for (int k = 0; k < (int)(500 / step); k++)
        {
            dm.Step(step, -v);
            if (k % 100 != 0) continue;
            ZahalakMoments.Derivative(r, dm.Q, -v, dq);
            if (Math.Max(Math.Abs(dq[0]), Math.Max(Math.Abs(dq[1]), Math.Abs(dq[2]))) < 1e-10) break;
        }
        return dm.Force;
    }

    /// <summary>(Q1, its standard deviation) of N bridges started isometric and shortened at V for h/V + 10/g2 (1/(f1 + g1) when V = 0).</summary>
    private static (double Q1, double Sd) ParticlesAt(HuxleyRates r, double xMin, double length, int n, int blocks, ulong seed, double dt, double v)
    {
        var sys = new HuxleyParticleSystem(r, xMin, length, n, blocks, seed);
        foreach (var b in sys.Blocks)
            b.Randomize(x => { double f = r.Attach(x), g = r.Detach(x); return f + g > 0 ? f / (f + g) : 0.0; }, seed, uint.MaxValue);
        double T = v > 0 ? r.H / v + 10.0 / r.G2 : 1.0 / (r.F1 + r.G1);
        int steps = (int)Math.Ceiling(T / dt - 1e-9);
        for (int k = 0; k < steps; k++) sys.Step(T / steps, -v);
        double w = length / n, var = 0;
        foreach (var b in sys.Blocks)
            foreach (double x in b.Positions)
            {
                double p = HuxleySteadyState.Distribution(r, v, x);
                var += x * x * p * (1 - p);
            }
        return (sys.Moments().Q1, w * Math.Sqrt(var));
    }
}
