using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ActorSim.Numerics.Virus.Kinetic.MonteCarlo;

// The vectorised fast pass of the slab's sweep (issue 14): the common particle gives no birth and tumbles at most once
// in a full step; for it the chain of Live/Fly reduces to a few compares, one or two runs (with the flight logarithm
// and the taxis bias at the tumble), one wall reflection per run and the weight update with the step's per-cell
// factors. The pass evaluates exactly those operations of Live/Fly (same expressions, same order, so the same bits)
// four (AVX2) or eight (AVX-512) particles per vector and hands every other particle to the scalar chain.
public sealed partial class VirusParticleSubdomain1D
{
    /// <summary>The code path of <see cref="ReactAndMove"/> (every path gives the same bits).</summary>
    public VirusKernelPath KernelPath
    {
        get => _path;
        set
        {
            if (!IsSupported(value)) throw new PlatformNotSupportedException($"kernel path {value} needs instructions this machine lacks");
            _path = value;
        }
    }

    /// <summary>Whether <paramref name="path"/> can run on this machine.</summary>
    public static bool IsSupported(VirusKernelPath path) => path switch
    {
        VirusKernelPath.Avx2 => Avx2.IsSupported,
        VirusKernelPath.Avx512 => Avx2.IsSupported && Avx512F.IsSupported,
        _ => true,
    };

    private VirusKernelPath ResolvedPath => _path != VirusKernelPath.Auto ? _path
        : !Avx2.IsSupported ? VirusKernelPath.Scalar : Avx512F.IsSupported ? VirusKernelPath.Avx512 : VirusKernelPath.Avx2;

    /// <summary>
    /// Particles c0 … c0 + m − 1 of <paramref name="species"/> over a full step: writes the result of each particle
    /// that gives no birth (⌊M/ω₀ + U₀⌋ = 0) and tumbles at most once (for u and v without a roulette after the
    /// tumble: its draw is the fifth), with at most one wall reflection per run, into the chunk buffers, lists the
    /// others in _rare (ascending) and returns their number.
    /// </summary>
    private int FastPass(int species, int c0, int m)
    {
        var store = _particles[species];
        double[] xs = store.RawX, ws = store.RawWeight;
        byte[] vs = store.RawVelocity;
        int full = m & ~3, rare = 0;
        bool parent = species < 2;
        // the draws of the fast classes: [born], first flight, then roulette (no tumble) or direction, second flight,
        // roulette (one tumble; for w the fourth draw, for u and v the fifth, not generated ahead)
        double[] uFlight = parent ? _d1 : _d0, uRoulette = parent ? _d2 : _d1, uSecond = parent ? _d3 : _d2;
        double[] uLast = _d3;
        var vRate = Vector256.Create(_tumbleRate[species]);
        var vInvRate = Vector256.Create(_invTumbleRate[species]);
        var vInvW0 = Vector256.Create(_invNominal[species]);
        var vInfinity = Vector256.Create(double.PositiveInfinity);
        var vHalf = Vector256.Create(0.5);
        var vMinusOne = Vector256.Create(-1.0);
        var vMargin = Vector256.Create(1.0 - 1e-9);
        var vBias = Vector256.Create(_biasScale);
        double w0 = _nominal[species];
        var vW0 = Vector256.Create(w0);
        var vHalfW0 = Vector256.Create(0.5 * w0);
        var vThreshold = Vector256.Create(_fastNoTumble[species]);
        var vSpeed = Vector256.Create(_runSpeed[species]);
        var vMinusSpeed = Vector256.Create(-_runSpeed[species]);
        var vDt = Vector256.Create(_stepDt);
        var vZero = Vector256<double>.Zero;
        var vLength = Vector256.Create(_length);
        var vTwoLength = Vector256.Create(2 * _length);
        var vOne = Vector256.Create(1.0);
        var vInvDx = Vector256.Create(_invDx);
        var vFirst = Vector128.Create(FirstCell);
        var vLast = Vector128.Create(_n - 1);
        var vN = Vector128.Create(_n);
        var vDecay = Vector256.Create(_decayDt[species]);
        var vNu = Vector256.Create(species == 1 ? _p.Rates.K : 0.0);
        var vIntegral = Vector256.Create(_integralDt[species]);
        var vInvOffspringW0 = Vector256.Create(parent ? _invNominal[species + 1] : 1.0);
        var leftWall = Vector256.Create(_leftWall ? -1L : 0L).AsDouble();
        var rightWall = Vector256.Create(_rightWall ? -1L : 0L).AsDouble();
        var kOne = Vector256.Create(1L);
        double[] uNu = _uNu, uIntegral = _uIntegralDt, uDecay = _uDecayDt;
        for (int i = 0; i < full; i += 4)
        {
            int p = c0 + i;
            var x = Vector256.LoadUnsafe(ref xs[p]);
            var w = Vector256.LoadUnsafe(ref ws[p]);
            var k = Avx2.ConvertToVector256Int64(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref vs[p])).AsByte()).AsInt64();
            var isPlus = Vector256.Equals(k, Vector256<long>.Zero).AsDouble();
            Vector256<double> noBirth, decay;
            if (species == 0)
            {
                // at = k n + LocalCell(x): LocalCell clamps ⌊x/Δx⌋ − FirstCell to [0, n − 1]
                var cell = Avx.ConvertToVector128Int32WithTruncation(Avx.Floor(x * vInvDx)) - vFirst;
                cell = Sse41.Min(Sse41.Max(cell, Vector128<int>.Zero), vLast);
                var kLow = Avx2.PermuteVar8x32(k.AsInt32(), Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6)).GetLower();
                var at = cell + Sse41.MultiplyLow(kLow, vN);
                int a0 = at.GetElement(0), a1 = at.GetElement(1), a2 = at.GetElement(2), a3 = at.GetElement(3);
                var nu = Vector256.Create(uNu[a0], uNu[a1], uNu[a2], uNu[a3]);
                var integral = Vector256.Create(uIntegral[a0], uIntegral[a1], uIntegral[a2], uIntegral[a3]);
                decay = Vector256.Create(uDecay[a0], uDecay[a1], uDecay[a2], uDecay[a3]);
                // born = ⌊w ν I / ω₀' + U₀⌋ = 0 (with ν = 0 the product is 0 and the test is U₀ < 1, true)
                noBirth = Vector256.LessThan(w * nu * integral * vInvOffspringW0 + Vector256.LoadUnsafe(ref _d0[i]), vOne);
            }
            else if (species == 1)
            {
                noBirth = Vector256.LessThan(w * vNu * vIntegral * vInvOffspringW0 + Vector256.LoadUnsafe(ref _d0[i]), vOne);
                decay = vDecay;
            }
            else
            {
                noBirth = Vector256<double>.AllBitsSet;
                decay = vDecay;
            }
            // first flight: no tumble below the step's threshold, else τ₁ = −ln U / rate (Fly's expressions)
            var u1 = Vector256.LoadUnsafe(ref uFlight[i]);
            var tumbleCandidate = Vector256.GreaterThanOrEqual(u1, vThreshold);
            var velocity = Vector256.ConditionalSelect(isPlus, vSpeed, vMinusSpeed);
            Vector256<double> xn, wn, lives, handled;
            Vector256<long> kn;
            var decayed = w * decay;
            if (tumbleCandidate == Vector256<double>.Zero)
            {
                // the run: x + (±c/ε) Δt, then Reflect's first pass
                xn = x + velocity * vDt;
                kn = k;
                var stillOut = ReflectOnce(ref xn, ref kn, leftWall, rightWall, vZero, vLength, vTwoLength, kOne);
                handled = ~stillOut;
                var below = Vector256.LessThan(decayed, vHalfW0);
                lives = ~below | Vector256.LessThan(Vector256.LoadUnsafe(ref uRoulette[i]), decayed * vInvW0);
                wn = Vector256.ConditionalSelect(below, vW0, decayed);
            }
            else
            {
                var tau1 = Vector256.ConditionalSelect(tumbleCandidate, -FlightLog.Of(u1) * vInvRate, vInfinity);
                var tumbles = Vector256.LessThan(tau1, vDt);
                // run until min(τ₁, Δt), reflect
                var x1 = x + velocity * Vector256.ConditionalSelect(tumbles, tau1, vDt);
                var k1 = k;
                var stillOut = ReflectOnce(ref x1, ref k1, leftWall, rightWall, vZero, vLength, vTwoLength, kOne);
                // the new direction: + with probability ½(1 + b), b the clamped taxis bias at x₁ (u only)
                var half = vHalf;
                if (species == 0)
                {
                    var local = Avx.ConvertToVector128Int32WithTruncation(Avx.Floor(x1 * vInvDx)) - vFirst;
                    local = Sse41.Min(Sse41.Max(local, Vector128.Create(-1)), vN) + Vector128.Create(1);
                    var g = Vector256.Create(_gradient[local.GetElement(0)], _gradient[local.GetElement(1)], _gradient[local.GetElement(2)], _gradient[local.GetElement(3)]);
                    var b = vBias * g;
                    b = Vector256.ConditionalSelect(Vector256.LessThan(b, vMinusOne), vMinusOne, Vector256.ConditionalSelect(Vector256.GreaterThan(b, vOne), vOne, b));
                    half = vHalf * (vOne + b);
                }
                var uDir = Vector256.LoadUnsafe(ref uRoulette[i]); // the draw after the first flight
                var k2 = Vector256.ConditionalSelect(Vector256.LessThan(uDir, half), Vector256<double>.Zero, kOne.AsDouble()).AsInt64();
                // second flight over the rest: no tumble below (1 − rate·rest)(1 − 1e-9), else τ₂ = −ln U / rate ≥ rest
                var rest = vDt - tau1;
                var u3 = Vector256.LoadUnsafe(ref uSecond[i]);
                var runsOn = Vector256.LessThan(u3, (vOne - vRate * rest) * vMargin);
                // the logarithm only for the lanes that need it (most do not: rate·rest ≤ rate·Δt)
                var tau2 = (tumbles & ~runsOn) == Vector256<double>.Zero ? vInfinity
                    : Vector256.ConditionalSelect(runsOn, vInfinity, -FlightLog.Of(u3) * vInvRate);
                var x2 = x1 + Vector256.ConditionalSelect(Vector256.Equals(k2, Vector256<long>.Zero).AsDouble(), vSpeed, vMinusSpeed) * rest;
                var stillOut2 = ReflectOnce(ref x2, ref k2, leftWall, rightWall, vZero, vLength, vTwoLength, kOne);
                xn = Vector256.ConditionalSelect(tumbles, x2, x1);
                kn = Vector256.ConditionalSelect(tumbles.AsInt64(), k2, k1);
                // handled: no tumble (run over), or one tumble and no second (the roulette draw of a tumbler is the fifth
                // for u and v, not generated ahead: those hand on if they play)
                var below = Vector256.LessThan(decayed, vHalfW0);
                var uR = Vector256.ConditionalSelect(tumbles, Vector256.LoadUnsafe(ref uLast[i]), Vector256.LoadUnsafe(ref uRoulette[i])); // u, v: a stand-in, handed on
                lives = ~below | Vector256.LessThan(uR, decayed * vInvW0);
                wn = Vector256.ConditionalSelect(below, vW0, decayed);
                var oneTumble = tumbles & Vector256.GreaterThanOrEqual(tau2, rest) & ~stillOut2 & (parent ? ~below : Vector256<double>.AllBitsSet);
                handled = ~stillOut & (~tumbles | oneTumble);
            }
            xn.StoreUnsafe(ref _cx[i]);
            wn.StoreUnsafe(ref _cw[i]);
            kn.StoreUnsafe(ref _ck[i]);
            lives.AsInt64().StoreUnsafe(ref _alive[i]);
            uint handOn = ~(noBirth & handled).ExtractMostSignificantBits() & 0xF;
            // branch-free append of the handed-on lanes (_rare has room: at most m entries, rare ≤ i before this vector)
            _rare[rare] = i; rare += (int)(handOn & 1);
            _rare[rare] = i + 1; rare += (int)((handOn >> 1) & 1);
            _rare[rare] = i + 2; rare += (int)((handOn >> 2) & 1);
            _rare[rare] = i + 3; rare += (int)(handOn >> 3);
        }
        for (int i = full; i < m; i++) _rare[rare++] = i;
        return rare;
    }

    /// <summary>As <see cref="FastPass"/>, eight particles per vector (AVX-512F); the same operations per lane.</summary>
    private int FastPass512(int species, int c0, int m)
    {
        var store = _particles[species];
        double[] xs = store.RawX, ws = store.RawWeight;
        byte[] vs = store.RawVelocity;
        int full = m & ~7, rare = 0;
        bool parent = species < 2;
        // the draws of the fast classes: [born], first flight, then roulette (no tumble) or direction, second flight,
        // roulette (one tumble; for w the fourth draw, for u and v the fifth, not generated ahead)
        double[] uFlight = parent ? _d1 : _d0, uRoulette = parent ? _d2 : _d1, uSecond = parent ? _d3 : _d2;
        double[] uLast = _d3;
        var vRate = Vector512.Create(_tumbleRate[species]);
        var vInvRate = Vector512.Create(_invTumbleRate[species]);
        var vInvW0 = Vector512.Create(_invNominal[species]);
        var vInfinity = Vector512.Create(double.PositiveInfinity);
        var vHalf = Vector512.Create(0.5);
        var vMinusOne = Vector512.Create(-1.0);
        var vMargin = Vector512.Create(1.0 - 1e-9);
        var vBias = Vector512.Create(_biasScale);
        double w0 = _nominal[species];
        var vW0 = Vector512.Create(w0);
        var vHalfW0 = Vector512.Create(0.5 * w0);
        var vThreshold = Vector512.Create(_fastNoTumble[species]);
        var vSpeed = Vector512.Create(_runSpeed[species]);
        var vMinusSpeed = Vector512.Create(-_runSpeed[species]);
        var vDt = Vector512.Create(_stepDt);
        var vZero = Vector512<double>.Zero;
        var vLength = Vector512.Create(_length);
        var vTwoLength = Vector512.Create(2 * _length);
        var vOne = Vector512.Create(1.0);
        var vInvDx = Vector512.Create(_invDx);
        var vFirst = Vector256.Create(FirstCell);
        var vLast = Vector256.Create(_n - 1);
        var vN = Vector256.Create(_n);
        var vDecay = Vector512.Create(_decayDt[species]);
        var vNu = Vector512.Create(species == 1 ? _p.Rates.K : 0.0);
        var vIntegral = Vector512.Create(_integralDt[species]);
        var vInvOffspringW0 = Vector512.Create(parent ? _invNominal[species + 1] : 1.0);
        var leftWall = Vector512.Create(_leftWall ? -1L : 0L).AsDouble();
        var rightWall = Vector512.Create(_rightWall ? -1L : 0L).AsDouble();
        var kOne = Vector512.Create(1L);
        double[] uNu = _uNu, uIntegral = _uIntegralDt, uDecay = _uDecayDt;
        for (int i = 0; i < full; i += 8)
        {
            int p = c0 + i;
            var x = Vector512.LoadUnsafe(ref xs[p]);
            var w = Vector512.LoadUnsafe(ref ws[p]);
            var k = Avx512F.ConvertToVector512Int64(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref vs[p])).AsByte());
            var isPlus = Vector512.Equals(k, Vector512<long>.Zero).AsDouble();
            Vector512<double> noBirth, decay;
            if (species == 0)
            {
                // at = k n + LocalCell(x): LocalCell clamps ⌊x/Δx⌋ − FirstCell to [0, n − 1]
                var cell = Avx512F.ConvertToVector256Int32WithTruncation(Vector512.Floor(x * vInvDx)) - vFirst;
                cell = Avx2.Min(Avx2.Max(cell, Vector256<int>.Zero), vLast);
                var kLow = Avx512F.ConvertToVector256Int32(k);
                var at = cell + Avx2.MultiplyLow(kLow, vN);
                var nu = Fetch8(uNu, at);
                var integral = Fetch8(uIntegral, at);
                decay = Fetch8(uDecay, at);
                // born = ⌊w ν I / ω₀' + U₀⌋ = 0 (with ν = 0 the product is 0 and the test is U₀ < 1, true)
                noBirth = Vector512.LessThan(w * nu * integral * vInvOffspringW0 + Vector512.LoadUnsafe(ref _d0[i]), vOne);
            }
            else if (species == 1)
            {
                noBirth = Vector512.LessThan(w * vNu * vIntegral * vInvOffspringW0 + Vector512.LoadUnsafe(ref _d0[i]), vOne);
                decay = vDecay;
            }
            else
            {
                noBirth = Vector512<double>.AllBitsSet;
                decay = vDecay;
            }
            // first flight: no tumble below the step's threshold, else τ₁ = −ln U / rate (Fly's expressions)
            var u1 = Vector512.LoadUnsafe(ref uFlight[i]);
            var tumbleCandidate = Vector512.GreaterThanOrEqual(u1, vThreshold);
            var velocity = Vector512.ConditionalSelect(isPlus, vSpeed, vMinusSpeed);
            Vector512<double> xn, wn, lives, handled;
            Vector512<long> kn;
            var decayed = w * decay;
            if (tumbleCandidate == Vector512<double>.Zero)
            {
                // the run: x + (±c/ε) Δt, then Reflect's first pass
                xn = x + velocity * vDt;
                kn = k;
                var stillOut = ReflectOnce(ref xn, ref kn, leftWall, rightWall, vZero, vLength, vTwoLength, kOne);
                handled = ~stillOut;
                var below = Vector512.LessThan(decayed, vHalfW0);
                lives = ~below | Vector512.LessThan(Vector512.LoadUnsafe(ref uRoulette[i]), decayed * vInvW0);
                wn = Vector512.ConditionalSelect(below, vW0, decayed);
            }
            else
            {
                var tau1 = Vector512.ConditionalSelect(tumbleCandidate, -FlightLog.Of(u1) * vInvRate, vInfinity);
                var tumbles = Vector512.LessThan(tau1, vDt);
                // run until min(τ₁, Δt), reflect
                var x1 = x + velocity * Vector512.ConditionalSelect(tumbles, tau1, vDt);
                var k1 = k;
                var stillOut = ReflectOnce(ref x1, ref k1, leftWall, rightWall, vZero, vLength, vTwoLength, kOne);
                // the new direction: + with probability ½(1 + b), b the clamped taxis bias at x₁ (u only)
                var half = vHalf;
                if (species == 0)
                {
                    var local = Avx512F.ConvertToVector256Int32WithTruncation(Vector512.Floor(x1 * vInvDx)) - vFirst;
                    local = Avx2.Min(Avx2.Max(local, Vector256.Create(-1)), vN) + Vector256.Create(1);
                    var g = Fetch8(_gradient, local);
                    var b = vBias * g;
                    b = Vector512.ConditionalSelect(Vector512.LessThan(b, vMinusOne), vMinusOne, Vector512.ConditionalSelect(Vector512.GreaterThan(b, vOne), vOne, b));
                    half = vHalf * (vOne + b);
                }
                var uDir = Vector512.LoadUnsafe(ref uRoulette[i]); // the draw after the first flight
                var k2 = Vector512.ConditionalSelect(Vector512.LessThan(uDir, half), Vector512<double>.Zero, kOne.AsDouble()).AsInt64();
                // second flight over the rest: no tumble below (1 − rate·rest)(1 − 1e-9), else τ₂ = −ln U / rate ≥ rest
                var rest = vDt - tau1;
                var u3 = Vector512.LoadUnsafe(ref uSecond[i]);
                var runsOn = Vector512.LessThan(u3, (vOne - vRate * rest) * vMargin);
                // the logarithm only for the lanes that need it (most do not: rate·rest ≤ rate·Δt)
                var tau2 = (tumbles & ~runsOn) == Vector512<double>.Zero ? vInfinity
                    : Vector512.ConditionalSelect(runsOn, vInfinity, -FlightLog.Of(u3) * vInvRate);
                var x2 = x1 + Vector512.ConditionalSelect(Vector512.Equals(k2, Vector512<long>.Zero).AsDouble(), vSpeed, vMinusSpeed) * rest;
                var stillOut2 = ReflectOnce(ref x2, ref k2, leftWall, rightWall, vZero, vLength, vTwoLength, kOne);
                xn = Vector512.ConditionalSelect(tumbles, x2, x1);
                kn = Vector512.ConditionalSelect(tumbles.AsInt64(), k2, k1);
                // handled: no tumble (run over), or one tumble and no second (the roulette draw of a tumbler is the fifth
                // for u and v, not generated ahead: those hand on if they play)
                var below = Vector512.LessThan(decayed, vHalfW0);
                var uR = Vector512.ConditionalSelect(tumbles, Vector512.LoadUnsafe(ref uLast[i]), Vector512.LoadUnsafe(ref uRoulette[i])); // u, v: a stand-in, handed on
                lives = ~below | Vector512.LessThan(uR, decayed * vInvW0);
                wn = Vector512.ConditionalSelect(below, vW0, decayed);
                var oneTumble = tumbles & Vector512.GreaterThanOrEqual(tau2, rest) & ~stillOut2 & (parent ? ~below : Vector512<double>.AllBitsSet);
                handled = ~stillOut & (~tumbles | oneTumble);
            }
            xn.StoreUnsafe(ref _cx[i]);
            wn.StoreUnsafe(ref _cw[i]);
            kn.StoreUnsafe(ref _ck[i]);
            lives.AsInt64().StoreUnsafe(ref _alive[i]);
            uint handOn = (uint)(~(noBirth & handled).ExtractMostSignificantBits() & 0xFF);
            for (int l = 0; l < 8; l++) { _rare[rare] = i + l; rare += (int)((handOn >> l) & 1); } // branch-free append
        }
        for (int i = full; i < m; i++) _rare[rare++] = i;
        return rare;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Fetch8(double[] table, Vector256<int> at) => Vector512.Create(
        table[at.GetElement(0)], table[at.GetElement(1)], table[at.GetElement(2)], table[at.GetElement(3)],
        table[at.GetElement(4)], table[at.GetElement(5)], table[at.GetElement(6)], table[at.GetElement(7)]);

    /// <summary>Reflect's first pass on eight lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> ReflectOnce(ref Vector512<double> x, ref Vector512<long> k, Vector512<double> leftWall, Vector512<double> rightWall,
        Vector512<double> zero, Vector512<double> length, Vector512<double> twoLength, Vector512<long> one)
    {
        var hitLeft = leftWall & Vector512.LessThan(x, zero);
        var hitRight = rightWall & Vector512.GreaterThan(x, length);
        x = Vector512.ConditionalSelect(hitLeft, zero - x, Vector512.ConditionalSelect(hitRight, twoLength - x, x));
        k ^= (hitLeft | hitRight).AsInt64() & one;
        return (leftWall & Vector512.LessThan(x, zero)) | (rightWall & Vector512.GreaterThan(x, length));
    }

    /// <summary>Reflect's first pass on four lanes (walls given as all-ones masks); returns the lanes still outside.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ReflectOnce(ref Vector256<double> x, ref Vector256<long> k, Vector256<double> leftWall, Vector256<double> rightWall,
        Vector256<double> zero, Vector256<double> length, Vector256<double> twoLength, Vector256<long> one)
    {
        var hitLeft = leftWall & Vector256.LessThan(x, zero);
        var hitRight = rightWall & Vector256.GreaterThan(x, length);
        x = Vector256.ConditionalSelect(hitLeft, zero - x, Vector256.ConditionalSelect(hitRight, twoLength - x, x));
        k ^= (hitLeft | hitRight).AsInt64() & one;
        return (leftWall & Vector256.LessThan(x, zero)) | (rightWall & Vector256.GreaterThan(x, length));
    }
}
