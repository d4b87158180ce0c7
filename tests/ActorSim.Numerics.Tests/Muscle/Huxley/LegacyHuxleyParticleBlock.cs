using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ActorSim.Numerics.Muscle.Huxley;
using ActorSim.Numerics.Random;

namespace ActorSim.Numerics.Tests.Muscle.Huxley;

/// <summary>
/// A frozen copy of <see cref="HuxleyParticleBlock"/> as it was before the 32-bit stream (issue 14, second pass):
/// the fused step on 53-bit uniforms of <see cref="CounterRandom"/> (Philox4x32-10, two words per bridge) with the
/// moment sums added in bridge order, and its per-bridge loop. Kept only so that the <c>particle-kernels</c> bench
/// can time the previous kernel in the same run as the current one; nothing ships it.
/// </summary>
public sealed class LegacyHuxleyParticleBlock
{
    private readonly double[] _x;
    private readonly bool[] _attached;

    public LegacyHuxleyParticleBlock(HuxleyRates rates, int blockIndex, double xMin, double length, ReadOnlySpan<double> positions)
    {
        Rates = rates; BlockIndex = blockIndex; XMin = xMin; Length = length;
        _x = positions.ToArray();
        _attached = new bool[_x.Length];
        foreach (double x in _x)
            if (!(x >= xMin && x < xMin + length)) throw new ArgumentOutOfRangeException(nameof(positions), x, "bridge outside the window");
    }

    private LegacyHuxleyParticleBlock(HuxleyRates rates, int blockIndex, double xMin, double length, int count)
    {
        Rates = rates; BlockIndex = blockIndex; XMin = xMin; Length = length;
        _x = new double[count];
        _attached = new bool[count];
    }

    /// <summary>
    /// A block of <paramref name="count"/> bridges with no state yet (positions 0, all detached), for a state loaded by
    /// <see cref="LoadState"/> before it is used: the positions are neither computed nor checked, no attachments drawn.
    /// </summary>
    public static LegacyHuxleyParticleBlock ForRestore(HuxleyRates rates, int blockIndex, double xMin, double length, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new LegacyHuxleyParticleBlock(rates, blockIndex, xMin, length, count);
    }

    public HuxleyRates Rates { get; }
    public int BlockIndex { get; }
    public double XMin { get; }
    public double Length { get; }
    public int Count => _x.Length;
    public ReadOnlySpan<double> Positions => _x;
    public ReadOnlySpan<bool> Attached => _attached;

    /// <summary>Number of doubles of the block's state for checkpoints: positions, then attached flags (0 or 1).</summary>
    public int StateLength => 2 * _x.Length;

    /// <summary>Copies positions and attachment states into <paramref name="state"/> (length <see cref="StateLength"/>).</summary>
    public void SaveState(Span<double> state)
    {
        if (state.Length != StateLength) throw new ArgumentException("wrong state length", nameof(state));
        _x.CopyTo(state);
        for (int i = 0; i < _x.Length; i++) state[_x.Length + i] = _attached[i] ? 1.0 : 0.0;
    }

    /// <summary>Restores a state written by <see cref="SaveState"/>.</summary>
    public void LoadState(ReadOnlySpan<double> state)
    {
        if (state.Length != StateLength) throw new ArgumentException("wrong state length", nameof(state));
        state[.._x.Length].CopyTo(_x);
        for (int i = 0; i < _x.Length; i++) _attached[i] = state[_x.Length + i] != 0.0;
    }

    /// <summary>Sets every bridge's state from a probability p(x) using CounterRandom(seed, block, step).</summary>
    public void Randomize(Func<double, double> attachedProbability, ulong seed, ulong step)
    {
        var rng = new CounterRandom(seed, (uint)BlockIndex, step);
        for (int i = 0; i < _x.Length; i++) _attached[i] = rng.NextDouble() < attachedProbability(_x[i]);
    }

    /// <summary>Advances all bridges by dt at displacement rate v, using the stream (seed, block, step).</summary>
    public void Step(ulong seed, ulong step, double dt, double v)
    {
        Span<double> discard = stackalloc double[3];
        Step(seed, step, dt, v, discard);
    }

    /// <summary>
    /// <see cref="Step(ulong, ulong, double, double)"/> fused with <see cref="MomentPartials"/>: one pass over the
    /// bridges advances them and writes the partial moments of the new state into <paramref name="partial"/> (same
    /// sums, same order, same bits as calling the two separately). The pass is vectorised (AVX2: four Philox blocks,
    /// i.e. eight bridges' uniforms, per iteration) and needs no exponential for a bridge whose uniform lies outside
    /// [r dt (1 − s dt / 2), r dt] (r its transition rate, s = f + g): since s dt − (s dt)² / 2 ≤ 1 − e^{−s dt} ≤ s dt,
    /// the comparison u &lt; r (1 − e^{−s dt}) / s is decided by the bounds (with a relative margin of 1e-9, far above
    /// the rounding of either side); only the rare bridges inside take the exact scalar test. The result is bit for bit
    /// the per-bridge loop's (<see cref="StepReference"/> followed by <see cref="MomentPartials"/>).
    /// </summary>
    public void Step(ulong seed, ulong step, double dt, double v, Span<double> partial)
    {
        if (step > uint.MaxValue) throw new ArgumentOutOfRangeException(nameof(step), step, "step must fit in 32 bits");
        int n = _x.Length, i = 0;
        var acc = new Sums();
        if (Avx2.IsSupported && n >= 8) i = StepVector(seed, (uint)step, dt, v, ref acc);
        var rng = CounterRandom.AtBlock(seed, (uint)BlockIndex, step, (ulong)i / 2);
        StepScalar(ref rng, i, dt, v, ref acc);
        partial[0] = acc.C; partial[1] = acc.S1; partial[2] = acc.S2;
    }

    private struct Sums { public double C, S1, S2; }

    /// <summary>Bridges [from, Count) one by one (the reference loop), with the moment sums of the new state.</summary>
    private void StepScalar(ref CounterRandom rng, int from, double dt, double v, ref Sums acc)
    {
        double hi = XMin + Length, shift = v * dt, half = 0.5 * shift;
        double c = acc.C, s1 = acc.S1, s2 = acc.S2;
        for (int i = from; i < _x.Length; i++)
        {
            double xm = _x[i] + half;
            double f = Rates.Attach(xm), g = Rates.Detach(xm), s = f + g;
            double u = rng.NextDouble();
            bool a = _attached[i];
            if (s > 0.0)
            {
                double p = OneMinusExpNeg(s * dt) / s;
                if (a) { if (u < g * p) a = false; }
                else if (u < f * p) a = true;
            }
            double x = _x[i] + shift;
            if (x < XMin) { x += Length; a = false; }
            else if (x >= hi) { x -= Length; a = false; }
            _x[i] = x;
            _attached[i] = a;
            if (a) { c += 1.0; s1 += x; s2 += x * x; }
        }
        acc.C = c; acc.S1 = s1; acc.S2 = s2;
    }

    /// <summary>Attached flags of 4 bridges (bit k = bridge k) as 4 bool bytes.</summary>
    private static ReadOnlySpan<uint> FlagBytes =>
    [
        0x00000000, 0x00000001, 0x00000100, 0x00000101, 0x00010000, 0x00010001, 0x00010100, 0x00010101,
        0x01000000, 0x01000001, 0x01000100, 0x01000101, 0x01010000, 0x01010001, 0x01010100, 0x01010101,
    ];

    private const int Chunk = 256;

    /// <summary>
    /// Bridges [0, 16 ⌊Count / 16⌋) four at a time, their uniforms generated ahead per chunk of 256 bridges (two
    /// groups of eight Philox blocks at once with AVX-512, <see cref="Philox4x32.FillUniforms32"/>, else of four,
    /// <see cref="Philox4x32.FillUniforms16"/>); returns the first bridge not done.
    /// </summary>
    private int StepVector(ulong seed, uint step, double dt, double v, ref Sums acc)
    {
        int n16 = _x.Length & ~15;
        double hi = XMin + Length, shift = v * dt, half = 0.5 * shift;
        var r = Rates;
        var vHalf = Vector256.Create(half); var vShift = Vector256.Create(shift);
        var vF1 = Vector256.Create(r.F1); var vG1 = Vector256.Create(r.G1); var vG2 = Vector256.Create(r.G2); var vH = Vector256.Create(r.H);
        // f1 x / h and g1 x / h: for h a power of two (the standard h = 1) the division is the exact multiplication by 1 / h
        double invH = 1.0 / r.H;
        bool exactInverse = double.IsNormal(r.H) && BitConverter.DoubleToInt64Bits(r.H) << 12 == 0 && double.IsNormal(invH);
        var vInvH = Vector256.Create(invH);
        var vDtUp = Vector256.Create(dt * (1.0 + 1e-9)); var vDt = Vector256.Create(dt);
        var vHalfDt = Vector256.Create(0.5 * dt); var vLowMargin = Vector256.Create(1.0 - 1e-9);
        var vXMin = Vector256.Create(XMin); var vHi = Vector256.Create(hi); var vL = Vector256.Create(Length);
        var one = Vector256<double>.One; var zero = Vector256<double>.Zero;
        uint k0 = (uint)seed, k1 = (uint)(seed >> 32), lane = (uint)BlockIndex;
        double c = acc.C, s1 = acc.S1, s2 = acc.S2;
        ref double x0 = ref MemoryMarshal.GetArrayDataReference(_x);
        ref byte a0 = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetArrayDataReference(_attached));
        ref uint flagBytes = ref MemoryMarshal.GetReference(FlagBytes);
        Span<double> uniforms = stackalloc double[Chunk];
        bool wide = Avx512F.IsSupported && Avx512DQ.IsSupported;
        ref double u0 = ref MemoryMarshal.GetReference(uniforms);
        for (int start = 0; start < n16; start += Chunk)
        {
            int end = Math.Min(start + Chunk, n16);
            int i = start;
            if (wide)
                for (; i + 32 <= end; i += 32)
                    Philox4x32.FillUniforms32((ulong)(i >> 1), step, lane, k0, k1, ref Unsafe.Add(ref u0, i - start));
            for (; i < end; i += 16)
                Philox4x32.FillUniforms16((ulong)(i >> 1), step, lane, k0, k1, ref Unsafe.Add(ref u0, i - start));
            for (int j = start; j < end; j += 4)
            {
                var u = Vector256.LoadUnsafe(ref Unsafe.Add(ref u0, j - start));
                ref double xr = ref Unsafe.Add(ref x0, j);
                var x = Vector256.LoadUnsafe(ref xr);
                uint flags = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref a0, j));
                var att = ~Vector256.Equals(Avx2.ConvertToVector256Int64(Vector128.CreateScalarUnsafe(flags).AsByte()), Vector256<long>.Zero).AsDouble();
                var xm = x + vHalf;
                var pos = Vector256.GreaterThanOrEqual(xm, zero);
                var f1x = vF1 * xm; var g1x = vG1 * xm;
                if (exactInverse) { f1x *= vInvH; g1x *= vInvH; } else { f1x /= vH; g1x /= vH; }
                var f = Vector256.ConditionalSelect(pos & Vector256.LessThanOrEqual(xm, vH), f1x, zero);
                var g = Vector256.ConditionalSelect(pos, g1x, vG2);
                var rate = Vector256.ConditionalSelect(att, g, f);
                var s = f + g;
                var sure = Vector256.LessThan(u, rate * vDt * (one - vHalfDt * s) * vLowMargin);
                var maybe = Vector256.LessThan(u, rate * vDtUp) & ~sure;
                var flip = sure;
                if (maybe != zero) flip |= ExactFlips(maybe, xm, u, flags, dt);
                var xn = x + vShift;
                var below = Vector256.LessThan(xn, vXMin);
                var above = Vector256.GreaterThanOrEqual(xn, vHi);
                xn = Vector256.ConditionalSelect(below, xn + vL, Vector256.ConditionalSelect(above, xn - vL, xn));
                var attNew = (att ^ flip) & ~(below | above);
                xn.StoreUnsafe(ref xr);
                uint attBits = Vector256.ExtractMostSignificantBits(attNew);
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref a0, j), Unsafe.Add(ref flagBytes, (int)attBits));
                // moment sums in bridge order, as MomentPartials adds them (+0.0 for a detached bridge changes no bit)
                var xa = Vector256.ConditionalSelect(attNew, xn, zero);
                var xa2 = xa * xa;
                c += BitOperations.PopCount(attBits);
                var xlo = xa.GetLower(); var xhi = xa.GetUpper(); var qlo = xa2.GetLower(); var qhi = xa2.GetUpper();
                s1 += xlo.ToScalar(); s2 += qlo.ToScalar();
                s1 += xlo.GetElement(1); s2 += qlo.GetElement(1);
                s1 += xhi.ToScalar(); s2 += qhi.ToScalar();
                s1 += xhi.GetElement(1); s2 += qhi.GetElement(1);
            }
        }
        acc.C = c; acc.S1 = s1; acc.S2 = s2;
        return n16;
    }

    /// <summary>The exact test u &lt; r (1 − e^{−s dt}) / s of the per-bridge loop for the lanes of <paramref name="maybe"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private Vector256<double> ExactFlips(Vector256<double> maybe, Vector256<double> xm, Vector256<double> u, uint flags, double dt)
    {
        uint bits = Vector256.ExtractMostSignificantBits(maybe);
        Span<long> flip = stackalloc long[4];
        var r = Rates;
        for (int k = 0; k < 4; k++)
        {
            if ((bits & (1u << k)) == 0) continue;
            double xk = xm.GetElement(k);
            double fk = r.Attach(xk), gk = r.Detach(xk), sk = fk + gk;
            double p = OneMinusExpNeg(sk * dt) / sk;
            bool ak = (flags >> (8 * k) & 0xFF) != 0;
            if (u.GetElement(k) < (ak ? gk : fk) * p) flip[k] = -1L;
        }
        return Vector256.Create(flip[0], flip[1], flip[2], flip[3]).AsDouble();
    }

    /// <summary>
    /// The per-bridge loop this block ran until issue 14 (kept as the reference the vectorised
    /// <see cref="Step(ulong, ulong, double, double, Span{double})"/> is tested and benchmarked against).
    /// </summary>
    public void StepReference(ulong seed, ulong step, double dt, double v)
    {
        var rng = new CounterRandom(seed, (uint)BlockIndex, step);
        double hi = XMin + Length, shift = v * dt, half = 0.5 * shift;
        for (int i = 0; i < _x.Length; i++)
        {
            double xm = _x[i] + half;
            double f = Rates.Attach(xm), g = Rates.Detach(xm), s = f + g;
            double u = rng.NextDouble();
            if (s > 0.0)
            {
                double p = OneMinusExpNeg(s * dt) / s;
                if (_attached[i]) { if (u < g * p) _attached[i] = false; }
                else if (u < f * p) _attached[i] = true;
            }
            double x = _x[i] + shift;
            if (x < XMin) { x += Length; _attached[i] = false; }
            else if (x >= hi) { x -= Length; _attached[i] = false; }
            _x[i] = x;
        }
    }

    /// <summary>Partial sums over attached bridges: [0] count, [1] sum x, [2] sum x^2 (block order of bridges).</summary>
    public void MomentPartials(Span<double> partial)
    {
        double c = 0, s1 = 0, s2 = 0;
        for (int i = 0; i < _x.Length; i++)
            if (_attached[i]) { double x = _x[i]; c += 1.0; s1 += x; s2 += x * x; }
        partial[0] = c; partial[1] = s1; partial[2] = s2;
    }

    private static double OneMinusExpNeg(double z) => Math.Abs(z) < 1e-5 ? z * (1.0 - z * (0.5 - z / 6.0)) : 1.0 - Math.Exp(-z);
}
