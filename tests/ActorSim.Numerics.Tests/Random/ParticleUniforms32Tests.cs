using System.Runtime.Intrinsics.X86;
using ActorSim.Numerics.Random;
using FluentAssertions;

namespace ActorSim.Numerics.Tests.Random;

/// <summary>The per-item 32-bit streams of the virus Monte Carlo kernel (issue 14).</summary>
public class ParticleUniforms32Tests
{
    [Fact]
    public void Draws_are_the_centred_words_of_Philox4x32_10_at_the_documented_counter()
    {
        ulong seed = 0x0123_4567_89AB_CDEF;
        var stream = new ParticleUniformStream(seed, 5, 77, 2, 1234);
        for (uint j = 0; j < 13; j++)
        {
            var (x0, x1, x2, x3) = Philox4x32.Generate(1234, 4 * (j / 4) + 2, 77, 5, (uint)seed, (uint)(seed >> 32));
            uint k = (j % 4) switch { 0 => x0, 1 => x1, 2 => x2, _ => x3 };
            stream.Next().Should().Be((k + 0.5) / 4294967296.0, $"draw {j}");
        }
        stream.Taken.Should().Be(13);
        ParticleUniforms32.Uniform(0).Should().Be(0.5 / 4294967296.0).And.BeGreaterThan(0);
        ParticleUniforms32.Uniform(uint.MaxValue).Should().BeLessThan(1.0);
    }

    [Theory]
    [InlineData(0u, 256)]
    [InlineData(3u, 13)]
    [InlineData(1_000_003u, 100)]
    public void First_draws_of_the_vector_generators_equal_the_scalar_ones_at_any_offset(uint first, int count)
    {
        int room = (count + 15) & ~15;
        var v = Enumerable.Range(0, 4).Select(_ => new double[room]).ToArray();
        var v8 = Enumerable.Range(0, 4).Select(_ => new double[room]).ToArray();
        var s = Enumerable.Range(0, 4).Select(_ => new double[room]).ToArray();
        ParticleUniforms32.FirstDraws(99, 3, 11, 1, first, count, v[0], v[1], v[2], v[3], vector: true);
        ParticleUniforms32.FirstDraws(99, 3, 11, 1, first, count, v8[0], v8[1], v8[2], v8[3], vector: true, wide: true);
        ParticleUniforms32.FirstDraws(99, 3, 11, 1, first, count, s[0], s[1], s[2], s[3], vector: false);
        for (int j = 0; j < 4; j++)
            for (int q = 0; q < count; q++)
            {
                BitConverter.DoubleToInt64Bits(v[j][q]).Should().Be(BitConverter.DoubleToInt64Bits(s[j][q]), $"draw {j} of item {first + q}");
                BitConverter.DoubleToInt64Bits(v8[j][q]).Should().Be(BitConverter.DoubleToInt64Bits(s[j][q]), $"draw {j} of item {first + q} (AVX-512)");
                var item = new ParticleUniformStream(99, 3, 11, 1, first + (uint)q);
                for (int i = 0; i < j; i++) item.Next();
                item.Next().Should().Be(s[j][q]);
            }
        if (!Avx2.IsSupported || !Avx512F.IsSupported) Console.WriteLine("AVX2 or AVX-512 missing: a vector generator fell back to a narrower one");
    }

    [Fact]
    public void A_million_draws_over_items_and_draw_indices_have_the_uniform_mean_variance_and_histogram()
    {
        const int items = 125_000, perItem = 8, n = items * perItem;
        double sum = 0, sum2 = 0;
        var bins = new int[64];
        for (uint i = 0; i < items; i++)
        {
            var st = new ParticleUniformStream(7, i % 3, i % 5, i % 4, i);
            for (int j = 0; j < perItem; j++)
            {
                double u = st.Next();
                u.Should().BeInRange(double.Epsilon, 1 - 1e-12);
                sum += u; sum2 += u * u;
                bins[(int)(u * 64)]++;
            }
        }
        double mean = sum / n, variance = sum2 / n - mean * mean;
        Math.Abs(mean - 0.5).Should().BeLessThan(5 * Math.Sqrt(1.0 / 12 / n));
        Math.Abs(variance - 1.0 / 12).Should().BeLessThan(5 * Math.Sqrt((1.0 / 80 - 1.0 / 144) / n));
        double expected = n / 64.0, chi2 = bins.Sum(b => (b - expected) * (b - expected) / expected);
        chi2.Should().BeLessThan(63 + 5 * Math.Sqrt(126.0));
    }

    [Fact]
    public void Streams_of_other_items_tags_steps_blocks_and_seeds_differ()
    {
        static double[] Take(ulong seed, uint block, uint step, uint tag, uint item)
        {
            var s = new ParticleUniformStream(seed, block, step, tag, item);
            return Enumerable.Range(0, 8).Select(_ => s.Next()).ToArray();
        }
        var a = Take(1, 2, 3, 0, 4);
        Take(1, 2, 3, 0, 4).Should().Equal(a);
        foreach (var other in new[] { Take(2, 2, 3, 0, 4), Take(1, 3, 3, 0, 4), Take(1, 2, 4, 0, 4), Take(1, 2, 3, 1, 4), Take(1, 2, 3, 0, 5) })
            a.Zip(other).Count(p => p.First == p.Second).Should().Be(0);
    }
}
