using ActorSim.Numerics.Densities;
using ActorSim.Numerics.Random;
using FluentAssertions;
using Xunit.Abstractions;

namespace ActorSim.Numerics.Tests.Densities;

public class InitialDensityTests(ITestOutputHelper output)
{
    /// <summary>sqrt(2/pi) int sqrt(Phi (1 - Phi)) dx to 30 digits (mpmath quad, dps = 30): 1.28837919030285820261…</summary>
    private const double NormalConstant = 1.2883791903028582026;

    [Fact]
    public void W1_constant_of_the_standard_normal_matches_the_high_precision_value()
    {
        double c = W1SamplingConstant.Of(new NormalDensity(0, 1));
        output.WriteLine($"C(N(0,1)) = {c:R}, error {c - NormalConstant:E2}");
        c.Should().BeApproximately(NormalConstant, 1e-13);
        // scaling: W1 is an L1 distance of distribution functions, so C(N(mu, s^2)) = s C(N(0, 1))
        W1SamplingConstant.Of(new NormalDensity(3.0, 0.25)).Should().BeApproximately(0.25 * NormalConstant, 1e-13);
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.5, 1.5)]
    [InlineData(-2.0, 5.0)]
    public void W1_constant_of_a_uniform_density_is_sqrt_2_over_pi_times_pi_w_over_8(double lo, double hi)
    {
        // int_0^1 sqrt(s (1 - s)) ds = pi / 8: the square-root behaviour at both ends must be integrated accurately
        double exact = Math.Sqrt(2 / Math.PI) * Math.PI / 8 * (hi - lo);
        W1SamplingConstant.Of(new UniformDensity(lo, hi)).Should().BeApproximately(exact, 1e-12 * (hi - lo));
        // the same density as nodes of a piecewise-linear density
        W1SamplingConstant.Of(new PiecewiseLinearDensity([lo, hi], [1, 1])).Should().BeApproximately(exact, 1e-12 * (hi - lo));
    }

    [Fact]
    public void W1_constant_of_an_empirical_measure_is_the_exact_step_sum()
    {
        // two atoms at 0 and 1 with mass 1/2: F = 1/2 on [0, 1): C = sqrt(2/pi) * 1/2
        W1SamplingConstant.Of(new EmpiricalDensity([1.0, 0.0])).Should().BeApproximately(Math.Sqrt(2 / Math.PI) * 0.5, 1e-15);
    }

    public static TheoryData<string> Densities() => ["normal", "truncated", "uniform", "sine-bump", "mixture", "piecewise"];

    private static IDensity1D Make(string kind) => kind switch
    {
        "normal" => new NormalDensity(1.0, 0.2),
        "truncated" => new NormalDensity(1.0, 0.5, 0.6, 2.0),
        "uniform" => new UniformDensity(0.5, 1.5),
        "sine-bump" => new SineBumpDensity(0.5, 1.5),
        "mixture" => new MixtureDensity([0.3, 0.7], [new NormalDensity(-1, 0.3), new UniformDensity(0.5, 1.5)]),
        _ => new PiecewiseLinearDensity([0.0, 0.5, 1.0, 2.0], [0.0, 2.0, 0.5, 0.0]),
    };

    [Theory]
    [MemberData(nameof(Densities))]
    public void Draws_invert_the_distribution_function(string kind)
    {
        var d = Make(kind);
        if (d is MixtureDensity) return; // a mixture draws by component; its law is checked by the W1 test below
        foreach (double u in new[] { 1e-9, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1 - 1e-9 })
            d.Cdf(d.Draw(u, 0.5)).Should().BeApproximately(u, 1e-12, $"{kind} at u = {u}");
    }

    /// <summary>
    /// sqrt(N) E W1(mu_N, rho0) approaches C(rho0) for i.i.d. draws. With K = 400 independent samples of N = 2000,
    /// the mean of sqrt(N) W1 has standard error sd/sqrt(K) (about 0.02 C); the finite-N bias is O(N^{-1/2}) (about
    /// 1 %, measured). The tolerance is 4 standard errors plus 2 % of C; a wrong law (e.g. a wrong mixture weight or a
    /// quantile off by a scale) moves the mean far more.
    /// </summary>
    [Theory]
    [MemberData(nameof(Densities))]
    public void Observed_sqrt_N_E_W1_of_draws_is_near_the_constant(string kind)
    {
        var d = Make(kind);
        const int n = 2000, k = 400;
        var values = new double[k];
        var x = new double[n];
        for (int s = 0; s < k; s++)
        {
            var rng = new CounterRandom(12345, (uint)s, 0);
            for (int i = 0; i < n; i++) x[i] = d.Draw(rng.NextDouble(), rng.NextDouble());
            Array.Sort(x);
            values[s] = Math.Sqrt(n) * ExactW1(x, d);
        }
        double mean = values.Average(), sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (k - 1)), se = sd / Math.Sqrt(k);
        double c = W1SamplingConstant.Of(d);
        output.WriteLine($"{kind}: sqrt(N) E W1 = {mean:F4} +- {se:F4} (sd {sd:F4}), C = {c:F6}, (mean - C)/C = {(mean - c) / c:P2}");
        mean.Should().BeApproximately(c, 4 * se + 0.02 * c);
    }

    /// <summary>
    /// W1 = int |F_N - F| dx between ascending samples and rho0 by adaptive-free high-order quadrature: on each gap
    /// between samples F_N is constant; the gap is split where F crosses it (located by bisection) and both parts
    /// are integrated with 8-point Gauss-Legendre panels. Tails: int_{lo}^{x_1} F and int_{x_N}^{hi} (1 - F).
    /// </summary>
    internal static double ExactW1(ReadOnlySpan<double> sorted, IDensity1D d)
    {
        int n = sorted.Length;
        var (lo, hi) = d.Support;
        double total = Piece(d, Math.Min(lo, sorted[0]), sorted[0], 0.0);
        for (int i = 0; i + 1 < n; i++) total += Piece(d, sorted[i], sorted[i + 1], (double)(i + 1) / n);
        total += Piece(d, sorted[n - 1], Math.Max(hi, sorted[n - 1]), 1.0);
        return total;
    }

    private static double Piece(IDensity1D d, double a, double b, double level)
    {
        if (!(b > a)) return 0.0;
        double fa = d.Cdf(a) - level, fb = d.Cdf(b) - level;
        if (fa < 0 && fb > 0)
        {
            double l = a, r = b;
            for (int it = 0; it < 60; it++) { double m = 0.5 * (l + r); if (d.Cdf(m) - level < 0) l = m; else r = m; }
            return Gl(d, a, l, level) + Gl(d, l, b, level);
        }
        return Gl(d, a, b, level);
    }

    private static double Gl(IDensity1D d, double a, double b, double level)
    {
        var bp = d.Breakpoints.Where(p => p > a && p < b).Take(8).ToList();
        return W1SamplingConstant.Integral(x => Math.Abs(d.Cdf(x) - level), a, b, bp, 2);
    }

    [Fact]
    public void Bad_densities_are_refused()
    {
        FluentActions.Invoking(() => new NormalDensity(0, 0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new NormalDensity(0, 1, 2, 1)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new NormalDensity(0, 1, 50, 60)).Should().Throw<ArgumentException>().WithMessage("*holds no mass*");
        FluentActions.Invoking(() => new PiecewiseLinearDensity([0, 1, 1], [1, 1, 1])).Should().Throw<ArgumentException>().WithMessage("*strictly increasing*");
        FluentActions.Invoking(() => new PiecewiseLinearDensity([0, 1], [1, -1])).Should().Throw<ArgumentException>().WithMessage("*>= 0*");
        FluentActions.Invoking(() => new PiecewiseLinearDensity([0, 1], [0, 0])).Should().Throw<ArgumentException>().WithMessage("*zero mass*");
        FluentActions.Invoking(() => new MixtureDensity([1, -1], [new UniformDensity(0, 1), new UniformDensity(0, 1)])).Should().Throw<ArgumentException>();
    }
}
