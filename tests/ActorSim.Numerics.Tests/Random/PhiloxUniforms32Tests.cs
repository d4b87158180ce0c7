using System.Runtime.Intrinsics.X86;
using ActorSim.Numerics.Random;
using ActorSim.Numerics.Tests.Muscle;
using FluentAssertions;

namespace ActorSim.Numerics.Tests.Random;

/// <summary>The 32-bit uniform stream of the Huxley bridges (<see cref="PhiloxUniforms32"/>).</summary>
public class PhiloxUniforms32Tests
{
    private static ulong[] Keys(ulong seed)
    {
        var k = new ulong[2 * PhiloxUniforms32.Rounds];
        PhiloxUniforms32.RoundKeys(seed, k);
        return k;
    }

    /// <summary>Items 0 … count − 1 of the stream (seed, lane, step) from the scalar generator.</summary>
    private static double[] Scalar(ulong seed, uint step, uint lane, int groups, ulong firstGroup = 0)
    {
        var keys = Keys(seed);
        var u = new double[groups * PhiloxUniforms32.GroupSize];
        for (int g = 0; g < groups; g++)
            PhiloxUniforms32.FillGroup(firstGroup + (ulong)g, step, lane, keys, u.AsSpan(g * PhiloxUniforms32.GroupSize, PhiloxUniforms32.GroupSize));
        return u;
    }

    [Fact]
    public void Items_are_the_centred_words_of_Philox4x32_10_blocks_in_the_documented_order()
    {
        PhiloxUniforms32.Rounds.Should().Be(10, "the check below uses the 10-round Philox4x32 of the Random123 vectors");
        ulong seed = 0xFEDC_BA98_7654_3210UL;
        var u = Scalar(seed, 77, 5, 3, firstGroup: 1000);
        for (int i = 0; i < u.Length; i++)
        {
            ulong item = 1000UL * 16 + (ulong)i;
            ulong block = 4 * (item / 16) + item % 4;
            int word = (int)(item / 4 % 4);
            var w = Philox4x32.Generate((uint)block, (uint)(block >> 32), 77, 5, (uint)seed, (uint)(seed >> 32));
            uint k = word switch { 0 => w.X0, 1 => w.X1, 2 => w.X2, _ => w.X3 };
            u[i].Should().Be(k + 0.5, $"item {item}");
        }
    }

    [Fact]
    public void Vector_generators_give_the_scalar_values_at_any_group_offset()
    {
        if (!Avx2.IsSupported) return; // nothing to compare on this machine: the scalar generator is the only path
        ulong seed = 0x0123_4567_89AB_CDEFUL;
        var keys = Keys(seed);
        foreach (ulong first in new ulong[] { 0, 1, 3, 17, 1_000_003 })
        {
            var expected = Scalar(seed, 4_000_000_000u, 9, 8, first);
            var got = new double[expected.Length];
            for (int g = 0; g < 8; g += 2) PhiloxUniforms32.Fill32(first + (ulong)g, 4_000_000_000u, 9, ref keys[0], ref got[16 * g]);
            TestData.BitEqual(got, expected).Should().BeTrue($"AVX2 from group {first}");
            if (!Avx512F.IsSupported) continue;
            Array.Clear(got);
            for (int g = 0; g < 8; g += 4) PhiloxUniforms32.Fill64(first + (ulong)g, 4_000_000_000u, 9, ref keys[0], ref got[16 * g]);
            TestData.BitEqual(got, expected).Should().BeTrue($"AVX-512 from group {first}");
        }
    }

    [Fact]
    public void Uniforms_lie_strictly_inside_zero_one_and_the_word_extremes_map_to_the_centred_ends()
    {
        PhiloxUniforms32.Uniform(0 + 0.5).Should().Be(0.5 / 4294967296.0);
        PhiloxUniforms32.Uniform(uint.MaxValue + 0.5).Should().Be(1.0 - 0.5 / 4294967296.0).And.BeLessThan(1.0);
        var u = Scalar(3, 0, 0, 1000);
        u.Should().OnlyContain(v => v > 0 && v < PhiloxUniforms32.Scale && v - Math.Floor(v) == 0.5);
    }

    /// <summary>
    /// 10^6 draws (the stream of one block and step, and 16 steps × 4 blocks of 15,625 each, as a run uses them):
    /// mean 1/2 and variance 1/12 within 5 standard errors, and 64 equal bins pass a chi-square test at 5 sigma.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_million_draws_have_the_uniform_mean_variance_and_histogram(bool acrossStepsAndBlocks)
    {
        const int n = 1_000_000, bins = 64;
        var draws = new List<double>(n);
        if (!acrossStepsAndBlocks) draws.AddRange(Scalar(2024, 0, 0, n / 16));
        else
            for (uint step = 0; step < 16; step++)
                for (uint block = 0; block < 4; block++)
                {
                    var u = Scalar(2024, step, block, 15_625 / 16 + 1);
                    draws.AddRange(u.Take(15_625));
                }
        draws.Should().HaveCount(n);
        double mean = 0, m2 = 0;
        var count = new int[bins];
        foreach (double scaled in draws)
        {
            double u = PhiloxUniforms32.Uniform(scaled);
            mean += u; m2 += (u - 0.5) * (u - 0.5);
            count[(int)(u * bins)]++;
        }
        mean /= n; double variance = m2 / n;
        // Var u = 1/12; Var (u − 1/2)² = 1/80 − 1/144
        Math.Abs(mean - 0.5).Should().BeLessThan(5 * Math.Sqrt(1.0 / 12 / n));
        Math.Abs(variance - 1.0 / 12).Should().BeLessThan(5 * Math.Sqrt((1.0 / 80 - 1.0 / 144) / n));
        double expected = (double)n / bins, chi2 = count.Sum(c => (c - expected) * (c - expected) / expected);
        // chi-square with 63 degrees of freedom: mean 63, standard deviation √126
        chi2.Should().BeLessThan(63 + 5 * Math.Sqrt(126.0));
    }

    [Fact]
    public void Streams_of_different_steps_lanes_and_seeds_differ()
    {
        var a = Scalar(42, 17, 3, 64);
        foreach (var other in new[] { Scalar(42, 18, 3, 64), Scalar(42, 17, 4, 64), Scalar(43, 17, 3, 64) })
            a.Zip(other).Count(p => p.First == p.Second).Should().BeLessThan(3);
        Scalar(42, 17, 3, 64).Should().Equal(a);
    }
}
