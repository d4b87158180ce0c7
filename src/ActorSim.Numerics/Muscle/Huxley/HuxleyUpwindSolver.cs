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

    /// <summary>
    /// The displacement rate v for which one <see cref="Step"/>(dt, v) ends with Q1 = <paramref name="targetQ1"/>
    /// exactly (in exact arithmetic): the isotonic (load-clamp) condition kappa Q1 = load. Q1 after the step is
    /// Q1 + dt (v A + S1) with S1 = dx sum x_i (f_i (1 - n_i) - g_i n_i) and A = sum x_i (left_i - right_i), the
    /// upwind face values of the direction of v (A ~ Q0: the discrete d_t Q1 = v Q0 + S1), so v is solved for
    /// v &lt; 0 first and for v &gt;= 0 if that assumption fails. NaN if no attached bridges carry the load (A = 0).
    /// </summary>
    public double IsotonicVelocity(double dt, double targetQ1)
    {
        double s1 = 0.0, aNeg = 0.0, aPos = 0.0, q1 = 0.0;
        for (int i = 0; i < Cells; i++)
        {
            double x = Center(i), n = _n[i];
            s1 += x * (_f[i] * (1.0 - n) - _g[i] * n);
            q1 += x * n;
            aNeg += x * (n - (i < Cells - 1 ? _n[i + 1] : 0.0));
            aPos += x * ((i > 0 ? _n[i - 1] : 0.0) - n);
        }
        s1 *= Dx; q1 *= Dx;
        double rhs = (targetQ1 - q1) / dt - s1;
        if (aNeg != 0.0)
        {
            double v = rhs / aNeg;
            if (v < 0.0) return v;
        }
        return aPos != 0.0 ? Math.Max(0.0, rhs / aPos) : double.NaN;
    }

    /// <summary>
    /// Shifts every attached bridge by <paramref name="delta"/> (a quick length step: n(x) becomes n(x - delta)),
    /// by the exact cell average of the shifted piecewise-constant n: with delta / dx = k + theta, n_i becomes
    /// (1 - theta) n_{i-k} + theta n_{i-k-1}. Q0 is kept and Q1 moves by exactly delta Q0 (midpoint moments), apart
    /// from bridges pushed out of the window.
    /// </summary>
    public void Shift(double delta)
    {
        double s = delta / Dx;
        int k = (int)Math.Floor(s);
        double theta = s - k;
        for (int i = 0; i < Cells; i++)
        {
            int a = i - k, b = i - k - 1;
            double na = a >= 0 && a < Cells ? _n[a] : 0.0, nb = b >= 0 && b < Cells ? _n[b] : 0.0;
            _next[i] = (1.0 - theta) * na + theta * nb;
        }
        Array.Copy(_next, _n, Cells);
    }

    /// <summary>Detachment (ATP) rate int g n dx: in Huxley's cycle every detachment splits one ATP.</summary>
    public double DetachmentRate()
    {
        double s = 0.0;
        for (int i = 0; i < Cells; i++) s += _g[i] * _n[i];
        return s * Dx;
    }

    /// <summary>Q_k = int x^k n dx (midpoint rule), k &gt;= 0.</summary>
    public double Moment(int k)
    {
        double s = 0.0;
        for (int i = 0; i < Cells; i++) s += Math.Pow(Center(i), k) * _n[i];
        return s * Dx;
    }
}
