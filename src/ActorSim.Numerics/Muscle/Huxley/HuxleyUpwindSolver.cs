namespace ActorSim.Numerics.Muscle.Huxley;

/// <summary>
/// First-order upwind finite volumes for the Huxley cross-bridge equation
/// d_t n + d_x (n v) = f(x) (1 - n) - g(x) n on [XMin, XMin + Cells Dx] (v spatially constant, time dependent),
/// with n = 0 flowing in at the upstream boundary. Rates are evaluated at cell centres; choose Dx so that 0 and
/// h are cell faces (the rates' kinks then sit on faces). The explicit step is forward Euler, whose fixed point
/// is exactly <see cref="SolveSteadyState"/>. Force = kappa * <see cref="Moment"/>(1).
/// </summary>
public sealed class HuxleyUpwindSolver
{
    private readonly double[] _n, _next, _f, _g;

    public HuxleyUpwindSolver(HuxleyRates rates, double xMin, double dx, int cells)
    {
        if (!(dx > 0) || cells < 2) throw new ArgumentException("need dx > 0 and at least two cells");
        Rates = rates; XMin = xMin; Dx = dx; Cells = cells;
        _n = new double[cells]; _next = new double[cells];
        _f = new double[cells]; _g = new double[cells];
        for (int i = 0; i < cells; i++) { double x = Center(i); _f[i] = rates.Attach(x); _g[i] = rates.Detach(x); }
    }

    public HuxleyRates Rates { get; }
    public double XMin { get; }
    public double Dx { get; }
    public int Cells { get; }

    /// <summary>Centre of cell i.</summary>
    public double Center(int i) => XMin + (i + 0.5) * Dx;

    /// <summary>Cell values of the attached fraction n.</summary>
    public Span<double> State => _n;

    /// <summary>Sets the isometric steady state n = f / (f + g) (0 where f + g = 0).</summary>
    public void SetIsometric()
    {
        for (int i = 0; i < Cells; i++) { double s = _f[i] + _g[i]; _n[i] = s > 0 ? _f[i] / s : 0.0; }
    }

    /// <summary>Largest stable forward-Euler step: dt (|v| / dx + max(f + g)) &lt;= 1 keeps n in [0, 1].</summary>
    public double StableTimeStep(double v)
    {
        double r = 0.0;
        for (int i = 0; i < Cells; i++) r = Math.Max(r, _f[i] + _g[i]);
        return 1.0 / (Math.Abs(v) / Dx + r);
    }

    /// <summary>One forward-Euler step with displacement rate v (v &lt; 0: shortening).</summary>
    public void Step(double dt, double v)
    {
        double c = dt * v / Dx;
        for (int i = 0; i < Cells; i++)
        {
            // face fluxes (divided by v): upwind values; n = 0 outside the domain.
            double left, right;
            if (v >= 0) { left = i > 0 ? _n[i - 1] : 0.0; right = _n[i]; }
            else { left = _n[i]; right = i < Cells - 1 ? _n[i + 1] : 0.0; }
            double src = _f[i] * (1.0 - _n[i]) - _g[i] * _n[i];
            _next[i] = _n[i] - c * (right - left) + dt * src;
        }
        Array.Copy(_next, _n, Cells);
    }

    /// <summary>
    /// Exact steady state of the discrete upwind scheme at constant v, by one sweep from the inflow boundary:
    /// v &lt; 0: n_i = (f_i + (|v|/dx) n_{i+1}) / (|v|/dx + f_i + g_i); v &gt; 0 mirrored; v = 0: f / (f + g).
    /// </summary>
    public void SolveSteadyState(double v)
    {
        if (v == 0.0) { SetIsometric(); return; }
        double c = Math.Abs(v) / Dx;
        if (v < 0)
        {
            double up = 0.0;
            for (int i = Cells - 1; i >= 0; i--) { up = (_f[i] + c * up) / (c + _f[i] + _g[i]); _n[i] = up; }
        }
        else
        {
            double up = 0.0;
            for (int i = 0; i < Cells; i++) { up = (_f[i] + c * up) / (c + _f[i] + _g[i]); _n[i] = up; }
        }
    }

    /// <summary>Q_k = int x^k n dx (midpoint rule), k &gt;= 0.</summary>
    public double Moment(int k)
    {
        double s = 0.0;
        for (int i = 0; i < Cells; i++) s += Math.Pow(Center(i), k) * _n[i];
        return s * Dx;
    }
}
