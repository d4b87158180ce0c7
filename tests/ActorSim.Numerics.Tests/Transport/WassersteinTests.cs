using ActorSim.Numerics.Random;
using ActorSim.Numerics.Transport;
using FluentAssertions;
using Xunit.Abstractions;

namespace ActorSim.Numerics.Tests.Transport;

public class WassersteinTests
{
    private readonly ITestOutputHelper _out;
    public WassersteinTests(ITestOutputHelper output) => _out = output;

    /// <summary>Draws n samples exactly from the cell density (inverse CDF over cells, uniform inside a cell).</summary>
    internal static double[] SampleCells(double origin, double dx, double[] mass, int n, ulong seed, uint block = 0)
    {
        var cum = new double[mass.Length];
        double s = 0;
        for (int k = 0; k < mass.Length; k++) { s += mass[k]; cum[k] = s; }
        var rng = new CounterRandom(seed, block, 0);
        var r = new double[n];
        for (int i = 0; i < n; i++)
        {
            double u = rng.NextDouble() * s;
            int k = Array.BinarySearch(cum, u);
            if (k < 0) k = ~k;
            k = Math.Min(k, mass.Length - 1);
            r[i] = origin + (k + rng.NextDouble()) * dx;
        }
        return r;
    }

    internal static double[] Bump(int cells, double power = 2)
    {
        var m = new double[cells];
        for (int k = 0; k < cells; k++) m[k] = Math.Pow(Math.Sin(Math.PI * (k + 0.5) / cells), power) + 0.2;
        return m;
    }

    [Fact]
    public void One_dimensional_distances_match_hand_computed_values()
    {
        Wasserstein1D.BetweenEmpirical(new[] { 0.3 }, new[] { 1.1 }).Should().BeApproximately(0.8, 1e-15);
        var a = new[] { -0.4, 0.1, 0.7, 2.0 };
        Wasserstein1D.BetweenEmpirical(a, a.Select(v => v + 0.35)).Should().BeApproximately(0.35, 1e-14);
        // {0,1} vs {0.5}: int |F - G| = 0.5 * 0.5 + 0.5 * 0.5
        Wasserstein1D.BetweenEmpirical(new[] { 0.0, 1.0 }, new[] { 0.5 }).Should().BeApproximately(0.5, 1e-15);
        var uniform = new[] { 1.0, 1.0, 1.0, 1.0 };
        Wasserstein1D.EmpiricalToCellDensity(new[] { 0.5 }, 0.0, 0.25, uniform).Should().BeApproximately(0.25, 1e-15);
        Wasserstein1D.EmpiricalToCellDensity(new[] { 0.25, 0.75 }, 0.0, 0.25, uniform).Should().BeApproximately(0.125, 1e-15);
        // sample far outside the support: W1 = distance to the mean of the uniform law on [0, 1]
        Wasserstein1D.EmpiricalToCellDensity(new[] { 3.0 }, 0.0, 0.25, uniform).Should().BeApproximately(2.5, 1e-14);
        Wasserstein1D.EmpiricalToCellDensity(new[] { -2.0 }, 0.0, 0.25, uniform).Should().BeApproximately(2.5, 1e-14);
        // weighted = empirical when weights are equal
        var b = new[] { -1.0, 0.2, 0.25, 3.0, 3.5 };
        Wasserstein1D.BetweenSortedWeighted(a, new double[] { 2, 2, 2, 2 }, b, new double[] { 1, 1, 1, 1, 1 })
            .Should().BeApproximately(Wasserstein1D.BetweenSortedEmpirical(a, b), 1e-14);
    }

    [Fact]
    public void Empirical_to_density_matches_brute_force_quadrature_of_the_CDF_difference()
    {
        var mass = Bump(7);
        var samples = SampleCells(-0.5, 0.3, mass, 23, 5);
        samples[3] = -1.2; samples[9] = 2.4; // some mass outside the grid
        Array.Sort(samples);
        double exact = Wasserstein1D.EmpiricalToCellDensity(samples, -0.5, 0.3, mass);
        double total = mass.Sum(), sum = 0;
        const int q = 400000; double lo = -1.5, hi = 2.6, h = (hi - lo) / q;
        for (int i = 0; i < q; i++)
        {
            double x = lo + (i + 0.5) * h;
            double fn = samples.Count(s => s <= x) / 23.0;
            double f;
            if (x <= -0.5) f = 0; else if (x >= -0.5 + 7 * 0.3) f = 1;
            else { int k = (int)((x + 0.5) / 0.3); f = (mass.Take(k).Sum() + mass[k] * ((x + 0.5 - k * 0.3) / 0.3)) / total; }
            sum += Math.Abs(fn - f) * h;
        }
        exact.Should().BeApproximately(sum, 2e-5);
    }

    [Fact]
    public void Empirical_measure_converges_to_its_density_like_N_to_the_minus_one_half_in_1D()
    {
        var mass = Bump(200);
        const double origin = -1.0, dx = 2.0 / 200;
        var ns = new[] { 100, 400, 1600, 6400, 25600 };
        var means = new List<double>();
        foreach (int n in ns)
        {
            double s = 0; const int seeds = 16;
            for (int seed = 0; seed < seeds; seed++)
            {
                var x = SampleCells(origin, dx, mass, n, (ulong)(1000 + seed));
                Array.Sort(x);
                s += Wasserstein1D.EmpiricalToCellDensity(x, origin, dx, mass);
            }
            means.Add(s / seeds);
            _out.WriteLine($"N={n}: mean W1 = {s / seeds:E3}, sqrt(N) W1 = {Math.Sqrt(n) * s / seeds:F4}");
        }
        double slope = Muscle.TestData.LogLogSlope(ns.Select(v => (double)v).ToList(), means);
        _out.WriteLine($"fitted slope {slope:F3}");
        slope.Should().BeInRange(-0.6, -0.4);
    }

    [Fact]
    public void Sliced_distance_of_a_translate_is_the_mean_projected_shift()
    {
        var rng = new CounterRandom(7, 0, 0);
        var x = new double[50]; var y = new double[50];
        for (int i = 0; i < 50; i++) { x[i] = rng.NextGaussian(); y[i] = rng.NextGaussian(); }
        double cx = 0.3, cy = -0.7;
        double sw = SlicedWasserstein2D.BetweenEmpirical(x, y, x.Select(v => v + cx).ToArray(), y.Select(v => v + cy).ToArray(), 16);
        double expected = 0;
        for (int k = 0; k < 16; k++)
        {
            double th = SlicedWasserstein2D.DirectionAngle(k, 16);
            expected += Math.Abs(cx * Math.Cos(th) + cy * Math.Sin(th)) / 16;
        }
        sw.Should().BeApproximately(expected, 1e-13);
        // and a lower bound of the true W1 = |c| for a translate
        sw.Should().BeLessThan(Math.Sqrt(cx * cx + cy * cy));
    }

    [Fact]
    public void Sliced_distance_to_a_2D_density_decays_like_N_to_the_minus_one_half()
    {
        // density: product of bumps on [0, 1]^2 on a 128 x 128 cell grid; samples drawn exactly from it.
        const int m = 128; const double h = 1.0 / m;
        var mx = Bump(m); var my = Bump(m, 4);
        var mass = new double[m * m];
        for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) mass[i * m + j] = mx[i] * my[j];
        var reference = SlicedWasserstein2D.FromCellDensity(0, h, m, 0, h, m, mass, 32);
        // representation bias of the cell-centre quadrature: compare with a 2x finer representation
        var finer = new double[4 * m * m];
        for (int i = 0; i < 2 * m; i++) for (int j = 0; j < 2 * m; j++) finer[i * 2 * m + j] = mass[(i / 2) * m + j / 2];
        double bias = reference.DistanceTo(SlicedWasserstein2D.FromCellDensity(0, h / 2, 2 * m, 0, h / 2, 2 * m, finer, 32));
        _out.WriteLine($"cell-centre representation bias ~ {bias:E2}");
        var ns = new[] { 200, 800, 3200, 12800 };
        var means = new List<double>();
        foreach (int n in ns)
        {
            double s = 0; const int seeds = 8;
            for (int seed = 0; seed < seeds; seed++)
            {
                var rng = new CounterRandom((ulong)(77 + seed), 0, 0);
                var px = new double[n]; var py = new double[n];
                var cum = new double[mass.Length]; double c = 0;
                for (int k = 0; k < mass.Length; k++) { c += mass[k]; cum[k] = c; }
                for (int i = 0; i < n; i++)
                {
                    int k = Array.BinarySearch(cum, rng.NextDouble() * c);
                    if (k < 0) k = ~k;
                    k = Math.Min(k, mass.Length - 1);
                    px[i] = (k / m + rng.NextDouble()) * h; py[i] = (k % m + rng.NextDouble()) * h;
                }
                s += new SlicedMeasure2D(px, py, default, 32).DistanceTo(reference);
            }
            means.Add(s / seeds);
            _out.WriteLine($"N={n}: mean SW1 = {s / seeds:E3}");
        }
        bias.Should().BeLessThan(0.1 * means[^1]);
        double slope = Muscle.TestData.LogLogSlope(ns.Select(v => (double)v).ToList(), means);
        _out.WriteLine($"fitted slope {slope:F3}");
        slope.Should().BeInRange(-0.6, -0.4);
    }
}
