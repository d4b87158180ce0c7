namespace ActorSim.Numerics.Virus;

/// <summary>
/// Korobeinikov's (Bull. Math. Biol. 66 (2004) 879) Lyapunov function of the May–Nowak model
/// (seed 000, eq. (1)), with g(x) = x - 1 - ln x &gt;= 0:
/// <list type="bullet">
/// <item>R0 &gt; 1 (centred on Q* = (u*, v*, w*)):
/// V = u* g(u/u*) + v* g(v/v*) + (d2/k) w* g(w/w*)
///   = (u - u* ln u) + (v - v* ln v) + (d2/k)(w - w* ln w) + const, with V(Q*) = 0.
/// Along solutions dV/dt = -d1 (u - u*)^2/u - beta u* w* [g(u*/u) + g(u w v*/(u* w* v)) + g(v w*/(v* w))] &lt;= 0.</item>
/// <item>R0 &lt;= 1 (centred on Q0 = (u0, 0, 0), u0 = r/d1):
/// V = u0 g(u/u0) + v + (d2/k) w = (u - u0 ln u) + v + (d2/k) w + const, with V(Q0) = 0.
/// Along solutions dV/dt = -d1 (u - u0)^2/u - (d2 d3/k)(1 - R0) w &lt;= 0.</item>
/// </list>
/// Derivation of dV/dt (R0 &gt; 1): with r = d1 u* + beta u* w*, d2 v* = beta u* w*, k v* = d3 w* (so
/// beta u* = d2 d3/k), grad V . f = -d1 (u-u*)^2/u + beta u* w* (3 - a - b - c) with a = u*/u,
/// b = u w v*/(u* w* v), c = v w*/(v* w); since abc = 1, 3 - a - b - c = -(g(a) + g(b) + g(c)).
/// (R0 &lt;= 1): grad V . f = -d1 (u-u0)^2/u + w (beta u0 - d2 d3/k), and beta u0 k/(d2 d3) = R0.
/// V has the units of the cell densities. Defined for u &gt; 0 and v, w &gt; 0 (R0 &gt; 1) or v, w &gt;= 0 (R0 &lt;= 1);
/// +infinity on the boundary where a logarithm diverges, NaN outside.
/// </summary>
public sealed class KorobeinikovLyapunov
{
    private readonly double _d1, _beta, _weightW, _d2d3OverK, _r0;
    private readonly double _uStar, _vStar, _wStar;

    /// <summary>Builds V for the given rates; the branch (Q* or Q0) follows from R0.</summary>
    public KorobeinikovLyapunov(MayNowakParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters;
        _d1 = parameters.D1;
        _beta = parameters.Beta;
        _weightW = parameters.D2 / parameters.K;
        _d2d3OverK = parameters.D2 * parameters.D3 / parameters.K;
        _r0 = parameters.R0;
        if (parameters.QStar is { } q)
        {
            IsEndemic = true;
            (_uStar, _vStar, _wStar) = q;
        }
        else
        {
            (_uStar, _vStar, _wStar) = parameters.Q0;
        }
    }

    /// <summary>The model rates.</summary>
    public MayNowakParameters Parameters { get; }

    /// <summary>True when R0 &gt; 1 and V is centred on the endemic equilibrium Q*; false when centred on Q0.</summary>
    public bool IsEndemic { get; }

    /// <summary>The equilibrium where V = 0: Q* if <see cref="IsEndemic"/>, else Q0.</summary>
    public (double U, double V, double W) Equilibrium => (_uStar, _vStar, _wStar);

    /// <summary>V at state y = (u, v, w).</summary>
    public double Evaluate(ReadOnlySpan<double> y) => Evaluate(y[0], y[1], y[2]);

    /// <summary>V at (u, v, w).</summary>
    public double Evaluate(double u, double v, double w)
    {
        double su = _uStar * G(u, _uStar);
        if (IsEndemic) return su + _vStar * G(v, _vStar) + _weightW * _wStar * G(w, _wStar);
        if (v < 0 || w < 0) return double.NaN;
        return su + v + _weightW * w;
    }

    /// <summary>Gradient (dV/du, dV/dv, dV/dw) at y into <paramref name="gradient"/> (dimensionless).</summary>
    public void Gradient(ReadOnlySpan<double> y, Span<double> gradient)
    {
        double u = y[0], v = y[1], w = y[2];
        gradient[0] = 1.0 - _uStar / u;
        gradient[1] = IsEndemic ? 1.0 - _vStar / v : 1.0;
        gradient[2] = IsEndemic ? _weightW * (1.0 - _wStar / w) : _weightW;
    }

    /// <summary>
    /// dV/dt along solutions of eq. (1) at y, from the closed form above (manifestly &lt;= 0; equals
    /// grad V . f up to round-off). Units of V per unit time.
    /// </summary>
    public double TimeDerivative(ReadOnlySpan<double> y)
    {
        double u = y[0], v = y[1], w = y[2];
        double du = u - _uStar;
        double healthy = -_d1 * du * du / u;
        if (!IsEndemic) return healthy - _d2d3OverK * (1.0 - _r0) * w;
        double a = _uStar / u;
        double b = u * w * _vStar / (_uStar * _wStar * v);
        double c = v * _wStar / (_vStar * w);
        return healthy - _beta * _uStar * _wStar * (G(a, 1.0) + G(b, 1.0) + G(c, 1.0));
    }

    /// <summary>
    /// g(x/x0) = x/x0 - 1 - ln(x/x0) with x/x0 - 1 formed as (x - x0)/x0 and a Taylor series near 1, so
    /// that the value is accurate to a few ulps (relative) even where it is O((x - x0)^2).
    /// </summary>
    internal static double G(double x, double x0)
    {
        if (x < 0) return double.NaN;
        if (x == 0) return double.PositiveInfinity;
        double z = (x - x0) / x0;
        if (Math.Abs(z) >= 0.25) return z - Math.Log(x / x0);
        // z - log1p(z) = sum_{n>=2} (-1)^n z^n / n; |z| < 1/4 -> 27 terms reach 2^-54 relative.
        double power = z * z, sum = 0.0;
        for (int n = 2; n <= 30; n++)
        {
            double term = power / n;
            sum += (n & 1) == 0 ? term : -term;
            if (Math.Abs(term) <= 1e-17 * sum) break;
            power *= z;
        }
        return sum;
    }
}
