namespace ActorSim.Numerics.Densities;

/// <summary>
/// A probability density rho0 on the real line, given by its distribution function F and a sampler. Used for the
/// initial data of the 1D muscle model (seed 003): the particles are i.i.d. draws from rho0 and the mean-field
/// solution starts from its exact cell averages (F(x_{k+1}) - F(x_k)) / dx.
/// </summary>
public interface IDensity1D
{
    /// <summary>F(x) = rho0((-inf, x]): non-decreasing, 0 on the left, 1 on the right.</summary>
    double Cdf(double x);

    /// <summary>1 - F(x), accurate in the right tail where 1 - F rounds to 0 (default: computed as 1 - F).</summary>
    double Survival(double x) => 1.0 - Cdf(x);

    /// <summary>
    /// A draw from rho0 made of two independent uniforms in [0, 1): the inverse distribution function at
    /// <paramref name="u0"/> for a single density; a mixture picks its component with u0 and draws from it with u1.
    /// </summary>
    double Draw(double u0, double u1);

    /// <summary>
    /// The quantile F^{-1}(u) (the smallest x with F(x) &gt;= u). For a single density the draw with u0 = u is its
    /// quantile (the default); a mixture overrides this.
    /// </summary>
    double Quantile(double u) => Draw(u, 0.5);

    /// <summary>
    /// An interval [Lo, Hi] holding all of rho0 except a mass below 1e-15 (the support, for compactly supported
    /// densities). The distribution function is 0 (up to that mass) left of it and 1 right of it.
    /// </summary>
    (double Lo, double Hi) Support { get; }

    /// <summary>Points inside <see cref="Support"/> where the density may have a kink or jump (for quadrature panels).</summary>
    IReadOnlyList<double> Breakpoints { get; }
}
