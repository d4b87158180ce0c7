namespace ActorSim.Numerics.Virus.Spatial;

/// <summary>
/// A subdomain's contribution to step-size control: maxima over its cells and faces, so the global value is the
/// same for any partition and any reduction order.
/// </summary>
/// <param name="AdvectiveRateX">max over x faces of |a|/hx, a = χ ∂v/∂x at the face (1/time).</param>
/// <param name="AdvectiveRateY">max over y faces of |a|/hy (0 in 1D).</param>
/// <param name="ReactionRate">max over cells of the Gershgorin bound of the reaction Jacobian (1/time).</param>
/// <param name="MaxTaxisSpeed">max |χ ∂v/∂n| over faces (length/time), for information.</param>
public readonly record struct SubdomainBounds(double AdvectiveRateX, double AdvectiveRateY, double ReactionRate, double MaxTaxisSpeed)
{
    /// <summary>Reduction of two partial bounds (componentwise maximum; propagates NaN).</summary>
    public static SubdomainBounds Combine(SubdomainBounds a, SubdomainBounds b) =>
        new(Math.Max(a.AdvectiveRateX, b.AdvectiveRateX), Math.Max(a.AdvectiveRateY, b.AdvectiveRateY),
            Math.Max(a.ReactionRate, b.ReactionRate), Math.Max(a.MaxTaxisSpeed, b.MaxTaxisSpeed));

    /// <summary>Identity element of <see cref="Combine"/>.</summary>
    public static SubdomainBounds Empty => new(0.0, 0.0, 0.0, 0.0);
}
