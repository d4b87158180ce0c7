namespace ActorSim.Numerics.Virus.Kinetic;

/// <summary>
/// The kinetic May–Nowak reaction terms G_i of seed eq. (45)–(47) for a discrete velocity set of K
/// velocities with counting measure (|V| = K) and uniform equilibrium M = 1/K, so f/M = K f:
/// <code>
/// G1_k = −d1 f1_k − β K f1_k f3_k + r/K
/// G2_k = −d2 f2_k + β K f1_k f3_k
/// G3_k = −d3 f3_k + k f2_k
/// </code>
/// (f1 = healthy, f2 = infected, f3 = virus; rates per unit macroscopic time). On the equilibrium
/// manifold f_i = ρ_i M their velocity integrals are exactly the May–Nowak rates H_i(ρ) of eq. (48).
/// For the micro–macro split f_i = ρ_i M + ε g_i (Σ_k g_i,k = 0) the integrals and the non-equilibrium
/// parts are provided in closed form, so no O(1)/ε cancellation is ever computed.
/// </summary>
public static class SeedReactionTerms
{
    /// <summary>G_i(f)_k of eq. (45)–(47) at one velocity, for K velocities.</summary>
    public static (double G1, double G2, double G3) Pointwise(MayNowakParameters p, int velocityCount, double f1, double f2, double f3)
    {
        double infection = p.Beta * velocityCount * f1 * f3;
        return (-p.D1 * f1 - infection + p.R / velocityCount,
                -p.D2 * f2 + infection,
                -p.D3 * f3 + p.K * f2);
    }

    /// <summary>
    /// Velocity integrals H_i = Σ_k G_i,k for f_i = ρ_i M + ε g_i:
    /// H1 = r − d1 ρ1 − β ρ1 ρ3 − β K ε² S, H2 = −d2 ρ2 + β ρ1 ρ3 + β K ε² S, H3 = −d3 ρ3 + k ρ2,
    /// with <paramref name="epsSquaredS"/> = ε² S = ε² Σ_k g1_k g3_k (zero on the equilibrium manifold,
    /// where H is the May–Nowak right-hand side of eq. (1)/(48)).
    /// </summary>
    public static (double H1, double H2, double H3) Moments(MayNowakParameters p, int velocityCount, double rho1, double rho2, double rho3, double epsSquaredS)
    {
        double infection = p.Beta * rho1 * rho3 + p.Beta * velocityCount * epsSquaredS;
        return (p.R - p.D1 * rho1 - infection,
                -p.D2 * rho2 + infection,
                -p.D3 * rho3 + p.K * rho2);
    }

    /// <summary>
    /// Non-equilibrium part (1/ε)(I − Π) G_i at velocity k, with Π h = M Σ_l h_l, for f_i = ρ_i M + ε g_i:
    /// R1 = −d1 g1_k − β (ρ1 g3_k + ρ3 g1_k) − β ε (K g1_k g3_k − S),
    /// R2 = −d2 g2_k + β (ρ1 g3_k + ρ3 g1_k) + β ε (K g1_k g3_k − S),
    /// R3 = −d3 g3_k + k g2_k, where S = Σ_l g1_l g3_l (<paramref name="sumG1G3"/>).
    /// </summary>
    public static (double R1, double R2, double R3) MicroPart(MayNowakParameters p, int velocityCount, double eps,
        double rho1, double rho3, double g1, double g2, double g3, double sumG1G3)
    {
        double infection = p.Beta * (rho1 * g3 + rho3 * g1) + p.Beta * eps * (velocityCount * g1 * g3 - sumG1G3);
        return (-p.D1 * g1 - infection,
                -p.D2 * g2 + infection,
                -p.D3 * g3 + p.K * g2);
    }
}
