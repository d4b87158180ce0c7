namespace ActorSim.Numerics.Densities;

/// <summary>
/// The constant of the W1 sampling error of i.i.d. samples: for N draws from rho0 with distribution function F,
/// sqrt(N) E W1(mu_N, rho0) -> C = sqrt(2/pi) int sqrt(F (1 - F)) dx (N -> infinity), because
/// W1 = int |F_N - F| dx and sqrt(N) (F_N(x) - F(x)) -> N(0, F(x)(1 - F(x))), E|Z| = sqrt(2/pi) sigma.
/// For N(0, 1): C = 1.28837919030285820...; for the uniform density on an interval of length w: C = sqrt(2/pi) pi w / 8.
/// </summary>
public static class W1SamplingConstant
{
    // 8-point Gauss-Legendre on [-1, 1]
    private static readonly double[] Nodes =
    [
        -0.9602898564975363, -0.7966664774136267, -0.5255324099163290, -0.1834346424956498,
        0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363,
    ];
    private static readonly double[] Weights =
    [
        0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.3626837833783620,
        0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763,
    ];

    /// <summary>sqrt(2/pi) int sqrt(F (1 - F)) dx for <paramref name="density"/>.</summary>
    public static double Of(IDensity1D density, int totalPanels = 8192)
    {
        if (density is EmpiricalDensity e) return OfEmpirical(e.Sorted);
        // sqrt(F (1 - F)) decays like the square root of the tail mass: integrate half a support width beyond each
        // end too (zero there for compact supports; for an untruncated normal this reaches +-12.4 sigma, tail < 1e-17)
        var (lo, hi) = density.Support;
        double pad = 0.5 * (hi - lo);
        return Math.Sqrt(2.0 / Math.PI) * Integral(x => Math.Sqrt(Math.Max(0.0, density.Cdf(x) * density.Survival(x))),
            lo - pad, hi + pad, density.Breakpoints.Append(lo).Append(hi).ToArray(), totalPanels);
    }

    /// <summary>Exact for an empirical measure: F = k/M on [p_(k), p_(k+1)).</summary>
    public static double OfEmpirical(ReadOnlySpan<double> sorted)
    {
        int m = sorted.Length;
        double sum = 0;
        for (int k = 1; k < m; k++)
        {
            double f = (double)k / m;
            sum += Math.Sqrt(f * (1 - f)) * (sorted[k] - sorted[k - 1]);
        }
        return Math.Sqrt(2.0 / Math.PI) * sum;
    }

    /// <summary>
    /// int_lo^hi g dx, split at the breakpoints (about <paramref name="totalPanels"/> panels shared among the segments,
    /// at least 2 each); on each segment the substitution x = a + (b - a)(3t^2 - 2t^3)
    /// (dx/dt vanishing at both ends) removes the square-root endpoint behaviour of sqrt(F (1 - F)) at the ends of
    /// a support, then composite 8-point Gauss-Legendre in t.
    /// </summary>
    public static double Integral(Func<double, double> g, double lo, double hi, IReadOnlyList<double> breakpoints, int totalPanels)
    {
        var points = breakpoints.Where(b => b > lo && b < hi).Append(lo).Append(hi).Distinct().Order().ToArray();
        int panelsPerSegment = Math.Max(2, totalPanels / Math.Max(1, points.Length - 1));
        double total = 0;
        for (int s = 0; s + 1 < points.Length; s++)
        {
            double a = points[s], w = points[s + 1] - points[s];
            double h = 1.0 / panelsPerSegment;
            for (int p = 0; p < panelsPerSegment; p++)
            {
                double mid = (p + 0.5) * h;
                for (int q = 0; q < Nodes.Length; q++)
                {
                    double t = mid + 0.5 * h * Nodes[q];
                    double x = a + w * t * t * (3 - 2 * t), dxdt = w * 6 * t * (1 - t);
                    total += 0.5 * h * Weights[q] * g(x) * dxdt;
                }
            }
        }
        return total;
    }
}
