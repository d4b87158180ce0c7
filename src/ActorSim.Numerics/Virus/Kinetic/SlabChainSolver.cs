namespace ActorSim.Numerics.Virus.Kinetic;

/// <summary>
/// What the sequential micro–macro drivers share: a chain of slabs in block order, its halo exchange (all extracts
/// first, then each slab's two ghost layers from its neighbours, or a wall at the ends of a non-periodic chain), steps,
/// the equal-step advance and the block-order mass sum. A subclass maps the chain's low and high ends onto its slab's
/// sides (left/right in 1D, bottom/top in 2D).
/// </summary>
/// <typeparam name="TSlab">The slab (subdomain) type.</typeparam>
public abstract class SlabChainSolver<TSlab> where TSlab : class
{
    private readonly double[][] _lowOut, _highOut;

    /// <param name="blocks">The slabs in block order.</param>
    /// <param name="haloLength">How many doubles one side's halo of a slab holds.</param>
    protected SlabChainSolver(TSlab[] blocks, Func<TSlab, int> haloLength)
    {
        Blocks = blocks;
        _lowOut = blocks.Select(b => new double[haloLength(b)]).ToArray();
        _highOut = blocks.Select(b => new double[haloLength(b)]).ToArray();
    }

    /// <summary>The slabs in block order.</summary>
    protected TSlab[] Blocks { get; }

    /// <summary>Number of steps taken.</summary>
    public long StepCount { get; private set; }

    /// <summary>Macroscopic time reached.</summary>
    public double Time { get; private set; }

    /// <summary>Whether the chain wraps around (the last slab's high side faces the first slab's low side).</summary>
    protected abstract bool Periodic { get; }

    /// <summary>Copies the layers next to the low (<paramref name="high"/> false) or high side that the neighbour there needs.</summary>
    protected abstract void ExtractHalo(TSlab slab, bool high, double[] buffer);

    /// <summary>Fills the ghost layers of the low or high side from the neighbour's extract.</summary>
    protected abstract void ApplyHalo(TSlab slab, bool high, double[] buffer);

    /// <summary>Fills the ghost layers of the low or high side by the wall rule.</summary>
    protected abstract void ApplyWall(TSlab slab, bool high);

    /// <summary>One step of the slab (halos current).</summary>
    protected abstract void StepSlab(TSlab slab, double dt);

    /// <summary>The slab's part of ∫ρ of one species.</summary>
    protected abstract double PartialMass(TSlab slab, int species);

    /// <summary>Halo exchange of one step: every slab extracts both sides, then each slab receives its ghosts.</summary>
    public void ExchangeHalos()
    {
        int n = Blocks.Length;
        for (int b = 0; b < n; b++)
        {
            ExtractHalo(Blocks[b], high: false, _lowOut[b]);
            ExtractHalo(Blocks[b], high: true, _highOut[b]);
        }
        for (int b = 0; b < n; b++)
        {
            if (Periodic || b > 0) ApplyHalo(Blocks[b], high: false, _highOut[(b - 1 + n) % n]);
            else ApplyWall(Blocks[b], high: false);
            if (Periodic || b < n - 1) ApplyHalo(Blocks[b], high: true, _lowOut[(b + 1) % n]);
            else ApplyWall(Blocks[b], high: true);
        }
    }

    /// <summary>One step of length <paramref name="dt"/>: halo exchange, then every slab steps.</summary>
    public void Step(double dt)
    {
        ExchangeHalos();
        foreach (var b in Blocks) StepSlab(b, dt);
        StepCount++;
        Time += dt;
    }

    /// <summary>Advances by <paramref name="duration"/> with ⌈duration / maxDt⌉ equal steps; returns the number of steps.</summary>
    public int Advance(double duration, double maxDt)
    {
        if (!(duration > 0) || !(maxDt > 0)) throw new ArgumentOutOfRangeException(nameof(duration));
        int steps = (int)Math.Ceiling(duration / maxDt * (1 - 1e-12));
        double dt = duration / steps;
        for (int s = 0; s < steps; s++) Step(dt);
        return steps;
    }

    /// <summary>Total mass of one species: the slabs' partial masses reduced in block order.</summary>
    public double TotalMass(int species)
    {
        double m = 0;
        foreach (var b in Blocks) m += PartialMass(b, species);
        return m;
    }
}
