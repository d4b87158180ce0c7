using MathNet.Numerics;

namespace ActorSim.Numerics.Densities;

/// <summary>
/// The normal density N(mu, sigma^2), optionally truncated to [lo, hi] (renormalised there). Draws invert the
/// distribution function: x = mu + sigma Phi^{-1}(Phi(a) + u (Phi(b) - Phi(a))), a, b the standardised bounds.
/// </summary>
public sealed class NormalDensity : IDensity1D
{
    /// <summary>Untruncated support: mu +- this many sigma (mass outside 2 Phi(-8.3) ~ 1e-16).</summary>
    public const double TailSigmas = 8.3;

    private readonly double _pa, _pb;

    public NormalDensity(double mean, double deviation, double? lo = null, double? hi = null)
    {
        if (!double.IsFinite(mean)) throw new ArgumentOutOfRangeException(nameof(mean), mean, "must be finite");
        if (!(deviation > 0) || !double.IsFinite(deviation)) throw new ArgumentOutOfRangeException(nameof(deviation), deviation, "must be > 0");
        if (lo is { } l && hi is { } h && !(h > l)) throw new ArgumentException($"truncation needs hi > lo, got [{l}, {h}]");
        Mean = mean; Deviation = deviation;
        Lo = lo ?? mean - TailSigmas * deviation;
        Hi = hi ?? mean + TailSigmas * deviation;
        Truncated = lo is not null || hi is not null;
        _pa = lo is null ? 0.0 : Phi((Lo - mean) / deviation);
        _pb = hi is null ? 1.0 : Phi((Hi - mean) / deviation);
        if (!(_pb - _pa > 1e-300)) throw new ArgumentException($"the truncation interval [{Lo}, {Hi}] holds no mass of N({mean}, {deviation}^2)");
    }

    public double Mean { get; }
    public double Deviation { get; }
    public double Lo { get; }
    public double Hi { get; }
    public bool Truncated { get; }

    /// <summary>Standard normal distribution function (via erfc: accurate in the left tail).</summary>
    public static double Phi(double z) => 0.5 * SpecialFunctions.Erfc(-z / Math.Sqrt(2.0));

    /// <summary>Standard normal quantile Phi^{-1}(p), p in (0, 1).</summary>
    public static double PhiInverse(double p) => -Math.Sqrt(2.0) * SpecialFunctions.ErfcInv(2.0 * p);

    public double Cdf(double x)
    {
        if (Truncated && x <= Lo) return 0.0;
        if (Truncated && x >= Hi) return 1.0;
        return Math.Clamp((Phi((x - Mean) / Deviation) - _pa) / (_pb - _pa), 0.0, 1.0);
    }

    public double Survival(double x)
    {
        if (Truncated && x <= Lo) return 1.0;
        if (Truncated && x >= Hi) return 0.0;
        double upper = Truncated ? _pb - Phi((x - Mean) / Deviation) : Phi(-(x - Mean) / Deviation);
        return Math.Clamp(upper / (_pb - _pa), 0.0, 1.0);
    }

    public double Draw(double u0, double u1)
    {
        double p = _pa + u0 * (_pb - _pa);
        if (p <= 0) return Lo;
        if (p >= 1) return Hi;
        return Math.Clamp(Mean + Deviation * PhiInverse(p), Lo, Hi);
    }

    public (double Lo, double Hi) Support => (Lo, Hi);

    public IReadOnlyList<double> Breakpoints => [Math.Clamp(Mean, Lo, Hi)];
}
