using ActorSim.Numerics.Random;

namespace ActorSim.Simulation.Models;

/// <summary>
/// Initial particle positions as a pure function of (seed, global particle index): particle i's coordinates
/// come from one Philox4x32-10 draw with counter (i, tag) and key = seed, so every block samples its own range
/// and the initial data does not depend on the block count or on where a block runs.
/// </summary>
public interface IParticleSampler
{
    /// <summary>n_x.</summary>
    int Nx { get; }

    /// <summary>Writes the initial position of particle <paramref name="index"/> into <paramref name="x"/> (length n_x).</summary>
    void Sample(long index, Span<double> x);
}

/// <summary>Helpers shared by the muscle samplers.</summary>
public static class ParticleSampling
{
    private const uint Tag = 0x4D55_5343; // "MUSC": keeps these draws apart from other streams of the same seed

    /// <summary>Two independent uniforms in [0, 1) for particle <paramref name="index"/> (53 random bits each).</summary>
    public static (double U0, double U1) Uniforms(ulong seed, long index)
    {
        var (a, b, c, d) = Philox4x32.Generate((uint)index, (uint)((ulong)index >> 32), Tag, 0, (uint)seed, (uint)(seed >> 32));
        const double scale = 1.0 / 9007199254740992.0;
        return (((((ulong)a << 32) | b) >> 11) * scale, ((((ulong)c << 32) | d) >> 11) * scale);
    }

    /// <summary>Positions of particles start .. start + count - 1 as n_x component arrays of length count.</summary>
    public static double[][] SampleRange(IParticleSampler sampler, long start, int count)
    {
        int nx = sampler.Nx;
        var x = new double[nx][];
        for (int c = 0; c < nx; c++) x[c] = new double[count];
        Span<double> p = stackalloc double[nx];
        for (int i = 0; i < count; i++)
        {
            sampler.Sample(start + i, p);
            for (int c = 0; c < nx; c++) x[c][i] = p[c];
        }
        return x;
    }
}

/// <summary>Uniform distribution on the box [lo_c, hi_c) in every component (n_x = 1 or 2).</summary>
public sealed class UniformBoxSampler : IParticleSampler
{
    private readonly ulong _seed;
    private readonly double[] _lo, _hi;

    public UniformBoxSampler(ulong seed, double[] lo, double[] hi)
    {
        if (lo.Length is not (1 or 2) || hi.Length != lo.Length) throw new ArgumentException("box must be 1D or 2D");
        _seed = seed; _lo = (double[])lo.Clone(); _hi = (double[])hi.Clone();
    }

    public int Nx => _lo.Length;

    public void Sample(long index, Span<double> x)
    {
        var (u0, u1) = ParticleSampling.Uniforms(_seed, index);
        x[0] = _lo[0] + (_hi[0] - _lo[0]) * u0;
        if (_lo.Length == 2) x[1] = _lo[1] + (_hi[1] - _lo[1]) * u1;
    }
}

/// <summary>
/// The smooth 1D bump rho0(x) = (2 / w) sin^2(pi (x - a) / w) on [a, a + w] (zero outside), sampled by inverting
/// its distribution function F(s) = s - sin(2 pi s) / (2 pi), s = (x - a) / w (safeguarded Newton).
/// </summary>
public sealed class SineBumpSampler : IParticleSampler
{
    private readonly ulong _seed;

    public SineBumpSampler(ulong seed, double lo, double hi)
    {
        if (!(hi > lo)) throw new ArgumentException("need hi > lo");
        _seed = seed; Lo = lo; Hi = hi;
    }

    public double Lo { get; }
    public double Hi { get; }
    public int Nx => 1;

    /// <summary>F(s) = s - sin(2 pi s) / (2 pi) on [0, 1] (the bump's distribution function, <see cref="Numerics.Densities.SineBumpDensity"/>).</summary>
    public static double Cdf(double s) => Numerics.Densities.SineBumpDensity.UnitCdf(s);

    /// <summary>The s in [0, 1] with F(s) = u.</summary>
    public static double InverseCdf(double u) => Numerics.Densities.SineBumpDensity.UnitInverseCdf(u);

    public void Sample(long index, Span<double> x)
    {
        var (u, _) = ParticleSampling.Uniforms(_seed, index);
        x[0] = Lo + (Hi - Lo) * InverseCdf(u);
    }
}

/// <summary>Cell averages of the initial densities the samplers draw from (exact integrals over each cell).</summary>
public static class InitialDensity
{
    /// <summary>
    /// Cell averages on cells [origin + k dx, origin + (k + 1) dx) of the probability density whose distribution
    /// function is <paramref name="cdf"/> (a function of x, 0 left of the support, 1 right of it).
    /// </summary>
    public static double[] CellAverages(Func<double, double> cdf, double origin, double dx, int cells)
    {
        var rho = new double[cells];
        double left = cdf(origin);
        for (int k = 0; k < cells; k++)
        {
            double right = cdf(origin + (k + 1) * dx);
            rho[k] = (right - left) / dx;
            left = right;
        }
        return rho;
    }

    /// <summary>Distribution function of the uniform density on [lo, hi].</summary>
    public static Func<double, double> UniformCdf(double lo, double hi) => x => Math.Clamp((x - lo) / (hi - lo), 0.0, 1.0);

    /// <summary>Distribution function of the sine bump on [lo, hi] (<see cref="SineBumpSampler"/>).</summary>
    public static Func<double, double> SineBumpCdf(double lo, double hi) => x => SineBumpSampler.Cdf(Math.Clamp((x - lo) / (hi - lo), 0.0, 1.0));
}
