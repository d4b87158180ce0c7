namespace ActorSim.Numerics.Virus.Kinetic;

/// <summary>
/// Sequential driver of the 2D micro–macro AP solver: splits the rows into slabs
/// (<see cref="KineticGrid2D.SlabStart"/>), and per step exchanges halos (all extracts first, then each
/// slab's bottom and top ghosts from its neighbours or a wall) and steps every slab. The reference the
/// subdomain-actor version reproduces bit for bit; since every update is a pointwise stencil, the density
/// fields are bit-identical for any number of slabs.
/// </summary>
public sealed class MicroMacroSolver2D : SlabChainSolver<MicroMacroSubdomain2D>
{
    /// <summary>Creates the solver with <paramref name="blockCount"/> slabs of rows and <paramref name="directions"/> velocities per species; all densities start at zero.</summary>
    public MicroMacroSolver2D(KineticGrid2D grid, KineticVirusParameters parameters, double epsilon, int directions = 4, int blockCount = 1)
        : base(CreateSlabs(grid, parameters, epsilon, directions, blockCount), s => s.HaloLength)
    {
        Grid = grid; Parameters = parameters; Epsilon = epsilon;
    }

    private static MicroMacroSubdomain2D[] CreateSlabs(KineticGrid2D grid, KineticVirusParameters parameters, double epsilon, int directions, int blockCount)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var blocks = new MicroMacroSubdomain2D[blockCount];
        for (int b = 0; b < blockCount; b++)
        {
            int a = grid.SlabStart(b, blockCount), e = grid.SlabStart(b + 1, blockCount);
            blocks[b] = new MicroMacroSubdomain2D(grid, parameters, epsilon, directions, b, a, e - a);
        }
        return blocks;
    }

    /// <summary>The grid.</summary>
    public KineticGrid2D Grid { get; }

    /// <summary>Model parameters.</summary>
    public KineticVirusParameters Parameters { get; }

    /// <summary>Parabolic scaling parameter ε.</summary>
    public double Epsilon { get; }

    /// <summary>The slabs in block order.</summary>
    public IReadOnlyList<MicroMacroSubdomain2D> Subdomains => Blocks;

    protected override bool Periodic => Grid.BoundaryY == KineticBoundary.Periodic;

    protected override void ExtractHalo(MicroMacroSubdomain2D slab, bool high, double[] buffer) => slab.ExtractHalo(high ? SlabSide.Top : SlabSide.Bottom, buffer);

    protected override void ApplyHalo(MicroMacroSubdomain2D slab, bool high, double[] buffer) => slab.ApplyHalo(high ? SlabSide.Top : SlabSide.Bottom, buffer);

    protected override void ApplyWall(MicroMacroSubdomain2D slab, bool high) => slab.ApplyWall(high ? SlabSide.Top : SlabSide.Bottom);

    protected override void StepSlab(MicroMacroSubdomain2D slab, double dt) => slab.Step(dt);

    protected override double PartialMass(MicroMacroSubdomain2D slab, int species) => slab.PartialMass(species);

    /// <summary>
    /// An ε-independent stable step: θ / (2 max_i D_i (1/Δx² + 1/Δy²)) with D_i = c_i²/(2σ_i), the
    /// explicit-diffusion bound of the five-point limit scheme scaled by θ (0.45 as in 1D; measured stable
    /// for ε from 1 down to 1e-6, see the tests). Reactions and taxis additionally need Δt (d_i + βρ) ≪ 1
    /// and cell Péclet numbers χ |∇v| Δ / D_u ≤ 2.
    /// </summary>
    public static double MacroscopicTimeStep(KineticVirusParameters parameters, double dx, double dy, double theta = 0.45) =>
        theta / (2.0 * parameters.MaxDiffusionCoefficient(2) * (1.0 / (dx * dx) + 1.0 / (dy * dy)));

    /// <summary>
    /// The largest step the taxis allows now: θ_taxis / max over slabs of <see cref="MicroMacroSubdomain2D.TaxisRate"/>
    /// (infinite without taxis or gradients). With θ_taxis = 0.5 and the diffusion step's θ = 0.45 the limit
    /// scheme's monotonicity condition Δt (2 max D (1/Δx² + 1/Δy²) + rate) ≤ 1 holds. Exchanges halos first.
    /// </summary>
    public double TaxisTimeStep(double thetaTaxis = 0.5)
    {
        ExchangeHalos();
        double rate = 0;
        foreach (var b in Blocks) rate = Math.Max(rate, b.TaxisRate());
        return rate > 0 ? thetaTaxis / rate : double.PositiveInfinity;
    }

    /// <summary>
    /// Advances by <paramref name="duration"/> with steps never longer than <paramref name="maxDt"/> nor than
    /// the current <see cref="TaxisTimeStep"/>: before each step, the remaining time is split into
    /// ⌈remaining / min(maxDt, taxis step)⌉ equal parts and the first one is taken (the rule the subdomain
    /// coordinator uses). Returns the number of steps.
    /// </summary>
    public int AdvanceAdaptive(double duration, double maxDt)
    {
        if (!(duration > 0) || !(maxDt > 0)) throw new ArgumentOutOfRangeException(nameof(duration));
        double t = 0;
        int steps = 0;
        while (true)
        {
            var (dt, next) = PlanStep(t, duration, Math.Min(maxDt, TaxisTimeStep()));
            Step(dt);
            steps++;
            if (next >= duration) return steps;
            t = next;
        }
    }

    /// <summary>The next step from <paramref name="t"/> towards <paramref name="tEnd"/> with at most <paramref name="maxDt"/>: equal parts of the remaining time, landing exactly on tEnd.</summary>
    public static (double Dt, double TNext) PlanStep(double t, double tEnd, double maxDt)
    {
        double remaining = tEnd - t;
        long n = (long)Math.Ceiling(remaining / maxDt * (1 - 1e-12));
        if (n <= 1) return (remaining, tEnd);
        double dt = remaining / n;
        return (dt, t + dt);
    }

    /// <summary>Sets the initial density of one species on the whole grid (Nx Ny values, row-major), on the equilibrium manifold f = ρ M.</summary>
    public void SetInitialDensity(int species, ReadOnlySpan<double> density)
    {
        if (density.Length != Grid.CellCount) throw new ArgumentException("need one value per cell", nameof(density));
        foreach (var b in Blocks) b.SetEquilibrium(species, density.Slice(b.FirstRow * Grid.Nx, b.CellCount));
    }

    /// <summary>Density of one species on the whole grid (a new row-major array of Nx Ny values).</summary>
    public double[] Density(int species)
    {
        var d = new double[Grid.CellCount];
        foreach (var b in Blocks) b.CopyDensity(species, d.AsSpan(b.FirstRow * Grid.Nx, b.CellCount));
        return d;
    }
}
