namespace ActorSim.Numerics.Virus;

/// <summary>
/// Rates of the May–Nowak virus model (seed 000, eq. (1)): healthy cells u are produced at rate r,
/// die at rate d1*u and are infected at rate beta*u*w; infected cells v die at rate d2*v; virus w is
/// produced at rate k*v and cleared at rate d3*w. All rates are per unit time of the scenario.
/// </summary>
public sealed record MayNowakParameters(double D1, double D2, double D3, double Beta, double K, double R)
{
    /// <summary>Basic reproduction number R0 = beta k r / (d1 d2 d3).</summary>
    public double R0 => Beta * K * R / (D1 * D2 * D3);

    /// <summary>Infection-free equilibrium Q0 = (r/d1, 0, 0).</summary>
    public (double U, double V, double W) Q0 => (R / D1, 0.0, 0.0);

    /// <summary>Endemic equilibrium Q* of eq. (2); exists (positive) only when R0 &gt; 1, otherwise null.</summary>
    public (double U, double V, double W)? QStar
    {
        get
        {
            double r0 = R0;
            if (!(r0 > 1.0)) return null;
            return (R / D1 / r0, D1 * D3 / (Beta * K) * (r0 - 1.0), D1 / Beta * (r0 - 1.0));
        }
    }
}
