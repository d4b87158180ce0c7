namespace ActorSim.Numerics.Virus.Spatial;

/// <summary>
/// Step-size control (see <see cref="StepController"/>). Every RKL2 substep of length τ along an axis (τ = Dt in 1D
/// and for y in 2D, Dt/2 for the two x substeps in 2D) must satisfy τ·(advective rate of the axis) ≤
/// AdvectiveCourant; Dt·(reaction rate) ≤ ReactionCourant; Dt ≤ MaxDt. The stage count of a substep is then the
/// smallest s ≥ MinStages with τ·ρ_axis ≤ RklSafety·(s² + s − 2)/2, ρ_axis = (max D)·4/h².
/// The defaults keep MUSCL advection inside the RKL2 stability region even at the stiff end of the diffusion
/// spectrum: with RklSafety = 0.6 and s ≥ 3 the region contains upwind/Fromm/one-sided-slope advection up to
/// Courant ≈ 0.48 (computed from the stability polynomial), so AdvectiveCourant = 0.4 keeps a margin. Near the
/// end of the real stability interval (safety → 1) the region pinches and admits almost no advection.
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
