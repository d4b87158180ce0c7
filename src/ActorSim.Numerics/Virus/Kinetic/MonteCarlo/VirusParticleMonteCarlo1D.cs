using ActorSim.Numerics.Random;

namespace ActorSim.Numerics.Virus.Kinetic.MonteCarlo;

/// <summary>
/// Sequential driver of the slab-decomposed three-population Monte Carlo model
/// (<see cref="VirusParticleSubdomain1D"/>). Step n (n = 0, 1, …): every slab deposits; v-density halos
/// (two cells per side) are exchanged, or mirrored at walls; every slab reacts and moves with the stream
/// CounterRandom(seed, block, n); every slab appends the left neighbour's right outbox, then the right
/// neighbour's left outbox. The reference a subdomain-actor run reproduces bit for bit; results depend
/// only on the seed and the number of slabs.
/// </summary>
public sealed class VirusParticleMonteCarlo1D
{
    private const int S = KineticVirusParameters.SpeciesCount;
    private readonly VirusParticleSubdomain1D[] _blocks;
    private readonly double[][] _leftOut, _rightOut;

    /// <summary>Creates the simulation with <paramref name="blockCount"/> empty slabs.</summary>
    public VirusParticleMonteCarlo1D(KineticGrid1D grid, KineticVirusParameters parameters, double epsilon, ReadOnlySpan<double> nominalWeights, int blockCount, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(grid);
        Grid = grid; Parameters = parameters; Epsilon = epsilon; Seed = seed;
        _blocks = new VirusParticleSubdomain1D[blockCount];
        _leftOut = new double[blockCount][]; _rightOut = new double[blockCount][];
        for (int b = 0; b < blockCount; b++)
        {
            int a = grid.SlabStart(b, blockCount), e = grid.SlabStart(b + 1, blockCount);
            _blocks[b] = new VirusParticleSubdomain1D(grid, parameters, epsilon, nominalWeights, b, a, e - a);
            _leftOut[b] = new double[2]; _rightOut[b] = new double[2];
        }
    }

    public KineticGrid1D Grid { get; }
    public KineticVirusParameters Parameters { get; }
    public double Epsilon { get; }
    public ulong Seed { get; }

    /// <summary>The slabs in block order.</summary>
    public IReadOnlyList<VirusParticleSubdomain1D> Subdomains => _blocks;

    /// <summary>Number of steps taken; the next step uses this number as its stream key.</summary>
    public long StepCount { get; private set; }

    /// <summary>Macroscopic time reached.</summary>
    public double Time { get; private set; }

    /// <summary>Largest admissible step ε Δx / max c_i.</summary>
    public double MaxTimeStep => _blocks[0].MaxTimeStep;

    /// <summary>Samples every species from cell densities on the whole grid (N values each), as the slabs' <see cref="VirusParticleSubdomain1D.SampleCells"/>.</summary>
    public void SampleCells(int species, ReadOnlySpan<double> density)
    {
        if (density.Length != Grid.CellCount) throw new ArgumentException("need one value per cell", nameof(density));
        foreach (var b in _blocks) b.SampleCells(species, density.Slice(b.FirstCell, b.CellCount), Seed);
    }

    /// <summary>
    /// Samples <paramref name="count"/> particles of one species, each of weight totalMass/count, positions
    /// i.i.d. from the density <paramref name="density"/> on [0, L) by rejection under
    /// <paramref name="densityBound"/>, velocities uniform; stream CounterRandom(seed,
    /// <see cref="VirusParticleSubdomain1D.InitializationBlock"/> − 3 − species, 0). Independent of the slab count.
    /// </summary>
    public void SampleDensity(int species, int count, double totalMass, Func<double, double> density, double densityBound)
    {
        ArgumentNullException.ThrowIfNull(density);
        if (count < 1 || !(totalMass > 0) || !(densityBound > 0)) throw new ArgumentOutOfRangeException(nameof(count));
        var rng = new CounterRandom(Seed, VirusParticleSubdomain1D.InitializationBlock - 3 - (uint)species, 0);
        double w = totalMass / count, length = Grid.Length;
        for (int p = 0; p < count; p++)
        {
            double x;
            do x = rng.NextDouble() * length;
            while (rng.NextDouble() * densityBound >= density(x));
            Add(species, x, (byte)(rng.NextUInt32() & 1), w);
        }
    }

    /// <summary>Adds one particle to the slab that owns its cell.</summary>
    public void Add(int species, double x, byte velocity, double weight)
    {
        if (!(x >= 0 && x < Grid.Length) && !(x == Grid.Length && Grid.Boundary == KineticBoundary.Reflecting))
            throw new ArgumentOutOfRangeException(nameof(x), x, "position outside the domain");
        int cell = Math.Min((int)Math.Floor(x / Grid.Dx), Grid.CellCount - 1);
        int b = _blocks.Length - 1;
        while (_blocks[b].FirstCell > cell) b--;
        _blocks[b].Add(species, x, velocity, weight);
    }

    /// <summary>One step of length <paramref name="dt"/> (see the class summary).</summary>
    public void Step(double dt)
    {
        int n = _blocks.Length;
        bool periodic = Grid.Boundary == KineticBoundary.Periodic;
        for (int b = 0; b < n; b++)
        {
            _blocks[b].Deposit();
            _blocks[b].ExtractDensityHalo(HaloSide.Left, _leftOut[b]);
            _blocks[b].ExtractDensityHalo(HaloSide.Right, _rightOut[b]);
        }
        for (int b = 0; b < n; b++)
        {
            if (periodic || b > 0) _blocks[b].ApplyDensityHalo(HaloSide.Left, _rightOut[(b - 1 + n) % n]);
            else _blocks[b].ApplyDensityWall(HaloSide.Left);
            if (periodic || b < n - 1) _blocks[b].ApplyDensityHalo(HaloSide.Right, _leftOut[(b + 1) % n]);
            else _blocks[b].ApplyDensityWall(HaloSide.Right);
        }
        foreach (var b in _blocks) b.ReactAndMove(Seed, (ulong)StepCount, dt);
        for (int b = 0; b < n; b++)
        {
            if (periodic || b > 0) _blocks[b].AcceptFrom(_blocks[(b - 1 + n) % n], HaloSide.Right);
            if (periodic || b < n - 1) _blocks[b].AcceptFrom(_blocks[(b + 1) % n], HaloSide.Left);
        }
        StepCount++;
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

    /// <summary>Deposited density (weight per length) of one species on the whole grid.</summary>
    public double[] Density(int species)
    {
        var d = new double[Grid.CellCount];
        foreach (var b in _blocks)
        {
            b.Deposit();
            b.Density(species).CopyTo(d.AsSpan(b.FirstCell, b.CellCount));
        }
        return d;
    }

    /// <summary>Total weight of one species: the slabs' partial masses added in block order.</summary>
    public double TotalMass(int species)
    {
        double m = 0;
        foreach (var b in _blocks) m += b.PartialMass(species);
        return m;
    }

    /// <summary>Number of particles of one species over all slabs.</summary>
    public int ParticleCount(int species)
    {
        int c = 0;
        foreach (var b in _blocks) c += b.ParticleCount(species);
        return c;
    }
}
