using System.Text.Json.Nodes;
using ActorSim.Numerics.Muscle;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Models;

/// <summary>
/// <c>muscle-linear</c>: seed 003's linear-constraint example g(X, y) = X - G y with n_x = 2, n_y = 1 on
/// particle-block actors. Phi = G, Omega = 0, so X_i(t) = X_i(0) + G (y(t) - y(0)) and y is a harmonic
/// oscillator with a closed form (<see cref="MuscleLinearClosedForm"/>) that the run writes beside y.
/// </summary>
public sealed class MuscleLinearDefinition : IModelDefinition
{
    /// <summary>The value of the scenario's <c>model</c> key (<see cref="ModelCatalog"/> finds the model by it).</summary>
    public const string ModelName = "muscle-linear";

    public string Name => ModelName;

    public string Summary => "Macro–micro muscle model with the linear constraint X_i - G y = const (seed 003): harmonic y with a closed form";

    public IReadOnlyList<string> Equations { get; } =
    [
        "g(X, y) = X − G y,  W0 = k0/2 (y − y_rest)²,  W1 = k1/2 |X − x*|²",
        "(M + m|G|²) y'' = −(k0 + k1|G|²) y + k0 y_rest − k1 Gᵀ(c̄ − x*)   (closed form written as y_exact)",
    ];

    public IReadOnlyList<ValueSpec> Parameters { get; } =
    [
        MuscleScenarioSpecs.Particles(10000),
        MuscleScenarioSpecs.MacroMass(),
        MuscleScenarioSpecs.ParticleMass(0.5),
        new("G1", "L/[y]", "first component of the coupling G (X_i' = G y')", ValueKind.Finite, 1.0),
        new("G2", "L/[y]", "second component of G", ValueKind.Finite, 2.0),
        new("k0", "E/[y]^2", "stiffness of the macroscopic spring W0 = k0/2 (y - y_rest)^2", ValueKind.NonNegative, 2.0),
        new("y_rest", "[y]", "rest position of W0", ValueKind.Finite, 0.0),
        new("k1", "E/L^2", "stiffness of the particle spring W1 = k1/2 |X - x*|^2", ValueKind.NonNegative, 1.0),
        new("x1_star", "L", "first component of the particle rest position x*", ValueKind.Finite, 0.3),
        new("x2_star", "L", "second component of x*", ValueKind.Finite, -0.2),
        new("a", "L", "initial particles are uniform on the square [-a, a]^2", ValueKind.Positive, 1.0),
        MuscleScenarioSpecs.Pair,
        MuscleScenarioSpecs.PairAmplitude(),
        MuscleScenarioSpecs.PairWidth(),
        MuscleScenarioSpecs.Interaction,
        MuscleScenarioSpecs.MeshNodes(),
        MuscleScenarioSpecs.MeshExtent(8),
        MuscleScenarioSpecs.Project,
        MuscleScenarioSpecs.Snapshot,
        MuscleScenarioSpecs.HistBins(),
        MuscleScenarioSpecs.HistExtent(4),
    ];

    public IReadOnlyList<ValueSpec> Initial { get; } =
    [
        new("y", "[y]", "y at t = 0", ValueKind.Finite, 0.7),
        new("ydot", "[y]/T", "y' at t = 0", ValueKind.Finite, -0.3),
    ];

    public int MaxBlocks => MuscleScenarioSpecs.MaxBlocks;

    public void CheckConsistency(Scenario s, Action<string, string> error)
    {
        MuscleScenarioSpecs.CheckParticleTime(s, Name, error);
        MuscleScenarioSpecs.CheckBlocks(s, s.Count("N"), "every block needs a particle: blocks <= N", error);
        MuscleScenarioSpecs.CheckMesh(s, 2, s.P("a"), error);
        if (s.P("k0") + s.P("k1") * (s.P("G1") * s.P("G1") + s.P("G2") * s.P("G2")) <= 0)
            error("$.parameters.k0", "k0 + k1 |G|^2 must be > 0 (otherwise there is no restoring force and no oscillation)");
    }

    public IRunnableModel Create(Scenario s) => new MuscleParticleRun(CreateSetup(s));

    public static MuscleParticleSetup CreateSetup(Scenario s)
    {
        double g1 = s.P("G1"), g2 = s.P("G2"), k1 = s.P("k1");
        double[] xStar = [s.P("x1_star"), s.P("x2_star")];
        var model = new MuscleModel
        {
            Constraint = new LinearConstraint(new double[,] { { g1 }, { g2 } }),
            MacroMass = s.P("M"),
            ParticleMass = s.P("m"),
            MacroPotential = new HarmonicMacroPotential([s.P("k0")], [s.P("y_rest")]),
            ParticlePotential = new HarmonicParticlePotential([k1, k1], xStar),
            PairPotential = MuscleScenarioSpecs.PairPotential(s),
        };
        double a = s.P("a"), he = s.P("hist_extent");
        return new MuscleParticleSetup
        {
            Model = model,
            ParticleCount = s.Count("N"),
            Blocks = s.Run.Blocks,
            Y0 = [s.Init("y")],
            V0 = [s.Init("ydot")],
            Sampler = new UniformBoxSampler(s.Run.Seed, [-a, -a], [a, a]),
            Dt = MuscleScenarioSpecs.ParticleDt(s),
            Tolerances = MuscleScenarioSpecs.Tolerances(s),
            Interaction = MuscleScenarioSpecs.InteractionOf(s),
            Mesh = MuscleScenarioSpecs.InteractionOf(s) == MuscleInteraction.Mesh ? MuscleScenarioSpecs.MeshGrid(s, 2) : null,
            Project = MuscleScenarioSpecs.On(s, "project"),
            Snapshot = MuscleScenarioSpecs.SnapshotOf(s),
            HistogramBins = s.Count("hist_bins"),
            HistogramMin = -he,
            HistogramMax = he,
            ClosedForm = new MuscleLinearClosedForm(s.P("M"), s.P("m"), [g1, g2], s.P("k0"), s.P("y_rest"), [k1, k1], xStar),
        };
    }
}

/// <summary>
/// Closed form of the linear-constraint model with n_y = 1, W0 = k0/2 (y - y_rest)^2 and W1 = 1/2 sum_c k1_c (x_c - x*_c)^2
/// (any even pair potential: the relative positions X_i - X_j = c_i - c_j never change, so K only adds constant,
/// pairwise antisymmetric forces whose Phi^T-average vanishes). With c_i = X_i(0) - G y(0) and cbar their mean:
/// <code>
///   (M + m |G|^2) y'' = -(k0 + G^T K1 G) y + k0 y_rest - G^T K1 (cbar - x*),
///   y(t) = y* + (y(0) - y*) cos(w t) + y'(0)/w sin(w t),   w^2 = (k0 + G^T K1 G) / (M + m |G|^2),
///   y* = (k0 y_rest - G^T K1 (cbar - x*)) / (k0 + G^T K1 G).
/// </code>
/// (The seed's "(1 + m G^T G) y'' = F0 - (1/N) sum G^T F1" has a dropped sign: d_y g = -G gives "+".)
/// </summary>
public sealed class MuscleLinearClosedForm(double macroMass, double particleMass, double[] g, double k0, double yRest, double[] k1, double[] xStar)
{
    private double _y0, _v0;

    public double Omega { get; private set; }
    public double Equilibrium { get; private set; }
    public double EffectiveMass => macroMass + particleMass * g.Sum(c => c * c);
    public double Stiffness { get; } = k0 + g.Select((c, i) => c * k1[i] * c).Sum();

    /// <summary>Sets the initial data: the particles' mean initial position and (y, y') at t = 0.</summary>
    public void Initialize(ReadOnlySpan<double> meanX0, double y0, double v0)
    {
        double gk = 0.0;
        for (int c = 0; c < g.Length; c++) gk += g[c] * k1[c] * (meanX0[c] - g[c] * y0 - xStar[c]);
        Equilibrium = (k0 * yRest - gk) / Stiffness;
        Omega = Math.Sqrt(Stiffness / EffectiveMass);
        _y0 = y0; _v0 = v0;
    }

    /// <summary>(y, y') at time t.</summary>
    public (double Y, double V) Evaluate(double t)
    {
        double w = Omega, a = _y0 - Equilibrium, c = Math.Cos(w * t), s = Math.Sin(w * t);
        return (Equilibrium + a * c + _v0 / w * s, -a * w * s + _v0 * c);
    }

    public JsonObject Describe() => new()
    {
        ["m_eff"] = EffectiveMass,
        ["stiffness"] = Stiffness,
        ["omega"] = Omega,
        ["period"] = 2 * Math.PI / Omega,
        ["y_equilibrium"] = Equilibrium,
        ["amplitude"] = Math.Sqrt((_y0 - Equilibrium) * (_y0 - Equilibrium) + _v0 * _v0 / (Omega * Omega)),
    };
}
