using System.Numerics;

namespace ActorSim.Numerics.Tests.Virus.Kinetic.References;

/// <summary>
/// Exact solution of the two-velocity relaxation model ∂t f± ± (c/ε) ∂x f± = −(σ/ε²)(f± − ρ/2) on a
/// periodic domain for ρ(0, x) = ρ̄ + A cos(kx), f(0) = ρ M (zero flux): ρ obeys the telegraph
/// equation ε² ρ_tt + σ ρ_t = c² ρ_xx, so ρ = ρ̄ + A α(t) cos(kx) with ε² α'' + σ α' + c² k² α = 0,
/// α(0) = 1, α'(0) = 0.
/// </summary>
internal static class TelegraphModeSolution
{
    public static double Amplitude(double t, double c, double sigma, double eps, double k)
    {
        var disc = Complex.Sqrt(sigma * sigma - 4 * eps * eps * c * c * k * k);
        var l1 = (-sigma + disc) / (2 * eps * eps);
        var l2 = (-sigma - disc) / (2 * eps * eps);
        return ((l2 * Complex.Exp(l1 * t) - l1 * Complex.Exp(l2 * t)) / (l2 - l1)).Real;
    }

    /// <summary>Exact cell averages of ρ̄ + A α(t) cos(kx) on the cells of width L/n.</summary>
    public static double[] CellAverages(int cells, double length, double mean, double amplitude, double k, double t, double c, double sigma, double eps)
    {
        double dx = length / cells, alpha = Amplitude(t, c, sigma, eps, k);
        var r = new double[cells];
        for (int i = 0; i < cells; i++)
            r[i] = mean + amplitude * alpha * (Math.Sin(k * (i + 1) * dx) - Math.Sin(k * i * dx)) / (k * dx);
        return r;
    }
}
