using MathNet.Numerics.Integration;

namespace ActorSim.Numerics.Muscle.Huxley;

/// <summary>
/// Closed-form steady states of the Huxley model d_t n + v d_x n = f (1 - n) - g n, where n(x) is the
/// attached fraction at displacement x and v the displacement rate of attached bridges
/// (v = -V for shortening at speed V &gt; 0). Force = kappa int x n dx (this class reports the first moment;
/// the seed's F_xb = -kappa int x rho dx is the same force acting on the tissue).
/// <para>Isometric (V = 0): n = f / (f + g), i.e. n_inf = f1 / (f1 + g1) on [0, h], 0 elsewhere;
/// Q1 = n_inf h^2 / 2.</para>
/// <para>Shortening (V &gt; 0): integrating V n' = (f + g) n - f from n(x &gt; h) = 0 downwards,
/// n = n_inf (1 - exp(-a (h^2 - x^2))) on [0, h] with a = (f1 + g1) / (2 h V), and
/// n = n(0) exp(g2 x / V) for x &lt; 0. Hence
/// Q1(V) = n_inf [h^2/2 - (1 - e^{-a h^2}) / (2a)] - n(0) (V / g2)^2, and with phi = (f1 + g1) h / (2V):
/// Q1(V) / Q1(0) = 1 - (1 - e^{-phi}) / phi * (1 + ((f1 + g1) / g2)^2 / (2 phi))  (Huxley's force-velocity relation).</para>
/// </summary>
public static class HuxleySteadyState
{
    /// <summary>1 - e^{-z}, accurate for small z.</summary>
    internal static double OneMinusExpNeg(double z) =>
        Math.Abs(z) < 1e-5 ? z * (1.0 - z * (0.5 - z / 6.0)) : 1.0 - Math.Exp(-z);

    /// <summary>Steady attached fraction n(x) at constant shortening speed V &gt;= 0.</summary>
    public static double Distribution(HuxleyRates r, double speed, double x)
    {
        if (speed < 0) throw new ArgumentOutOfRangeException(nameof(speed), "closed form is for shortening (V >= 0)");
        double ninf = r.F1 / (r.F1 + r.G1);
        if (speed == 0.0) return x >= 0.0 && x <= r.H ? ninf : 0.0;
        double a = (r.F1 + r.G1) / (2.0 * r.H * speed);
        if (x > r.H) return 0.0;
        if (x >= 0.0) return ninf * OneMinusExpNeg(a * (r.H * r.H - x * x));
        double n0 = ninf * OneMinusExpNeg(a * r.H * r.H);
        return n0 * Math.Exp(r.G2 * x / speed);
    }

    /// <summary>First moment Q1 = int x n dx of the steady state at shortening speed V &gt;= 0 (closed form).</summary>
    public static double FirstMoment(HuxleyRates r, double speed)
    {
        double ninf = r.F1 / (r.F1 + r.G1);
        if (speed == 0.0) return ninf * r.H * r.H / 2.0;
        double a = (r.F1 + r.G1) / (2.0 * r.H * speed);
        double e = OneMinusExpNeg(a * r.H * r.H); // 1 - e^{-a h^2}
        double n0 = ninf * e;
        double vg = speed / r.G2;
        return ninf * (r.H * r.H / 2.0 - e / (2.0 * a)) - n0 * vg * vg;
    }

    /// <summary>Huxley's force-velocity relation Q1(V) / Q1(0).</summary>
    public static double RelativeForce(HuxleyRates r, double speed)
    {
        if (speed == 0.0) return 1.0;
        double phi = (r.F1 + r.G1) * r.H / (2.0 * speed);
        double q = (r.F1 + r.G1) / r.G2;
        return 1.0 - OneMinusExpNeg(phi) / phi * (1.0 + q * q / (2.0 * phi));
    }

    /// <summary>
    /// Steady detachment (ATP) rate int g n dx at shortening speed V &gt;= 0. At a steady state detachments balance
    /// attachments, int g n = int f (1 - n), and on [0, h] with n = n_inf (1 - e^{-a (h^2 - x^2)}):
    /// int_0^h (f1 x / h)(1 - n) dx = f1 h (1 - n_inf) / 2 + f1 n_inf (1 - e^{-a h^2}) / (2 a h) (V = 0: the first term).
    /// </summary>
    public static double DetachmentRate(HuxleyRates r, double speed)
    {
        if (speed < 0) throw new ArgumentOutOfRangeException(nameof(speed), "closed form is for shortening (V >= 0)");
        double ninf = r.F1 / (r.F1 + r.G1);
        double rate = r.F1 * r.H * (1.0 - ninf) / 2.0;
        if (speed == 0.0) return rate;
        double a = (r.F1 + r.G1) / (2.0 * r.H * speed);
        return rate + r.F1 * ninf * OneMinusExpNeg(a * r.H * r.H) / (2.0 * a * r.H);
    }

    /// <summary>
    /// The shortening speed V at which the steady force is <paramref name="relativeForce"/> F0 (the inverse of
    /// <see cref="RelativeForce"/>, which falls monotonically from 1 at V = 0), by bisection to round-off.
    /// 0 for a relative force &gt;= 1; for a relative force below the curve's value at V = 1e6 h (f1 + g1), that V.
    /// </summary>
    public static double SpeedAtForce(HuxleyRates r, double relativeForce)
    {
        if (relativeForce >= 1.0) return 0.0;
        double lo = 0.0, hi = r.H * (r.F1 + r.G1);
        while (RelativeForce(r, hi) > relativeForce && hi < 1e6 * r.H * (r.F1 + r.G1)) { lo = hi; hi *= 2; }
        for (int it = 0; it < 200; it++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) break;
            if (RelativeForce(r, mid) > relativeForce) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    /// <summary>
    /// Moment Q_k = int x^k n dx of the steady state at speed V (k = 0, 1, 2): Gauss-Legendre on [0, h]
    /// (smooth integrand) plus the closed form n(0) (-1)^k k! (V / g2)^{k+1} of the exponential tail.
    /// </summary>
    public static double Moment(HuxleyRates r, double speed, int k)
    {
        double body = GaussLegendreRule.Integrate(x => Math.Pow(x, k) * Distribution(r, speed, x), 0.0, r.H, 64);
        if (speed == 0.0) return body;
        double n0 = Distribution(r, speed, 0.0);
        double vg = speed / r.G2;
        double fact = k switch { 0 => 1.0, 1 => 1.0, 2 => 2.0, _ => throw new ArgumentOutOfRangeException(nameof(k)) };
        return body + n0 * (k % 2 == 0 ? 1.0 : -1.0) * fact * Math.Pow(vg, k + 1);
    }
}
