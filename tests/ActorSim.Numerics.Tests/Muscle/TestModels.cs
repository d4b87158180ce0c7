using ActorSim.Numerics.Muscle;
using ActorSim.Numerics.Random;

namespace ActorSim.Numerics.Tests.Muscle;

/// <summary>
/// A genuinely nonlinear 2D constraint with n_y = 2 and non-zero g_XX, g_Xy and g_yy:
/// g0 = x0 + eps sin(x1 + y0) - (G y)_0, g1 = x1 + eps sin(x0 y1) - (G y)_1.
/// Only g and its derivatives are given; Phi and Omega come from the base class.
/// </summary>
internal sealed class WavyConstraint : ParticleConstraint
{
    private readonly double _eps;
    private static readonly double[] G = { 0.7, -0.2, 0.3, 1.1 };

    public WavyConstraint(double eps) : base(2, 2) => _eps = eps;

    public override void Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> g)
    {
        g[0] = x[0] + _eps * Math.Sin(x[1] + y[0]) - (G[0] * y[0] + G[1] * y[1]);
        g[1] = x[1] + _eps * Math.Sin(x[0] * y[1]) - (G[2] * y[0] + G[3] * y[1]);
    }

    public override void JacobianX(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> gx)
    {
        gx[0] = 1.0; gx[1] = _eps * Math.Cos(x[1] + y[0]);
        gx[2] = _eps * y[1] * Math.Cos(x[0] * y[1]); gx[3] = 1.0;
    }

    public override void JacobianY(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> gy)
    {
        gy[0] = _eps * Math.Cos(x[1] + y[0]) - G[0]; gy[1] = -G[1];
        gy[2] = -G[2]; gy[3] = _eps * x[0] * Math.Cos(x[0] * y[1]) - G[3];
    }

    public override void SecondDerivative(ReadOnlySpan<double> x, ReadOnlySpan<double> y,
        ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> result)
    {
        double s0 = a[1] + b[0];
        result[0] = -_eps * Math.Sin(x[1] + y[0]) * s0 * s0;
        double u = x[0] * y[1], du = a[0] * y[1] + x[0] * b[1];
        result[1] = _eps * (-Math.Sin(u) * du * du + 2.0 * Math.Cos(u) * a[0] * b[1]);
    }
}

/// <summary>Forwards g and its derivatives but not the closed-form overrides, so the generic base-class path is used.</summary>
internal sealed class GenericView : ParticleConstraint
{
    private readonly ParticleConstraint _inner;
    public GenericView(ParticleConstraint inner) : base(inner.Nx, inner.Ny) => _inner = inner;
    public override void Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> g) => _inner.Evaluate(x, y, g);
    public override void JacobianX(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> gx) => _inner.JacobianX(x, y, gx);
    public override void JacobianY(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> gy) => _inner.JacobianY(x, y, gy);
    public override void SecondDerivative(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> r)
        => _inner.SecondDerivative(x, y, a, b, r);
}

internal static class TestData
{
    /// <summary>N points with i.i.d. uniform components in [lo, hi) from CounterRandom(seed, 0, 0).</summary>
    public static double[][] UniformPositions(int nx, int n, double lo, double hi, ulong seed)
    {
        var rng = new CounterRandom(seed, 0, 0);
        var x = new double[nx][];
        for (int c = 0; c < nx; c++) x[c] = new double[n];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < nx; c++) x[c][i] = lo + (hi - lo) * rng.NextDouble();
        return x;
    }

    /// <summary>Least-squares slope of log(e) against log(h).</summary>
    public static double LogLogSlope(IReadOnlyList<double> h, IReadOnlyList<double> e)
    {
        int n = h.Count;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) { mx += Math.Log(h[i]); my += Math.Log(e[i]); }
        mx /= n; my /= n;
        double sxy = 0, sxx = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = Math.Log(h[i]) - mx;
            sxy += dx * (Math.Log(e[i]) - my); sxx += dx * dx;
        }
        return sxy / sxx;
    }

    public static bool BitEqual(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
            if (BitConverter.DoubleToInt64Bits(a[i]) != BitConverter.DoubleToInt64Bits(b[i])) return false;
        return true;
    }
}
