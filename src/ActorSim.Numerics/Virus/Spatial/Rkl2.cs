namespace ActorSim.Numerics.Virus.Spatial;

/// <summary>Coefficients of stage j of an s-stage RKL2 step (see <see cref="Rkl2"/>).</summary>
public readonly record struct Rkl2StageCoefficients(double Mu, double Nu, double MuTilde, double GammaTilde);

/// <summary>
/// The second-order Runge–Kutta–Legendre super-time-stepping method RKL2 (Meyer, Balsara & Aslam, JCP 257
/// (2014) 594–626) for y' = L y with L having real non-positive spectrum in [−ρ, 0]:
/// Y0 = yⁿ; Y1 = Y0 + μ̃1 τ L Y0;
/// Yj = μj Yj−1 + νj Yj−2 + (1 − μj − νj) Y0 + μ̃j τ L Yj−1 + γ̃j τ L Y0 (j = 2..s); yⁿ⁺¹ = Ys.
/// Stable for τ ρ ≤ (s² + s − 2)/2, i.e. s ≈ √(2 τ ρ) stages instead of τ ρ / 2 forward-Euler steps.
/// Tan, Aslam & Bertozzi (arXiv 2507.17062) prove it monotone (hence positivity-preserving) for the
/// constant-coefficient heat equation with the 3-point Laplacian under that same condition, unlike RKC. It is
/// not monotone for the 2D 5-point Laplacian (point data undershoot by a few % of the peak for τρ ≳ 4, measured),
/// which is why the 2D kernel splits by direction. The stability polynomial itself is positive on [−limit, 0].
/// </summary>
public static class Rkl2
{
    /// <summary>Largest τρ for which s stages are stable: (s² + s − 2)/2.</summary>
    public static double StabilityLimit(int stages) => 0.5 * (stages * (double)stages + stages - 2.0);

    /// <summary>Smallest s ≥ 2 with τρ ≤ safety · (s² + s − 2)/2.</summary>
    public static int StagesFor(double tauRho, double safety)
    {
        if (!(tauRho >= 0) || double.IsInfinity(tauRho)) throw new ArgumentOutOfRangeException(nameof(tauRho));
        if (!(safety > 0 && safety <= 1)) throw new ArgumentOutOfRangeException(nameof(safety));
        double need = tauRho / safety;
        // s² + s − 2 − 2·need ≥ 0  ⇔  s ≥ (−1 + √(9 + 8 need))/2
        int s = Math.Max(2, (int)Math.Ceiling(0.5 * (-1.0 + Math.Sqrt(9.0 + 8.0 * need))));
        while (StabilityLimit(s) < need) s++;
        while (s > 2 && StabilityLimit(s - 1) >= need) s--;
        return s;
    }

    private static double B(int j) => j <= 2 ? 1.0 / 3.0 : (j * (double)j + j - 2.0) / (2.0 * j * (j + 1.0));

    /// <summary>Coefficients of stage j (1 ≤ j ≤ s) of the s-stage method. For j = 1 only MuTilde is used.</summary>
    public static Rkl2StageCoefficients Stage(int stages, int j)
    {
        if (stages < 2) throw new ArgumentOutOfRangeException(nameof(stages), "RKL2 needs s >= 2");
        if (j < 1 || j > stages) throw new ArgumentOutOfRangeException(nameof(j));
        double w1 = 4.0 / (stages * (double)stages + stages - 2.0);
        if (j == 1) return new Rkl2StageCoefficients(0.0, 0.0, B(1) * w1, 0.0);
        double mu = (2.0 * j - 1.0) / j * B(j) / B(j - 1);
        double nu = -(j - 1.0) / j * B(j) / B(j - 2);
        double muTilde = mu * w1;
        double gammaTilde = -(1.0 - B(j - 1)) * muTilde;
        return new Rkl2StageCoefficients(mu, nu, muTilde, gammaTilde);
    }

    /// <summary>The stability polynomial P_s(z): the factor one RKL2 step applies to a mode with τλ = z.</summary>
    public static double StabilityPolynomial(int stages, double z)
    {
        double y0 = 1.0, l0 = z;
        double ym2 = y0, ym1 = y0 + Stage(stages, 1).MuTilde * l0;
        for (int j = 2; j <= stages; j++)
        {
            var c = Stage(stages, j);
            double yj = c.Mu * ym1 + c.Nu * ym2 + (1.0 - c.Mu - c.Nu) * y0 + c.MuTilde * z * ym1 + c.GammaTilde * l0;
            ym2 = ym1; ym1 = yj;
        }
        return ym1;
    }
}
