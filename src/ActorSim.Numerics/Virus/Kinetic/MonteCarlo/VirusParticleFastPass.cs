using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ActorSim.Numerics.Virus.Kinetic.MonteCarlo;

// The vectorised fast pass of the slab's sweep (issue 14): the common particle does not tumble and gives no birth in a
// full step; for it the chain of Live/Fly reduces to a few compares, a run of v Δt, one wall reflection and the weight
// update with the step's per-cell factors. The pass evaluates exactly those operations of Live/Fly (same expressions,
// same order, so the same bits) four particles per vector and hands every other particle to the scalar chain.
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
        _ => true,
    };

    private VirusKernelPath ResolvedPath => _path != VirusKernelPath.Auto ? _path
        : Avx2.IsSupported ? VirusKernelPath.Avx2 : VirusKernelPath.Scalar;

    /// <summary>
    /// Particles c0 … c0 + m − 1 of <paramref name="species"/> over a full step: writes the result of each particle
    /// that neither tumbles nor gives birth (no birth: ⌊M/ω₀ + U₀⌋ = 0; no tumble: its flight uniform below the step's
    /// no-tumble threshold; at most one wall reflection) into the chunk buffers, lists the others in _rare (ascending)
    /// and returns their number.
    /// </summary>
    private int FastPass(int species, int c0, int m)
    {
        var store = _particles[species];
        double[] xs = store.RawX, ws = store.RawWeight;
        byte[] vs = store.RawVelocity;
        int full = m & ~3, rare = 0;
        bool parent = species < 2;
        double[] uFlight = parent ? _d1 : _d0, uRoulette = parent ? _d2 : _d1;
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
        var vOffspringW0 = Vector256.Create(parent ? _nominal[species + 1] : 1.0);
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
                noBirth = Vector256.LessThan(w * nu * integral / vOffspringW0 + Vector256.LoadUnsafe(ref _d0[i]), vOne);
            }
            else if (species == 1)
            {
                noBirth = Vector256.LessThan(w * vNu * vIntegral / vOffspringW0 + Vector256.LoadUnsafe(ref _d0[i]), vOne);
                decay = vDecay;
            }
            else
            {
                noBirth = Vector256<double>.AllBitsSet;
                decay = vDecay;
            }
            var noTumble = Vector256.LessThan(Vector256.LoadUnsafe(ref uFlight[i]), vThreshold);
            // the run: x + (±c/ε) Δt, then Reflect's first pass
            var xn = x + Vector256.ConditionalSelect(isPlus, vSpeed, vMinusSpeed) * vDt;
            var hitLeft = leftWall & Vector256.LessThan(xn, vZero);
            var hitRight = rightWall & Vector256.GreaterThan(xn, vLength);
            xn = Vector256.ConditionalSelect(hitLeft, vZero - xn, Vector256.ConditionalSelect(hitRight, vTwoLength - xn, xn));
            var kn = k ^ ((hitLeft | hitRight).AsInt64() & kOne);
            var stillOut = (leftWall & Vector256.LessThan(xn, vZero)) | (rightWall & Vector256.GreaterThan(xn, vLength));
            // weight and roulette
            var wn = w * decay;
            var below = Vector256.LessThan(wn, vHalfW0);
            var survives = Vector256.LessThan(Vector256.LoadUnsafe(ref uRoulette[i]), wn / vW0);
            var lives = ~below | survives;
            wn = Vector256.ConditionalSelect(below, vW0, wn);
            xn.StoreUnsafe(ref _cx[i]);
            wn.StoreUnsafe(ref _cw[i]);
            kn.StoreUnsafe(ref _ck[i]);
            lives.AsInt64().StoreUnsafe(ref _alive[i]);
            uint handOn = ~(noBirth & noTumble & ~stillOut).ExtractMostSignificantBits() & 0xF;
            while (handOn != 0)
            {
                _rare[rare++] = i + BitOperations.TrailingZeroCount(handOn);
                handOn &= handOn - 1;
            }
        }
        for (int i = full; i < m; i++) _rare[rare++] = i;
        return rare;
    }
}
