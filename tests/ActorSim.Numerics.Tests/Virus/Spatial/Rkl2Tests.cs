using ActorSim.Numerics.Virus.Spatial;
using FluentAssertions;
using Xunit.Abstractions;

namespace ActorSim.Numerics.Tests.Virus.Spatial;

public class Rkl2Tests
{
    private readonly ITestOutputHelper _out;
    public Rkl2Tests(ITestOutputHelper output) => _out = output;

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(20)]
    public void Stability_polynomial_is_bounded_by_one_on_the_stability_interval(int s)
    {
        double limit = Rkl2.StabilityLimit(s);
        double worst = 0;
        for (int i = 0; i <= 4000; i++)
        {
            double z = -limit * i / 4000.0;
            worst = Math.Max(worst, Math.Abs(Rkl2.StabilityPolynomial(s, z)));
        }
        _out.WriteLine($"s={s}: limit {limit}, max|P| {worst}, |P| just beyond {Math.Abs(Rkl2.StabilityPolynomial(s, -1.05 * limit))}");
        worst.Should().BeLessThanOrEqualTo(1.0 + 1e-12);
    }
}
