using System.Numerics;
using ActorSim.Numerics.Grid;
using MathNet.Numerics.LinearAlgebra;

namespace ActorSim.Numerics.Virus.Spatial;

/// <summary>
/// Linear stability of the homogeneous endemic state Q* = (u*, v*, w*) of eq. (3) with constant r = R.
/// A perturbation e^{λt}·φ(x) with −Δφ = μ φ obeys λ q = J(μ) q with
/// <code>
/// J(μ) = [ −Du μ − d1 − β w*    χ u* μ          −β u*
///          β w*                 −Dv μ − d2      β u*
///          0                    k               −Dw μ − d3 ]
/// </code>
/// (the taxis term −χ ∇·(u ∇v) linearises to −χ u* Δv' because ∇v* = 0, i.e. +χ u* μ v'). The discrete scheme
/// linearises to the same matrix with μ replaced by the symbol μ_h of the 3-point Laplacian, because its face
/// velocity χ (v_{i+1} − v_i)/h is first order in the perturbation, so only u_face = u* + O(ε) enters the
/// linear flux χ u* (v_{i+1} − v_i)/h whatever the limiter.
/// det(λ − J) = λ³ + a1 λ² + a2 λ + a3 with χ entering a2 and a3 linearly, so the instability threshold of a mode
/// is closed-form (Routh–Hurwitz: stable iff a1 &gt; 0, a3 &gt; 0, a1 a2 &gt; a3).
/// </summary>
public sealed class MayNowakDispersion
{
    private readonly double _du, _dv, _dw, _d1, _d2, _d3, _beta, _k;

    /// <summary>Uses the diffusivities and rates of <paramref name="parameters"/> (its Chi is not used: every query takes χ).</summary>
    public MayNowakDispersion(VirusPdeParameters parameters)
    {
        Parameters = parameters;
        var r = parameters.Reaction;
        Equilibrium = r.QStar ?? throw new ArgumentException("Q* exists only for R0 > 1", nameof(parameters));
        _du = parameters.Du; _dv = parameters.Dv; _dw = parameters.Dw;
        _d1 = r.D1; _d2 = r.D2; _d3 = r.D3; _beta = r.Beta; _k = r.K;
    }

    /// <summary>The parameters.</summary>
    public VirusPdeParameters Parameters { get; }
    /// <summary>The endemic equilibrium Q*.</summary>
    public (double U, double V, double W) Equilibrium { get; }

    private (double A, double B, double C, double P) Parts(double mu)
    {
        var (u, _, w) = Equilibrium;
        return (_du * mu + _d1 + _beta * w, _dv * mu + _d2, _dw * mu + _d3, mu * _beta * u * w);
    }

    /// <summary>J(μ) at taxis sensitivity χ (rows/columns u, v, w; 1/time).</summary>
    public double[,] Jacobian(double mu, double chi)
    {
        var (u, _, w) = Equilibrium;
        return new[,]
        {
            { -_du * mu - _d1 - _beta * w, chi * u * mu, -_beta * u },
            { _beta * w, -_dv * mu - _d2, _beta * u },
            { 0.0, _k, -_dw * mu - _d3 },
        };
    }

    /// <summary>Coefficients of det(λ − J(μ)) = λ³ + a1 λ² + a2 λ + a3.</summary>
    public CharacteristicPolynomial Polynomial(double mu, double chi)
    {
        var (A, B, C, P) = Parts(mu);
        double kbu = _k * _beta * Equilibrium.U;
        double a1 = A + B + C;
        double a2 = A * B + A * C + B * C - kbu - chi * P;
        double a3 = A * (B * C - kbu) + _k * _beta * _beta * Equilibrium.U * Equilibrium.W - chi * P * C;
        return new CharacteristicPolynomial(a1, a2, a3);
    }

    /// <summary>Eigenvalues of J(μ), sorted by decreasing real part (then decreasing imaginary part).</summary>
    public Complex[] Eigenvalues(double mu, double chi)
    {
        var evd = Matrix<double>.Build.DenseOfArray(Jacobian(mu, chi)).Evd();
        return evd.EigenValues.ToArray()
            .OrderByDescending(z => z.Real).ThenByDescending(z => z.Imaginary).ToArray();
    }

    /// <summary>Growth rate max Re λ of the mode with symbol μ (1/time).</summary>
    public double GrowthRate(double mu, double chi) => Eigenvalues(mu, chi)[0].Real;

    /// <summary>
    /// A real eigenvector (q_u, q_v, q_w) of J(μ) for its eigenvalue of largest real part, which must be real;
    /// scaled so that its largest component is +1.
    /// </summary>
    public double[] DominantEigenvector(double mu, double chi)
    {
        var lam = Eigenvalues(mu, chi)[0];
        if (Math.Abs(lam.Imaginary) > 1e-12 * Math.Max(1.0, lam.Magnitude))
            throw new InvalidOperationException("the dominant eigenvalue is complex");
        var m = Jacobian(mu, chi);
        for (int i = 0; i < 3; i++) m[i, i] -= lam.Real;
        double[] best = new double[3];
        double bestNorm = -1;
        for (int a = 0; a < 3; a++)
            for (int b = a + 1; b < 3; b++)
            {
                var c = new[]
                {
                    m[a, 1] * m[b, 2] - m[a, 2] * m[b, 1],
                    m[a, 2] * m[b, 0] - m[a, 0] * m[b, 2],
                    m[a, 0] * m[b, 1] - m[a, 1] * m[b, 0],
                };
                double n = c[0] * c[0] + c[1] * c[1] + c[2] * c[2];
                if (n > bestNorm) { bestNorm = n; best = c; }
            }
        int imax = 0;
        for (int i = 1; i < 3; i++) if (Math.Abs(best[i]) > Math.Abs(best[imax])) imax = i;
        double s = best[imax];
        return new[] { best[0] / s, best[1] / s, best[2] / s };
    }

    /// <summary>
    /// The χ at which the mode with symbol μ &gt; 0 loses stability: through a real eigenvalue (a3 = 0) at
    /// χ_S = a3(0)/(μ β u* w* (Dw μ + d3)), or through a complex pair (a1 a2 = a3) at
    /// χ_H = (a1 a2 − a3)(0)/(μ β u* w* (Du μ + d1 + β w* + Dv μ + d2)). The mode is unstable exactly for
    /// χ ≥ min(χ_S, χ_H) because a3 and a1 a2 − a3 decrease linearly in χ while a1 does not depend on it.
    /// </summary>
    public TaxisThreshold Threshold(double mu)
    {
        if (!(mu > 0)) return new TaxisThreshold(double.PositiveInfinity, double.PositiveInfinity);
        var (A, B, C, P) = Parts(mu);
        var p0 = Polynomial(mu, 0.0);
        double saddle = p0.A3 / (P * C);
        double hopf = (p0.A1 * p0.A2 - p0.A3) / (P * (A + B));
        return new TaxisThreshold(Math.Max(saddle, 0.0), Math.Max(hopf, 0.0));
    }

    /// <summary>
    /// The admissible non-constant modes of a grid's domain and boundary conditions, per axis Neumann k = π n / L
    /// (n = 0 .. N−1) or periodic k = 2π n / L (n = 0 .. N/2), products in 2D, without the constant mode;
    /// indices capped at <paramref name="maxIndex"/> if given. μ is the continuous k² or the discrete symbol of the grid.
    /// </summary>
    public static IReadOnlyList<LinearMode> AdmissibleModes(UniformGrid grid, SymbolKind kind, int? maxIndex = null)
    {
        var modes = new List<LinearMode>();
        int nxMax = MaxIndex(grid, 0, maxIndex);
        int nyMax = grid.Dimension == 2 ? MaxIndex(grid, 1, maxIndex) : 0;
        for (int ny = 0; ny <= nyMax; ny++)
            for (int nx = 0; nx <= nxMax; nx++)
            {
                if (nx == 0 && ny == 0) continue;
                double kx = Wavenumber(grid, 0, nx), ky = grid.Dimension == 2 ? Wavenumber(grid, 1, ny) : 0.0;
                double mu = kind == SymbolKind.Continuous
                    ? LaplacianSymbol.Continuous(kx) + LaplacianSymbol.Continuous(ky)
                    : LaplacianSymbol.Discrete(kx, grid.Hx) + (grid.Dimension == 2 ? LaplacianSymbol.Discrete(ky, grid.Hy) : 0.0);
                modes.Add(new LinearMode(nx, ny, kx, ky, mu));
            }
        return modes;
    }

    private static int MaxIndex(UniformGrid g, int axis, int? cap)
    {
        int n = g.Boundary(axis) == BoundaryKind.Neumann ? g.Cells(axis) - 1 : g.Cells(axis) / 2;
        return cap is { } c ? Math.Min(n, c) : n;
    }

    private static double Wavenumber(UniformGrid g, int axis, int n) =>
        (g.Boundary(axis) == BoundaryKind.Neumann ? Math.PI : 2.0 * Math.PI) * n / g.Length(axis);

    /// <summary>
    /// The critical taxis sensitivity χ_c: the smallest χ ≥ 0 at which some admissible mode becomes unstable,
    /// with that mode and the kind of bifurcation.
    /// </summary>
    public TaxisOnset CriticalTaxis(UniformGrid grid, SymbolKind kind, int? maxIndex = null)
    {
        TaxisOnset? best = null;
        foreach (var m in AdmissibleModes(grid, kind, maxIndex))
        {
            var th = Threshold(m.Mu);
            if (best is null || th.Chi < best.Chi) best = new TaxisOnset(th.Chi, m, th.Hopf < th.Saddle);
        }
        return best ?? throw new InvalidOperationException("no admissible modes");
    }

    /// <summary>Growth rate and frequency of every admissible mode at χ.</summary>
    public IReadOnlyList<ModeGrowth> Spectrum(UniformGrid grid, SymbolKind kind, double chi, int? maxIndex = null) =>
        AdmissibleModes(grid, kind, maxIndex).Select(m =>
        {
            var l = Eigenvalues(m.Mu, chi)[0];
            return new ModeGrowth(m, l.Real, Math.Abs(l.Imaginary));
        }).ToArray();

    /// <summary>The admissible modes with positive growth rate at χ, fastest first.</summary>
    public IReadOnlyList<ModeGrowth> UnstableModes(UniformGrid grid, SymbolKind kind, double chi, int? maxIndex = null) =>
        Spectrum(grid, kind, chi, maxIndex).Where(g => g.Rate > 0).OrderByDescending(g => g.Rate).ToArray();

    /// <summary>The admissible mode with the largest growth rate at χ (which may be negative).</summary>
    public ModeGrowth FastestGrowingMode(UniformGrid grid, SymbolKind kind, double chi, int? maxIndex = null) =>
        Spectrum(grid, kind, chi, maxIndex).MaxBy(g => g.Rate)!;
}

/// <summary>Which Laplacian symbol a dispersion query uses.</summary>
public enum SymbolKind
{
    /// <summary>μ = |k|² (the PDE).</summary>
    Continuous,
    /// <summary>μ_h = Σ (4/h²) sin²(k h/2) (the finite-volume scheme on the grid).</summary>
    Discrete,
}

/// <summary>An admissible spatial mode: indices per axis, wavenumbers (1/length) and Laplacian symbol μ (1/length²).</summary>
public sealed record LinearMode(int Nx, int Ny, double Kx, double Ky, double Mu);

/// <summary>Growth rate max Re λ (1/time) and angular frequency |Im λ| of a mode's leading eigenvalue.</summary>
public sealed record ModeGrowth(LinearMode Mode, double Rate, double Frequency);

/// <summary>The critical taxis sensitivity, the mode that goes unstable first and whether through a complex pair.</summary>
public sealed record TaxisOnset(double Chi, LinearMode Mode, bool ViaHopf);

/// <summary>Instability thresholds of one mode: through a real eigenvalue (Saddle) and a complex pair (Hopf).</summary>
public readonly record struct TaxisThreshold(double Saddle, double Hopf)
{
    /// <summary>The smaller of the two: the mode is unstable exactly for χ ≥ Chi.</summary>
    public double Chi => Math.Min(Saddle, Hopf);
}

/// <summary>λ³ + A1 λ² + A2 λ + A3.</summary>
public readonly record struct CharacteristicPolynomial(double A1, double A2, double A3)
{
    /// <summary>Routh–Hurwitz: all roots have negative real part.</summary>
    public bool IsHurwitzStable => A1 > 0 && A3 > 0 && A1 * A2 > A3;
}
