namespace ActorSim.Numerics.Virus.Spatial;

/// <summary>
/// Step-size control (see <see cref="StepController"/>):
/// Dt = min(MaxDt, AdvectiveCourant / advective rate, ReactionCourant / reaction rate), then the RKL2 stage
/// count s is the smallest s ≥ MinStages with Dt·ρ ≤ RklSafety·(s² + s − 2)/2, ρ the diffusion spectral radius.
/// The defaults keep the taxis (advective) eigenvalues inside the RKL2 stability region: with
/// RklSafety = 0.6 and s ≥ 3 the region contains MUSCL advection up to Courant ≈ 0.48 even at the stiff end of
/// the diffusion spectrum, so AdvectiveCourant = 0.4 has a margin.
/// </summary>
public sealed record StepSettings(
    double AdvectiveCourant = 0.4,
    double ReactionCourant = 0.5,
    double MaxDt = double.PositiveInfinity,
    double RklSafety = 0.6,
    int MinStages = 3)
{
    /// <summary>The defaults.</summary>
    public static StepSettings Default { get; } = new();
}
