namespace ActorSim.Numerics.Virus.Kinetic;

/// <summary>
/// Parameters of the kinetic May–Nowak–taxis model of README.md: the reaction rates (seed eq. (1)),
/// the run-and-tumble data of the three populations (healthy cells u = f_1, infected cells v = f_2,
/// virus w = f_3) and the chemotactic sensitivity χ (length²/time per unit density of v) with which
/// healthy cells climb the gradient of the infected-cell density. The limit PDE is
/// ∂t u = D_u Δu − χ ∇·(u ∇v) − d1 u − β u w + r, ∂t v = D_v Δv − d2 v + β u w, ∂t w = D_w Δw − d3 w + k v.
/// </summary>
public sealed record KineticVirusParameters(
    MayNowakParameters Rates,
    SpeciesTransport Healthy,
    SpeciesTransport Infected,
    SpeciesTransport Virus,
    double Chi)
{
    /// <summary>Index of the healthy-cell population u (f_1 of the seed).</summary>
    public const int HealthyIndex = 0;
    /// <summary>Index of the infected-cell population v (f_2 of the seed).</summary>
    public const int InfectedIndex = 1;
    /// <summary>Index of the virus population w (f_3 of the seed).</summary>
    public const int VirusIndex = 2;
    /// <summary>Number of populations.</summary>
    public const int SpeciesCount = 3;

    /// <summary>Transport data of population <paramref name="species"/> (0 = u, 1 = v, 2 = w).</summary>
    public SpeciesTransport Species(int species) => species switch
    {
        HealthyIndex => Healthy,
        InfectedIndex => Infected,
        VirusIndex => Virus,
        _ => throw new ArgumentOutOfRangeException(nameof(species), species, "species index must be 0, 1 or 2"),
    };

    /// <summary>Limit diffusion coefficient D_i = c_i²/(d σ_i) (seed eq. (42)–(43)), length²/time.</summary>
    public double DiffusionCoefficient(int species, int dimension = 1) => Species(species).DiffusionCoefficient(dimension);

    /// <summary>Largest of the three limit diffusion coefficients.</summary>
    public double MaxDiffusionCoefficient(int dimension = 1) =>
        Math.Max(DiffusionCoefficient(0, dimension), Math.Max(DiffusionCoefficient(1, dimension), DiffusionCoefficient(2, dimension)));

    /// <summary>
    /// Bias coefficient a = χ d / c_u² of the taxis kernel T¹(v, v*) = a σ_u M(v) v·∇v_density, chosen
    /// so that the limit taxis flux is exactly χ u ∇v. Units: time per (length · density), so that the
    /// turning-probability bias ε a v·∇s is dimensionless.
    /// </summary>
    public double TaxisBias(int dimension = 1) => Chi * dimension / (Healthy.Speed * Healthy.Speed);

    /// <summary>Velocity set of population <paramref name="species"/> in 1D: {+c_i, −c_i}.</summary>
    public DiscreteVelocitySet VelocitySet1D(int species) => DiscreteVelocitySet.OneDimensional(Species(species).Speed);
}
