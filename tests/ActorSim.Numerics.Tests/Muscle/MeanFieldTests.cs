using ActorSim.Numerics.Muscle;
using ActorSim.Numerics.Random;
using ActorSim.Numerics.Transport;
using FluentAssertions;
using Xunit.Abstractions;

namespace ActorSim.Numerics.Tests.Muscle;

/// <summary>
/// Mean-field limit for the 1D stretch constraint g = x / (1 + y): u(x) = x y' / (1 + y),
/// m_eff = 1 + int x^2 rho / (1 + y)^2, F_eff = -k0 y + int x / (1 + y) (-k1 (x - x*)) rho.
/// </summary>
public class MeanFieldTests
{
    private readonly ITestOutputHelper _out;
    public MeanFieldTests(ITestOutputHelper output) => _out = output;

    private static readonly MuscleModel Model = new()
    {
        Constraint = new StretchConstraint1D(), MacroMass = 1.0, ParticleMass = 1.0,
        MacroPotential = new HarmonicMacroPotential(new[] { 4.0 }),
        ParticlePotential = new HarmonicParticlePotential(new[] { 2.0 }, new[] { 0.5 }),
    };
    private const double Y0 = 0.0, V0 = 0.6, Length = 2.5, T = 1.5;

    /// <summary>Cell averages of the smooth bump rho0 ~ sin^2(pi (x - 0.5)) on [0.5, 1.5] (exact cell integrals), normalised.</summary>
    private static double[] InitialDensity(int cells)
    {
        double dx = Length / cells;
        var rho = new double[cells];
        double F(double x)
        {
            x = Math.Clamp(x, 0.5, 1.5);
            double s = x - 0.5;
            return s / 2 - Math.Sin(2 * Math.PI * s) / (4 * Math.PI); // antiderivative of sin^2(pi s); total 1/2
        }
        for (int k = 0; k < cells; k++) rho[k] = (F((k + 1) * dx) - F(k * dx)) / dx * 2.0;
        return rho;
    }

    private static SequentialMeanFieldDriver1D SolveFv(int cells, int slabs, IReadOnlyList<int>? order = null)
    {
        var grid = new MeanFieldGrid1D(0.0, Length / cells, cells);
        var d = new SequentialMeanFieldDriver1D(Model, grid, InitialDensity(cells), new[] { Y0 }, new[] { V0 }, slabs, order);
        d.RunTo(T, 0.4 * grid.Dx / 2.0); // |u| <= x |y'| / (1 + y) < 2
        return d;
    }

    private static SequentialMuscleDriver Particles(double[] x0, int blocks = 4)
    {
        var d = new SequentialMuscleDriver(Model, new[] { x0 }, new[] { Y0 }, new[] { V0 }, new MuscleDriverOptions { BlockCount = blocks });
        d.Run(T / 150, 150);
        return d;
    }

    [Fact]
    public void Finite_volume_solver_conserves_mass_and_is_independent_of_slab_evaluation_order()
    {
        var a = SolveFv(200, 5);
        var b = SolveFv(200, 5, new[] { 3, 1, 4, 0, 2 });
        var c = SolveFv(200, 1);
        a.Mass().Should().BeApproximately(1.0, 1e-13);
        TestData.BitEqual(a.Density(), b.Density()).Should().BeTrue();
        TestData.BitEqual(a.Y, b.Y).Should().BeTrue();
        a.Y[0].Should().BeApproximately(c.Y[0], 1e-13);
        a.Density().Min().Should().BeGreaterThan(-1e-12);
    }

    [Fact]
    public void Finite_volumes_and_the_characteristic_flow_converge_to_the_same_mean_field_solution()
    {
        var rho0 = InitialDensity(2000);
        // n mid-quantiles are within ~1/(4n) of mu^in in W1: n = 80000 keeps that floor below the FV errors measured.
        var xq = MeanFieldCharacteristics.QuantilePoints(0.0, Length / 2000, rho0, 80000);
        var ch = Particles(xq);
        var chSorted = ch.GatherPositions()[0];
        Array.Sort(chSorted);
        var hs = new List<double>(); var w = new List<double>(); var dy = new List<double>(); var de = new List<double>();
        foreach (int cells in new[] { 125, 250, 500, 1000 })
        {
            var fv = SolveFv(cells, 4);
            double w1 = Wasserstein1D.EmpiricalToCellDensity(chSorted, 0.0, Length / cells, fv.Density());
            double e0 = new SequentialMeanFieldDriver1D(Model, fv.Grid, InitialDensity(cells), new[] { Y0 }, new[] { V0 }).Diagnostics().TotalEnergy;
            hs.Add(Length / cells); w.Add(w1); dy.Add(Math.Abs(fv.Y[0] - ch.Y[0])); de.Add(Math.Abs(fv.Diagnostics().TotalEnergy - e0));
            _out.WriteLine($"cells={cells}: W1(FV, characteristics) = {w1:E3}, |y_FV - y_char| = {dy[^1]:E3}, FV energy error {de[^1]:E3}, y(T) = {fv.Y[0]:F5}");
        }
        _out.WriteLine($"orders: W1 {TestData.LogLogSlope(hs, w):F2}, y {TestData.LogLogSlope(hs, dy):F2}, energy {TestData.LogLogSlope(hs, de):F2}");
        w[^1].Should().BeLessThan(1e-5);
        dy[^1].Should().BeLessThan(1e-6);
        TestData.LogLogSlope(hs, w).Should().BeGreaterThan(1.7, "MUSCL finite volumes are second order in smooth regions");
        Math.Abs(ch.Y[0] - Y0).Should().BeGreaterThan(0.05, "y must move");
    }

    [Fact]
    public void Particle_system_converges_to_the_mean_field_PDE_like_N_to_the_minus_one_half()
    {
        const int cells = 1000;
        var fv = SolveFv(cells, 4);
        var rho0 = InitialDensity(cells);
        var cum = new double[cells]; double c = 0;
        for (int k = 0; k < cells; k++) { c += rho0[k]; cum[k] = c; }
        var ns = new[] { 100, 400, 1600, 6400 };
        var means = new List<double>(); var ydiff = new List<double>();
        foreach (int n in ns)
        {
            double s = 0, sy = 0; const int seeds = 8;
            for (int seed = 0; seed < seeds; seed++)
            {
                var rng = new CounterRandom((ulong)(500 + seed), 0, 0);
                var x0 = new double[n];
                for (int i = 0; i < n; i++)
                {
                    int k = Array.BinarySearch(cum, rng.NextDouble() * c);
                    if (k < 0) k = ~k;
                    x0[i] = (Math.Min(k, cells - 1) + rng.NextDouble()) * (Length / cells);
                }
                var p = Particles(x0);
                var xt = p.GatherPositions()[0];
                Array.Sort(xt);
                s += Wasserstein1D.EmpiricalToCellDensity(xt, 0.0, Length / cells, fv.Density());
                sy += Math.Abs(p.Y[0] - fv.Y[0]);
            }
            means.Add(s / seeds); ydiff.Add(sy / seeds);
            _out.WriteLine($"N={n}: mean W1(particles, PDE) at T = {s / seeds:E3}, mean |y_N - y| = {sy / seeds:E3}");
        }
        double slope = TestData.LogLogSlope(ns.Select(v => (double)v).ToList(), means);
        _out.WriteLine($"fitted slope {slope:F3}, y slope {TestData.LogLogSlope(ns.Select(v => (double)v).ToList(), ydiff):F3}");
        slope.Should().BeInRange(-0.6, -0.4);
    }
}
