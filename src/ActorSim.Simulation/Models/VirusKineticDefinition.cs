using System.Text.Json.Nodes;
using ActorSim.Numerics.Grid;
using ActorSim.Numerics.Virus;
using ActorSim.Numerics.Virus.Kinetic;
using ActorSim.Numerics.Virus.Spatial;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Subdomains;

namespace ActorSim.Simulation.Models;

/// <summary>
/// <c>virus-kinetic</c>: the kinetic velocity-jump model behind eq. (3) (seed 000, eq. (36)–(54)) in 1D
/// (<c>ny</c> = 1, velocities ±c) or 2D (<c>ny</c> &gt; 1, K directions, slabs of rows), in the parabolic
/// scaling with parameter eps, solved by the asymptotic-preserving micro–macro scheme on subdomain actors.
/// As eps → 0 it tends to the virus-pde model with D_i = c_i²/(d sigma_i) in d dimensions.
/// </summary>
public sealed class VirusKineticDefinition : IModelDefinition
{
    /// <summary>The value of the scenario's <c>model</c> key (<see cref="ModelCatalog"/> finds the model by it).</summary>
    public const string ModelName = "virus-kinetic";

    public string Name => ModelName;

    public string Summary => "kinetic velocity-jump May–Nowak–taxis model (seed 000, eq. (36)–(54)) in 1D or 2D, asymptotic-preserving in eps";

    public IReadOnlyList<string> Equations { get; } =
    [
        "eps² ∂t f_i + eps v·∇f_i = sigma_i (rho_i M − f_i) + eps T¹(f) + eps² G_i(f)   (seed 000, eq. (36)–(49))",
        "velocities of speed c_i (1D: ±c_i; 2D: `directions` equally spaced), G_i the May–Nowak reactions (45)–(47)",
        "eps → 0: the virus-pde model with D_i = c_i²/(d·sigma_i) (eq. (42), (43)); micro–macro AP scheme f = rho M + eps g",
    ];

    public IReadOnlyList<ValueSpec> Parameters { get; } =
    [
        new("eps", "1", "parabolic scaling parameter (mean free path / domain size); the diffusion limit is eps -> 0", ValueKind.Positive),
        new("c_u", "L/T", "run speed of healthy cells", ValueKind.Positive),
        new("sigma_u", "1/T", "turning rate of healthy cells (limit D_u = c_u²/(d·sigma_u) in d dimensions)", ValueKind.Positive),
        new("c_v", "L/T", "run speed of infected cells", ValueKind.Positive),
        new("sigma_v", "1/T", "turning rate of infected cells (limit D_v = c_v²/(d·sigma_v) in d dimensions)", ValueKind.Positive),
        new("c_w", "L/T", "run speed of virus", ValueKind.Positive),
        new("sigma_w", "1/T", "turning rate of virus (limit D_w = c_w²/(d·sigma_w) in d dimensions)", ValueKind.Positive),
        new("chi", "L²/(T·[v])", "taxis sensitivity of u towards v in the limit (turning biased towards ∇v)", ValueKind.Finite),
        new("d1", "1/T", "death rate of healthy cells", ValueKind.Positive),
        new("d2", "1/T", "death rate of infected cells", ValueKind.Positive),
        new("d3", "1/T", "clearance rate of virus", ValueKind.Positive),
        new("beta", "1/(T·[w])", "infection rate constant", ValueKind.Rate),
        new("k", "[w]/(T·[v])", "virus production per infected cell", ValueKind.Rate),
        new("r", "[u]/T", "production rate of healthy cells", ValueKind.Rate),
        new("nx", "cells", "cells along x", ValueKind.Count),
        new("Lx", "L", "domain length along x", ValueKind.Positive, 1),
        ValueSpec.OneOf("boundary_x", "boundary on the x ends: specularly reflecting walls or periodic", ["reflecting", "periodic"]),
        new("ny", "cells", "cells along y; 1 makes the problem one-dimensional (velocities ±c)", ValueKind.Count, 1),
        new("Ly", "L", "domain length along y (2D only)", ValueKind.Positive, 1),
        ValueSpec.OneOf("boundary_y", "boundary on the y ends (2D only): specularly reflecting walls or periodic", ["reflecting", "periodic"]),
        new("directions", "1", "2D only: number K of equally spaced velocity directions per population (even, >= 4)", ValueKind.Count, 4),
    ];

    public IReadOnlyList<ValueSpec> Initial { get; } =
    [
        .. new VirusPdeDefinition().Initial,
        ValueSpec.OneOf("kinetic", "kinetic initial data: equilibrium (f = rho M, g = 0: an O(1) initial layer in g), well-prepared (f = rho M + eps g0, g0 the first-order Chapman-Enskog term: the flux starts at the diffusion limit's) or file (f from kinetic_file); 1D only for well-prepared and file", ["equilibrium", "well-prepared", "file"]),
        ValueSpec.Text("kinetic_file", "kinetic file: a .npy (relative to the scenario file) of shape [3, 2, nx]: f_{i,k} >= 0 in every cell for the species u, v, w and the velocities +c_i, -c_i (replaces state, amplitude and the modes)"),
    ];

    public int MaxBlocks => 4096;

    public void CheckConsistency(Scenario s, Action<string, string> error)
    {
        foreach (var m in new[] { "mode_x", "mode_y" })
            if (s.Init(m) != Math.Floor(s.Init(m))) error($"$.initial.{m}", $"{s.Init(m)} is not allowed: must be a whole number >= 0");
        if (s.Choice("state") == "endemic" && !(MayNowakOdeDefinition.Rates(s).R0 > 1))
            error("$.initial.state", $"\"endemic\" needs R0 > 1, but R0 = {MayNowakOdeDefinition.Rates(s).R0:G6}; use \"infection-free\" or \"uniform\"");
        if (s.Choice("kinetic") is "well-prepared" or "file" && s.Count("ny") > 1)
            error("$.initial.kinetic", $"\"{s.Choice("kinetic")}\" is implemented for the 1D model only (ny = 1); use \"equilibrium\" in 2D");
        if (s.Choice("kinetic") != "file" && s.Choice("kinetic_file").Length > 0)
            error("$.initial.kinetic_file", $"not used: it belongs to kinetic \"file\" (kinetic is \"{s.Choice("kinetic")}\")");
        if (s.Choice("kinetic") == "file" && s.Count("ny") == 1) KineticFile(s, error);
        if (s.Count("ny") == 1)
        {
            if (s.Count("nx") / s.Run.Blocks < 2)
                error("$.run.blocks", $"{s.Run.Blocks} blocks are too many for {s.Count("nx")} cells: every block needs at least 2 cells");
            if (s.Init("mode_y") != 0) error("$.initial.mode_y", "must be 0 in 1D (ny = 1)");
        }
        else
        {
            if (s.Count("ny") / s.Run.Blocks < 2)
                error("$.run.blocks", $"{s.Run.Blocks} blocks are too many for {s.Count("ny")} rows: in 2D every block is a slab of rows and needs at least 2 rows");
            if (s.Count("directions") < 4 || s.Count("directions") % 2 != 0)
                error("$.parameters.directions", $"{s.Count("directions")} is not allowed: the 2D velocity set needs an even number of directions, at least 4");
        }
    }

    /// <summary>The cell values of f from <c>kinetic_file</c> ([3, 2, nx], all finite and &gt;= 0), or null after reporting why not.</summary>
    public static double[]? KineticFile(Scenario s, Action<string, string> error)
    {
        const string path = "$.initial.kinetic_file";
        if (s.Choice("kinetic_file") is not { Length: > 0 } name)
        {
            error(path, "required for kinetic \"file\": a .npy of shape [3, 2, nx] with f_{i,k} per cell (species u, v, w; velocities +c, -c)");
            return null;
        }
        string file = MuscleInitialDensity.ResolvePath(s, name);
        Output.NpyArray a;
        try
        {
            a = Output.NpyReader.Read(file);
        }
        catch (Output.OutputFormatException e)
        {
            error(path, $"{file}: {e.Message}");
            return null;
        }
        int nx = s.Count("nx");
        if (a.Rank != 3 || a.Shape[0] != 3 || a.Shape[1] != 2 || a.Shape[2] != nx)
        {
            error(path, $"{file}: shape ({string.Join(", ", a.Shape)}) is not allowed: expected (3, 2, {nx}) = (species u v w, velocities +c -c, nx cells)");
            return null;
        }
        for (int i = 0; i < a.Data.Length; i++)
            if (!double.IsFinite(a.Data[i]) || a.Data[i] < 0)
            {
                error(path, $"{file}: f[{i / (2 * nx)}, {i / nx % 2}, {i % nx}] = {a.Data[i]} is not allowed: f must be finite and >= 0");
                return null;
            }
        return a.Data;
    }

    internal static KineticVirusParameters KineticParameters(Scenario s) => new(MayNowakOdeDefinition.Rates(s),
        new SpeciesTransport(s.P("c_u"), s.P("sigma_u")), new SpeciesTransport(s.P("c_v"), s.P("sigma_v")),
        new SpeciesTransport(s.P("c_w"), s.P("sigma_w")), s.P("chi"));

    internal static KineticBoundary Boundary(Scenario s, string key) => s.Choice(key) == "periodic" ? KineticBoundary.Periodic : KineticBoundary.Reflecting;

    public IRunnableModel Create(Scenario s)
    {
        var p = KineticParameters(s);
        if (s.Count("ny") > 1) return VirusKinetic2DModel.Create(s, p);
        var boundary = s.Choice("boundary_x") == "periodic" ? KineticBoundary.Periodic : KineticBoundary.Reflecting;
        var grid = new KineticGrid1D(s.P("Lx"), s.Count("nx"), boundary);
        double maxDt = s.Time.Dt ?? MicroMacroSolver1D.MacroscopicTimeStep(p, grid.Dx);
        // The limit problem's grid (same cells) gives the initial data and the analysis of the eps -> 0 limit.
        var limitGrid = UniformGrid.Line(grid.CellCount, grid.Length, boundary == KineticBoundary.Periodic ? BoundaryKind.Periodic : BoundaryKind.Neumann);
        var limit = new VirusPdeParameters(p.Rates, p.DiffusionCoefficient(0), p.DiffusionCoefficient(1), p.DiffusionCoefficient(2), p.Chi);
        return new VirusKineticModel(grid, p, s.P("eps"), s.Run.Blocks, maxDt, VirusPdeInitialState.From(s, limit, limitGrid), limit, limitGrid)
        {
            WellPrepared = s.Choice("kinetic") == "well-prepared",
            KineticState = s.Choice("kinetic") == "file" ? KineticFile(s, (p, m) => throw new ArgumentException($"{s.SourceFile}: {p}: {m}")) : null,
        };
    }
}

/// <summary>The <c>virus-kinetic</c> model on subdomain actors: one <see cref="MicroMacroSubdomain1D"/> slab per block.</summary>
public sealed class VirusKineticModel : ISubdomainModel
{
    private readonly KineticGrid1D _grid;
    private readonly KineticVirusParameters _p;
    private readonly double _eps, _maxDt;
    private readonly int _blocks;
    private readonly VirusPdeInitialState _initial;
    private readonly VirusPdeParameters _limit;
    private readonly UniformGrid _limitGrid;

    internal VirusKineticModel(KineticGrid1D grid, KineticVirusParameters p, double eps, int blocks, double maxDt,
        VirusPdeInitialState initial, VirusPdeParameters limit, UniformGrid limitGrid)
    {
        _grid = grid; _p = p; _eps = eps; _blocks = blocks; _maxDt = maxDt; _initial = initial; _limit = limit; _limitGrid = limitGrid;
    }

    /// <summary>Start from well-prepared data (f = rho M + eps g0) instead of the equilibrium (g = 0).</summary>
    public bool WellPrepared { get; init; }

    /// <summary>If set: the full kinetic state f ([species][velocity][cell]) the run starts from.</summary>
    public double[]? KineticState { get; init; }

    public KineticGrid1D Grid => _grid;
    public KineticVirusParameters Parameters => _p;
    public double Epsilon => _eps;
    public double MaxDt => _maxDt;

    public int BlockCount => _blocks;

    public IReadOnlyList<string> Columns => SpeciesFieldStats.Columns;

    /// <summary>The initial density of one species on the whole grid.</summary>
    public double[] InitialDensity(int species) => Enumerable.Range(0, _grid.CellCount).Select(i =>
    {
        var q = _initial.At(_grid.CellCenter(i), 0);
        return species switch { 0 => q.U, 1 => q.V, _ => q.W };
    }).ToArray();

    public IReadOnlyList<HaloLink> Links(int b)
    {
        bool periodic = _grid.Boundary == KineticBoundary.Periodic;
        int left = b > 0 ? b - 1 : periodic ? _blocks - 1 : -1;
        int right = b < _blocks - 1 ? b + 1 : periodic ? 0 : -1;
        return [new HaloLink(0, left, left < 0 ? -1 : 1), new HaloLink(1, right, right < 0 ? -1 : 0)];
    }

    public ISubdomainKernel CreateKernel(int b) => CreateKernel(b, initial: true);

    /// <summary>The slab's arrays without its initial densities and perturbations (the checkpoint's state replaces them).</summary>
    public ISubdomainKernel CreateKernelForRestore(int b, bool distributed) => CreateKernel(b, initial: false);

    private Kernel CreateKernel(int b, bool initial)
    {
        int start = _grid.SlabStart(b, _blocks), end = _grid.SlabStart(b + 1, _blocks);
        var slab = new MicroMacroSubdomain1D(_grid, _p, _eps, b, start, end - start);
        if (initial) Initialise(slab, start, end - start);
        return new Kernel(slab, Links(b));
    }

    private void Initialise(MicroMacroSubdomain1D slab, int start, int count)
    {
        if (KineticState is { } f) slab.SetKinetic(f);
        else if (WellPrepared) slab.SetWellPrepared(InitialDensity(0), InitialDensity(1), InitialDensity(2));
        else for (int s = 0; s < 3; s++) slab.SetEquilibrium(s, InitialDensity(s).AsSpan(start, count));
    }

    /// <summary>The blocks' partial masses of u, v, w, added in block order (only checked for finiteness).</summary>
    public double[] ReduceBounds(IReadOnlyList<double[]> bounds) => SpeciesFieldStats.SumInBlockOrder(bounds);

    /// <summary>Equal steps no longer than the maximum step, landing exactly on <paramref name="tEnd"/>.</summary>
    public StepOrder Plan(long step, double t, double tEnd, double[] global)
    {
        KineticDiagnostics.ThrowIfNotFinite(global, t);
        return SpeciesFieldStats.EqualSteps(step, t, tEnd, _maxDt, 1);
    }

    public IReadOnlyList<FieldSnapshot> Assemble(double t, IReadOnlyList<double[]> snapshots, Span<double> row)
    {
        int n = _grid.CellCount;
        var fields = SpeciesFieldStats.ConcatenateSlabs(snapshots, n);
        SpeciesFieldStats.Fill(fields, _grid.Dx, row);
        return [new FieldSnapshot("u", fields[0], [n]), new FieldSnapshot("v", fields[1], [n]), new FieldSnapshot("w", fields[2], [n])];
    }

    public JsonObject Analysis()
    {
        var doc = MayNowakAnalysis.Spatial(_limit, _limitGrid);
        doc["diffusion_limit"] = new JsonObject
        {
            ["about"] = "the eps -> 0 limit is the virus-pde model with these coefficients; linear_stability refers to that limit",
            ["eps"] = _eps,
            ["Du"] = _limit.Du, ["Dv"] = _limit.Dv, ["Dw"] = _limit.Dw,
            ["max_dt"] = _maxDt,
        };
        return doc;
    }

    private sealed class Kernel(MicroMacroSubdomain1D slab, IReadOnlyList<HaloLink> links) : ISubdomainKernel, Runtime.ICheckpointableKernel
    {
        private double _dt;
        public int Block => slab.BlockIndex;
        public IReadOnlyList<HaloLink> Links => links;
        public int HaloLength(int port) => slab.HaloLength;
        public void ExtractHalo(int port, Span<double> buffer) => slab.ExtractHalo(port == 0 ? HaloSide.Left : HaloSide.Right, buffer);
        public void ApplyHalo(int port, ReadOnlySpan<double> buffer) => slab.ApplyHalo(port == 0 ? HaloSide.Left : HaloSide.Right, buffer);
        public void ApplyBoundary(int port) => slab.ApplyWall(port == 0 ? HaloSide.Left : HaloSide.Right);
        public double[] ComputeBounds() => [slab.PartialMass(0), slab.PartialMass(1), slab.PartialMass(2)];
        public void BeginStep(StepOrder order) => _dt = order.Dt;
        public void Stage(int k) => slab.Step(_dt);
        public int SnapshotLength => 3 * slab.CellCount;
        public void CopySnapshot(Span<double> destination)
        {
            for (int s = 0; s < 3; s++) slab.Density(s).CopyTo(destination.Slice(s * slab.CellCount, slab.CellCount));
        }
        public int StateLength => slab.StateLength;
        public void SaveState(Span<double> state) => slab.SaveState(state);
        public void LoadState(ReadOnlySpan<double> state) => slab.LoadState(state);
    }
}
