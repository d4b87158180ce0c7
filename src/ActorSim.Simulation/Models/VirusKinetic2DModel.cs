using System.Text.Json.Nodes;
using ActorSim.Numerics.Grid;
using ActorSim.Numerics.Virus.Kinetic;
using ActorSim.Numerics.Virus.Spatial;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Subdomains;

namespace ActorSim.Simulation.Models;

/// <summary>
/// The <c>virus-kinetic</c> model in 2D (<c>ny</c> &gt; 1) on subdomain actors: one
/// <see cref="MicroMacroSubdomain2D"/> slab of rows per block. Ports: 0 = bottom (towards y = 0),
/// 1 = top. One halo exchange per step; the x boundary is local to every slab. The step is the
/// macroscopic diffusion step, shortened when the taxis drift needs it (reduced by maximum, so the same
/// for any block count). Outputs (fields u, v, w of
/// shape [ny, nx], integrals, minima, maxima) are assembled in global cell order, so they are
/// bit-identical for any number of blocks.
/// </summary>
public sealed class VirusKinetic2DModel : ISubdomainModel
{
    private readonly VirusPdeInitialState _initial;
    private readonly VirusPdeParameters _limit;
    private readonly UniformGrid _limitGrid;

    private VirusKinetic2DModel(KineticGrid2D grid, KineticVirusParameters p, double eps, int directions, int blocks, double maxDt,
        VirusPdeInitialState initial, VirusPdeParameters limit, UniformGrid limitGrid)
    {
        Grid = grid; Parameters = p; Epsilon = eps; Directions = directions; BlockCount = blocks; MaxDt = maxDt;
        _initial = initial; _limit = limit; _limitGrid = limitGrid;
    }

    internal static VirusKinetic2DModel Create(Scenario s, KineticVirusParameters p)
    {
        var bx = VirusKineticDefinition.Boundary(s, "boundary_x");
        var by = VirusKineticDefinition.Boundary(s, "boundary_y");
        var grid = new KineticGrid2D(s.P("Lx"), s.P("Ly"), s.Count("nx"), s.Count("ny"), bx, by);
        double maxDt = s.Time.Dt ?? MicroMacroSolver2D.MacroscopicTimeStep(p, grid.Dx, grid.Dy);
        // The limit problem's grid (same cells) gives the initial data and the analysis of the eps -> 0 limit.
        static BoundaryKind Kind(KineticBoundary b) => b == KineticBoundary.Periodic ? BoundaryKind.Periodic : BoundaryKind.Neumann;
        var limitGrid = UniformGrid.Rectangle(grid.Nx, grid.Ny, grid.Lx, grid.Ly, Kind(bx), Kind(by));
        var limit = new VirusPdeParameters(p.Rates, p.DiffusionCoefficient(0, 2), p.DiffusionCoefficient(1, 2), p.DiffusionCoefficient(2, 2), p.Chi);
        return new VirusKinetic2DModel(grid, p, s.P("eps"), s.Count("directions"), s.Run.Blocks, maxDt,
            VirusPdeInitialState.From(s, limit, limitGrid), limit, limitGrid);
    }

    public KineticGrid2D Grid { get; }
    public KineticVirusParameters Parameters { get; }
    public double Epsilon { get; }
    public int Directions { get; }
    public double MaxDt { get; }
    public int BlockCount { get; }

    public IReadOnlyList<string> Columns => SpeciesFieldStats.Columns;

    /// <summary>The initial density of one species on the whole grid, row-major (index j nx + i).</summary>
    public double[] InitialDensity(int species)
    {
        var d = new double[Grid.CellCount];
        for (int j = 0; j < Grid.Ny; j++)
            for (int i = 0; i < Grid.Nx; i++)
            {
                var q = _initial.At(Grid.CellCenterX(i), Grid.CellCenterY(j));
                d[j * Grid.Nx + i] = species switch { 0 => q.U, 1 => q.V, _ => q.W };
            }
        return d;
    }

    public IReadOnlyList<HaloLink> Links(int b)
    {
        bool periodic = Grid.BoundaryY == KineticBoundary.Periodic;
        int below = b > 0 ? b - 1 : periodic ? BlockCount - 1 : -1;
        int above = b < BlockCount - 1 ? b + 1 : periodic ? 0 : -1;
        return [new HaloLink(0, below, below < 0 ? -1 : 1), new HaloLink(1, above, above < 0 ? -1 : 0)];
    }

    public ISubdomainKernel CreateKernel(int b) => CreateKernel(b, initial: true);

    /// <summary>The slab's arrays without its initial densities (the checkpoint's state replaces them).</summary>
    public ISubdomainKernel CreateKernelForRestore(int b, bool distributed) => CreateKernel(b, initial: false);

    private Kernel CreateKernel(int b, bool initial)
    {
        int start = Grid.SlabStart(b, BlockCount), end = Grid.SlabStart(b + 1, BlockCount);
        var slab = new MicroMacroSubdomain2D(Grid, Parameters, Epsilon, Directions, b, start, end - start);
        if (initial)
            for (int s = 0; s < 3; s++) slab.SetEquilibrium(s, InitialDensity(s).AsSpan(start * Grid.Nx, slab.CellCount));
        return new Kernel(slab, Links(b));
    }

    /// <summary>The blocks' partial masses of u, v, w added in block order (checked for finiteness), and the largest taxis rate.</summary>
    public double[] ReduceBounds(IReadOnlyList<double[]> bounds)
    {
        var total = new double[4];
        foreach (var b in bounds)
        {
            for (int s = 0; s < 3; s++) total[s] += b[s];
            total[3] = Math.Max(total[3], b[3]);
        }
        return total;
    }

    /// <summary>
    /// Equal steps landing exactly on <paramref name="tEnd"/>, no longer than the maximum step nor than the
    /// taxis step 0.5 / rate (rate: the largest <see cref="MicroMacroSubdomain2D.TaxisRate"/>), as
    /// <see cref="MicroMacroSolver2D.AdvanceAdaptive"/>.
    /// </summary>
    public StepOrder Plan(long step, double t, double tEnd, double[] global)
    {
        KineticDiagnostics.ThrowIfNotFinite(global, t);
        double maxDt = global.Length > 3 && global[3] > 0 ? Math.Min(MaxDt, 0.5 / global[3]) : MaxDt;
        var (dt, next) = MicroMacroSolver2D.PlanStep(t, tEnd, maxDt);
        return new StepOrder(step, t, dt, next, 1);
    }

    public IReadOnlyList<FieldSnapshot> Assemble(double t, IReadOnlyList<double[]> snapshots, Span<double> row)
    {
        var fields = SpeciesFieldStats.ConcatenateSlabs(snapshots, Grid.CellCount);
        SpeciesFieldStats.Fill(fields, Grid.Dx * Grid.Dy, row);
        int[] shape = [Grid.Ny, Grid.Nx];
        return [new FieldSnapshot("u", fields[0], shape), new FieldSnapshot("v", fields[1], shape), new FieldSnapshot("w", fields[2], shape)];
    }

    public JsonObject Analysis()
    {
        var doc = MayNowakAnalysis.Spatial(_limit, _limitGrid);
        doc["diffusion_limit"] = new JsonObject
        {
            ["about"] = "the eps -> 0 limit is the 2D virus-pde model with these coefficients (D_i = c_i²/(2 sigma_i)); linear_stability refers to that limit",
            ["eps"] = Epsilon,
            ["directions"] = Directions,
            ["Du"] = _limit.Du, ["Dv"] = _limit.Dv, ["Dw"] = _limit.Dw,
            ["max_dt"] = MaxDt,
        };
        return doc;
    }

    private sealed class Kernel(MicroMacroSubdomain2D slab, IReadOnlyList<HaloLink> links) : ISubdomainKernel, Runtime.ICheckpointableKernel
    {
        private double _dt;
        public int Block => slab.BlockIndex;
        public IReadOnlyList<HaloLink> Links => links;
        public int HaloLength(int port) => slab.HaloLength;
        public void ExtractHalo(int port, Span<double> buffer) => slab.ExtractHalo(port == 0 ? SlabSide.Bottom : SlabSide.Top, buffer);
        public void ApplyHalo(int port, ReadOnlySpan<double> buffer) => slab.ApplyHalo(port == 0 ? SlabSide.Bottom : SlabSide.Top, buffer);
        public void ApplyBoundary(int port) => slab.ApplyWall(port == 0 ? SlabSide.Bottom : SlabSide.Top);
        public double[] ComputeBounds() => [slab.PartialMass(0), slab.PartialMass(1), slab.PartialMass(2), slab.TaxisRate()];
        public void BeginStep(StepOrder order) => _dt = order.Dt;
        public void Stage(int k) => slab.Step(_dt);
        public int SnapshotLength => 3 * slab.CellCount;
        public void CopySnapshot(Span<double> destination)
        {
            for (int s = 0; s < 3; s++) slab.CopyDensity(s, destination.Slice(s * slab.CellCount, slab.CellCount));
        }
        public int StateLength => slab.StateLength;
        public void SaveState(Span<double> state) => slab.SaveState(state);
        public void LoadState(ReadOnlySpan<double> state) => slab.LoadState(state);
    }
}
