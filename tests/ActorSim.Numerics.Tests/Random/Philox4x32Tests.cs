using ActorSim.Numerics.Random;

namespace ActorSim.Numerics.Tests.Random;

public class Philox4x32Tests
{
    // Known-answer vectors of the Random123 distribution (kat_vectors, philox4x32 10 rounds).
    [Theory]
    [InlineData(0u, 0u, 0u, 0u, 0u, 0u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [InlineData(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [InlineData(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void Matches_known_answer_vectors(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint e0, uint e1, uint e2, uint e3)
    {
        var r = Philox4x32.Generate(c0, c1, c2, c3, k0, k1);
        Assert.Equal((e0, e1, e2, e3), r);
    }

    [Fact]
    public void Streams_are_reproducible_and_distinct_per_block_and_step()
    {
        var a = new CounterRandom(42, 3, 17);
        var b = new CounterRandom(42, 3, 17);
        var c = new CounterRandom(42, 4, 17);
        var d = new CounterRandom(42, 3, 18);
        int sameAsC = 0, sameAsD = 0;
        for (int i = 0; i < 1000; i++)
        {
            ulong x = a.NextUInt64();
            Assert.Equal(x, b.NextUInt64());
            if (x == c.NextUInt64()) sameAsC++;
            if (x == d.NextUInt64()) sameAsD++;
        }
        Assert.Equal(0, sameAsC);
        Assert.Equal(0, sameAsD);
    }

    [Fact]
    public void Uniform_and_gaussian_moments_are_right_within_statistical_error()
    {
        var rng = new CounterRandom(7, 0, 0);
        const int n = 200_000;
        double s = 0, s2 = 0, g = 0, g2 = 0;
        for (int i = 0; i < n; i++)
        {
            double u = rng.NextDouble();
            Assert.InRange(u, 0.0, 1.0 - 1e-17);
            s += u; s2 += u * u;
            double z = rng.NextGaussian();
            g += z; g2 += z * z;
        }
        // Means within 5 standard errors: sd(u) = 1/sqrt(12), sd(z) = 1.
        Assert.InRange(s / n - 0.5, -5 / Math.Sqrt(12.0 * n), 5 / Math.Sqrt(12.0 * n));
        Assert.InRange(s2 / n - 1.0 / 3.0, -0.005, 0.005);
        Assert.InRange(g / n, -5 / Math.Sqrt(n), 5 / Math.Sqrt(n));
        Assert.InRange(g2 / n - 1.0, -5 * Math.Sqrt(2.0 / n), 5 * Math.Sqrt(2.0 / n));
    }
}
