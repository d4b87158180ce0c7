namespace ActorSim.Numerics.Densities;

/// <summary>The uniform density 1 / (hi - lo) on [lo, hi].</summary>
public sealed class UniformDensity : IDensity1D
{
    public UniformDensity(double lo, double hi)
    {
        if (!(hi > lo)) throw new ArgumentException($"need hi > lo, got [{lo}, {hi}]");
        Lo = lo; Hi = hi;
    }

    public double Lo { get; }
    public double Hi { get; }

    public double Cdf(double x) => Math.Clamp((x - Lo) / (Hi - Lo), 0.0, 1.0);

    public double Draw(double u0, double u1) => Lo + (Hi - Lo) * u0;

    public (double Lo, double Hi) Support => (Lo, Hi);

    public IReadOnlyList<double> Breakpoints => [];
}
