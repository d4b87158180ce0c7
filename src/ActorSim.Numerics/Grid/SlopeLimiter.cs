using System.Runtime.CompilerServices;

namespace ActorSim.Numerics.Grid;

/// <summary>Slope limiter of a MUSCL (piecewise-linear) reconstruction.</summary>
public enum SlopeLimiter
{
    /// <summary>Zero slope: first-order upwind.</summary>
    None,
    /// <summary>minmod(a, b): most dissipative TVD limiter.</summary>
    Minmod,
    /// <summary>van Leer's harmonic limiter 2ab/(a+b) for ab &gt; 0: second order away from extrema.</summary>
    VanLeer,
}

/// <summary>Limited cell increments for MUSCL reconstruction.</summary>
public static class Limiters
{
    /// <summary>
    /// Limited increment across a cell from the backward difference <paramref name="a"/> = q_i − q_{i−1} and
    /// the forward difference <paramref name="b"/> = q_{i+1} − q_i. The face values q_i ± ½·result then lie
    /// between the neighbouring cell values (so they are non-negative when the cell values are), and
    /// q_i = average of the two face values.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Limit(SlopeLimiter limiter, double a, double b)
    {
        if (limiter == SlopeLimiter.None || a * b <= 0.0) return 0.0;
        if (limiter == SlopeLimiter.Minmod) return Math.Abs(a) < Math.Abs(b) ? a : b;
        return 2.0 * a * b / (a + b);
    }
}
