namespace ActorSim.Numerics.Tests.Muscle;

/// <summary>
/// The seed author's linear example (PartiallyKineticSystems): a heavy spring m_r = 20, k_r = 1; n light springs of total
/// mass 10 and total stiffness 1; constraint q_j + r = const; r(0) = 1, r'(0) = 0. Its closed form, written from the
/// issue's formula and independent of the product's <c>MuscleLinearClosedForm</c>, is what the adaptive-step tests and
/// the <c>peer-linear</c> benchmark (which link this file) measure errors against.
/// </summary>
internal static class PeerLinearExample
{
    public const double Mr = 20.0, Kr = 1.0, MassQ = 10.0, StiffQ = 1.0, R0 = 1.0;

    /// <summary>
    /// r(t) = r* + (r(0) − r*) cos ωt with r* = k_q Σ c_j / (k_r + n k_q), ω² = (k_r + n k_q)/(m_r + n m_q),
    /// c_j = q_j(0) + r(0), for initial light-spring positions <paramref name="q0"/>.
    /// </summary>
    public static Func<double, double> ClosedForm(double[] q0)
    {
        int n = q0.Length;
        double kq = StiffQ / n, mq = MassQ / n, sumC = 0.0;
        foreach (double q in q0) sumC += q + R0;
        double rStar = kq * sumC / (Kr + n * kq);
        double omega = Math.Sqrt((Kr + n * kq) / (Mr + n * mq));
        return t => rStar + (R0 - rStar) * Math.Cos(omega * t);
    }
}
