using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ActorSim.Numerics.Random;

namespace ActorSim.Numerics.Muscle.Huxley;

/// <summary>
/// A block of stochastic Huxley cross-bridges: bridge i has displacement x_i (all bridges slide with the common
/// displacement rate v) and a state attached / detached that switches with rates f(x), g(x). The bridges are a
/// uniform population of density N / L on the periodic window [XMin, XMin + L): a bridge leaving the window
/// re-enters on the other side detached (the PDE's n = 0 inflow condition), so the attached density estimates
/// n(x) and Q_k = (L / N) sum_{attached} x_i^k estimates the PDE moments.
/// <para>
/// Step: with the rates frozen at the mid-step displacement x_i + v dt / 2, the exact two-state transition
/// over dt is P(detached -&gt; attached) = f / (f + g) (1 - e^{-(f+g) dt}),
/// P(attached -&gt; detached) = g / (f + g) (1 - e^{-(f+g) dt}) (second order in dt where the rates are smooth).
/// One 32-bit uniform per bridge per step: bridge i of the block takes item i of
/// <see cref="PhiloxUniforms32"/>(seed, block, step), so a block's result does not depend on when or where it is
/// evaluated, nor on the code path. 9 bytes per bridge (structure of arrays: x, attached). One fused, vectorised pass
/// per step also yields the moment partials (issue 14).
/// </para>
/// </summary>
public sealed class HuxleyParticleBlock
{
    private readonly double[] _x;
    private readonly bool[] _attached;

    public HuxleyParticleBlock(HuxleyRates rates, int blockIndex, double xMin, double length, ReadOnlySpan<double> positions)
    {
        Rates = rates; BlockIndex = blockIndex; XMin = xMin; Length = length;
        _x = positions.ToArray();
        _attached = new bool[_x.Length];
        foreach (double x in _x)
            if (!(x >= xMin && x < xMin + length)) throw new ArgumentOutOfRangeException(nameof(positions), x, "bridge outside the window");
    }

    private HuxleyParticleBlock(HuxleyRates rates, int blockIndex, double xMin, double length, int count)
    {
        Rates = rates; BlockIndex = blockIndex; XMin = xMin; Length = length;
        _x = new double[count];
        _attached = new bool[count];
    }

    /// <summary>
    /// A block of <paramref name="count"/> bridges with no state yet (positions 0, all detached), for a state loaded by
    /// <see cref="LoadState"/> before it is used: the positions are neither computed nor checked, no attachments drawn.
    /// </summary>
    public static HuxleyParticleBlock ForRestore(HuxleyRates rates, int blockIndex, double xMin, double length, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new HuxleyParticleBlock(rates, blockIndex, xMin, length, count);
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

    /// <summary>
    /// The code path of <see cref="Step(ulong, ulong, double, double, Span{double})"/> (tests and benchmarks; all
    /// paths give the same bits). Setting a path the machine lacks throws <see cref="NotSupportedException"/>.
    /// </summary>
    public HuxleyKernelPath KernelPath
    {
        get => _path;
        set
        {
            if (!IsSupported(value)) throw new NotSupportedException($"kernel path {value} needs instructions this machine lacks");
            _path = value;
        }
    }

    private HuxleyKernelPath _path;

    /// <summary>Whether this machine can run <paramref name="path"/>.</summary>
    public static bool IsSupported(HuxleyKernelPath path) => path switch
    {
        HuxleyKernelPath.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        HuxleyKernelPath.Avx512 => Avx2.IsSupported && Fma.IsSupported && Avx512F.IsSupported && Bmi2.X64.IsSupported,
        _ => true,
    };

    private HuxleyKernelPath Resolved => _path != HuxleyKernelPath.Auto ? _path
        : !(Avx2.IsSupported && Fma.IsSupported) ? HuxleyKernelPath.Scalar
        : Avx512F.IsSupported && Bmi2.X64.IsSupported ? HuxleyKernelPath.Avx512 : HuxleyKernelPath.Avx2;

    /// <summary>Advances all bridges by dt at displacement rate v, using the stream (seed, block, step).</summary>
    public void Step(ulong seed, ulong step, double dt, double v)
    {
        Span<double> discard = stackalloc double[3];
        Step(seed, step, dt, v, discard);
    }

    /// <summary>
    /// Advances all bridges by dt at displacement rate v (the definition is <see cref="StepReference"/>) and writes the
    /// partial moments of the new state into <paramref name="partial"/>: [0] count, [1] Σx, [2] Σx² over attached
    /// bridges, summed as <see cref="MomentPartials"/> sums them (same bits).
    /// <para>
    /// Bridge i's uniform is item i of <see cref="PhiloxUniforms32"/>(seed, block, step): one 32-bit word per bridge,
    /// u = (k + 1/2) 2^-32. One fused pass, vectorised eight (AVX-512) or four (AVX2) bridges at a time, the uniforms
    /// generated ahead per chunk of 256 bridges; no exponential for a bridge whose uniform lies outside [r dt (1 − s dt / 2), r dt]
    /// (r its transition rate, s = f + g): since s dt − (s dt)² / 2 ≤ 1 − e^{−s dt} ≤ s dt, the test
    /// u &lt; r (1 − e^{−s dt}) / s is decided by the bounds (with a relative margin of 1e-9, far above the rounding of
    /// either side); only the rare bridges inside take the exact scalar test. The moment sums go to eight accumulators,
    /// bridge i to accumulator i mod 8, combined in a fixed order: the same bits on every <see cref="KernelPath"/>.
    /// </para>
    /// </summary>
    public void Step(ulong seed, ulong step, double dt, double v, Span<double> partial)
    {
        if (step > uint.MaxValue) throw new ArgumentOutOfRangeException(nameof(step), step, "step must fit in 32 bits");
        Span<ulong> keys = stackalloc ulong[2 * PhiloxUniforms32.Rounds];
        PhiloxUniforms32.RoundKeys(seed, keys);
        Span<double> sums = stackalloc double[2 * Lanes]; // Σx by lane, then Σx² by lane
        sums.Clear();
        long count = 0;
        var path = Resolved;
        int i = 0;
        if (path != HuxleyKernelPath.Scalar && _x.Length >= PhiloxUniforms32.GroupSize)
            i = StepVector((uint)step, keys, dt, v, path == HuxleyKernelPath.Avx512, sums, ref count);
        StepScalar(i, (uint)step, keys, dt, v, sums, ref count);
        partial[0] = count;
        partial[1] = Combine(sums[..Lanes]);
        partial[2] = Combine(sums[Lanes..]);
    }

    /// <summary>Moment accumulators: bridge i adds to lane i mod 8.</summary>
    private const int Lanes = 8;

    /// <summary>The eight lane sums in a fixed order: ((0 + 1) + (2 + 3)) + ((4 + 5) + (6 + 7)).</summary>
    private static double Combine(ReadOnlySpan<double> l) => ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));

    /// <summary>The exact two-state test: u (scaled by 2^32) &lt; r (1 − e^{−s dt}) / s, for r &gt; 0.</summary>
    private static bool ExactFlip(double scaledU, double r, double s, double dt) =>
        scaledU < r * (HuxleySteadyState.OneMinusExpNeg(s * dt) / s) * PhiloxUniforms32.Scale;

    /// <summary>Bridges [from, Count) one by one, the uniforms from the scalar generator, with the moment sums.</summary>
    private void StepScalar(int from, uint step, ReadOnlySpan<ulong> keys, double dt, double v, Span<double> sums, ref long count)
    {
        if (from >= _x.Length) return;
        double hi = XMin + Length, shift = v * dt, half = 0.5 * shift, halfDt = 0.5 * dt;
        double dtLow = dt * (1.0 - 1e-9) * PhiloxUniforms32.Scale, dtUp = dt * (1.0 + 1e-9) * PhiloxUniforms32.Scale;
        Span<double> u = stackalloc double[PhiloxUniforms32.GroupSize];
        long loaded = -1;
        for (int i = from; i < _x.Length; i++)
        {
            int group = i / PhiloxUniforms32.GroupSize;
            if (group != loaded) { PhiloxUniforms32.FillGroup((ulong)group, step, (uint)BlockIndex, keys, u); loaded = group; }
            double us = u[i % PhiloxUniforms32.GroupSize];
            double xm = _x[i] + half;
            double f = Rates.Attach(xm), g = Rates.Detach(xm), s = f + g;
            bool a = _attached[i];
            double r = a ? g : f;
            bool flip = us < r * dtLow * (1.0 - halfDt * s) || (us < r * dtUp && ExactFlip(us, r, s, dt));
            a ^= flip;
            double x = _x[i] + shift;
            if (x < XMin) { x += Length; a = false; }
            else if (x >= hi) { x -= Length; a = false; }
            _x[i] = x;
            _attached[i] = a;
            if (a) { count++; sums[i % Lanes] += x; sums[Lanes + i % Lanes] = Math.FusedMultiplyAdd(x, x, sums[Lanes + i % Lanes]); }
        }
    }

    /// <summary>Attached flags of 4 bridges (bit k = bridge k) as 4 bool bytes.</summary>
    private static ReadOnlySpan<uint> FlagBytes =>
    [
        0x00000000, 0x00000001, 0x00000100, 0x00000101, 0x00010000, 0x00010001, 0x00010100, 0x00010101,
        0x01000000, 0x01000001, 0x01000100, 0x01000101, 0x01010000, 0x01010001, 0x01010100, 0x01010101,
    ];

    private const int Chunk = 256;

    /// <summary>Whether the step slides the bridges towards XMin (v dt &lt; 0): only then can a bridge leave below.</summary>
    private interface IDirection { static abstract bool Shortening { get; } }
    private struct Down : IDirection { public static bool Shortening => true; }
    private struct UpOrStill : IDirection { public static bool Shortening => false; }

    /// <summary>Whether h is a power of two: then f1 x / h is (f1 / h) x, one multiplication, the same number.</summary>
    private interface IScaling { static abstract bool ExactInverse { get; } }
    private struct PowerOfTwo : IScaling { public static bool ExactInverse => true; }
    private struct Divide : IScaling { public static bool ExactInverse => false; }

    private int StepVector(uint step, ReadOnlySpan<ulong> keys, double dt, double v, bool wide, Span<double> sums, ref long count)
    {
        double h = Rates.H;
        bool exactInverse = double.IsNormal(h) && BitConverter.DoubleToInt64Bits(h) << 12 == 0 && double.IsNormal(1.0 / h);
        return (v * dt < 0.0, exactInverse) switch
        {
            (true, true) => StepVector<Down, PowerOfTwo>(step, keys, dt, v, wide, sums, ref count),
            (true, false) => StepVector<Down, Divide>(step, keys, dt, v, wide, sums, ref count),
            (false, true) => StepVector<UpOrStill, PowerOfTwo>(step, keys, dt, v, wide, sums, ref count),
            (false, false) => StepVector<UpOrStill, Divide>(step, keys, dt, v, wide, sums, ref count),
        };
    }

    /// <summary>
    /// Bridges [0, 16 ⌊Count / 16⌋) eight (<paramref name="wide"/>: AVX-512) or four at a time, per chunk of 256
    /// bridges in two passes over data in L1: the uniforms (<see cref="PhiloxUniforms32.Fill64"/> or
    /// <see cref="PhiloxUniforms32.Fill32"/>), then the transition decisions with the slide, wrap, state and moment
    /// sums (<see cref="Step512"/> or <see cref="Step256"/>), which stop at an octet that needs the exact test: it is
    /// decided here (a call, kept out of their loops so that their counters and accumulators stay in registers) and
    /// slid with the same vector operations (<see cref="Apply512"/>, <see cref="Apply"/>), then the pass resumes.
    /// Returns the first bridge not done. A bridge sliding by v dt &lt; 0 can only leave the window below
    /// (x + v dt ≤ x &lt; XMin + L in floating point), one sliding by v dt ≥ 0 only above, so one comparison per bridge
    /// decides the wrap, as the two of the scalar loop do.
    /// </summary>
    private int StepVector<TDir, TScale>(uint step, ReadOnlySpan<ulong> keys, double dt, double v, bool wide, Span<double> sums, ref long count)
        where TDir : struct, IDirection where TScale : struct, IScaling
    {
        int n16 = _x.Length & ~(PhiloxUniforms32.GroupSize - 1);
        double hi = XMin + Length, shift = v * dt;
        var r = Rates;
        uint lane = (uint)BlockIndex;
        ref double x0 = ref MemoryMarshal.GetArrayDataReference(_x);
        ref byte a0 = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetArrayDataReference(_attached));
        ref ulong k0 = ref MemoryMarshal.GetReference(keys);
        Span<double> buffer = stackalloc double[Chunk];
        ref double u0 = ref MemoryMarshal.GetReference(buffer);
        var rates = new VectorRates(r, TScale.ExactInverse, dt, 0.5 * shift);
        var slide = new VectorSlide(shift, TDir.Shortening ? XMin : hi, TDir.Shortening ? Length : -Length);
        ref double sum0 = ref MemoryMarshal.GetReference(sums);
        var acc = new VectorSums
        {
            S1a = Vector256.LoadUnsafe(ref sum0), S1b = Vector256.LoadUnsafe(ref sum0, 4),
            S2a = Vector256.LoadUnsafe(ref sum0, 8), S2b = Vector256.LoadUnsafe(ref sum0, 12),
        };
        for (int start = 0; start < n16; start += Chunk)
        {
            int end = Math.Min(start + Chunk, n16), len = end - start;
            int i = 0;
            if (wide)
                for (; i + 64 <= len; i += 64)
                    PhiloxUniforms32.Fill64((ulong)((start + i) >> 4), step, lane, ref k0, ref Unsafe.Add(ref u0, i));
            for (; i < len; i += 32) // the last call may fill one group past len: at most 16 · 16 = Chunk values
                PhiloxUniforms32.Fill32((ulong)((start + i) >> 4), step, lane, ref k0, ref Unsafe.Add(ref u0, i));
            // one fused pass; it stops at an octet that needs the exact test, which is decided here and applied
            for (int j = 0; j < len; j += 8)
            {
                j = wide
                    ? Step512<TDir, TScale>(ref Unsafe.Add(ref x0, start), ref Unsafe.Add(ref a0, start), ref u0, j, len, rates, slide, ref acc)
                    : Step256<TDir, TScale>(ref Unsafe.Add(ref x0, start), ref Unsafe.Add(ref a0, start), ref u0, j, len, rates, slide, ref acc);
                if (j == len) break;
                DecideExactly(start, j, buffer, dt, 0.5 * shift);
                if (wide) Apply512<TDir>(ref Unsafe.Add(ref x0, start + j), ref Unsafe.Add(ref a0, start + j), ref Unsafe.Add(ref u0, j), 8, slide, ref acc);
                else Apply<TDir>(ref Unsafe.Add(ref x0, start + j), ref Unsafe.Add(ref a0, start + j), ref Unsafe.Add(ref u0, j), 8, slide, ref acc);
            }
        }
        acc.S1a.StoreUnsafe(ref sum0); acc.S1b.StoreUnsafe(ref sum0, 4);
        acc.S2a.StoreUnsafe(ref sum0, 8); acc.S2b.StoreUnsafe(ref sum0, 12);
        count += acc.Count;
        return n16;
    }

    /// <summary>The rate constants of the vector passes, broadcast.</summary>
    private readonly struct VectorRates(HuxleyRates r, bool exactInverse, double dt, double half)
    {
        public readonly Vector256<double> Half = Vector256.Create(half);
        public readonly Vector256<double> F1 = Vector256.Create(exactInverse ? r.F1 / r.H : r.F1);
        public readonly Vector256<double> G1 = Vector256.Create(exactInverse ? r.G1 / r.H : r.G1);
        public readonly Vector256<double> G2 = Vector256.Create(r.G2), H = Vector256.Create(r.H);
        public readonly Vector256<double> DtLow = Vector256.Create(dt * (1.0 - 1e-9) * PhiloxUniforms32.Scale);
        public readonly Vector256<double> DtUp = Vector256.Create(dt * (1.0 + 1e-9) * PhiloxUniforms32.Scale);
        public readonly Vector256<double> HalfDt = Vector256.Create(0.5 * dt);
    }

    /// <summary>The slide constants: shift v dt, the window side a bridge can leave by, the jump back.</summary>
    private readonly struct VectorSlide(double shift, double bound, double wrap)
    {
        public readonly Vector256<double> Shift = Vector256.Create(shift), Bound = Vector256.Create(bound), Wrap = Vector256.Create(wrap);
    }

    /// <summary>The moment accumulators: a holds lanes 0–3 (bridges 8m … 8m + 3), b lanes 4–7, at every second quad.</summary>
    private struct VectorSums
    {
        public Vector256<double> S1a, S1b, S2a, S2b;
        public long Count;
    }

    /// <summary>
    /// The decisions and the slide of a chunk in one pass after its uniforms, four bridges per vector (AVX2, FMA), eight
    /// per iteration, from bridge <paramref name="from"/> of the chunk: the transition decisions — the bounds only for a
    /// vector with a candidate (u &lt; r dt (1 + 1e-9)) — then the slide, wrap, flags and moment sums of
    /// <see cref="Slide"/>. Returns the first octet that needs the exact test, untouched (its uniforms still in
    /// <paramref name="u0"/>), or <paramref name="len"/>. No calls, so counters and accumulators stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Step256<TDir, TScale>(ref double x0, ref byte a0, ref double u0, int from, int len, in VectorRates c, in VectorSlide sl, ref VectorSums acc)
        where TDir : struct, IDirection where TScale : struct, IScaling
    {
        ref uint flagBytes = ref MemoryMarshal.GetReference(FlagBytes);
        var s1a = acc.S1a; var s1b = acc.S1b; var s2a = acc.S2a; var s2b = acc.S2b; long cnt = acc.Count;
        int j = from;
        for (; j < len; j += 8)
        {
            if (!State(ref Unsafe.Add(ref x0, j), ref Unsafe.Add(ref a0, j), ref Unsafe.Add(ref u0, j), c, out var st0)
                || !State(ref Unsafe.Add(ref x0, j + 4), ref Unsafe.Add(ref a0, j + 4), ref Unsafe.Add(ref u0, j + 4), c, out var st1))
                break;
            Slide<TDir>(ref Unsafe.Add(ref x0, j), ref Unsafe.Add(ref a0, j), st0, sl, ref flagBytes, ref s1a, ref s2a, ref cnt);
            Slide<TDir>(ref Unsafe.Add(ref x0, j + 4), ref Unsafe.Add(ref a0, j + 4), st1, sl, ref flagBytes, ref s1b, ref s2b, ref cnt);
        }
        acc.S1a = s1a; acc.S1b = s1b; acc.S2a = s2a; acc.S2b = s2b; acc.Count = cnt;
        return j;

        // the states of four bridges after their transitions (before the slide); false: one needs the exact test
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static bool State(ref double xr, ref byte ar, ref double ur, in VectorRates c, out Vector256<double> state)
        {
            var u = Vector256.LoadUnsafe(ref ur);
            var x = Vector256.LoadUnsafe(ref xr);
            var att = (Vector256<long>.Zero - Avx2.ConvertToVector256Int64(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref ar)).AsByte())).AsDouble();
            var xm = x + c.Half;
            var pos = Vector256.GreaterThanOrEqual(xm, Vector256<double>.Zero);
            Vector256<double> f1x, g1x;
            if (TScale.ExactInverse) { f1x = c.F1 * xm; g1x = c.G1 * xm; } else { f1x = c.F1 * xm / c.H; g1x = c.G1 * xm / c.H; }
            var f = f1x & (pos & Vector256.LessThanOrEqual(xm, c.H));
            var g = Vector256.ConditionalSelect(pos, g1x, c.G2);
            var rate = Vector256.ConditionalSelect(att, g, f);
            var maybe = Vector256.LessThan(u, rate * c.DtUp);
            uint maybeBits = Vector256.ExtractMostSignificantBits(maybe);
            if (maybeBits != 0)
            {
                var sure = Vector256.LessThan(u, rate * c.DtLow * (Vector256<double>.One - c.HalfDt * (f + g)));
                if (Vector256.ExtractMostSignificantBits(sure) != maybeBits) { state = default; return false; }
                maybe = sure;
            }
            state = att ^ maybe;
            return true;
        }
    }

    /// <summary>
    /// <see cref="Step256"/> eight bridges per vector (AVX-512F, BMI2), from bridge <paramref name="from"/> of the
    /// chunk: the same operations per lane, so the same states, and the slide of <see cref="Apply512"/>. Returns the first octet that needs the exact test, untouched (its uniforms still in
    /// <paramref name="u0"/>), or <paramref name="len"/>. No calls, so the accumulators stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Step512<TDir, TScale>(ref double x0, ref byte a0, ref double u0, int from, int len, in VectorRates c, in VectorSlide sl, ref VectorSums acc)
        where TDir : struct, IDirection where TScale : struct, IScaling
    {
        var zero = Vector512<double>.Zero;
        var half = Vector512.Create(c.Half, c.Half); var f1 = Vector512.Create(c.F1, c.F1); var g1 = Vector512.Create(c.G1, c.G1);
        var g2 = Vector512.Create(c.G2, c.G2); var h = Vector512.Create(c.H, c.H);
        var dtLow = Vector512.Create(c.DtLow, c.DtLow); var dtUp = Vector512.Create(c.DtUp, c.DtUp); var halfDt = Vector512.Create(c.HalfDt, c.HalfDt);
        var shift = Vector512.Create(sl.Shift, sl.Shift); var bound = Vector512.Create(sl.Bound, sl.Bound); var wrap = Vector512.Create(sl.Wrap, sl.Wrap);
        var s1 = Vector512.Create(acc.S1a, acc.S1b); var s2 = Vector512.Create(acc.S2a, acc.S2b);
        long cnt = acc.Count;
        int j = from;
        for (; j < len; j += 8)
        {
            var u = Vector512.LoadUnsafe(ref u0, (nuint)j);
            ref double xr = ref Unsafe.Add(ref x0, j);
            var x = Vector512.LoadUnsafe(ref xr);
            var att = (Vector512<long>.Zero - Avx512F.ConvertToVector512Int64(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref a0, j))).AsByte())).AsDouble();
            var xm = x + half;
            var pos = Vector512.GreaterThanOrEqual(xm, zero);
            Vector512<double> f1x, g1x;
            if (TScale.ExactInverse) { f1x = f1 * xm; g1x = g1 * xm; } else { f1x = f1 * xm / h; g1x = g1 * xm / h; }
            var f = f1x & (pos & Vector512.LessThanOrEqual(xm, h));
            var g = Vector512.ConditionalSelect(pos, g1x, g2);
            var rate = Vector512.ConditionalSelect(att, g, f);
            var maybe = Vector512.LessThan(u, rate * dtUp);
            ulong maybeBits = Vector512.ExtractMostSignificantBits(maybe);
            if (maybeBits != 0)
            {
                var sure = Vector512.LessThan(u, rate * dtLow * (Vector512<double>.One - halfDt * (f + g)));
                if (Vector512.ExtractMostSignificantBits(sure) != maybeBits) break;
                maybe = sure;
            }
            var xn = x + shift;
            var cross = TDir.Shortening ? Vector512.LessThan(xn, bound) : Vector512.GreaterThanOrEqual(xn, bound);
            xn = Vector512.ConditionalSelect(cross, xn + wrap, xn);
            var attNew = Vector512.AndNot(att ^ maybe, cross);
            xn.StoreUnsafe(ref xr);
            ulong bits = Vector512.ExtractMostSignificantBits(attNew);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref a0, j), Bmi2.X64.ParallelBitDeposit(bits, 0x0101_0101_0101_0101UL));
            var xa = xn & attNew;
            s1 += xa;
            s2 = Avx512F.FusedMultiplyAdd(xa, xa, s2);
            cnt += BitOperations.PopCount(bits);
        }
        acc.S1a = s1.GetLower(); acc.S1b = s1.GetUpper(); acc.S2a = s2.GetLower(); acc.S2b = s2.GetUpper(); acc.Count = cnt;
        return j;
    }

    /// <summary>
    /// The state masks (after the transitions, before the slide) of bridges j … j + 7 of the chunk at
    /// <paramref name="start"/>, whose uniforms are in <paramref name="buffer"/>[j..j + 8): the exact test for each.
    /// </summary>
    private void DecideExactly(int start, int j, Span<double> buffer, double dt, double half)
    {
        for (int k = j; k < j + 8; k++)
        {
            double xm = _x[start + k] + half;
            double f = Rates.Attach(xm), g = Rates.Detach(xm);
            bool a = _attached[start + k];
            double r = a ? g : f;
            if (r > 0.0 && ExactFlip(buffer[k], r, f + g, dt)) a = !a;
            buffer[k] = a ? BitConverter.Int64BitsToDouble(-1L) : 0.0;
        }
    }

    /// <summary>
    /// <see cref="Apply"/> eight bridges at a time (AVX-512F, BMI2): one accumulator of eight lanes, bridge i in lane
    /// i mod 8 as in the two four-lane accumulators of <see cref="Apply"/> (same sums in the same order, same bits);
    /// the same operations as the slide half of <see cref="Step512"/>, for the octets it leaves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Apply512<TDir>(ref double x0, ref byte a0, ref double state0, int len, in VectorSlide c, ref VectorSums acc)
        where TDir : struct, IDirection
    {
        var shift = Vector512.Create(c.Shift, c.Shift); var bound = Vector512.Create(c.Bound, c.Bound); var wrap = Vector512.Create(c.Wrap, c.Wrap);
        var s1 = Vector512.Create(acc.S1a, acc.S1b); var s2 = Vector512.Create(acc.S2a, acc.S2b);
        long cnt = acc.Count;
        for (int j = 0; j < len; j += 8)
        {
            ref double xr = ref Unsafe.Add(ref x0, j);
            var x = Vector512.LoadUnsafe(ref xr);
            var xn = x + shift;
            var cross = TDir.Shortening ? Vector512.LessThan(xn, bound) : Vector512.GreaterThanOrEqual(xn, bound);
            xn = Vector512.ConditionalSelect(cross, xn + wrap, xn);
            var attNew = Vector512.AndNot(Vector512.LoadUnsafe(ref state0, (nuint)j), cross);
            xn.StoreUnsafe(ref xr);
            ulong bits = Vector512.ExtractMostSignificantBits(attNew);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref a0, j), Bmi2.X64.ParallelBitDeposit(bits, 0x0101_0101_0101_0101UL));
            var xa = xn & attNew;
            s1 += xa;
            s2 = Avx512F.FusedMultiplyAdd(xa, xa, s2);
            cnt += BitOperations.PopCount(bits);
        }
        acc.S1a = s1.GetLower(); acc.S1b = s1.GetUpper(); acc.S2a = s2.GetLower(); acc.S2b = s2.GetUpper(); acc.Count = cnt;
    }

    /// <summary>
    /// The slide, wrap, new states and moment sums of the octets [0, len) of a chunk with the state masks (after the
    /// transitions, before the slide) in <paramref name="state0"/>: the second half of <see cref="Step256"/>, for the
    /// octets it leaves. Bridges j … j + 3 (j a multiple of 8) go to accumulator a, j + 4 … j + 7 to b.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Apply<TDir>(ref double x0, ref byte a0, ref double state0, int len, in VectorSlide c, ref VectorSums acc)
        where TDir : struct, IDirection
    {
        ref uint flagBytes = ref MemoryMarshal.GetReference(FlagBytes);
        var s1a = acc.S1a; var s1b = acc.S1b; var s2a = acc.S2a; var s2b = acc.S2b; long cnt = acc.Count;
        for (int j = 0; j < len; j += 8)
        {
            Slide<TDir>(ref Unsafe.Add(ref x0, j), ref Unsafe.Add(ref a0, j), Vector256.LoadUnsafe(ref state0, (nuint)j), c, ref flagBytes, ref s1a, ref s2a, ref cnt);
            Slide<TDir>(ref Unsafe.Add(ref x0, j + 4), ref Unsafe.Add(ref a0, j + 4), Vector256.LoadUnsafe(ref state0, (nuint)(j + 4)), c, ref flagBytes, ref s1b, ref s2b, ref cnt);
        }
        acc.S1a = s1a; acc.S1b = s1b; acc.S2a = s2a; acc.S2b = s2b; acc.Count = cnt;
    }

    /// <summary>Four bridges: slide, wrap (a bridge that leaves re-enters detached), flags, moment sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Slide<TDir>(ref double xr, ref byte ar, Vector256<double> state, in VectorSlide c, ref uint flagBytes,
        ref Vector256<double> s1, ref Vector256<double> s2, ref long cnt)
        where TDir : struct, IDirection
    {
        var x = Vector256.LoadUnsafe(ref xr);
        var xn = x + c.Shift;
        var cross = TDir.Shortening ? Vector256.LessThan(xn, c.Bound) : Vector256.GreaterThanOrEqual(xn, c.Bound);
        xn = Vector256.ConditionalSelect(cross, xn + c.Wrap, xn);
        var attNew = Vector256.AndNot(state, cross);
        xn.StoreUnsafe(ref xr);
        uint bits = Vector256.ExtractMostSignificantBits(attNew);
        Unsafe.WriteUnaligned(ref ar, Unsafe.Add(ref flagBytes, (int)bits));
        var xa = xn & attNew; // +0.0 for a detached bridge: adds nothing, as the scalar loop's skip
        s1 += xa;
        s2 = Fma.MultiplyAdd(xa, xa, s2); // Σx²: one rounding per term, as Math.FusedMultiplyAdd in the scalar loop
        cnt += BitOperations.PopCount(bits);
    }

    /// <summary>
    /// The definition of a step, one bridge at a time with the exact test (no bounds, no vectors): bridge i, with
    /// rates f, g at its mid-step displacement x_i + v dt / 2, s = f + g and r = g if attached, else f, switches state
    /// if u_i &lt; r (1 − e^{−s dt}) / s, u_i = item i of <see cref="PhiloxUniforms32"/>(seed, block, step); it then
    /// slides by v dt and re-enters detached on the other side if it left the window. The fused
    /// <see cref="Step(ulong, ulong, double, double, Span{double})"/> is tested against it bit for bit.
    /// </summary>
    public void StepReference(ulong seed, ulong step, double dt, double v)
    {
        if (step > uint.MaxValue) throw new ArgumentOutOfRangeException(nameof(step), step, "step must fit in 32 bits");
        Span<ulong> keys = stackalloc ulong[2 * PhiloxUniforms32.Rounds];
        PhiloxUniforms32.RoundKeys(seed, keys);
        Span<double> u = stackalloc double[PhiloxUniforms32.GroupSize];
        double hi = XMin + Length, shift = v * dt, half = 0.5 * shift;
        for (int i = 0; i < _x.Length; i++)
        {
            if (i % PhiloxUniforms32.GroupSize == 0) PhiloxUniforms32.FillGroup((ulong)(i / PhiloxUniforms32.GroupSize), (uint)step, (uint)BlockIndex, keys, u);
            double us = u[i % PhiloxUniforms32.GroupSize];
            double xm = _x[i] + half;
            double f = Rates.Attach(xm), g = Rates.Detach(xm), s = f + g;
            double r = _attached[i] ? g : f;
            if (r > 0.0 && ExactFlip(us, r, s, dt)) _attached[i] = !_attached[i];
            double x = _x[i] + shift;
            if (x < XMin) { x += Length; _attached[i] = false; }
            else if (x >= hi) { x -= Length; _attached[i] = false; }
            _x[i] = x;
        }
    }

    /// <summary>
    /// Partial sums over attached bridges: [0] count, [1] Σx, [2] Σx² — bridge i added to lane i mod 8 of eight
    /// accumulators, the lanes combined as ((0 + 1) + (2 + 3)) + ((4 + 5) + (6 + 7)): the bits of the fused step's sums.
    /// </summary>
    public void MomentPartials(Span<double> partial)
    {
        Span<double> sums = stackalloc double[2 * Lanes];
        sums.Clear();
        long c = 0;
        for (int i = 0; i < _x.Length; i++)
            if (_attached[i]) { double x = _x[i]; c++; sums[i % Lanes] += x; sums[Lanes + i % Lanes] = Math.FusedMultiplyAdd(x, x, sums[Lanes + i % Lanes]); }
        partial[0] = c; partial[1] = Combine(sums[..Lanes]); partial[2] = Combine(sums[Lanes..]);
    }
}

/// <summary>
/// Sequential driver of B <see cref="HuxleyParticleBlock"/>s on a uniform lattice of N bridges
/// x_i = XMin + (i + 1/2) L / N; moments are reduced in block order.
/// </summary>
public sealed class HuxleyParticleSystem
{
    private readonly HuxleyParticleBlock[] _blocks;
    private readonly double[][] _partials;
    private readonly int[] _order;

    public HuxleyParticleSystem(HuxleyRates rates, double xMin, double length, int bridges, int blockCount, ulong seed,
        IReadOnlyList<int>? evaluationOrder = null)
    {
        Seed = seed; Count = bridges; Length = length;
        _blocks = new HuxleyParticleBlock[blockCount];
        _partials = new double[blockCount][];
        var all = new double[bridges];
        for (int i = 0; i < bridges; i++) all[i] = xMin + (i + 0.5) * length / bridges;
        for (int b = 0; b < blockCount; b++)
        {
            var (start, count) = BlockPartition.Range(bridges, blockCount, b);
            _blocks[b] = new HuxleyParticleBlock(rates, b, xMin, length, all.AsSpan(start, count));
            _partials[b] = new double[3];
        }
        _order = evaluationOrder?.ToArray() ?? Enumerable.Range(0, blockCount).ToArray();
    }

    public ulong Seed { get; }
    public int Count { get; }
    public double Length { get; }
    public long StepCount { get; private set; }
    public IReadOnlyList<HuxleyParticleBlock> Blocks => _blocks;

    /// <summary>One step dt at displacement rate v (v &lt; 0: shortening).</summary>
    public void Step(double dt, double v)
    {
        foreach (int b in _order) _blocks[b].Step(Seed, (ulong)StepCount, dt, v);
        StepCount++;
    }

    /// <summary>(Q0, Q1, Q2) = (L / N) (count, sum x, sum x^2) over attached bridges, reduced in block order.</summary>
    public (double Q0, double Q1, double Q2) Moments()
    {
        foreach (int b in _order) _blocks[b].MomentPartials(_partials[b]);
        double c = 0, s1 = 0, s2 = 0;
        for (int b = 0; b < _blocks.Length; b++) { c += _partials[b][0]; s1 += _partials[b][1]; s2 += _partials[b][2]; }
        double w = Length / Count;
        return (w * c, w * s1, w * s2);
    }
}
