using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ActorSim.Numerics.Random;

/// <summary>
/// One stream of 32-bit uniforms per item (a particle, a cell) for kernels whose items draw a data-dependent number of
/// uniforms: draw j of item i with tag t (0–3) in the stream (seed, block, step) is word j mod 4 of the Philox4x32-10
/// block with counter (i, 4 ⌊j/4⌋ + t, step, block) and key seed. The value is the centred uniform
/// u = (k + 1/2) 2^-32 of the word k: in (0, 1), never 0 or 1, resolution 2^-32. Nothing depends on the order in which
/// items are processed or on how they are grouped into vectors: an item's draws are a function of its key alone.
/// The first four draws of consecutive items are generated together (<see cref="FirstDraws"/>, four or eight items
/// per vector); the later ones, rarely needed, one block at a time by <see cref="ParticleUniformStream"/>.
/// </summary>
public static class ParticleUniforms32
{
    /// <summary>Number of tags (distinct families of items within one (seed, block, step)).</summary>
    public const uint TagCount = 4;

    private const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;
    private const ulong Magic = 0x4330_0000_0000_0000; // the bits of 2^52
    private const double Inv32 = 1.0 / 4294967296.0;

    /// <summary>The uniform (k + 1/2) 2^-32 of the word <paramref name="k"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Uniform(uint k) => (k + 0.5) * Inv32;

    /// <summary>Draws 4 <paramref name="drawBlock"/> … 4 <paramref name="drawBlock"/> + 3 of item <paramref name="item"/> (scalar).</summary>
    public static (double U0, double U1, double U2, double U3) Block(ulong seed, uint block, uint step, uint tag, uint item, uint drawBlock)
    {
        var (x0, x1, x2, x3) = Philox4x32.Generate(item, 4 * drawBlock + tag, step, block, (uint)seed, (uint)(seed >> 32));
        return (Uniform(x0), Uniform(x1), Uniform(x2), Uniform(x3));
    }

    /// <summary>
    /// Draws 0–3 of items <paramref name="firstItem"/> … <paramref name="firstItem"/> + count − 1 into
    /// <paramref name="u0"/> … <paramref name="u3"/>[0, count) (draw j of item firstItem + q at uj[q]). With
    /// <paramref name="vector"/> and AVX2 eight items per iteration (the destinations need room for count rounded up
    /// to a multiple of 8), with <paramref name="wide"/> and AVX-512F sixteen (room for a multiple of 16); otherwise one
    /// at a time. All give the same values.
    /// </summary>
    public static void FirstDraws(ulong seed, uint block, uint step, uint tag, uint firstItem, int count,
        Span<double> u0, Span<double> u1, Span<double> u2, Span<double> u3, bool vector, bool wide = false)
    {
        if (u0.Length < count || u1.Length < count || u2.Length < count || u3.Length < count) throw new ArgumentException("destinations too short");
        int q = 0;
        if (vector && wide && Avx512F.IsSupported)
        {
            int rounded = (count + 15) & ~15;
            if (u0.Length < rounded || u1.Length < rounded || u2.Length < rounded || u3.Length < rounded)
                throw new ArgumentException("destinations need room for the count rounded up to 16");
            for (; q < count; q += 16)
                First16(seed, block, step, tag, firstItem + (uint)q, ref u0[q], ref u1[q], ref u2[q], ref u3[q]);
            return;
        }
        if (vector && Avx2.IsSupported)
        {
            int rounded = (count + 7) & ~7;
            if (u0.Length < rounded || u1.Length < rounded || u2.Length < rounded || u3.Length < rounded)
                throw new ArgumentException("destinations need room for the count rounded up to 8");
            for (; q < count; q += 8)
                First8(seed, block, step, tag, firstItem + (uint)q, ref u0[q], ref u1[q], ref u2[q], ref u3[q]);
            return;
        }
        for (; q < count; q++)
        {
            var (a, b, c, d) = Block(seed, block, step, tag, firstItem + (uint)q, 0);
            u0[q] = a; u1[q] = b; u2[q] = c; u3[q] = d;
        }
    }

    /// <summary>Draws 0–3 of eight consecutive items with AVX2: two sets of four Philox blocks, interleaved.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void First8(ulong seed, uint block, uint step, uint tag, uint item, ref double u0, ref double u1, ref double u2, ref double u3)
    {
        var m0 = Vector256.Create((ulong)M0).AsUInt32();
        var m1 = Vector256.Create((ulong)M1).AsUInt32();
        var low = Vector256.Create(0xFFFF_FFFFUL);
        var a0 = (Vector256.Create((ulong)item) + Vector256.Create(0UL, 1UL, 2UL, 3UL)) & low;
        var b0 = (Vector256.Create((ulong)item) + Vector256.Create(4UL, 5UL, 6UL, 7UL)) & low;
        var a1 = Vector256.Create((ulong)tag); var b1 = a1;
        var a2 = Vector256.Create((ulong)step); var b2 = a2;
        var a3 = Vector256.Create((ulong)block); var b3 = a3;
        uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
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
        Store(a0, ref u0); Store(b0, ref Unsafe.Add(ref u0, 4));
        Store(a1, ref u1); Store(b1, ref Unsafe.Add(ref u1, 4));
        Store(a2, ref u2); Store(b2, ref Unsafe.Add(ref u2, 4));
        Store(a3, ref u3); Store(b3, ref Unsafe.Add(ref u3, 4));
    }

    /// <summary>Draws 0–3 of sixteen consecutive items with AVX-512F: two sets of eight Philox blocks, interleaved.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void First16(ulong seed, uint block, uint step, uint tag, uint item, ref double u0, ref double u1, ref double u2, ref double u3)
    {
        var m0 = Vector512.Create((ulong)M0).AsUInt32();
        var m1 = Vector512.Create((ulong)M1).AsUInt32();
        var low = Vector512.Create(0xFFFF_FFFFUL);
        var a0 = (Vector512.Create((ulong)item) + Vector512.Create(0UL, 1UL, 2UL, 3UL, 4UL, 5UL, 6UL, 7UL)) & low;
        var b0 = (Vector512.Create((ulong)item) + Vector512.Create(8UL, 9UL, 10UL, 11UL, 12UL, 13UL, 14UL, 15UL)) & low;
        var a1 = Vector512.Create((ulong)tag); var b1 = a1;
        var a2 = Vector512.Create((ulong)step); var b2 = a2;
        var a3 = Vector512.Create((ulong)block); var b3 = a3;
        uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
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
        Store(a0, ref u0); Store(b0, ref Unsafe.Add(ref u0, 8));
        Store(a1, ref u1); Store(b1, ref Unsafe.Add(ref u1, 8));
        Store(a2, ref u2); Store(b2, ref Unsafe.Add(ref u2, 8));
        Store(a3, ref u3); Store(b3, ref Unsafe.Add(ref u3, 8));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<ulong> w, ref double destination)
    {
        var big = ((w & Vector512.Create(0xFFFF_FFFFUL)) | Vector512.Create(Magic)).AsDouble();
        ((big - Vector512.Create(4503599627370495.5)) * Vector512.Create(Inv32)).StoreUnsafe(ref destination);
    }

    /// <summary>Low words k of the lanes as (k + 1/2) 2^-32 (exact: (2^52 + k) − (2^52 − 1/2), then a power of two).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<ulong> w, ref double destination)
    {
        var big = ((w & Vector256.Create(0xFFFF_FFFFUL)) | Vector256.Create(Magic)).AsDouble();
        ((big - Vector256.Create(4503599627370495.5)) * Vector256.Create(Inv32)).StoreUnsafe(ref destination);
    }
}

/// <summary>
/// The draws of one item of <see cref="ParticleUniforms32"/> in order, for the scalar chain of a kernel: draws 0–3 from
/// the values generated ahead (or generated here), each later group of four from one Philox block when reached.
/// A value type: keep it in a local and pass it by reference.
/// </summary>
public struct ParticleUniformStream
{
    private readonly ulong _seed;
    private readonly uint _block, _step, _tag, _item;
    private Four _u;
    private uint _next;

    [InlineArray(4)]
    private struct Four { private double _e; }

    /// <summary>The stream of item <paramref name="item"/>, draws 0–3 given (from <see cref="ParticleUniforms32.FirstDraws"/>).</summary>
    public ParticleUniformStream(ulong seed, uint block, uint step, uint tag, uint item, double u0, double u1, double u2, double u3)
    {
        _seed = seed; _block = block; _step = step; _tag = tag; _item = item;
        _u[0] = u0; _u[1] = u1; _u[2] = u2; _u[3] = u3;
        _next = 0;
    }

    /// <summary>The stream of item <paramref name="item"/> from draw 0.</summary>
    public ParticleUniformStream(ulong seed, uint block, uint step, uint tag, uint item)
    {
        _seed = seed; _block = block; _step = step; _tag = tag; _item = item;
        (_u[0], _u[1], _u[2], _u[3]) = ParticleUniforms32.Block(seed, block, step, tag, item, 0);
        _next = 0;
    }

    /// <summary>Number of draws taken so far.</summary>
    public readonly uint Taken => _next;

    /// <summary>The next draw, a uniform in (0, 1) with resolution 2^-32.</summary>
    public double Next()
    {
        uint j = _next++;
        uint r = j & 3;
        if (r == 0 && j != 0) (_u[0], _u[1], _u[2], _u[3]) = ParticleUniforms32.Block(_seed, _block, _step, _tag, _item, j >> 2);
        return _u[(int)r];
    }
}
