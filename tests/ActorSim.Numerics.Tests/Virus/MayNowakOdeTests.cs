using System.Numerics;
using ActorSim.Numerics.Ode;
using ActorSim.Numerics.Random;
using ActorSim.Numerics.Virus;
using FluentAssertions;
using Xunit.Abstractions;

namespace ActorSim.Numerics.Tests.Virus;

/// <summary>The May–Nowak right-hand side (seed 000, eq. (1)) and its Jacobian.</summary>
public class MayNowakOdeTests(ITestOutputHelper output)
{
    private static double[] Rhs(MayNowakOde m, double u, double v, double w)
    {
        var d = new double[3];
        m.Evaluate(0.0, [u, v, w], d);
        return d;
    }

    [Fact]
    public void Right_hand_side_matches_the_equations_at_a_generic_state()
    {
        var m = new MayNowakOde(MayNowakScenarios.Endemic);
        double[] d = Rhs(m, 30, 4, 200);
        // du = 10 - 0.1*30 - 0.002*30*200 = 10 - 3 - 12 = -5; dv = 12 - 0.5*4 = 10; dw = 100*4 - 5*200 = -600.
        d[0].Should().BeApproximately(-5.0, 1e-13);
        d[1].Should().BeApproximately(10.0, 1e-13);
        d[2].Should().BeApproximately(-600.0, 1e-12);
    }

    [Fact]
    public void Right_hand_side_vanishes_at_the_equilibria()
    {
        var endemic = new MayNowakOde(MayNowakScenarios.Endemic);
        var q = MayNowakScenarios.Endemic.QStar!.Value;
        // Terms are O(10) in u and v, O(1e3) in w: residuals must be round-off of those.
        double[] atQStar = Rhs(endemic, q.U, q.V, q.W);
        atQStar[0].Should().BeApproximately(0, 1e-13);
        atQStar[1].Should().BeApproximately(0, 1e-13);
        atQStar[2].Should().BeApproximately(0, 1e-12);
        double[] atQ0 = Rhs(endemic, 100, 0, 0);
        atQ0.Should().Equal(0.0, 0.0, 0.0);

        foreach (var p in new[] { MayNowakScenarios.InfectionFree, MayNowakScenarios.Threshold })
        {
            var q0 = p.Q0;
            Rhs(new MayNowakOde(p), q0.U, q0.V, q0.W).Should().Equal(0.0, 0.0, 0.0);
        }
    }

    [Fact]
    public void Jacobian_matches_central_differences()
    {
        // f is quadratic, so central differences are exact up to round-off.
        var m = new MayNowakOde(MayNowakScenarios.Endemic);
        var rng = new CounterRandom(2024, 0, 0);
        for (int trial = 0; trial < 20; trial++)
        {
            double[] y = [1 + 99 * rng.NextDouble(), 50 * rng.NextDouble(), 1000 * rng.NextDouble()];
            var j = m.Jacobian(y[0], y[1], y[2]);
            for (int col = 0; col < 3; col++)
            {
                double step = 1e-3 * Math.Max(1.0, Math.Abs(y[col]));
                double[] plus = (double[])y.Clone(), minus = (double[])y.Clone();
                plus[col] += step; minus[col] -= step;
                double[] fp = Rhs(m, plus[0], plus[1], plus[2]), fm = Rhs(m, minus[0], minus[1], minus[2]);
                for (int row = 0; row < 3; row++)
                    j[row, col].Should().BeApproximately((fp[row] - fm[row]) / (2 * step), 1e-8 * Math.Max(1.0, Math.Abs(j[row, col])));
            }
        }
    }

    [Fact]
    public void Jacobian_at_QStar_has_hand_computed_trace_and_determinant_and_is_stable()
    {
        // At Q* = (12.5, 17.5, 350): J = [[-0.8, 0, -0.025], [0.7, -0.5, 0.025], [0, 100, -5]],
        // trace = -6.3, det = -0.8*(2.5 - 2.5) - 0.025*70 = -1.75.
        var m = new MayNowakOde(MayNowakScenarios.Endemic);
        var q = MayNowakScenarios.Endemic.QStar!.Value;
        var j = m.Jacobian(q.U, q.V, q.W);
        j.Trace().Should().BeApproximately(-6.3, 1e-12);
        j.Determinant().Should().BeApproximately(-1.75, 1e-12);
        Complex[] eig = j.Evd().EigenValues.ToArray();
        output.WriteLine("eigenvalues at Q*: " + string.Join(", ", eig));
        eig.Should().OnlyContain(l => l.Real < 0);
        eig.Select(l => l.Real).Max().Should().BeApproximately(-0.367015, 1e-6, "leading pair -0.3670 ± 0.4239i");
        Complex sum = eig.Aggregate(Complex.Zero, (a, b) => a + b), product = eig.Aggregate(Complex.One, (a, b) => a * b);
        sum.Real.Should().BeApproximately(-6.3, 1e-10);
        product.Real.Should().BeApproximately(-1.75, 1e-10);
    }

    [Theory]
    [InlineData(0.002, true)]   // R0 = 8
    [InlineData(0.0002, false)] // R0 = 0.8
    public void Infection_free_equilibrium_is_unstable_exactly_when_R0_exceeds_1(double beta, bool unstable)
    {
        // At Q0 the (v, w) block is [[-d2, beta u0], [k, -d3]] with det = d2 d3 (1 - R0):
        // one positive eigenvalue iff R0 > 1; the u-direction has eigenvalue -d1.
        var p = MayNowakScenarios.Endemic with { Beta = beta };
        var j = new MayNowakOde(p).Jacobian(p.Q0.U, p.Q0.V, p.Q0.W);
        double[] re = j.Evd().EigenValues.Select(l => l.Real).OrderBy(x => x).ToArray();
        double disc = Math.Sqrt((p.D2 + p.D3) * (p.D2 + p.D3) - 4 * p.D2 * p.D3 * (1 - p.R0));
        double lambdaMax = (-(p.D2 + p.D3) + disc) / 2;
        re[2].Should().BeApproximately(lambdaMax, 1e-12);
        (re[2] > 0).Should().Be(unstable);
        re.Should().Contain(x => Math.Abs(x + p.D1) < 1e-12);
    }

    [Fact]
    public void Integrating_the_model_allocates_nothing_per_step()
    {
        var m = new MayNowakOde(MayNowakScenarios.Endemic);
        var dp = new DormandPrince45(MayNowakOde.Dimension, m.Rhs, new OdeTolerances(1e-10, 1e-10));
        dp.Initialize(0.0, [100, 0, 1]);
        double t = 0.0;
        AllocationProbe.MinAllocated(() => { for (int i = 0; i < 100; i++) dp.AdvanceTo(t += 0.5); }).Should().Be(0);
        dp.AcceptedSteps.Should().BeGreaterThan(500);
    }
}
