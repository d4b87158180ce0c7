using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ActorSim.Numerics.Random;

/// <summary>
/// A stream of 32-bit uniforms for kernels that need one uniform per item and step (the Huxley bridges): item i of
/// the stream (seed, lane, step) takes word j = (i / 4) mod 4 of Philox4x32 block 4 ⌊i / 16⌋ + (i mod 4), with
/// counter (block, step, lane) and key seed — all four words of each block are used, so a group of 16 items costs
/// four Philox blocks, half of what 53-bit doubles cost. The order (words of four consecutive blocks side by side)
/// is the order in which a 4-lane vector generator produces them, so no transposition is needed; the scalar, AVX2
/// and AVX-512 generators below give the same values, bit for bit.
/// <para>
/// The value handed out is the word k scaled by 2^32: k + 1/2, i.e. the centred uniform u = (k + 1/2) 2^-32 in
/// (0, 1), never 0 or 1, times 2^32. A caller compares it with 2^32 p to test u &lt; p: multiplying by a power of two
/// is exact, so the comparison is the one of u with p. Resolution 2^-32 ≈ 2.3e-10.
/// </para>
/// <para>
/// <see cref="Rounds"/> is the number of Philox rounds (10, as <see cref="Philox4x32"/>; Salmon et al., SC'11,
/// "Parallel random numbers: as easy as 1, 2, 3", found Philox4x32-7 already passes BigCrush, 10 is their default
/// with a safety margin).
/// </para>
/// </summary>
public static class PhiloxUniforms32
{
    /// <summary>Philox rounds per block.</summary>
    public const int Rounds = 10;

    /// <summary>Items per group (four Philox blocks).</summary>
    public const int GroupSize = 16;

    /// <summary>2^32: the factor between a value of this stream and the uniform it stands for.</summary>
    public const double Scale = 4294967296.0;

    private const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;
    private const ulong Magic = 0x4330_0000_0000_0000; // the bits of 2^52: (Magic | k) as a double is 2^52 + k

    /// <summary>The uniform (k + 1/2) 2^-32 that a value of this stream stands for.</summary>
    public static double Uniform(double scaled) => scaled * (1.0 / Scale);

    /// <summary>
    /// The round keys of <paramref name="seed"/>: (k0 + r W0, k1 + r W1) for round r, as 2 <see cref="Rounds"/> words,
    /// zero-extended to 64 bits (the vector generators' layout). Compute once per step.
    /// </summary>
    public static void RoundKeys(ulong seed, Span<ulong> keys)
    {
        if (keys.Length != 2 * Rounds) throw new ArgumentException($"round keys need {2 * Rounds} words", nameof(keys));
        uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
        for (int r = 0; r < Rounds; r++) { keys[2 * r] = k0; keys[2 * r + 1] = k1; k0 += W0; k1 += W1; }
    }

    /// <summary>Items 16 <paramref name="group"/> … 16 <paramref name="group"/> + 15 of the stream (scalar).</summary>
    public static void FillGroup(ulong group, uint step, uint lane, ReadOnlySpan<ulong> keys, Span<double> destination)
    {
        for (int b = 0; b < 4; b++)
        {
            ulong block = 4 * group + (ulong)b;
            uint c0 = (uint)block, c1 = (uint)(block >> 32), c2 = step, c3 = lane;
            for (int r = 0; r < Rounds; r++)
            {
                ulong p0 = (ulong)M0 * c0, p1 = (ulong)M1 * c2;
                uint n0 = (uint)(p1 >> 32) ^ c1 ^ (uint)keys[2 * r];
                uint n2 = (uint)(p0 >> 32) ^ c3 ^ (uint)keys[2 * r + 1];
                c0 = n0; c1 = (uint)p1; c2 = n2; c3 = (uint)p0;
            }
            destination[b] = c0 + 0.5; destination[4 + b] = c1 + 0.5;
            destination[8 + b] = c2 + 0.5; destination[12 + b] = c3 + 0.5;
        }
    }

    /// <summary>
    /// Groups <paramref name="group"/> and <paramref name="group"/> + 1 (32 items) with AVX2: two sets of four Philox
    /// blocks computed together so the dependent rounds of one hide those of the other. Callers check
    /// <see cref="Avx2.IsSupported"/>; <paramref name="keys"/> from <see cref="RoundKeys"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Fill32(ulong group, uint step, uint lane, ref ulong keys, ref double destination)
    {
        var m0 = Vector256.Create((ulong)M0).AsUInt32();
        var m1 = Vector256.Create((ulong)M1).AsUInt32();
        ulong block = 4 * group;
        var a0 = Vector256.Create(block & 0xFFFF_FFFF) + Vector256.Create(0UL, 1UL, 2UL, 3UL);
        var a1 = Vector256.Create(block >> 32);
        var b0 = a0 + Vector256.Create(4UL); var b1 = a1; // no carry into the high word: blocks < 2^31 for an int count
        var a2 = Vector256.Create((ulong)step); var a3 = Vector256.Create((ulong)lane);
        var b2 = a2; var b3 = a3;
        // the high halves of the 64-bit lanes carry garbage between rounds: vpmuludq reads only the low halves and
        // the xors keep the low halves exact; the outputs are cleaned once at the end. Two rounds per iteration, so
        // that the state comes back in the same variables without copies.
        int r = 0;
        for (; r + 2 <= Rounds; r += 2)
        {
            var kA0 = Vector256.Create(Unsafe.Add(ref keys, 2 * r)); var kA1 = Vector256.Create(Unsafe.Add(ref keys, 2 * r + 1));
            var kB0 = Vector256.Create(Unsafe.Add(ref keys, 2 * r + 2)); var kB1 = Vector256.Create(Unsafe.Add(ref keys, 2 * r + 3));
            var p0 = Avx2.Multiply(a0.AsUInt32(), m0); var q0 = Avx2.Multiply(b0.AsUInt32(), m0);
            var p1 = Avx2.Multiply(a2.AsUInt32(), m1); var q1 = Avx2.Multiply(b2.AsUInt32(), m1);
            var c0 = Avx2.ShiftRightLogical(p1, 32) ^ a1 ^ kA0; var d0 = Avx2.ShiftRightLogical(q1, 32) ^ b1 ^ kA0;
            var c2 = Avx2.ShiftRightLogical(p0, 32) ^ a3 ^ kA1; var d2 = Avx2.ShiftRightLogical(q0, 32) ^ b3 ^ kA1;
            a3 = Avx2.Multiply(c0.AsUInt32(), m0); b3 = Avx2.Multiply(d0.AsUInt32(), m0);
            a1 = Avx2.Multiply(c2.AsUInt32(), m1); b1 = Avx2.Multiply(d2.AsUInt32(), m1);
            a0 = Avx2.ShiftRightLogical(a1, 32) ^ p1 ^ kB0; b0 = Avx2.ShiftRightLogical(b1, 32) ^ q1 ^ kB0;
            a2 = Avx2.ShiftRightLogical(a3, 32) ^ p0 ^ kB1; b2 = Avx2.ShiftRightLogical(b3, 32) ^ q0 ^ kB1;
        }
        if (r < Rounds)
        {
            var kk0 = Vector256.Create(Unsafe.Add(ref keys, 2 * r)); var kk1 = Vector256.Create(Unsafe.Add(ref keys, 2 * r + 1));
            var p0 = Avx2.Multiply(a0.AsUInt32(), m0); var q0 = Avx2.Multiply(b0.AsUInt32(), m0);
            var p1 = Avx2.Multiply(a2.AsUInt32(), m1); var q1 = Avx2.Multiply(b2.AsUInt32(), m1);
            a0 = Avx2.ShiftRightLogical(p1, 32) ^ a1 ^ kk0; b0 = Avx2.ShiftRightLogical(q1, 32) ^ b1 ^ kk0;
            a2 = Avx2.ShiftRightLogical(p0, 32) ^ a3 ^ kk1; b2 = Avx2.ShiftRightLogical(q0, 32) ^ b3 ^ kk1;
            a1 = p1; a3 = p0; b1 = q1; b3 = q0;
        }
        Store4(a0, ref destination); Store4(a1, ref Unsafe.Add(ref destination, 4));
        Store4(a2, ref Unsafe.Add(ref destination, 8)); Store4(a3, ref Unsafe.Add(ref destination, 12));
        Store4(b0, ref Unsafe.Add(ref destination, 16)); Store4(b1, ref Unsafe.Add(ref destination, 20));
        Store4(b2, ref Unsafe.Add(ref destination, 24)); Store4(b3, ref Unsafe.Add(ref destination, 28));
    }

    /// <summary>Low words of the lanes of <paramref name="w"/> as k + 1/2 (exact: 2^52 + k − (2^52 − 1/2)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(Vector256<ulong> w, ref double destination)
    {
        var big = Avx2.Blend(w.AsUInt32(), Vector256.Create(Magic).AsUInt32(), 0b1010_1010).AsDouble();
        (big - Vector256.Create(4503599627370495.5)).StoreUnsafe(ref destination);
    }

    /// <summary>
    /// Groups <paramref name="group"/> … <paramref name="group"/> + 3 (64 items) with AVX-512 (F; callers check
    /// <see cref="Avx512F.IsSupported"/>): the same values as <see cref="Fill32"/>, eight Philox blocks per vector.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Fill64(ulong group, uint step, uint lane, ref ulong keys, ref double destination)
    {
        var m0 = Vector512.Create((ulong)M0).AsUInt32();
        var m1 = Vector512.Create((ulong)M1).AsUInt32();
        ulong block = 4 * group;
        var a0 = Vector512.Create(block & 0xFFFF_FFFF) + Vector512.Create(0UL, 1UL, 2UL, 3UL, 4UL, 5UL, 6UL, 7UL);
        var a1 = Vector512.Create(block >> 32);
        var b0 = a0 + Vector512.Create(8UL); var b1 = a1;
        var a2 = Vector512.Create((ulong)step); var a3 = Vector512.Create((ulong)lane);
        var b2 = a2; var b3 = a3;
        int r = 0;
        for (; r + 2 <= Rounds; r += 2) // as in Fill32
        {
            var kA0 = Vector512.Create(Unsafe.Add(ref keys, 2 * r)); var kA1 = Vector512.Create(Unsafe.Add(ref keys, 2 * r + 1));
            var kB0 = Vector512.Create(Unsafe.Add(ref keys, 2 * r + 2)); var kB1 = Vector512.Create(Unsafe.Add(ref keys, 2 * r + 3));
            var p0 = Avx512F.Multiply(a0.AsUInt32(), m0); var q0 = Avx512F.Multiply(b0.AsUInt32(), m0);
            var p1 = Avx512F.Multiply(a2.AsUInt32(), m1); var q1 = Avx512F.Multiply(b2.AsUInt32(), m1);
            var c0 = (p1 >>> 32) ^ a1 ^ kA0; var d0 = (q1 >>> 32) ^ b1 ^ kA0;
            var c2 = (p0 >>> 32) ^ a3 ^ kA1; var d2 = (q0 >>> 32) ^ b3 ^ kA1;
            a3 = Avx512F.Multiply(c0.AsUInt32(), m0); b3 = Avx512F.Multiply(d0.AsUInt32(), m0);
            a1 = Avx512F.Multiply(c2.AsUInt32(), m1); b1 = Avx512F.Multiply(d2.AsUInt32(), m1);
            a0 = (a1 >>> 32) ^ p1 ^ kB0; b0 = (b1 >>> 32) ^ q1 ^ kB0;
            a2 = (a3 >>> 32) ^ p0 ^ kB1; b2 = (b3 >>> 32) ^ q0 ^ kB1;
        }
        if (r < Rounds)
        {
            var kk0 = Vector512.Create(Unsafe.Add(ref keys, 2 * r)); var kk1 = Vector512.Create(Unsafe.Add(ref keys, 2 * r + 1));
            var p0 = Avx512F.Multiply(a0.AsUInt32(), m0); var q0 = Avx512F.Multiply(b0.AsUInt32(), m0);
            var p1 = Avx512F.Multiply(a2.AsUInt32(), m1); var q1 = Avx512F.Multiply(b2.AsUInt32(), m1);
            a0 = (p1 >>> 32) ^ a1 ^ kk0; b0 = (q1 >>> 32) ^ b1 ^ kk0;
            a2 = (p0 >>> 32) ^ a3 ^ kk1; b2 = (q0 >>> 32) ^ b3 ^ kk1;
            a1 = p1; a3 = p0; b1 = q1; b3 = q0;
        }
        Store8(a0, ref destination); Store8(a1, ref Unsafe.Add(ref destination, 4));
        Store8(a2, ref Unsafe.Add(ref destination, 8)); Store8(a3, ref Unsafe.Add(ref destination, 12));
        Store8(b0, ref Unsafe.Add(ref destination, 32)); Store8(b1, ref Unsafe.Add(ref destination, 36));
        Store8(b2, ref Unsafe.Add(ref destination, 40)); Store8(b3, ref Unsafe.Add(ref destination, 44));
    }

    /// <summary>Word j of blocks 4g … 4g + 7: lanes 0–3 belong to group g, lanes 4–7 to group g + 1 (16 items on).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store8(Vector512<ulong> w, ref double destination)
    {
        var big = (w & Vector512.Create(0xFFFF_FFFFUL)) | Vector512.Create(Magic);
        var u = big.AsDouble() - Vector512.Create(4503599627370495.5);
        u.GetLower().StoreUnsafe(ref destination);
        u.GetUpper().StoreUnsafe(ref Unsafe.Add(ref destination, 16));
    }
}
