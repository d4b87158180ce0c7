namespace ActorSim.Numerics.Virus.Kinetic;

/// <summary>
/// Sequential driver of the 1D micro–macro AP solver: splits the grid into slabs
/// (<see cref="KineticGrid1D.SlabStart"/>), and per step exchanges halos (all extracts first, then
/// each slab's left and right ghosts from its neighbours or a wall) and steps every slab. This is the
/// reference the subdomain-actor version must reproduce bit for bit; since every update is a pointwise
/// stencil, the density fields are also bit-identical for any number of slabs.
/// </summary>
public sealed class MicroMacroSolver1D
{
    private readonly MicroMacroSubdomain1D[] _blocks;
    private readonly double[][] _leftOut, _rightOut;

    /// <summary>Creates the solver with <paramref name="blockCount"/> slabs; all densities start at zero.</summary>
    public MicroMacroSolver1D(KineticGrid1D grid, KineticVirusParameters parameters, double epsilon, int blockCount = 1)
    {
        ArgumentNullException.ThrowIfNull(grid);
        Grid = grid; Parameters = parameters; Epsilon = epsilon;
        _blocks = new MicroMacroSubdomain1D[blockCount];
        _leftOut = new double[blockCount][];
        _rightOut = new double[blockCount][];
        for (int b = 0; b < blockCount; b++)
        {
            int a = grid.SlabStart(b, blockCount), e = grid.SlabStart(b + 1, blockCount);
            _blocks[b] = new MicroMacroSubdomain1D(grid, parameters, epsilon, b, a, e - a);
            _leftOut[b] = new double[_blocks[b].HaloLength];
            _rightOut[b] = new double[_blocks[b].HaloLength];
        }
    }

    /// <summary>The grid.</summary>
    public KineticGrid1D Grid { get; }

    /// <summary>Model parameters.</summary>
    public KineticVirusParameters Parameters { get; }

    /// <summary>Parabolic scaling parameter ε.</summary>
    public double Epsilon { get; }

    /// <summary>The slabs in block order.</summary>
    public IReadOnlyList<MicroMacroSubdomain1D> Subdomains => _blocks;

    /// <summary>Number of steps taken.</summary>
    public long StepCount { get; private set; }

    /// <summary>Macroscopic time reached.</summary>
    public double Time { get; private set; }

    /// <summary>
    /// An ε-independent stable step: θ Δx² / (2 max_i D_i), the explicit-diffusion bound of the limit
    /// scheme scaled by θ. θ = 0.45 is stable for every ε tested (1e-6 … 1, see the tests); reactions
    /// and taxis additionally need Δt (d_i + β ρ) ≪ 1 and a cell Péclet number χ |∇v| Δx / D_u ≤ 2.
    /// </summary>
    public static double MacroscopicTimeStep(KineticVirusParameters parameters, double dx, double theta = 0.45) =>
        theta * dx * dx / (2.0 * parameters.MaxDiffusionCoefficient(1));

    /// <summary>Sets the initial density of one species on the whole grid (N values), on the equilibrium manifold f = ρ M.</summary>
    public void SetInitialDensity(int species, ReadOnlySpan<double> density)
    {
        if (density.Length != Grid.CellCount) throw new ArgumentException("need one value per cell", nameof(density));
        foreach (var b in _blocks) b.SetEquilibrium(species, density.Slice(b.FirstCell, b.CellCount));
    }

    /// <summary>Halo exchange of one step: every slab extracts both sides, then each slab receives its ghosts.</summary>
    public void ExchangeHalos()
    {
        int n = _blocks.Length;
        bool periodic = Grid.Boundary == KineticBoundary.Periodic;
        for (int b = 0; b < n; b++)
        {
            _blocks[b].ExtractHalo(HaloSide.Left, _leftOut[b]);
            _blocks[b].ExtractHalo(HaloSide.Right, _rightOut[b]);
        }
        for (int b = 0; b < n; b++)
        {
            if (periodic || b > 0) _blocks[b].ApplyHalo(HaloSide.Left, _rightOut[(b - 1 + n) % n]);
            else _blocks[b].ApplyWall(HaloSide.Left);
            if (periodic || b < n - 1) _blocks[b].ApplyHalo(HaloSide.Right, _leftOut[(b + 1) % n]);
            else _blocks[b].ApplyWall(HaloSide.Right);
        }
    }

    /// <summary>One step of length <paramref name="dt"/>: halo exchange, then every slab steps.</summary>
    public void Step(double dt)
    {
        ExchangeHalos();
        foreach (var b in _blocks) b.Step(dt);
        StepCount++;
        Time += dt;
    }

    /// <summary>
    /// Advances by <paramref name="duration"/> with ⌈duration / maxDt⌉ equal steps; returns the number of steps.
    /// </summary>
    public int Advance(double duration, double maxDt)
    {
        if (!(duration > 0) || !(maxDt > 0)) throw new ArgumentOutOfRangeException(nameof(duration));
        int steps = (int)Math.Ceiling(duration / maxDt * (1 - 1e-12));
        double dt = duration / steps;
        for (int s = 0; s < steps; s++) Step(dt);
        return steps;
    }

    /// <summary>Copies the density of one species on the whole grid into <paramref name="destination"/>.</summary>
    public void CopyDensity(int species, Span<double> destination)
    {
        if (destination.Length != Grid.CellCount) throw new ArgumentException("need one value per cell", nameof(destination));
        foreach (var b in _blocks) b.Density(species).CopyTo(destination.Slice(b.FirstCell, b.CellCount));
    }

    /// <summary>Density of one species on the whole grid (a new array).</summary>
    public double[] Density(int species)
    {
        var d = new double[Grid.CellCount];
        CopyDensity(species, d);
        return d;
    }

    /// <summary>Total mass ∫ρ dx of one species: the slabs' partial masses reduced in block order.</summary>
    public double TotalMass(int species)
    {
        double m = 0;
        foreach (var b in _blocks) m += b.PartialMass(species);
        return m;
    }
}
