namespace ActorSim.Numerics.Grid;

/// <summary>
/// Symbols (eigenvalues with the sign flipped) of the Laplacian: a Fourier/cosine mode with wavenumber k has
/// −Δ mode = μ·mode, with μ = k² for the continuous operator and μ_h = (4/h²) sin²(k h / 2) for the
/// standard 3-point (per axis) cell-centred finite-volume Laplacian. Cosine modes cos(k (x − x0)) with
/// k = π n / L are exact eigenvectors of the discrete Neumann (mirror ghost) Laplacian; modes with
/// k = 2π n / L of the periodic one.
/// </summary>
public static class LaplacianSymbol
{
    /// <summary>μ = k² (1/length²).</summary>
    public static double Continuous(double k) => k * k;

    /// <summary>μ_h = (4/h²) sin²(k h/2) (1/length²).</summary>
    public static double Discrete(double k, double h)
    {
        double s = Math.Sin(0.5 * k * h);
        return 4.0 / (h * h) * s * s;
    }

    /// <summary>
    /// An upper bound of the spectral radius of D·Δ_h on the grid: D·Σ_axes 4/h² (1/time for D in length²/time).
    /// </summary>
    public static double DiffusionSpectralRadius(UniformGrid grid, double diffusivity)
    {
        double r = 4.0 / (grid.Hx * grid.Hx);
        if (grid.Dimension == 2) r += 4.0 / (grid.Hy * grid.Hy);
        return diffusivity * r;
    }
}
