using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ActorSim.Numerics.Virus.Kinetic.MonteCarlo;

/// <summary>
/// ln u for the flight times −ln U / rate of the Monte Carlo kernel, written with plain IEEE operations on 256-bit
/// vectors so that it is inlined into the vectorised fast pass (the library's vector logarithm is a call, which makes
/// the JIT spill every vector register around it) and gives the same bits for one lane in the scalar chain
/// (<see cref="Of(double)"/>) on any machine, with or without AVX (no fused multiply-add). fdlibm's e_log.c: u = 2^e m,
/// m in [√2/2, √2), f = m − 1, s = f / (2 + f), ln m = f − f²/2 + s (f²/2 + R(s²)) with its degree-14 polynomial,
/// e ln 2 in two parts: within 1 ulp of ln u. For positive normal u only (the kernel's uniforms lie in [2^-33, 1)).
/// </summary>
public static class FlightLog
{
    private const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01, Lg3 = 2.857142874366239149e-01,
        Lg4 = 2.222219843214978396e-01, Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
        Lg7 = 1.479819860511658591e-01, Ln2Hi = 6.93147180369123816490e-01, Ln2Lo = 1.90821492927058770002e-10;

    /// <summary>ln u of each lane (positive normal u).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Of(Vector256<double> u)
    {
        var bits = u.AsInt64();
        var e = (bits >>> 52) - Vector256.Create(1023L);
        var m = ((bits & Vector256.Create(0x000F_FFFF_FFFF_FFFFL)) | Vector256.Create(0x3FF0_0000_0000_0000L)).AsDouble();
        var big = Vector256.GreaterThan(m, Vector256.Create(1.4142135623730951));
        m = Vector256.ConditionalSelect(big, m * Vector256.Create(0.5), m);
        e -= big.AsInt64();
        // e as a double: (2^52 + 2^51 + e) − (2^52 + 2^51), exact for |e| < 2^51
        var dk = (e + Vector256.Create(0x4338_0000_0000_0000L)).AsDouble() - Vector256.Create(6755399441055744.0);
        var f = m - Vector256.Create(1.0);
        var s = f / (Vector256.Create(2.0) + f);
        var z = s * s;
        var w = z * z;
        var t1 = w * (Vector256.Create(Lg2) + w * (Vector256.Create(Lg4) + w * Vector256.Create(Lg6)));
        var t2 = z * (Vector256.Create(Lg1) + w * (Vector256.Create(Lg3) + w * (Vector256.Create(Lg5) + w * Vector256.Create(Lg7))));
        var r = t2 + t1;
        var hfsq = Vector256.Create(0.5) * f * f;
        return dk * Vector256.Create(Ln2Hi) - ((hfsq - (s * (hfsq + r) + dk * Vector256.Create(Ln2Lo))) - f);
    }

    /// <summary>ln u of each lane, eight at a time (the same operations, so the same bits per lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Of(Vector512<double> u)
    {
        var bits = u.AsInt64();
        var e = (bits >>> 52) - Vector512.Create(1023L);
        var m = ((bits & Vector512.Create(0x000F_FFFF_FFFF_FFFFL)) | Vector512.Create(0x3FF0_0000_0000_0000L)).AsDouble();
        var big = Vector512.GreaterThan(m, Vector512.Create(1.4142135623730951));
        m = Vector512.ConditionalSelect(big, m * Vector512.Create(0.5), m);
        e -= big.AsInt64();
        // e as a double: (2^52 + 2^51 + e) − (2^52 + 2^51), exact for |e| < 2^51
        var dk = (e + Vector512.Create(0x4338_0000_0000_0000L)).AsDouble() - Vector512.Create(6755399441055744.0);
        var f = m - Vector512.Create(1.0);
        var s = f / (Vector512.Create(2.0) + f);
        var z = s * s;
        var w = z * z;
        var t1 = w * (Vector512.Create(Lg2) + w * (Vector512.Create(Lg4) + w * Vector512.Create(Lg6)));
        var t2 = z * (Vector512.Create(Lg1) + w * (Vector512.Create(Lg3) + w * (Vector512.Create(Lg5) + w * Vector512.Create(Lg7))));
        var r = t2 + t1;
        var hfsq = Vector512.Create(0.5) * f * f;
        return dk * Vector512.Create(Ln2Hi) - ((hfsq - (s * (hfsq + r) + dk * Vector512.Create(Ln2Lo))) - f);
    }

    /// <summary>ln u, the same bits as a lane of <see cref="Of(Vector256{double})"/>.</summary>
    public static double Of(double u) => Of(Vector256.Create(u)).ToScalar();
}
