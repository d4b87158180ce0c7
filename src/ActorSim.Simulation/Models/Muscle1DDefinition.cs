using ActorSim.Numerics.Densities;
using ActorSim.Numerics.Muscle;
using ActorSim.Numerics.Symbolic;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Models;

/// <summary>
/// <c>muscle-1d</c>: the one-dimensional macro–micro model (n_x = n_y = 1) and its mean-field limit (seed 003).
/// Constraint: stretch g = x / (1 + y) (the density is stretched with the tissue, so m_eff depends on rho) or
/// linear g = x - G y (the density translates). <c>method = "particles"</c> runs N particles sampled from rho0 on
/// particle-block actors (optionally with the W1 distance to the mean-field solution computed alongside);
/// <c>method = "meanfield"</c> solves the mean-field PDE d_t rho = -d_x(rho Phi(x, y) y') with conservative
/// finite volumes on slab blocks. <c>actorsim converge</c> runs both and fits the N^{-1/2} decay.
/// </summary>
public sealed class Muscle1DDefinition : IModelDefinition
{
    /// <summary>The value of the scenario's <c>model</c> key (<see cref="ModelCatalog"/> finds the model by it).</summary>
    public const string ModelName = "muscle-1d";

    public string Name => ModelName;

    public string Summary => "1D macro–micro muscle model and its mean-field PDE (seed 003): particles or finite volumes, stretch, linear or formula constraint";

    public IReadOnlyList<string> Equations { get; } =
    [
        "N particles x_i tied to the tissue variable y by g(x_i, y) = const; m_eff(y) y'' = F_eff(y, y')",
        "stretch: g = x/(1 + y), m_eff = M + m ∫ x² rho dx / (1 + y)²;  linear: g = x − G y",
        "mean field: ∂t rho = −∂x(rho Phi(x, y) y'), finite volumes on slab blocks",
    ];

    public IReadOnlyList<ValueSpec> Parameters { get; } =
    [
        ValueSpec.OneOf("method", "particles (N particles on particle blocks) or meanfield (finite volumes for the mean-field PDE on slab blocks)", ["particles", "meanfield"]),
        ValueSpec.OneOf("constraint", "stretch: g = x / (1 + y); linear: g = x - G y; expression: g given as the formula g", ["stretch", "linear", "expression"]),
        new("G", "L/[y]", "coupling of the linear constraint (X' = G y')", ValueKind.Finite, 1.0),
        ValueSpec.Text("g", "constraint expression: g(x, y) as a formula in x (alias q, the particle coordinate) and y (alias r, the macroscopic variable) with + - * / ^, parentheses, pi and sin cos tan exp log sqrt sinh cosh tanh atan abs; differentiated exactly (symbolically) and compiled once; d_x g must not vanish"),
        MuscleScenarioSpecs.Particles(10000),
        MuscleScenarioSpecs.MacroMass(),
        MuscleScenarioSpecs.ParticleMass(),
        new("k0", "E/[y]^2", "macroscopic spring W0 = k0/2 (y - y_rest)^2", ValueKind.NonNegative, 4.0),
        new("y_rest", "[y]", "rest position of W0", ValueKind.Finite, 0.0),
        new("k1", "E/L^2", "particle spring W1 = k1/2 (x - x_star)^2", ValueKind.NonNegative, 2.0),
        new("x_star", "L", "rest position of W1", ValueKind.Finite, 0.5),
        ValueSpec.OneOf("density", "initial density rho0: sine-bump (2/w) sin^2(pi (x - x_lo)/w) on [x_lo, x_hi], w = x_hi - x_lo; uniform on [x_lo, x_hi]; normal N(mean, deviation^2) (truncated to [x_lo, x_hi] with truncate \"on\"); mixture (see components); file (see density_file)", ["sine-bump", "uniform", "normal", "mixture", "file"]),
        new("x_lo", "L", "left end of the support of rho0 (sine-bump, uniform, truncated normal)", ValueKind.Finite, 0.5),
        new("x_hi", "L", "right end of the support of rho0 (sine-bump, uniform, truncated normal)", ValueKind.Finite, 1.5),
        new("mean", "L", "density normal: mean of N(mean, deviation^2)", ValueKind.Finite, 1.0),
        new("deviation", "L", "density normal: standard deviation of N(mean, deviation^2)", ValueKind.Positive, 0.2),
        ValueSpec.OneOf("truncate", "density normal: off (the whole normal; the grid must hold mean +- 8.3 deviations) or on (truncated to [x_lo, x_hi] and renormalised)", ["off", "on"]),
        ValueSpec.Text("components", "density mixture: " + MuscleInitialDensity.MixtureGrammar),
        ValueSpec.Text("density_file", "density file: a .npy path (relative to the scenario file) of particle positions, shape [M] or [M, 1] (rho0 is their empirical measure; with N = M the particles start exactly there, otherwise N i.i.d. draws from it), or of a density on a grid, shape [K, 2] with rows (x_k, rho_k), linear between the nodes, normalised"),
        new("cells", "1", "finite-volume cells on [grid_min, grid_max] (meanfield method, and the w1 reference)", ValueKind.Count, 1000),
        new("grid_min", "L", "left end of the finite-volume grid", ValueKind.Finite, 0.0),
        new("grid_max", "L", "right end of the finite-volume grid (mass leaving the grid is lost: keep the support inside)", ValueKind.Finite, 2.5),
        new("cfl", "1", "finite-volume CFL number: dt <= cfl dx / max |Phi y'|", ValueKind.Positive, 0.4),
        ValueSpec.OneOf("sampling", "particles: random (i.i.d. draws from rho0) or quantile (particle i at the quantile F^{-1}((i + 1/2) / N): deterministic, the method of characteristics for the mean-field PDE with the midpoint rule in the mass coordinate)", ["random", "quantile"]),
        ValueSpec.OneOf("w1", "particles only: off, or meanfield — run the finite-volume solution alongside and write y_meanfield and the exact W1 distance between the particles and it", ["off", "meanfield"]),
        MuscleScenarioSpecs.Project,
        MuscleScenarioSpecs.Snapshot,
        MuscleScenarioSpecs.HistBins(100),
    ];

    public IReadOnlyList<ValueSpec> Initial { get; } =
    [
        new("y", "[y]", "y at t = 0", ValueKind.Finite, 0.0),
        new("ydot", "[y]/T", "y' at t = 0", ValueKind.Finite, 0.6),
    ];

    public int MaxBlocks => MuscleScenarioSpecs.MaxBlocks;

    /// <summary>The constraint g given as formulas are compiled to delegates (ExprCompiler).</summary>
    public bool NeedsDynamicCode => true;

    public void CheckConsistency(Scenario s, Action<string, string> error)
    {
        bool particles = s.Choice("method") == "particles";
        if (particles) MuscleScenarioSpecs.CheckParticleTime(s, Name, error);
        else MuscleScenarioSpecs.RequireDt(s, Name, error);
        if (particles) MuscleScenarioSpecs.CheckBlocks(s, s.Count("N"), "every block needs a particle: blocks <= N", error);
        else MuscleScenarioSpecs.CheckBlocks(s, s.Count("cells") / MeanFieldSlab1D.GhostCells, $"every slab needs {MeanFieldSlab1D.GhostCells} cells: blocks <= cells / {MeanFieldSlab1D.GhostCells}", error);
        string density = s.Choice("density");
        bool usesBox = !MuscleInitialDensity.IsGeneral(density) || (density == "normal" && s.Choice("truncate") == "on");
        if (usesBox && !(s.P("x_hi") > s.P("x_lo"))) error("$.parameters.x_hi", $"{s.P("x_hi")} is not allowed: must be > x_lo ({s.P("x_lo")})");
        if (!(s.P("grid_max") > s.P("grid_min"))) error("$.parameters.grid_max", $"{s.P("grid_max")} is not allowed: must be > grid_min ({s.P("grid_min")})");
        else if (!MuscleInitialDensity.IsGeneral(density) && (s.P("x_lo") < s.P("grid_min") || s.P("x_hi") > s.P("grid_max")))
            error("$.parameters.x_lo", $"the support [x_lo, x_hi] = [{s.P("x_lo")}, {s.P("x_hi")}] of rho0 must lie inside the grid [{s.P("grid_min")}, {s.P("grid_max")}]");
        CheckGeneralDensity(s, error);
        if (s.Choice("constraint") == "stretch" && !(1 + s.Init("y") > 0))
            error("$.initial.y", $"{s.Init("y")} is not allowed: the stretch constraint needs 1 + y > 0 (d_x g = 1/(1 + y) must be invertible)");
        CheckExpression(s, error);
        if (s.Choice("constraint") == "linear" && s.P("G") == 0)
            error("$.parameters.G", "0 is not allowed: with G = 0 the particles do not couple to y");
        if (!particles && s.Choice("snapshot") != "none")
            error("$.parameters.snapshot", "particle snapshots need method \"particles\" (the meanfield method writes fields/rho_NNNN.npy at every output)");
    }

    /// <summary>Number of equally spaced points at which validation probes d_x g (zero, non-finite or a sign change: singular).</summary>
    private const int SingularityProbes = 4001;

    private static void CheckExpression(Scenario s, Action<string, string> error)
    {
        bool expression = s.Choice("constraint") == "expression";
        if (!expression)
        {
            if (s.Choice("g").Length > 0) error("$.parameters.g", $"not used: the formula belongs to constraint \"expression\" (constraint is \"{s.Choice("constraint")}\")");
            return;
        }
        if (s.Choice("g").Length == 0)
        {
            error("$.parameters.g", "required for constraint \"expression\": g(x, y) as a formula, e.g. \"-sin(0.1 * q) / (1 + r^2) + 0.1 * q\"");
            return;
        }
        ExpressionConstraint1D g;
        try
        {
            g = new ExpressionConstraint1D(s.Choice("g"));
        }
        catch (ExprParseException e)
        {
            error("$.parameters.g", e.Message);
            return;
        }
        // d_x g must not vanish where the particles start (index reduction needs it invertible): probe it on the
        // support of rho0 (and the whole grid for the finite-volume solution, which evaluates Phi at every face)
        double y0 = s.Init("y");
        (double Lo, double Hi) support;
        try
        {
            support = Rho0(s).Support;
        }
        catch (ArgumentException)
        {
            return; // the density's own check reports it
        }
        bool grid = s.Choice("method") == "meanfield" || s.Choice("w1") == "meanfield";
        var (lo, hi) = grid ? (s.P("grid_min"), s.P("grid_max")) : support;
        if (!(hi > lo)) return;
        double previous = double.NaN;
        for (int k = 0; k < SingularityProbes; k++)
        {
            double x = lo + (hi - lo) * k / (SingularityProbes - 1);
            double d = g.DerivativeX(x, y0);
            if (d == 0 || !double.IsFinite(d) || (k > 0 && Math.Sign(d) != Math.Sign(previous)))
            {
                error("$.parameters.g", $"the constraint g = {s.Choice("g")} is singular at y = {y0} (initial.y): d_x g = {d:G6} at x = {x:G6}" +
                    (k > 0 && double.IsFinite(d) && d != 0 ? $" (it changes sign from {previous:G6} just left of it)" : "") +
                    $", inside {(grid ? $"the finite-volume grid [{lo}, {hi}]" : $"the support [{lo:G6}, {hi:G6}] of rho0")}; the index reduction X' = -(d_x g)^-1 d_y g y' needs d_x g != 0 there");
                return;
            }
            previous = d;
        }
    }

    private static void CheckGeneralDensity(Scenario s, Action<string, string> error)
    {
        string density = s.Choice("density");
        foreach (var (key, user) in new[] { ("components", "mixture"), ("density_file", "file") })
            if (s.Choice(key).Length > 0 && density != user)
                error($"$.parameters.{key}", $"not used: it belongs to density \"{user}\" (density is \"{density}\")");
        if (!MuscleInitialDensity.IsGeneral(density)) return;
        if (!(s.P("grid_max") > s.P("grid_min")) || (usesTruncation(s) && !(s.P("x_hi") > s.P("x_lo")))) return;
        if (MuscleInitialDensity.Build(s, error) is not { } rho0) return;
        var (lo, hi) = rho0.Support;
        if (lo < s.P("grid_min") || hi > s.P("grid_max"))
        {
            string what = density == "normal" && s.Choice("truncate") == "off"
                ? $"N({s.P("mean")}, {s.P("deviation")}^2) reaches [{lo:G6}, {hi:G6}] (mean +- {NormalDensity.TailSigmas} deviations: all but 1e-16 of its mass; truncate \"on\" cuts it to [x_lo, x_hi])"
                : $"its support is [{lo:G6}, {hi:G6}]";
            error("$.parameters.grid_min", $"the grid [{s.P("grid_min")}, {s.P("grid_max")}] must contain the initial density rho0: {what}");
        }
        static bool usesTruncation(Scenario s) => s.Choice("density") == "normal" && s.Choice("truncate") == "on";
    }

    /// <summary>The 1D muscle model of the scenario.</summary>
    public static MuscleModel Model(Scenario s) => new()
    {
        Constraint = s.Choice("constraint") switch
        {
            "linear" => new LinearConstraint(new double[,] { { s.P("G") } }),
            "expression" => new ExpressionConstraint1D(s.Choice("g")),
            _ => new StretchConstraint1D(),
        },
        MacroMass = s.P("M"),
        ParticleMass = s.P("m"),
        MacroPotential = new HarmonicMacroPotential([s.P("k0")], [s.P("y_rest")]),
        ParticlePotential = new HarmonicParticlePotential([s.P("k1")], [s.P("x_star")]),
    };

    /// <summary>The finite-volume grid of the scenario.</summary>
    public static MeanFieldGrid1D Grid(Scenario s, int? cells = null)
    {
        int n = cells ?? s.Count("cells");
        return new MeanFieldGrid1D(s.P("grid_min"), (s.P("grid_max") - s.P("grid_min")) / n, n);
    }

    /// <summary>Distribution function of rho0.</summary>
    public static Func<double, double> InitialCdf(Scenario s) => s.Choice("density") switch
    {
        "uniform" => InitialDensity.UniformCdf(s.P("x_lo"), s.P("x_hi")),
        "sine-bump" => InitialDensity.SineBumpCdf(s.P("x_lo"), s.P("x_hi")),
        _ => GeneralDensity(s).Cdf,
    };

    /// <summary>rho0 as a density object (every choice; the shipped choices as their exact equivalents).</summary>
    public static IDensity1D Rho0(Scenario s) => s.Choice("density") switch
    {
        "uniform" => new UniformDensity(s.P("x_lo"), s.P("x_hi")),
        "sine-bump" => new SineBumpDensity(s.P("x_lo"), s.P("x_hi")),
        _ => GeneralDensity(s),
    };

    private static IDensity1D GeneralDensity(Scenario s) =>
        MuscleInitialDensity.Build(s, (path, message) => throw new ArgumentException($"{s.SourceFile}: {path}: {message}"))!;

    /// <summary>Cell averages of rho0 on the scenario's grid (or a grid with <paramref name="cells"/> cells).</summary>
    public static double[] InitialCells(Scenario s, int? cells = null)
    {
        var g = Grid(s, cells);
        return InitialDensity.CellAverages(InitialCdf(s), g.Origin, g.Dx, g.Cells);
    }

    /// <summary>The sampler of rho0 with the given seed.</summary>
    /// <remarks>A file of M positions with M = <paramref name="particles"/> gives exactly those positions.</remarks>
    public static IParticleSampler Sampler(Scenario s, ulong seed, int particles) => s.Choice("sampling") == "quantile"
        ? new QuantileSampler(Rho0(s), particles)
        : s.Choice("density") switch
    {
        "uniform" => new UniformBoxSampler(seed, [s.P("x_lo")], [s.P("x_hi")]),
        "sine-bump" => new SineBumpSampler(seed, s.P("x_lo"), s.P("x_hi")),
        _ => GeneralSampler(GeneralDensity(s), seed, particles),
    };

    private static IParticleSampler GeneralSampler(IDensity1D rho0, ulong seed, int particles) =>
        rho0 is EmpiricalDensity e && e.Count == particles ? new FilePositionsSampler(e.Given.ToArray()) : new DensitySampler(seed, rho0);

    public IRunnableModel Create(Scenario s) =>
        s.Choice("method") == "meanfield" ? new MuscleMeanFieldRun(MeanFieldSetup(s)) : new MuscleParticleRun(ParticleSetup(s, s.Count("N"), s.Run.Seed));

    public static MuscleMeanFieldSetup MeanFieldSetup(Scenario s, int? cells = null) => new()
    {
        Model = Model(s),
        Grid = Grid(s, cells),
        Density = InitialCells(s, cells),
        Y0 = [s.Init("y")],
        V0 = [s.Init("ydot")],
        Blocks = s.Choice("method") == "meanfield" ? s.Run.Blocks : 1,
        DtMax = s.Time.Dt ?? double.PositiveInfinity,
        Cfl = s.P("cfl"),
    };

    public static MuscleParticleSetup ParticleSetup(Scenario s, int particles, ulong seed) => new()
    {
        Model = Model(s),
        ParticleCount = particles,
        Blocks = Math.Min(s.Run.Blocks, particles),
        Y0 = [s.Init("y")],
        V0 = [s.Init("ydot")],
        Sampler = Sampler(s, seed, particles),
        Dt = MuscleScenarioSpecs.ParticleDt(s),
        Tolerances = MuscleScenarioSpecs.Tolerances(s),
        Project = MuscleScenarioSpecs.On(s, "project"),
        Snapshot = MuscleScenarioSpecs.SnapshotOf(s),
        HistogramBins = s.Count("hist_bins"),
        HistogramMin = s.P("grid_min"),
        HistogramMax = s.P("grid_max"),
        MeanField = s.Choice("w1") == "meanfield" ? new MeanFieldReference(Grid(s), InitialCells(s), s.P("cfl")) : null,
    };
}
