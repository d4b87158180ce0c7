using ActorSim.Numerics.Grid;
using ActorSim.Numerics.Virus;
using ActorSim.Numerics.Virus.Spatial;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Models;

/// <summary>
/// <c>virus-pde</c>: the chemotaxis–May–Nowak reaction–diffusion–taxis system of seed 000, eq. (3), in 1D
/// (<c>ny</c> = 1) or 2D, finite volumes on subdomain actors, RKL2 super-time-stepping.
/// </summary>
public sealed class VirusPdeDefinition : IModelDefinition
{
    /// <summary>The value of the scenario's <c>model</c> key (<see cref="ModelCatalog"/> finds the model by it).</summary>
    public const string ModelName = "virus-pde";

    public string Name => ModelName;

    public string Summary => "chemotaxis–May–Nowak PDE (seed 000, eq. (3)) in 1D or 2D on subdomain actors";

    public IReadOnlyList<string> Equations { get; } =
    [
        "u_t = Du Δu − chi ∇·(u ∇v) − d1 u − beta u w + r(t, x)",
        "v_t = Dv Δv − d2 v + beta u w",
        "w_t = Dw Δw − d3 w + k v",
        "zero-flux or periodic boundaries; finite volumes, RKL2 super-time-stepping (2D: Strang splitting by direction)",
    ];

    public IReadOnlyList<ValueSpec> Parameters { get; } =
    [
        new("Du", "L²/T", "diffusion coefficient of healthy cells u", ValueKind.NonNegative),
        new("Dv", "L²/T", "diffusion coefficient of infected cells v", ValueKind.NonNegative),
        new("Dw", "L²/T", "diffusion coefficient of virus w", ValueKind.NonNegative),
        new("chi", "L²/(T·[v])", "taxis sensitivity of u towards v (flux −chi·u·∇v)", ValueKind.Finite),
        new("d1", "1/T", "death rate of healthy cells", ValueKind.Positive),
        new("d2", "1/T", "death rate of infected cells", ValueKind.Positive),
        new("d3", "1/T", "clearance rate of virus", ValueKind.Positive),
        new("beta", "1/(T·[w])", "infection rate constant", ValueKind.Rate),
        new("k", "[w]/(T·[v])", "virus production per infected cell", ValueKind.Rate),
        new("r", "[u]/T", "mean production rate of healthy cells", ValueKind.Rate),
        new("r_amplitude", "1", "relative amplitude of the variation of r in space and time, |a| <= 1", ValueKind.Finite, 0),
        new("r_mode", "1", "spatial mode n of r: r(t,x) = r·(1 + a·cos(n·π·x/Lx)·m(t))", ValueKind.NonNegative, 1),
        new("r_period", "T", "period P of the time modulation m(t) = cos(2π·t/P); 0: m = 1 (no time variation)", ValueKind.NonNegative, 0),
        new("nx", "cells", "cells along x", ValueKind.Count),
        new("ny", "cells", "cells along y; 1 makes the problem one-dimensional", ValueKind.Count, 1),
        new("Lx", "L", "domain length along x", ValueKind.Positive, 1),
        new("Ly", "L", "domain length along y (2D only)", ValueKind.Positive, 1),
        ValueSpec.OneOf("boundary_x", "boundary condition on the x ends", ["neumann", "periodic"]),
        ValueSpec.OneOf("boundary_y", "boundary condition on the y ends (2D only)", ["neumann", "periodic"]),
        ValueSpec.OneOf("limiter", "slope limiter of the upwinded taxis flux", ["van-leer", "minmod"]),
    ];

    public IReadOnlyList<ValueSpec> Initial { get; } =
    [
        ValueSpec.OneOf("state", "base state: the endemic equilibrium Q* (needs R0 > 1), the infection-free Q0, or the uniform values u, v, w", ["endemic", "infection-free", "uniform"]),
        new("u", "[u]", "uniform healthy cells (state \"uniform\")", ValueKind.NonNegative, 0),
        new("v", "[v]", "uniform infected cells (state \"uniform\")", ValueKind.NonNegative, 0),
        new("w", "[w]", "uniform virus (state \"uniform\")", ValueKind.NonNegative, 0),
        new("amplitude", "1", "relative amplitude a of the cosine perturbation of u: u = u0·(1 + a·cos(…x)·cos(…y))", ValueKind.NonNegative, 0.01),
        new("mode_x", "1", "mode n of the perturbation cos(n·π·x/Lx) (Neumann) or cos(2n·π·x/Lx) (periodic)", ValueKind.NonNegative, 1),
        new("mode_y", "1", "mode of the perturbation along y (2D)", ValueKind.NonNegative, 0),
        new("noise", "1", "relative amplitude of uniform random noise added to u (cell-wise, keyed by run.seed and the cell)", ValueKind.NonNegative, 0),
    ];

    public int MaxBlocks => 4096;

    public void CheckConsistency(Scenario s, Action<string, string> error)
    {
        if (Math.Abs(s.P("r_amplitude")) > 1) error("$.parameters.r_amplitude", $"{s.P("r_amplitude")} is not allowed: |r_amplitude| must be <= 1 so that r stays >= 0");
        foreach (var m in new[] { "r_mode" }) if (s.P(m) != Math.Floor(s.P(m))) error($"$.parameters.{m}", $"{s.P(m)} is not allowed: must be a whole number >= 0");
        foreach (var m in new[] { "mode_x", "mode_y" }) if (s.Init(m) != Math.Floor(s.Init(m))) error($"$.initial.{m}", $"{s.Init(m)} is not allowed: must be a whole number >= 0");
        var p = Reaction(s);
        if (s.Choice("state") == "endemic" && !(p.R0 > 1))
            error("$.initial.state", $"\"endemic\" needs R0 > 1, but R0 = beta·k·r/(d1·d2·d3) = {p.R0:G6}; use \"infection-free\" or \"uniform\"");
        int nx = s.Count("nx"), ny = s.Count("ny");
        int bx = ny == 1 ? s.Run.Blocks : BlockShape(s.Run.Blocks, nx, ny).Bx, by = s.Run.Blocks / bx;
        if (nx / bx < 2 || ny > 1 && ny / by < 2)
            error("$.run.blocks", $"{s.Run.Blocks} blocks are too many for a {nx}×{ny} grid: every block needs at least 2 cells along each split axis");
        if (ny == 1 && s.Init("mode_y") != 0) error("$.initial.mode_y", "must be 0 in 1D (ny = 1)");
    }

    internal static MayNowakParameters Reaction(Scenario s) => MayNowakOdeDefinition.Rates(s);

    public static VirusPdeParameters PdeParameters(Scenario s) => new(Reaction(s), s.P("Du"), s.P("Dv"), s.P("Dw"), s.P("chi"));

    public static UniformGrid Grid(Scenario s)
    {
        var bcX = s.Choice("boundary_x") == "periodic" ? BoundaryKind.Periodic : BoundaryKind.Neumann;
        var bcY = s.Choice("boundary_y") == "periodic" ? BoundaryKind.Periodic : BoundaryKind.Neumann;
        return s.Count("ny") == 1
            ? UniformGrid.Line(s.Count("nx"), s.P("Lx"), bcX)
            : UniformGrid.Rectangle(s.Count("nx"), s.Count("ny"), s.P("Lx"), s.P("Ly"), bcX, bcY);
    }

    /// <summary>The tile shape Bx × By for <paramref name="blocks"/> in 2D: slabs of rows (Bx = 1) unless the grid is wider than tall.</summary>
    internal static (int Bx, int By) BlockShape(int blocks, int nx, int ny) => nx > ny ? (blocks, 1) : (1, blocks);

    public IRunnableModel Create(Scenario s)
    {
        var grid = Grid(s);
        int nx = s.Count("nx"), ny = s.Count("ny");
        var (bx, by) = ny == 1 ? (s.Run.Blocks, 1) : BlockShape(s.Run.Blocks, nx, ny);
        var layout = new BlockLayout(grid, bx, by);
        var pde = PdeParameters(s);
        double a = s.P("r_amplitude"), mode = s.P("r_mode"), period = s.P("r_period"), lx = s.P("Lx");
        ISourceTerm source = a == 0
            ? new ConstantSource(pde.Reaction.R)
            : new ModulatedSource(pde.Reaction.R, a, (x, _) => Math.Cos(mode * Math.PI * x / lx),
                period > 0 ? t => Math.Cos(2 * Math.PI * t / period) : _ => 1.0);
        var limiter = s.Choice("limiter") == "minmod" ? SlopeLimiter.Minmod : SlopeLimiter.VanLeer;
        var problem = new VirusPdeProblem(grid, pde, source, Limiter: limiter);
        var settings = s.Time.Dt is { } maxDt ? StepSettings.Default with { MaxDt = maxDt } : StepSettings.Default;
        return new VirusPdeSubdomainModel(problem, layout, settings, VirusPdeInitialState.From(s, pde, grid));
    }
}
