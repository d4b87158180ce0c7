using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ActorSim.Numerics.Random;

/// <summary>
/// The stream of <see cref="CounterRandom"/>(seed, block, step), word for word, generated ahead in batches of 64
/// Philox blocks (four at a time with AVX2, <see cref="Philox4x32.Generate4"/>) for a kernel whose draws follow a
/// data-dependent sequence and so cannot be vectorised where they are used. A class that owns its buffer
/// (1 KiB): create one per kernel and <see cref="Reset"/> it per step; drawing allocates nothing.
/// </summary>
public sealed class BufferedCounterRandom
{
    private const int Blocks = 64;
    private readonly uint[] _words = new uint[4 * Blocks];
    private uint _k0, _k1, _step, _block;
    private ulong _next;   // next Philox block to generate
    private int _index;    // next unused word of _words

    /// <summary>Positions the stream at draw 0 of (seed, block, step).</summary>
    public void Reset(ulong seed, uint block, ulong step)
    {
        if (step > uint.MaxValue) throw new ArgumentOutOfRangeException(nameof(step), step, "step must fit in 32 bits");
        _k0 = (uint)seed; _k1 = (uint)(seed >> 32); _step = (uint)step; _block = block;
        _next = 0;
        _index = _words.Length;
    }

    /// <summary>Next uniformly distributed 32-bit word (the same as <see cref="CounterRandom.NextUInt32"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint NextUInt32()
    {
        if (_index == _words.Length) Refill();
        return _words[_index++];
    }

    /// <summary>Next uniformly distributed 64-bit word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong hi = NextUInt32();
        return (hi << 32) | NextUInt32();
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>Uniform double in (0, 1]: safe for -log(u).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDoubleOpenZero() => ((NextUInt64() >> 11) + 1) * (1.0 / 9007199254740992.0);

    /// <summary>Exponentially distributed with the given rate (mean 1/rate).</summary>
    public double NextExponential(double rate) => -Math.Log(NextDoubleOpenZero()) / rate;

    private void Refill()
    {
        var w = _words;
        ulong first = _next;
        if (Avx2.IsSupported)
        {
            var lane = Vector256.Create(0UL, 1UL, 2UL, 3UL);
            var c2 = Vector256.Create((ulong)_step); var c3 = Vector256.Create((ulong)_block);
            for (int j = 0; j < Blocks; j += 4)
            {
                ulong b = first + (ulong)j;
                var c0 = Vector256.Create(b & 0xFFFF_FFFF) + lane;
                var c1 = Vector256.Create(b >> 32);
                if ((b & 0xFFFF_FFFF) > 0xFFFF_FFFC) { ScalarBlocks(b, j, 4); continue; } // low word wraps inside the four
                var x2 = c2; var x3 = c3;
                Philox4x32.Generate4(ref c0, ref c1, ref x2, ref x3, _k0, _k1);
                for (int l = 0; l < 4; l++)
                {
                    int o = 4 * (j + l);
                    w[o] = (uint)c0.GetElement(l); w[o + 1] = (uint)c1.GetElement(l);
                    w[o + 2] = (uint)x2.GetElement(l); w[o + 3] = (uint)x3.GetElement(l);
                }
            }
        }
        else ScalarBlocks(first, 0, Blocks);
        _next = first + Blocks;
        _index = 0;
    }

    private void ScalarBlocks(ulong first, int at, int count)
    {
        for (int l = 0; l < count; l++)
        {
            ulong b = first + (ulong)l;
            var (x0, x1, x2, x3) = Philox4x32.Generate((uint)b, (uint)(b >> 32), _step, _block, _k0, _k1);
            int o = 4 * (at + l);
            _words[o] = x0; _words[o + 1] = x1; _words[o + 2] = x2; _words[o + 3] = x3;
        }
    }
}
