using MathNet.Numerics;

namespace ActorSim.Numerics.Muscle.Huxley;

/// <summary>
/// Zahalak's (1981) distribution-moment approximation of the Huxley model. Moments Q_l = int x^l n dx
/// (l = 0, 1, 2; Q1 is the force up to the stiffness kappa) obey exactly
/// <code>  dQ_l/dt = beta_l - phi_l + l v Q_{l-1},  beta_l = int x^l f = f1 h^{l+1} / (l + 2),  phi_l = int x^l (f + g) n dx, </code>
/// and the method closes phi_l with the Gaussian ansatz n(x) = Q0 N(x; mu, s^2), mu = Q1/Q0, s^2 = Q2/Q0 - mu^2
/// (the seed's slide writes the Gaussian without the square in the exponent and with sqrt(2 s^2); the
/// normalised density 1/sqrt(2 pi s^2) exp(-(x - mu)^2 / (2 s^2)) is meant). With the piecewise-linear rates,
/// phi_l = Q0 [ (f1 + g1)/h J_{l+1}(0, h) + g1/h J_{l+1}(h, inf) + g2 J_l(-inf, 0) ], where
/// J_k(a, b) = int_a^b x^k N(x; mu, s^2) dx are truncated-normal moments (error functions).
/// Integrated with classical RK4 at a fixed step.
/// </summary>
public sealed class ZahalakMoments
{
    private readonly double[] _q = new double[3];
    private readonly double[] _k = new double[3], _acc = new double[3], _tmp = new double[3];

    public ZahalakMoments(HuxleyRates rates, double q0, double q1, double q2)
    {
        Rates = rates;
        _q[0] = q0; _q[1] = q1; _q[2] = q2;
    }

    public HuxleyRates Rates { get; }

    /// <summary>(Q0, Q1, Q2).</summary>
    public ReadOnlySpan<double> Q => _q;

    /// <summary>Replaces (Q0, Q1, Q2), e.g. from a checkpoint (the moments are the whole state).</summary>
    public void SetMoments(ReadOnlySpan<double> q)
    {
        if (q.Length != 3) throw new ArgumentException("need (Q0, Q1, Q2)", nameof(q));
        q.CopyTo(_q);
    }

    /// <summary>Force up to the stiffness: Q1.</summary>
    public double Force => _q[1];

    /// <summary>
    /// Truncated moments J_0..J_{k} of N(mu, s^2) over (a, b) (a may be -inf, b +inf), by the recurrence
    /// J_k = mu J_{k-1} + (k - 1) s^2 J_{k-2} - s^2 [x^{k-1} p(x)]_a^b.
    /// </summary>
    public static void TruncatedNormalMoments(double mu, double sigma, double a, double b, Span<double> j)
    {
        double za = double.IsNegativeInfinity(a) ? double.NegativeInfinity : (a - mu) / sigma;
        double zb = double.IsPositiveInfinity(b) ? double.PositiveInfinity : (b - mu) / sigma;
        // P(za < Z < zb) with erfc on the favourable side for accuracy in the tails.
        double prob;
        if (za >= 0) prob = 0.5 * (SpecialFunctions.Erfc(za / Math.Sqrt(2)) - (double.IsPositiveInfinity(zb) ? 0.0 : SpecialFunctions.Erfc(zb / Math.Sqrt(2))));
        else if (zb <= 0) prob = 0.5 * ((double.IsNegativeInfinity(zb) ? 0.0 : SpecialFunctions.Erfc(-zb / Math.Sqrt(2))) - (double.IsNegativeInfinity(za) ? 0.0 : SpecialFunctions.Erfc(-za / Math.Sqrt(2))));
        else prob = 1.0 - 0.5 * (double.IsNegativeInfinity(za) ? 0.0 : SpecialFunctions.Erfc(-za / Math.Sqrt(2))) - 0.5 * (double.IsPositiveInfinity(zb) ? 0.0 : SpecialFunctions.Erfc(zb / Math.Sqrt(2)));
        double pa = double.IsInfinity(za) ? 0.0 : Math.Exp(-0.5 * za * za) / (sigma * Math.Sqrt(2 * Math.PI));
        double pb = double.IsInfinity(zb) ? 0.0 : Math.Exp(-0.5 * zb * zb) / (sigma * Math.Sqrt(2 * Math.PI));
        double s2 = sigma * sigma;
        double xa = double.IsInfinity(a) ? 0.0 : a, xb = double.IsInfinity(b) ? 0.0 : b;
        j[0] = prob;
        double pwa = 1.0, pwb = 1.0; // a^{k-1}, b^{k-1}
        for (int k = 1; k < j.Length; k++)
        {
            double boundary = pb * pwb - pa * pwa;
            j[k] = mu * j[k - 1] + (k >= 2 ? (k - 1) * s2 * j[k - 2] : 0.0) - s2 * boundary;
            pwa *= xa; pwb *= xb;
        }
    }

    /// <summary>dQ/dt for state q at displacement rate v (v &lt; 0: shortening).</summary>
    public static void Derivative(HuxleyRates r, ReadOnlySpan<double> q, double v, Span<double> dq)
    {
        double h = r.H;
        Span<double> phi = stackalloc double[3];
        phi.Clear();
        if (q[0] > 0.0)
        {
            double mu = q[1] / q[0];
            double var = Math.Max(q[2] / q[0] - mu * mu, 1e-14 * h * h);
            double s = Math.Sqrt(var);
            Span<double> j1 = stackalloc double[4];
            Span<double> j2 = stackalloc double[4];
            Span<double> j3 = stackalloc double[3];
            TruncatedNormalMoments(mu, s, 0.0, h, j1);
            TruncatedNormalMoments(mu, s, h, double.PositiveInfinity, j2);
            TruncatedNormalMoments(mu, s, double.NegativeInfinity, 0.0, j3);
            for (int l = 0; l < 3; l++)
                phi[l] = q[0] * ((r.F1 + r.G1) / h * j1[l + 1] + r.G1 / h * j2[l + 1] + r.G2 * j3[l]);
        }
        for (int l = 0; l < 3; l++)
        {
            double beta = r.F1 * Math.Pow(h, l + 1) / (l + 2);
            dq[l] = beta - phi[l] + (l > 0 ? l * v * q[l - 1] : 0.0);
        }
    }

    /// <summary>
    /// The isotonic displacement rate at state q: the v with dQ1/dt = beta_1 - phi_1 + v Q0 = 0, i.e. the force
    /// Q1 held at its value (load clamp). NaN when no bridges are attached (Q0 = 0).
    /// </summary>
    public static double IsotonicVelocity(HuxleyRates r, ReadOnlySpan<double> q)
    {
        if (!(q[0] > 0.0)) return double.NaN;
        Span<double> dq = stackalloc double[3];
        Derivative(r, q, 0.0, dq);   // at v = 0, dQ1/dt = beta_1 - phi_1
        return -dq[1] / q[0];
    }

    /// <summary>
    /// One RK4 step of the load clamp: v = <see cref="IsotonicVelocity"/> at every stage, so dQ1/dt = 0 at every
    /// stage and Q1 is kept exactly (RK4 preserves linear invariants). Returns the rate at the step's start.
    /// </summary>
    public double StepIsotonic(double dt)
    {
        Span<double> q0 = stackalloc double[3];
        _q.AsSpan().CopyTo(q0);
        double v0 = IsotonicVelocity(Rates, q0);
        if (!double.IsFinite(v0)) throw new InvalidOperationException($"no attached bridges (Q0 = {q0[0]}) carry the load");
        for (int s = 0; s < 4; s++)
        {
            ReadOnlySpan<double> q = s == 0 ? q0 : _tmp;
            Derivative(Rates, q, s == 0 ? v0 : IsotonicVelocity(Rates, q), _k);
            _k[1] = 0.0; // exactly 0 in exact arithmetic; set so that Q1 carries no round-off drift
            double w = s is 1 or 2 ? 2.0 : 1.0, c = s == 2 ? dt : 0.5 * dt;
            for (int l = 0; l < 3; l++)
            {
                _acc[l] = s == 0 ? _k[l] : _acc[l] + w * _k[l];
                if (s < 3) _tmp[l] = q0[l] + c * _k[l];
            }
        }
        for (int l = 0; l < 3; l++) _q[l] = q0[l] + dt / 6.0 * _acc[l];
        return v0;
    }

    /// <summary>
    /// Quick length step: every bridge moves by delta (n(x) becomes n(x - delta)), so Q0 is kept,
    /// Q1 becomes Q1 + delta Q0 and Q2 becomes Q2 + 2 delta Q1 + delta^2 Q0 (exact for any distribution).
    /// </summary>
    public void Shift(double delta)
    {
        double q0 = _q[0], q1 = _q[1];
        _q[1] = q1 + delta * q0;
        _q[2] = _q[2] + 2 * delta * q1 + delta * delta * q0;
    }

    /// <summary>One RK4 step of size dt at displacement rate v (constant over the step).</summary>
    public void Step(double dt, double v)
    {
        Span<double> q0 = stackalloc double[3];
        _q.AsSpan().CopyTo(q0);
        for (int s = 0; s < 4; s++)
        {
            Derivative(Rates, s == 0 ? q0 : _tmp, v, _k);
            double w = s is 1 or 2 ? 2.0 : 1.0, c = s == 2 ? dt : 0.5 * dt;
            for (int l = 0; l < 3; l++)
            {
                _acc[l] = s == 0 ? _k[l] : _acc[l] + w * _k[l];
                if (s < 3) _tmp[l] = q0[l] + c * _k[l];
            }
        }
        for (int l = 0; l < 3; l++) _q[l] = q0[l] + dt / 6.0 * _acc[l];
    }
}
