namespace ActorSim.Numerics.Virus.Spatial;

/// <summary>
/// A subdomain's partial diagnostics. Integrals are cell volume × sum over its cells; <see cref="ReactionBudget"/>
/// is the cumulative amount added by reactions and sources (per species) since the subdomain was created,
/// exactly as the scheme applied it, so that ΔIntegral = ΔReactionBudget up to round-off (transport conserves).
/// Sums are partition-dependent in the last bits; reduce them in block order.
/// </summary>
public readonly record struct SubdomainDiagnostics(SpeciesTriple Integral, SpeciesTriple Minimum, SpeciesTriple Maximum, SpeciesTriple ReactionBudget)
{
    /// <summary>Reduction of partial diagnostics: sums add, minima/maxima combine. Apply in block order.</summary>
    public static SubdomainDiagnostics Combine(SubdomainDiagnostics a, SubdomainDiagnostics b) =>
        new(a.Integral + b.Integral, SpeciesTriple.Min(a.Minimum, b.Minimum), SpeciesTriple.Max(a.Maximum, b.Maximum),
            a.ReactionBudget + b.ReactionBudget);
}
