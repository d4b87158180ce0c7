namespace ActorSim.Numerics.Virus.Spatial;

/// <summary>
/// A subdomain's contribution to step-size control: maxima over its cells and faces, so the global value is the
/// same for any partition and any reduction order.
/// </summary>
/// <param name="AdvectiveRate">max over cells of Σ_axes max|a_face|/h, a_face = χ ∂v/∂n at the cell's faces (1/time).</param>
/// <param name="ReactionRate">max over cells of the Gershgorin bound of the reaction Jacobian (1/time).</param>
/// <param name="MaxTaxisSpeed">max |χ ∇v| over faces (length/time), for information.</param>
public readonly record struct SubdomainBounds(double AdvectiveRate, double ReactionRate, double MaxTaxisSpeed)
{
    /// <summary>Reduction of two partial bounds (componentwise maximum; propagates NaN).</summary>
    public static SubdomainBounds Combine(SubdomainBounds a, SubdomainBounds b) =>
        new(Math.Max(a.AdvectiveRate, b.AdvectiveRate), Math.Max(a.ReactionRate, b.ReactionRate),
            Math.Max(a.MaxTaxisSpeed, b.MaxTaxisSpeed));

    /// <summary>Identity element of <see cref="Combine"/>.</summary>
    public static SubdomainBounds Empty => new(0.0, 0.0, 0.0);
}
