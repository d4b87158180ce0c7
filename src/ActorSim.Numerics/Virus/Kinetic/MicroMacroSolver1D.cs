namespace ActorSim.Numerics.Virus.Kinetic;

/// <summary>
/// Sequential driver of the 1D micro–macro AP solver: splits the grid into slabs
/// (<see cref="KineticGrid1D.SlabStart"/>), and per step exchanges halos (all extracts first, then
/// each slab's left and right ghosts from its neighbours or a wall) and steps every slab. This is the
/// reference the subdomain-actor version must reproduce bit for bit; since every update is a pointwise
/// stencil, the density fields are also bit-identical for any number of slabs.
/// </summary>
public sealed class MicroMacroSolver1D : SlabChainSolver<MicroMacroSubdomain1D>
{
    /// <summary>Creates the solver with <paramref name="blockCount"/> slabs; all densities start at zero.</summary>
    public MicroMacroSolver1D(KineticGrid1D grid, KineticVirusParameters parameters, double epsilon, int blockCount = 1)
        : base(CreateSlabs(grid, parameters, epsilon, blockCount), s => s.HaloLength)
    {
        Grid = grid; Parameters = parameters; Epsilon = epsilon;
    }

    private static MicroMacroSubdomain1D[] CreateSlabs(KineticGrid1D grid, KineticVirusParameters parameters, double epsilon, int blockCount)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var blocks = new MicroMacroSubdomain1D[blockCount];
        for (int b = 0; b < blockCount; b++)
        {
            int a = grid.SlabStart(b, blockCount), e = grid.SlabStart(b + 1, blockCount);
            blocks[b] = new MicroMacroSubdomain1D(grid, parameters, epsilon, b, a, e - a);
        }
        return blocks;
    }

    /// <summary>The grid.</summary>
    public KineticGrid1D Grid { get; }

    /// <summary>Model parameters.</summary>
    public KineticVirusParameters Parameters { get; }

    /// <summary>Parabolic scaling parameter ε.</summary>
    public double Epsilon { get; }

    /// <summary>The slabs in block order.</summary>
    public IReadOnlyList<MicroMacroSubdomain1D> Subdomains => Blocks;

    protected override bool Periodic => Grid.Boundary == KineticBoundary.Periodic;

    protected override void ExtractHalo(MicroMacroSubdomain1D slab, bool high, double[] buffer) => slab.ExtractHalo(high ? HaloSide.Right : HaloSide.Left, buffer);

    protected override void ApplyHalo(MicroMacroSubdomain1D slab, bool high, double[] buffer) => slab.ApplyHalo(high ? HaloSide.Right : HaloSide.Left, buffer);

    protected override void ApplyWall(MicroMacroSubdomain1D slab, bool high) => slab.ApplyWall(high ? HaloSide.Right : HaloSide.Left);

    protected override void StepSlab(MicroMacroSubdomain1D slab, double dt) => slab.Step(dt);

    protected override double PartialMass(MicroMacroSubdomain1D slab, int species) => slab.PartialMass(species);

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
        foreach (var b in Blocks) b.SetEquilibrium(species, density.Slice(b.FirstCell, b.CellCount));
    }

    /// <summary>
    /// Sets the initial densities (u, v, w on the whole grid) with well-prepared kinetic data f = ρ M + ε g⁰
    /// (<see cref="MicroMacroSubdomain1D.SetWellPrepared"/>).
    /// </summary>
    public void SetWellPrepared(ReadOnlySpan<double> u, ReadOnlySpan<double> v, ReadOnlySpan<double> w)
    {
        foreach (var b in Blocks) b.SetWellPrepared(u, v, w);
    }

    /// <summary>Sets the full kinetic state from cell values of f ([species][velocity][cell]; <see cref="MicroMacroSubdomain1D.SetKinetic"/>).</summary>
    public void SetKinetic(ReadOnlySpan<double> f)
    {
        foreach (var b in Blocks) b.SetKinetic(f);
    }

    /// <summary>Copies the density of one species on the whole grid into <paramref name="destination"/>.</summary>
    public void CopyDensity(int species, Span<double> destination)
    {
        if (destination.Length != Grid.CellCount) throw new ArgumentException("need one value per cell", nameof(destination));
        foreach (var b in Blocks) b.Density(species).CopyTo(destination.Slice(b.FirstCell, b.CellCount));
    }

    /// <summary>Density of one species on the whole grid (a new array).</summary>
    public double[] Density(int species)
    {
        var d = new double[Grid.CellCount];
        CopyDensity(species, d);
        return d;
    }
}
