namespace ActorSim.Numerics.Ode;

/// <summary>
/// Classical fourth-order Runge–Kutta method with a fixed step size (global error O(h^4)). The four
/// stage buffers are allocated once in the constructor; <see cref="Step"/> allocates nothing.
/// Not thread-safe (one workspace per instance).
/// </summary>
public sealed class RungeKutta4
{
    private readonly OdeRhs _rhs;
    private readonly double[] _k1, _k2, _k3, _k4, _ys;

    /// <summary>Creates a stepper for a system of <paramref name="dimension"/> equations with right-hand side <paramref name="rhs"/>.</summary>
    public RungeKutta4(int dimension, OdeRhs rhs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        ArgumentNullException.ThrowIfNull(rhs);
        _rhs = rhs;
        _k1 = new double[dimension]; _k2 = new double[dimension]; _k3 = new double[dimension];
        _k4 = new double[dimension]; _ys = new double[dimension];
    }

    /// <summary>Number of state components.</summary>
    public int Dimension => _k1.Length;

    /// <summary>Advances <paramref name="y"/> in place from time t to t + h (4 right-hand-side evaluations).</summary>
    public void Step(double t, Span<double> y, double h)
    {
        int n = _k1.Length;
        if (y.Length != n) throw new ArgumentException($"y has length {y.Length}, expected {n}.", nameof(y));
        Span<double> k1 = _k1, k2 = _k2, k3 = _k3, k4 = _k4, ys = _ys;
        double half = 0.5 * h;

        _rhs(t, y, k1);
        for (int i = 0; i < n; i++) ys[i] = y[i] + half * k1[i];
        _rhs(t + half, ys, k2);
        for (int i = 0; i < n; i++) ys[i] = y[i] + half * k2[i];
        _rhs(t + half, ys, k3);
        for (int i = 0; i < n; i++) ys[i] = y[i] + h * k3[i];
        _rhs(t + h, ys, k4);
        double sixth = h / 6.0;
        for (int i = 0; i < n; i++) y[i] += sixth * (k1[i] + 2.0 * (k2[i] + k3[i]) + k4[i]);
    }

    /// <summary>
    /// Advances <paramref name="y"/> in place from t0 to tEnd with <paramref name="steps"/> equal steps;
    /// step i starts at t0 + (tEnd - t0) i / steps (no accumulated drift in t).
    /// </summary>
    public void Advance(double t0, Span<double> y, double tEnd, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        double span = tEnd - t0;
        double h = span / steps;
        for (int i = 0; i < steps; i++) Step(t0 + span * i / steps, y, h);
    }
}
