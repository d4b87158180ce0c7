using ActorSim.Numerics.Grid;

namespace ActorSim.Numerics.Virus.Spatial;

/// <summary>
/// Everything that defines a run of eq. (3) apart from the initial data: the grid with its boundary
/// conditions, the coefficients, the source r(t, x) of healthy cells, optional extra sources for v and w
/// (zero in the physical model; used by manufactured solutions) and the slope limiter of the taxis flux.
/// </summary>
public sealed record VirusPdeProblem(
    UniformGrid Grid,
    VirusPdeParameters Parameters,
    ISourceTerm SourceU,
    ISourceTerm? SourceV = null,
    ISourceTerm? SourceW = null,
    SlopeLimiter Limiter = SlopeLimiter.VanLeer)
{
    /// <summary>The physical problem with the constant source r = Parameters.Reaction.R.</summary>
    public static VirusPdeProblem WithConstantSource(UniformGrid grid, VirusPdeParameters parameters,
        SlopeLimiter limiter = SlopeLimiter.VanLeer) =>
        new(grid, parameters, new ConstantSource(parameters.Reaction.R), Limiter: limiter);

    /// <summary>
    /// Upper bound of the spectral radius of the whole (unsplit) diffusion operator, (max D)·Σ_axes 4/h² (1/time).
    /// The step controller uses the per-axis parts, since 2D steps are split by direction.
    /// </summary>
    public double DiffusionSpectralRadius => LaplacianSymbol.DiffusionSpectralRadius(Grid, Parameters.MaxDiffusivity);
}
