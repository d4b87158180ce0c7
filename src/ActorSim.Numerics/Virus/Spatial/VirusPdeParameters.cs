namespace ActorSim.Numerics.Virus.Spatial;

/// <summary>
/// Coefficients of the reaction–diffusion–taxis system, seed 000 eq. (3):
/// u_t = Du Δu − χ ∇·(u ∇v) − d1 u − β u w + r(t, x),
/// v_t = Dv Δv − d2 v + β u w,
/// w_t = Dw Δw − d3 w + k v.
/// Diffusivities in length²/time; <see cref="Chi"/> in length²/(time · unit of v) (χ &gt; 0: u climbs ∇v);
/// reaction rates from <see cref="Reaction"/>. Its <c>R</c> is the default constant source and defines Q*.
/// </summary>
public sealed record VirusPdeParameters(MayNowakParameters Reaction, double Du, double Dv, double Dw, double Chi)
{
    /// <summary>Largest of the three diffusivities.</summary>
    public double MaxDiffusivity => Math.Max(Du, Math.Max(Dv, Dw));
}
