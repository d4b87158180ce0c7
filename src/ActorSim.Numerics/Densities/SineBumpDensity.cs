namespace ActorSim.Numerics.Densities;

/// <summary>
/// The smooth bump rho0(x) = (2 / w) sin^2(pi (x - lo) / w) on [lo, hi], w = hi - lo, with distribution function
/// F = s - sin(2 pi s) / (2 pi), s = (x - lo) / w, inverted by safeguarded Newton.
/// </summary>
public sealed class SineBumpDensity : IDensity1D
{
    public SineBumpDensity(double lo, double hi)
    {
        if (!(hi > lo)) throw new ArgumentException($"need hi > lo, got [{lo}, {hi}]");
        Lo = lo; Hi = hi;
    }

    public double Lo { get; }
    public double Hi { get; }

    /// <summary>F(s) = s - sin(2 pi s) / (2 pi) on [0, 1].</summary>
    public static double UnitCdf(double s) => s - Math.Sin(2 * Math.PI * s) / (2 * Math.PI);

    /// <summary>The s in [0, 1] with F(s) = u.</summary>
    public static double UnitInverseCdf(double u)
    {
        double lo = 0.0, hi = 1.0, s = u;
        for (int it = 0; it < 100; it++)
        {
            double f = UnitCdf(s) - u;
            if (f > 0) hi = s; else lo = s;
            double d = 1.0 - Math.Cos(2 * Math.PI * s);
            double next = d > 0 ? s - f / d : 0.5 * (lo + hi);
            if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
            if (Math.Abs(next - s) <= 1e-15) return next;
            s = next;
        }
        return s;
    }

    public double Cdf(double x) => UnitCdf(Math.Clamp((x - Lo) / (Hi - Lo), 0.0, 1.0));

    public double Draw(double u0, double u1) => Lo + (Hi - Lo) * UnitInverseCdf(u0);

    public (double Lo, double Hi) Support => (Lo, Hi);

    public IReadOnlyList<double> Breakpoints => [];
}
