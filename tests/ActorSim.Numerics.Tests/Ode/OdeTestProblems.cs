using ActorSim.Numerics.Ode;

namespace ActorSim.Numerics.Tests.Ode;

/// <summary>Test problems with exactly known solutions.</summary>
internal static class OdeTestProblems
{
    /// <summary>Kepler two-body problem (q1, q2, p1, p2), GM = 1: nonlinear and autonomous.</summary>
    public static readonly OdeRhs Kepler = static (t, y, dydt) =>
    {
        double r2 = y[0] * y[0] + y[1] * y[1];
        double r3 = r2 * Math.Sqrt(r2);
        dydt[0] = y[2];
        dydt[1] = y[3];
        dydt[2] = -y[0] / r3;
        dydt[3] = -y[1] / r3;
    };

    /// <summary>Kepler initial state at perihelion for eccentricity e; the orbit has period 2 pi and returns exactly to it.</summary>
    public static double[] KeplerPerihelion(double e) => [1.0 - e, 0.0, 0.0, Math.Sqrt((1.0 + e) / (1.0 - e))];

    /// <summary>y' = y cos t, y(0) = 1, exact y = exp(sin t): non-autonomous.</summary>
    public static readonly OdeRhs ExpSin = static (t, y, dydt) => dydt[0] = y[0] * Math.Cos(t);

    public static double ExpSinExact(double t) => Math.Exp(Math.Sin(t));

    /// <summary>Harmonic oscillator y1' = y2, y2' = -y1, y(0) = (1, 0), exact (cos t, -sin t).</summary>
    public static readonly OdeRhs Harmonic = static (t, y, dydt) =>
    {
        dydt[0] = y[1];
        dydt[1] = -y[0];
    };

    public static double MaxAbsDifference(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs(a[i] - b[i]));
        return m;
    }

    /// <summary>Observed orders log2(e_i / e_{i+1}) between successive step halvings.</summary>
    public static double[] ObservedOrders(IReadOnlyList<double> errors)
    {
        var p = new double[errors.Count - 1];
        for (int i = 0; i < p.Length; i++) p[i] = Math.Log2(errors[i] / errors[i + 1]);
        return p;
    }
}
