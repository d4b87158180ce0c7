using ActorSim.Numerics.Grid;

namespace ActorSim.Numerics.Virus.Spatial;

/// <summary>
/// The subdomain stage protocol run in-process and in sequence: the reference implementation the actor version
/// must reproduce bit for bit. Per step: halo exchange → <see cref="VirusSubdomain.ComputeBounds"/> on every
/// block, reduced in block order → <see cref="StepController.Plan"/> → <see cref="VirusSubdomain.BeginStep"/> →
/// for each stage k = 1..plan.StageCount: (k &gt; 1: halo exchange) and <see cref="VirusSubdomain.Stage"/>(k) on every block.
/// The coordinator's state is (<see cref="Time"/>, <see cref="Steps"/>); the blocks hold the fields.
/// </summary>
public sealed class SequentialDriver
{
    private readonly VirusSubdomain[] _blocks;
    private double[] _halo = [];

    /// <summary>Creates the blocks of <paramref name="layout"/> with all fields 0 at time <paramref name="t0"/>.</summary>
    /// <param name="haloDepth">The blocks' halo depth (<see cref="VirusSubdomain"/>); results do not depend on it.</param>
    public SequentialDriver(VirusPdeProblem problem, BlockLayout layout, StepSettings? settings = null, double t0 = 0.0,
        int haloDepth = VirusSubdomain.DefaultHaloDepth)
    {
        Problem = problem;
        Layout = layout;
        Settings = settings ?? StepSettings.Default;
        Time = t0;
        _blocks = new VirusSubdomain[layout.BlockCount];
        for (int b = 0; b < _blocks.Length; b++) _blocks[b] = new VirusSubdomain(problem, layout, b, haloDepth);
    }

    /// <summary>The problem being solved.</summary>
    public VirusPdeProblem Problem { get; }
    /// <summary>The block decomposition.</summary>
    public BlockLayout Layout { get; }
    /// <summary>Step-size settings.</summary>
    public StepSettings Settings { get; }
    /// <summary>The subdomain kernels in block order.</summary>
    public IReadOnlyList<VirusSubdomain> Subdomains => _blocks;
    /// <summary>Current time.</summary>
    public double Time { get; private set; }
    /// <summary>Steps taken.</summary>
    public long Steps { get; private set; }
    /// <summary>The plan of the last step taken (null before the first).</summary>
    public StepPlan? LastPlan { get; private set; }

    /// <summary>Sets all fields to f(x, y) at the cell centres.</summary>
    public void Initialise(Func<double, double, SpeciesTriple> f)
    {
        foreach (var b in _blocks) b.Initialise(f);
    }

    /// <summary>Copies one species of the whole grid (global row-major, index j·Nx + i) into <paramref name="global"/>.</summary>
    public void Gather(Species species, Span<double> global)
    {
        var g = Problem.Grid;
        if (global.Length != g.CellCount) throw new ArgumentException("wrong length", nameof(global));
        foreach (var b in _blocks)
        {
            var p = b.Patch;
            var local = new double[p.InteriorCount];
            b.CopyInterior(species, local);
            for (int j = 0; j < p.Ny; j++)
                local.AsSpan(j * p.Nx, p.Nx).CopyTo(global.Slice((p.J0 + j) * g.Nx + p.I0, p.Nx));
        }
    }

    /// <summary>One species of the whole grid as a new array (global row-major).</summary>
    public double[] Gather(Species species)
    {
        var a = new double[Problem.Grid.CellCount];
        Gather(species, a);
        return a;
    }

    /// <summary>Sets one species of the whole grid from global row-major values.</summary>
    public void Scatter(Species species, ReadOnlySpan<double> global)
    {
        var g = Problem.Grid;
        if (global.Length != g.CellCount) throw new ArgumentException("wrong length", nameof(global));
        foreach (var b in _blocks)
        {
            var p = b.Patch;
            var local = new double[p.InteriorCount];
            for (int j = 0; j < p.Ny; j++)
                global.Slice((p.J0 + j) * g.Nx + p.I0, p.Nx).CopyTo(local.AsSpan(j * p.Nx, p.Nx));
            b.SetInterior(species, local);
        }
    }

    /// <summary>
    /// Fills the ghost layers the next stage (or the bounds) reads, as the actors do: across a side facing a block
    /// (periodic wrap included) <see cref="VirusSubdomain.HaloWidth"/> layers from the neighbour when
    /// <see cref="VirusSubdomain.HaloNeeded"/> (otherwise the block computed them itself), across a wall by the
    /// physical boundary rule.
    /// </summary>
    public void ExchangeHalos()
    {
        var sides = SideExtensions.For(Problem.Grid.Dimension);
        for (int b = 0; b < _blocks.Length; b++)
            foreach (var side in sides)
            {
                int nb = Layout.Neighbour(b, side);
                if (nb < 0)
                {
                    _blocks[b].ApplyPhysicalBoundary(side);
                    continue;
                }
                if (!_blocks[b].HaloNeeded(side)) continue;
                int length = _blocks[b].HaloLength(side);
                if (_halo.Length < length) _halo = new double[length];
                var buf = _halo.AsSpan(0, length);
                _blocks[nb].ExtractHalo(side.Opposite(), buf);
                _blocks[b].ApplyHalo(side, buf);
            }
    }

    private void MirrorWalls()
    {
        for (int b = 0; b < _blocks.Length; b++)
            foreach (var side in SideExtensions.For(Problem.Grid.Dimension))
                if (Layout.Neighbour(b, side) < 0) _blocks[b].ApplyPhysicalBoundary(side);
    }

    /// <summary>Global step bounds: the blocks' partial bounds reduced in block order (halos must be current).</summary>
    public SubdomainBounds ReduceBounds()
    {
        var acc = SubdomainBounds.Empty;
        foreach (var b in _blocks) acc = SubdomainBounds.Combine(acc, b.ComputeBounds());
        return acc;
    }

    /// <summary>Global diagnostics: the blocks' partial diagnostics reduced in block order.</summary>
    public SubdomainDiagnostics ReduceDiagnostics()
    {
        var acc = _blocks[0].ComputeDiagnostics();
        for (int b = 1; b < _blocks.Length; b++) acc = SubdomainDiagnostics.Combine(acc, _blocks[b].ComputeDiagnostics());
        return acc;
    }

    /// <summary>Takes one step (clipped so as not to pass <paramref name="tEnd"/>) and returns its plan.</summary>
    public StepPlan Step(double tEnd)
    {
        // As the actors: blocks whose last step computed the ghost row the bounds read take them before the exchange.
        SubdomainBounds bounds;
        if (_blocks.All(b => !b.BoundsNeedHalos))
        {
            MirrorWalls();
            bounds = ReduceBounds();
            ExchangeHalos();
        }
        else
        {
            ExchangeHalos();
            bounds = ReduceBounds();
        }
        var plan = StepController.Plan(Steps, Time, tEnd, bounds, Problem.Grid, Problem.Parameters.MaxDiffusivity, Settings);
        foreach (var b in _blocks) b.BeginStep(plan);
        for (int k = 1; k <= plan.StageCount; k++)
        {
            if (k > 1) ExchangeHalos();
            foreach (var b in _blocks) b.Stage(k);
        }
        Time = plan.TNext;
        Steps++;
        LastPlan = plan;
        return plan;
    }

    /// <summary>Steps until <see cref="Time"/> = <paramref name="tEnd"/>, calling <paramref name="afterStep"/> after each step.</summary>
    public void AdvanceTo(double tEnd, Action<StepPlan>? afterStep = null)
    {
        while (Time < tEnd)
        {
            var plan = Step(tEnd);
            afterStep?.Invoke(plan);
        }
    }
}
