using ActorSim.Numerics.Random;
using ActorSim.Numerics.Virus;
using ActorSim.Numerics.Virus.Kinetic;
using FluentAssertions;

namespace ActorSim.Numerics.Tests.Virus.Kinetic;

public class SeedReactionTermsTests
{
    private static readonly MayNowakParameters Rates = new(D1: 0.3, D2: 0.7, D3: 1.1, Beta: 0.9, K: 1.7, R: 0.8);

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void Integrals_on_the_equilibrium_manifold_are_the_May_Nowak_rates(int velocities)
    {
        double u = 1.3, v = 0.4, w = 0.9, m = 1.0 / velocities;
        double h1 = 0, h2 = 0, h3 = 0;
        for (int k = 0; k < velocities; k++)
        {
            var (g1, g2, g3) = SeedReactionTerms.Pointwise(Rates, velocities, u * m, v * m, w * m);
            h1 += g1; h2 += g2; h3 += g3;
        }
        // eq. (1)/(48) with (c, s, u) of the seed = (u, v, w) here
        h1.Should().BeApproximately(-Rates.D1 * u - Rates.Beta * u * w + Rates.R, 1e-14);
        h2.Should().BeApproximately(-Rates.D2 * v + Rates.Beta * u * w, 1e-14);
        h3.Should().BeApproximately(-Rates.D3 * w + Rates.K * v, 1e-14);
    }

    [Fact]
    public void Closed_form_micro_macro_split_matches_the_pointwise_terms()
    {
        const int K = 2;
        double eps = 0.3, m = 0.5;
        var rng = new CounterRandom(7, 0, 0);
        for (int trial = 0; trial < 50; trial++)
        {
            double r1 = 0.5 + rng.NextDouble(), r2 = 0.5 + rng.NextDouble(), r3 = 0.5 + rng.NextDouble();
            // mean-free perturbations: g_- = -g_+
            double a1 = rng.NextDouble() - 0.5, a2 = rng.NextDouble() - 0.5, a3 = rng.NextDouble() - 0.5;
            double[] g1 = { a1, -a1 }, g2 = { a2, -a2 }, g3 = { a3, -a3 };
            var G = new (double, double, double)[K];
            double s = 0, h1 = 0, h2 = 0, h3 = 0;
            for (int k = 0; k < K; k++)
            {
                G[k] = SeedReactionTerms.Pointwise(Rates, K, r1 * m + eps * g1[k], r2 * m + eps * g2[k], r3 * m + eps * g3[k]);
                h1 += G[k].Item1; h2 += G[k].Item2; h3 += G[k].Item3;
                s += g1[k] * g3[k];
            }
            var H = SeedReactionTerms.Moments(Rates, K, r1, r2, r3, eps * eps * s);
            H.H1.Should().BeApproximately(h1, 1e-13);
            H.H2.Should().BeApproximately(h2, 1e-13);
            H.H3.Should().BeApproximately(h3, 1e-13);
            for (int k = 0; k < K; k++)
            {
                var R = SeedReactionTerms.MicroPart(Rates, K, eps, r1, r3, g1[k], g2[k], g3[k], s);
                R.R1.Should().BeApproximately((G[k].Item1 - m * h1) / eps, 1e-12);
                R.R2.Should().BeApproximately((G[k].Item2 - m * h2) / eps, 1e-12);
                R.R3.Should().BeApproximately((G[k].Item3 - m * h3) / eps, 1e-12);
            }
        }
    }

    [Fact]
    public void Endemic_equilibrium_is_a_zero_of_the_macroscopic_rates()
    {
        var q = Rates.QStar!.Value;
        var H = SeedReactionTerms.Moments(Rates, 2, q.U, q.V, q.W, 0.0);
        H.H1.Should().BeApproximately(0, 1e-14);
        H.H2.Should().BeApproximately(0, 1e-14);
        H.H3.Should().BeApproximately(0, 1e-14);
    }
}
