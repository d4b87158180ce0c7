using ActorSim.Numerics.Virus.Kinetic;
using FluentAssertions;

namespace ActorSim.Numerics.Tests.Virus.Kinetic;

public class DiscreteVelocitySetTests
{
    [Fact]
    public void One_dimensional_set_has_unit_mass_zero_flux_and_second_moment_c_squared()
    {
        var v = DiscreteVelocitySet.OneDimensional(0.7);
        v.Count.Should().Be(2);
        (v.Equilibrium * v.Count).Should().Be(1.0);
        v.FirstMoment(0).Should().Be(0.0);
        v.SecondMoment(0, 0).Should().BeApproximately(0.49, 1e-15);
        v.DiffusionCoefficient(2.0).Should().BeApproximately(0.245, 1e-15);
        v.Opposite(0).Should().Be(1);
        v.Reflect(1, 0).Should().Be(0);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    public void Two_dimensional_sets_are_isotropic_with_D_equal_c2_over_2sigma(int directions)
    {
        double c = 1.3, sigma = 0.8, chi = 0.25;
        var v = DiscreteVelocitySet.TwoDimensional(c, directions);
        v.FirstMoment(0).Should().BeApproximately(0, 1e-15);
        v.FirstMoment(1).Should().BeApproximately(0, 1e-15);
        // D = (1/σ)<v⊗v M> = c²/(2σ) I   (seed eq. (42)–(43))
        v.DiffusionCoefficient(sigma, 0, 0).Should().BeApproximately(c * c / (2 * sigma), 1e-14);
        v.DiffusionCoefficient(sigma, 1, 1).Should().BeApproximately(c * c / (2 * sigma), 1e-14);
        v.DiffusionCoefficient(sigma, 0, 1).Should().BeApproximately(0, 1e-14);
        // taxis: χ_ab = (1/σ)∫ v_a ψ_b dv with ψ(v) = a σ v M(v) gives a <v_a v_b M> = χ δ_ab (seed eq. (51)–(52))
        double a = v.TaxisBiasCoefficient(chi);
        for (int p = 0; p < 2; p++)
            for (int q = 0; q < 2; q++)
            {
                double sensitivity = 0;
                for (int k = 0; k < v.Count; k++)
                    sensitivity += v.Component(k, p) * (a * sigma * v.Component(k, q) * v.Equilibrium) / sigma;
                sensitivity.Should().BeApproximately(p == q ? chi : 0.0, 1e-14);
            }
        for (int k = 0; k < v.Count; k++)
        {
            int r = v.Reflect(k, 0);
            v.Component(r, 0).Should().BeApproximately(-v.Component(k, 0), 1e-14);
            v.Component(r, 1).Should().BeApproximately(v.Component(k, 1), 1e-14);
        }
    }

    [Fact]
    public void Odd_or_too_small_direction_counts_are_rejected()
    {
        FluentActions.Invoking(() => DiscreteVelocitySet.TwoDimensional(1, 5)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => DiscreteVelocitySet.TwoDimensional(1, 2)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
