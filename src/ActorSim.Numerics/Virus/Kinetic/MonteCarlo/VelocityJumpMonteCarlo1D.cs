using ActorSim.Numerics.Random;

namespace ActorSim.Numerics.Virus.Kinetic.MonteCarlo;

/// <summary>
/// Sequential driver of the slab-decomposed Monte Carlo velocity-jump simulation: per step every slab
/// moves its particles (stream (seed, block, step)), then every slab appends the migrants from its
/// left neighbour and then from its right neighbour. The reference that a subdomain-actor version
/// reproduces bit for bit; results depend only on the seed and the number of slabs.
/// </summary>
public sealed class VelocityJumpMonteCarlo1D
{
    /// <summary>Block id of the stream used for the initial sampling (never used by a slab).</summary>
    public const uint InitializationBlock = uint.MaxValue;

    private readonly VelocityJumpSubdomain1D[] _blocks;

    /// <summary>Creates the simulation with <paramref name="blockCount"/> empty slabs.</summary>
    public VelocityJumpMonteCarlo1D(KineticGrid1D grid, VelocityJumpProcess1D process, int blockCount, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(grid);
        Grid = grid; Process = process; Seed = seed;
        _blocks = new VelocityJumpSubdomain1D[blockCount];
        for (int b = 0; b < blockCount; b++)
        {
            int a = grid.SlabStart(b, blockCount), e = grid.SlabStart(b + 1, blockCount);
            _blocks[b] = new VelocityJumpSubdomain1D(grid, process, b, a, e - a);
        }
    }

    /// <summary>The grid (cells define slab ownership and the histogram).</summary>
    public KineticGrid1D Grid { get; }

    /// <summary>The simulated process.</summary>
    public VelocityJumpProcess1D Process { get; }

    /// <summary>Seed of all random streams.</summary>
    public ulong Seed { get; }

    /// <summary>The slabs in block order.</summary>
    public IReadOnlyList<VelocityJumpSubdomain1D> Subdomains => _blocks;

    /// <summary>Number of steps taken (the step key of the last stream used).</summary>
    public long StepCount { get; private set; }

    /// <summary>Macroscopic time reached.</summary>
    public double Time { get; private set; }

    /// <summary>Total number of particles over all slabs.</summary>
    public int ParticleCount
    {
        get { int n = 0; foreach (var b in _blocks) n += b.Particles.Count; return n; }
    }

    /// <summary>Largest admissible step ε Δx / c (one cell per step).</summary>
    public double MaxTimeStep => _blocks[0].MaxTimeStep;

    /// <summary>
    /// Samples <paramref name="count"/> particles of equal weight totalMass/count, positions i.i.d. from
    /// the density <paramref name="density"/> on [0, L) by rejection under <paramref name="densityBound"/>
    /// (≥ max density), velocities uniform (f = ρ M). Uses the stream (seed, <see cref="InitializationBlock"/>, 0)
    /// and hands the particles to their slabs in sampling order, so the initial state is the same for any slab count.
    /// </summary>
    public void InitializeEquilibrium(int count, double totalMass, Func<double, double> density, double densityBound)
    {
        ArgumentNullException.ThrowIfNull(density);
        if (count < 1 || !(totalMass > 0) || !(densityBound > 0)) throw new ArgumentOutOfRangeException(nameof(count));
        foreach (var b in _blocks) { b.Particles.Clear(); b.Particles.EnsureCapacity(count / _blocks.Length + 16); }
        var rng = new CounterRandom(Seed, InitializationBlock, 0);
        double w = totalMass / count, length = Grid.Length;
        for (int p = 0; p < count; p++)
        {
            double x;
            do
            {
                x = rng.NextDouble() * length;
            } while (rng.NextDouble() * densityBound >= density(x));
            byte k = (byte)(rng.NextUInt32() & 1);
            Add(x, k, w);
        }
        StepCount = 0; Time = 0;
    }

    /// <summary>Adds one particle to the slab that owns its cell (for explicit initial states).</summary>
    public void Add(double x, byte velocity, double weight)
    {
        if (!(x >= 0 && x < Grid.Length) && !(x == Grid.Length && Grid.Boundary == KineticBoundary.Reflecting))
            throw new ArgumentOutOfRangeException(nameof(x), x, "position outside the domain");
        int cell = Math.Min((int)Math.Floor(x / Grid.Dx), Grid.CellCount - 1);
        int b = _blocks.Length - 1;
        while (_blocks[b].FirstCell > cell) b--;
        _blocks[b].Particles.Add(x, velocity, weight);
    }

    /// <summary>
    /// Sets the taxis gradient ∂x s from per-cell values on the whole grid (N values); ghosts are
    /// filled periodically or, at reflecting walls, by the odd mirror image (∂x s of the even extension).
    /// </summary>
    public void SetTaxisGradient(ReadOnlySpan<double> gradient)
    {
        int n = Grid.CellCount;
        if (gradient.Length != n) throw new ArgumentException("need one value per cell", nameof(gradient));
        bool periodic = Grid.Boundary == KineticBoundary.Periodic;
        foreach (var b in _blocks)
        {
            var g = b.TaxisGradient;
            gradient.Slice(b.FirstCell, b.CellCount).CopyTo(g.Slice(1));
            int left = b.FirstCell - 1, right = b.FirstCell + b.CellCount;
            g[0] = left >= 0 ? gradient[left] : periodic ? gradient[n - 1] : -gradient[0];
            g[b.CellCount + 1] = right < n ? gradient[right] : periodic ? gradient[0] : -gradient[n - 1];
        }
    }

    /// <summary>One step: every slab moves, then every slab accepts migrants (left neighbour's, then right neighbour's).</summary>
    public void Step(double dt)
    {
        StepCount++;
        foreach (var b in _blocks) b.Move(Seed, (ulong)StepCount, dt);
        int n = _blocks.Length;
        bool periodic = Grid.Boundary == KineticBoundary.Periodic;
        for (int b = 0; b < n; b++)
        {
            if (periodic || b > 0) _blocks[b].Accept(_blocks[(b - 1 + n) % n].RightOutbox);
            if (periodic || b < n - 1) _blocks[b].Accept(_blocks[(b + 1) % n].LeftOutbox);
        }
        Time += dt;
    }

    /// <summary>Advances by <paramref name="duration"/> in ⌈duration / MaxTimeStep⌉ equal steps; returns the step count.</summary>
    public int Advance(double duration)
    {
        int steps = (int)Math.Ceiling(duration / MaxTimeStep * (1 - 1e-12));
        double dt = duration / steps;
        for (int s = 0; s < steps; s++) Step(dt);
        return steps;
    }

    /// <summary>Particle density (weight per length) on the whole grid, deposited slab by slab.</summary>
    public void DepositDensity(Span<double> density)
    {
        if (density.Length != Grid.CellCount) throw new ArgumentException("need one value per cell", nameof(density));
        foreach (var b in _blocks) b.DepositDensity(density.Slice(b.FirstCell, b.CellCount));
    }

    /// <summary>Total weight: the slabs' partial masses reduced in block order.</summary>
    public double TotalMass()
    {
        double m = 0;
        foreach (var b in _blocks) m += b.PartialMass();
        return m;
    }
}
