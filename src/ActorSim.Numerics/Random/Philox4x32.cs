using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ActorSim.Numerics.Random;

/// <summary>
/// The Philox4x32-10 counter-based generator (Salmon et al., "Parallel random numbers: as easy as
/// 1, 2, 3", SC'11). A pure function of a 128-bit counter and a 64-bit key: no state, so any draw can
/// be recomputed on any node in any order, which is what makes replays after a failure exact.
/// </summary>
public static class Philox4x32
{
    private const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// <summary>Maps (counter c0..c3, key k0,k1) to four independent uniformly distributed 32-bit words.</summary>
    public static (uint X0, uint X1, uint X2, uint X3) Generate(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        for (int round = 0; round < 10; round++)
        {
            if (round > 0) { k0 += W0; k1 += W1; }
            ulong p0 = (ulong)M0 * c0;
            ulong p1 = (ulong)M1 * c2;
            uint n0 = (uint)(p1 >> 32) ^ c1 ^ k0;
            uint n1 = (uint)p1;
            uint n2 = (uint)(p0 >> 32) ^ c3 ^ k1;
            uint n3 = (uint)p0;
            c0 = n0; c1 = n1; c2 = n2; c3 = n3;
        }
        return (c0, c1, c2, c3);
    }

    /// <summary>
    /// Four Philox blocks at once (AVX2; callers check <see cref="Avx2.IsSupported"/>): lane j of c0..c3 holds the
    /// 32-bit counter words of block j in its low half, and on return its four output words, bit for bit what
    /// <see cref="Generate"/> gives for that counter.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Generate4(ref Vector256<ulong> c0, ref Vector256<ulong> c1, ref Vector256<ulong> c2, ref Vector256<ulong> c3, uint k0, uint k1)
    {
        var m0 = Vector256.Create((ulong)M0).AsUInt32();
        var m1 = Vector256.Create((ulong)M1).AsUInt32();
        var low = Vector256.Create(0xFFFF_FFFFUL);
        var a0 = c0; var a1 = c1; var a2 = c2; var a3 = c3;
        for (int round = 0; round < 10; round++)
        {
            if (round > 0) { k0 += W0; k1 += W1; }
            var p0 = Avx2.Multiply(a0.AsUInt32(), m0);
            var p1 = Avx2.Multiply(a2.AsUInt32(), m1);
            var n0 = Avx2.ShiftRightLogical(p1, 32) ^ a1 ^ Vector256.Create((ulong)k0);
            var n1 = p1 & low;
            var n2 = Avx2.ShiftRightLogical(p0, 32) ^ a3 ^ Vector256.Create((ulong)k1);
            var n3 = p0 & low;
            a0 = n0; a1 = n1; a2 = n2; a3 = n3;
        }
        c0 = a0; c1 = a1; c2 = a2; c3 = a3;
    }

    /// <summary>
    /// Eight uniforms in [0, 1) (53 bits, as <see cref="CounterRandom.NextDouble"/>) of four consecutive Philox blocks
    /// first, first + 1, … of the stream with counter words (block, step, lane) and key (k0, k1), in stream order,
    /// written to <paramref name="destination"/>[0..8): block j gives draws 2j (words 0, 1) and 2j + 1 (words 2, 3).
    /// Two such groups are computed together so the ten dependent rounds of one hide those of the other.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void FillUniforms16(ulong first, uint step, uint lane, uint k0, uint k1, ref double destination)
    {
        var m0 = Vector256.Create((ulong)M0).AsUInt32();
        var m1 = Vector256.Create((ulong)M1).AsUInt32();
        var low = Vector256.Create(0xFFFF_FFFFUL);
        var idx = Vector256.Create(0UL, 1UL, 2UL, 3UL);
        var a0 = Vector256.Create(first & 0xFFFF_FFFF) + idx; var a1 = Vector256.Create(first >> 32);
        var b0 = a0 + Vector256.Create(4UL); var b1 = a1;
        var a2 = Vector256.Create((ulong)step); var a3 = Vector256.Create((ulong)lane);
        var b2 = a2; var b3 = a3;
        for (int round = 0; round < 10; round++)
        {
            if (round > 0) { k0 += W0; k1 += W1; }
            var kk0 = Vector256.Create((ulong)k0); var kk1 = Vector256.Create((ulong)k1);
            var p0 = Avx2.Multiply(a0.AsUInt32(), m0); var q0 = Avx2.Multiply(b0.AsUInt32(), m0);
            var p1 = Avx2.Multiply(a2.AsUInt32(), m1); var q1 = Avx2.Multiply(b2.AsUInt32(), m1);
            var n0 = Avx2.ShiftRightLogical(p1, 32) ^ a1 ^ kk0; var o0 = Avx2.ShiftRightLogical(q1, 32) ^ b1 ^ kk0;
            var n2 = Avx2.ShiftRightLogical(p0, 32) ^ a3 ^ kk1; var o2 = Avx2.ShiftRightLogical(q0, 32) ^ b3 ^ kk1;
            a0 = n0; a1 = p1 & low; a2 = n2; a3 = p0 & low;
            b0 = o0; b1 = q1 & low; b2 = o2; b3 = q0 & low;
        }
        var scale = Vector256.Create(1.0 / 9007199254740992.0);
        Store8(Vector256.ConvertToDouble(((a0 << 21) | (a1 >> 11)).AsInt64()) * scale,
               Vector256.ConvertToDouble(((a2 << 21) | (a3 >> 11)).AsInt64()) * scale, ref destination);
        Store8(Vector256.ConvertToDouble(((b0 << 21) | (b1 >> 11)).AsInt64()) * scale,
               Vector256.ConvertToDouble(((b2 << 21) | (b3 >> 11)).AsInt64()) * scale, ref Unsafe.Add(ref destination, 8));
    }

    /// <summary>
    /// As <see cref="FillUniforms16"/> for sixteen consecutive Philox blocks (32 uniforms) with 512-bit vectors (AVX-512F
    /// and DQ; callers check <see cref="Avx512F.IsSupported"/> and <see cref="Avx512DQ.IsSupported"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void FillUniforms32(ulong first, uint step, uint lane, uint k0, uint k1, ref double destination)
    {
        var m0 = Vector512.Create((ulong)M0).AsUInt32();
        var m1 = Vector512.Create((ulong)M1).AsUInt32();
        var low = Vector512.Create(0xFFFF_FFFFUL);
        var idx = Vector512.Create(0UL, 1UL, 2UL, 3UL, 4UL, 5UL, 6UL, 7UL);
        var a0 = Vector512.Create(first & 0xFFFF_FFFF) + idx; var a1 = Vector512.Create(first >> 32);
        var b0 = a0 + Vector512.Create(8UL); var b1 = a1;
        var a2 = Vector512.Create((ulong)step); var a3 = Vector512.Create((ulong)lane);
        var b2 = a2; var b3 = a3;
        for (int round = 0; round < 10; round++)
        {
            if (round > 0) { k0 += W0; k1 += W1; }
            var kk0 = Vector512.Create((ulong)k0); var kk1 = Vector512.Create((ulong)k1);
            var p0 = Avx512F.Multiply(a0.AsUInt32(), m0); var q0 = Avx512F.Multiply(b0.AsUInt32(), m0);
            var p1 = Avx512F.Multiply(a2.AsUInt32(), m1); var q1 = Avx512F.Multiply(b2.AsUInt32(), m1);
            var n0 = (p1 >>> 32) ^ a1 ^ kk0; var o0 = (q1 >>> 32) ^ b1 ^ kk0;
            var n2 = (p0 >>> 32) ^ a3 ^ kk1; var o2 = (q0 >>> 32) ^ b3 ^ kk1;
            a0 = n0; a1 = p1 & low; a2 = n2; a3 = p0 & low;
            b0 = o0; b1 = q1 & low; b2 = o2; b3 = q0 & low;
        }
        var scale = Vector512.Create(1.0 / 9007199254740992.0);
        Store16(Vector512.ConvertToDouble(((a0 << 21) | (a1 >>> 11)).AsInt64()) * scale,
                Vector512.ConvertToDouble(((a2 << 21) | (a3 >>> 11)).AsInt64()) * scale, ref destination);
        Store16(Vector512.ConvertToDouble(((b0 << 21) | (b1 >>> 11)).AsInt64()) * scale,
                Vector512.ConvertToDouble(((b2 << 21) | (b3 >>> 11)).AsInt64()) * scale, ref Unsafe.Add(ref destination, 16));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store16(Vector512<double> even, Vector512<double> odd, ref double destination)
    {
        var first = Vector512.Create(0L, 8L, 1L, 9L, 2L, 10L, 3L, 11L);
        var second = Vector512.Create(4L, 12L, 5L, 13L, 6L, 14L, 7L, 15L);
        Avx512F.PermuteVar8x64x2(even, first, odd).StoreUnsafe(ref destination);
        Avx512F.PermuteVar8x64x2(even, second, odd).StoreUnsafe(ref Unsafe.Add(ref destination, 8));
    }

    /// <summary>Even draws (lanes = blocks) and odd draws to 8 doubles in draw order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store8(Vector256<double> even, Vector256<double> odd, ref double destination)
    {
        var lo = Avx.UnpackLow(even, odd); var hi = Avx.UnpackHigh(even, odd);
        Avx.Permute2x128(lo, hi, 0x20).StoreUnsafe(ref destination);
        Avx.Permute2x128(lo, hi, 0x31).StoreUnsafe(ref Unsafe.Add(ref destination, 4));
    }
}

/// <summary>
/// A random stream keyed by (seed, block, step): draw number i of the stream is Philox4x32-10 with key
/// = seed and counter = (i, step, block). Streams of different blocks or steps never overlap, and the
/// stream is reproduced exactly by constructing it again with the same key. A value type: creating one
/// allocates nothing. Up to 2^32 blocks, 2^32 steps and 2^34 draws per (block, step).
/// </summary>
public struct CounterRandom
{
    private readonly uint _k0, _k1, _step, _block;
    private ulong _counter;     // index of the next 4-word Philox block
    private uint _b1, _b2, _b3; // buffered words of the current block
    private int _buffered;      // how many of _b1.._b3 are still unused (taken from the end)

    public CounterRandom(ulong seed, uint block, ulong step)
    {
        if (step > uint.MaxValue) throw new ArgumentOutOfRangeException(nameof(step), step, "step must fit in 32 bits");
        _k0 = (uint)seed; _k1 = (uint)(seed >> 32); _step = (uint)step; _block = block;
        _counter = 0; _b1 = _b2 = _b3 = 0; _buffered = 0;
    }

    /// <summary>
    /// The stream (seed, block, step) positioned at Philox block <paramref name="philoxBlock"/>: its next word is word
    /// 4 <paramref name="philoxBlock"/> of the stream, so its next <see cref="NextDouble"/> is draw 2 philoxBlock of a
    /// stream that draws only doubles. Lets a vectorised kernel finish a range with the scalar stream.
    /// </summary>
    public static CounterRandom AtBlock(ulong seed, uint block, ulong step, ulong philoxBlock)
    {
        var r = new CounterRandom(seed, block, step);
        r._counter = philoxBlock;
        return r;
    }

    /// <summary>Next uniformly distributed 32-bit word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint NextUInt32()
    {
        switch (_buffered)
        {
            case 3: _buffered = 2; return _b1;
            case 2: _buffered = 1; return _b2;
            case 1: _buffered = 0; return _b3;
        }
        var (x0, x1, x2, x3) = Philox4x32.Generate((uint)_counter, (uint)(_counter >> 32), _step, _block, _k0, _k1);
        _counter++;
        _b1 = x1; _b2 = x2; _b3 = x3; _buffered = 3;
        return x0;
    }

    /// <summary>Next uniformly distributed 64-bit word.</summary>
    public ulong NextUInt64() => ((ulong)NextUInt32() << 32) | NextUInt32();

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>Uniform double in (0, 1]: safe for -log(u).</summary>
    public double NextDoubleOpenZero() => ((NextUInt64() >> 11) + 1) * (1.0 / 9007199254740992.0);

    /// <summary>Exponentially distributed with the given rate (mean 1/rate).</summary>
    public double NextExponential(double rate) => -Math.Log(NextDoubleOpenZero()) / rate;

    /// <summary>Standard normal (Box–Muller; one draw of the pair is used, so draws stay position-independent).</summary>
    public double NextGaussian()
    {
        double u1 = NextDoubleOpenZero(), u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
