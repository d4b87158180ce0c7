using System.Numerics;
using ActorSim.Numerics.Grid;
using ActorSim.Numerics.Virus;
using ActorSim.Numerics.Virus.Spatial;
using FluentAssertions;
using static ActorSim.Numerics.Tests.Virus.Spatial.SpatialTestSupport;

namespace ActorSim.Numerics.Tests.Virus.Spatial;

public class MayNowakDispersionTests
{
    [Fact]
    public void Jacobian_at_mu_zero_is_the_finite_difference_Jacobian_of_the_ODE_at_Q_star()
    {
        var r = new MayNowakParameters(D1: 0.3, D2: 0.7, D3: 1.3, Beta: 0.9, K: 2.0, R: 5.0);
        var disp = new MayNowakDispersion(new VirusPdeParameters(r, 0.1, 0.2, 0.3, Chi: 4.0));
        var q = disp.Equilibrium;
        double[] F(double[] y) => new[]
        {
            -r.D1 * y[0] - r.Beta * y[0] * y[2] + r.R,
            -r.D2 * y[1] + r.Beta * y[0] * y[2],
            -r.D3 * y[2] + r.K * y[1],
        };
        F(new[] { q.U, q.V, q.W }).Should().AllSatisfy(f => Math.Abs(f).Should().BeLessThan(1e-12));
        var j = disp.Jacobian(0.0, chi: 4.0);
        for (int c = 0; c < 3; c++)
        {
            var plus = new[] { q.U, q.V, q.W };
            var minus = new[] { q.U, q.V, q.W };
            plus[c] += 1e-6; minus[c] -= 1e-6;
            var fp = F(plus); var fm = F(minus);
            for (int row = 0; row < 3; row++)
                j[row, c].Should().BeApproximately((fp[row] - fm[row]) / 2e-6, 1e-8);
        }
        // The homogeneous mode is stable for any chi (seed: Q* is globally asymptotically stable).
        disp.GrowthRate(0.0, 4.0).Should().BeNegative();
    }

    [Fact]
    public void Characteristic_polynomial_and_Routh_Hurwitz_agree_with_the_eigenvalues()
    {
        var disp = new MayNowakDispersion(Pattern(0.0));
        int checkedUnstable = 0;
        foreach (double mu in new[] { 0.5, 3.0, 10.0, 40.0, 90.0, 300.0 })
            foreach (double chi in new[] { 0.0, 0.05, 0.15, 0.2, 0.3, 1.0, 3.0 })
            {
                var p = disp.Polynomial(mu, chi);
                var l = disp.Eigenvalues(mu, chi);
                (-(l[0] + l[1] + l[2]).Real).Should().BeApproximately(p.A1, 1e-9 * (1 + Math.Abs(p.A1)));
                (l[0] * l[1] + l[0] * l[2] + l[1] * l[2]).Real.Should().BeApproximately(p.A2, 1e-8 * (1 + Math.Abs(p.A2)));
                (-(l[0] * l[1] * l[2]).Real).Should().BeApproximately(p.A3, 1e-8 * (1 + Math.Abs(p.A3)));
                bool stable = l[0].Real < 0;
                p.IsHurwitzStable.Should().Be(stable, $"mu={mu}, chi={chi}");
                bool beyond = chi >= disp.Threshold(mu).Chi;
                beyond.Should().Be(!stable, $"mu={mu}, chi={chi}, threshold {disp.Threshold(mu)}");
                if (!stable) checkedUnstable++;
            }
        checkedUnstable.Should().BeGreaterThan(5);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(9.87)]
    [InlineData(88.8)]
    [InlineData(1000.0)]
    public void Threshold_separates_decay_from_growth(double mu)
    {
        var disp = new MayNowakDispersion(Pattern(0.0));
        double chi = disp.Threshold(mu).Chi;
        chi.Should().BeGreaterThan(0);
        disp.GrowthRate(mu, chi * (1 - 1e-6)).Should().BeNegative();
        disp.GrowthRate(mu, chi * (1 + 1e-6)).Should().BePositive();
        Math.Abs(disp.GrowthRate(mu, chi)).Should().BeLessThan(1e-6);
    }

    [Fact]
    public void Critical_chi_is_the_minimum_over_admissible_modes_and_the_discrete_symbol_converges()
    {
        var disp = new MayNowakDispersion(Pattern(0.0));
        var coarse = UniformGrid.Line(64, 1.0, BoundaryKind.Neumann);
        var onset = disp.CriticalTaxis(coarse, SymbolKind.Discrete);
        onset.Mode.Nx.Should().Be(3);
        onset.ViaHopf.Should().BeFalse();
        onset.Chi.Should().BeApproximately(0.18054, 1e-5); // independent evaluation of a3(0)/(mu b u* w* C) per mode
        foreach (var m in MayNowakDispersion.AdmissibleModes(coarse, SymbolKind.Discrete))
            disp.Threshold(m.Mu).Chi.Should().BeGreaterThanOrEqualTo(onset.Chi);
        disp.UnstableModes(coarse, SymbolKind.Discrete, onset.Chi * 0.999).Should().BeEmpty();
        disp.UnstableModes(coarse, SymbolKind.Discrete, onset.Chi * 1.001).Select(g => g.Mode.Nx).Should().Equal(3);

        var continuous = disp.CriticalTaxis(coarse, SymbolKind.Continuous);
        double previous = double.MaxValue;
        foreach (int n in new[] { 16, 32, 64, 128 })
        {
            var g = UniformGrid.Line(n, 1.0, BoundaryKind.Neumann);
            double gap = Math.Abs(disp.CriticalTaxis(g, SymbolKind.Discrete).Chi - continuous.Chi);
            gap.Should().BeLessThan(previous / 3.0); // O(h^2) symbol error
            previous = gap;
        }
    }

    [Fact]
    public void Admissible_modes_follow_the_boundary_conditions()
    {
        var g = UniformGrid.Rectangle(8, 6, 2.0, 3.0, BoundaryKind.Neumann, BoundaryKind.Periodic);
        var modes = MayNowakDispersion.AdmissibleModes(g, SymbolKind.Continuous);
        modes.Should().HaveCount(8 * 4 - 1); // nx = 0..7, ny = 0..3, without (0,0)
        var m = modes.Single(x => x.Nx == 2 && x.Ny == 1);
        m.Kx.Should().BeApproximately(Math.PI * 2 / 2.0, 1e-15);
        m.Ky.Should().BeApproximately(2 * Math.PI / 3.0, 1e-15);
        m.Mu.Should().BeApproximately(m.Kx * m.Kx + m.Ky * m.Ky, 1e-12);
    }

    [Fact]
    public void Fastest_growing_mode_is_the_largest_rate_of_the_spectrum()
    {
        var disp = new MayNowakDispersion(Pattern(0.0));
        var g = UniformGrid.Line(64, 1.0, BoundaryKind.Neumann);
        var fastest = disp.FastestGrowingMode(g, SymbolKind.Discrete, 0.3);
        fastest.Mode.Nx.Should().Be(4);
        fastest.Rate.Should().BeApproximately(1.9987, 1e-3);
        disp.UnstableModes(g, SymbolKind.Discrete, 0.3).First().Should().Be(fastest);
        Complex top = disp.Eigenvalues(fastest.Mode.Mu, 0.3)[0];
        top.Imaginary.Should().Be(0.0);
    }
}
