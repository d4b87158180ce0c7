using ActorSim.Numerics.Muscle;
using ActorSim.Numerics.Symbolic;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Models;

/// <summary>
/// <c>muscle-deformation-2d</c>: seed 003's nonlinear example g(X, y) = F(y)^{-1} X on particle-block actors —
/// every particle keeps its reference position in a deforming 2D element. F(y) is a rotation (y0 = angle), an
/// axis stretch (F = diag(1 + y0, 1 + y1)), a simple shear (F = [[1, y0], [0, 1]]) or a general affine map
/// (F = I + [[y0, y1], [y2, y3]], with the frame-indifferent strain energy W0 = k0/2 |F^T F - I|^2) or a rotation
/// with an isotropic stretch (F = s R(theta), y = (theta, s), W0 = k0/2 (s - s_rest)^2 on the stretch alone).
/// Energy is conserved; for the rotation and affine maps with an isotropic W1 (k1x = k1y) and a radial V so is
/// the angular momentum, which the run writes as a column.
/// </summary>
public sealed class MuscleDeformation2DDefinition : IModelDefinition
{
    private static readonly string[] Maps = ["rotation", "stretch", "shear", "affine", "rotation-stretch", "expression"];

    /// <summary>The value of the scenario's <c>model</c> key (<see cref="ModelCatalog"/> finds the model by it).</summary>
    public const string ModelName = "muscle-deformation-2d";

    public string Name => ModelName;

    public string Summary => "Macro–micro muscle model with the 2D deformation constraint F(y)^{-1} X_i = const (seed 003): rotation, stretch, shear or affine F";

    public IReadOnlyList<string> Equations { get; } =
    [
        "g(X, y) = F(y)^-1 X: X_i = F(y) X_ref,i; m_eff(y) y'' = F_eff(y, y') from W0(y), W1(X_i) and the pair potential V",
        "F: rotation (y0 = angle), stretch diag(1 + y0, 1 + y1), shear [[1, y0], [0, 1]], affine I + [[y0, y1], [y2, y3]]",
    ];

    public IReadOnlyList<ValueSpec> Parameters { get; } =
    [
        ValueSpec.OneOf("map", "the deformation F(y): rotation (n_y = 1), stretch (n_y = 2), shear (n_y = 1), affine (n_y = 4), rotation-stretch F = s R(theta) with y = (theta, s) (n_y = 2), expression (the entries F00 F01 F10 F11 as formulas in y0 .. y{ny-1})", Maps),
        new("ny", "1", "map expression: number n_y of macroscopic variables y0 .. y{n_y - 1} (1 to 4)", ValueKind.Count, 1),
        ValueSpec.Text("F00", "map expression: entry F00(y) as a formula in y0 .. y{ny-1} (exact symbolic derivatives, compiled once)"),
        ValueSpec.Text("F01", "map expression: entry F01(y)"),
        ValueSpec.Text("F10", "map expression: entry F10(y)"),
        ValueSpec.Text("F11", "map expression: entry F11(y)"),
        ValueSpec.Text("W0", "map expression: the macroscopic potential W0(y) as a formula (default k0/2 |y|^2); F0 = -grad W0 exactly"),
        MuscleScenarioSpecs.Particles(2000),
        MuscleScenarioSpecs.MacroMass(),
        MuscleScenarioSpecs.ParticleMass(0.5),
        new("k0", "E/[y]^2", "macroscopic stiffness: W0 = k0/2 |y|^2 (rotation, stretch, shear), k0/2 |F^T F - I|^2 (affine) or k0/2 (s - s_rest)^2 on the stretch alone (rotation-stretch)", ValueKind.NonNegative, 1.0),
        new("s_rest", "1", "rotation-stretch: rest stretch of W0 = k0/2 (s - s_rest)^2", ValueKind.Finite, 1.0),
        new("k1x", "E/L^2", "particle spring W1 = (k1x x1^2 + k1y x2^2) / 2, first axis", ValueKind.NonNegative, 1.0),
        new("k1y", "E/L^2", "particle spring, second axis (k1x = k1y: isotropic, angular momentum conserved)", ValueKind.NonNegative, 1.0),
        new("a", "L", "initial reference positions are uniform on the square [-a, a]^2", ValueKind.Positive, 1.0),
        MuscleScenarioSpecs.Pair,
        MuscleScenarioSpecs.PairAmplitude(),
        MuscleScenarioSpecs.PairWidth(),
        MuscleScenarioSpecs.Interaction,
        MuscleScenarioSpecs.MeshNodes(),
        MuscleScenarioSpecs.MeshExtent(3),
        MuscleScenarioSpecs.Project,
        MuscleScenarioSpecs.Snapshot,
        MuscleScenarioSpecs.HistBins(),
        MuscleScenarioSpecs.HistExtent(2),
    ];

    public IReadOnlyList<ValueSpec> Initial { get; } =
    [
        new("y0", "[y]", "y_0 at t = 0 (rotation, rotation-stretch: angle theta in rad; stretch: x1 stretch; shear: shear; affine: F00 - 1)", ValueKind.Finite, 0.0),
        new("y1", "[y]", "y_1 at t = 0 (stretch: x2 stretch; affine: F01; rotation-stretch: the stretch s > 0, e.g. 1)", ValueKind.Finite, 0.0),
        new("y2", "[y]", "y_2 at t = 0 (affine: F10)", ValueKind.Finite, 0.0),
        new("y3", "[y]", "y_3 at t = 0 (affine: F11 - 1)", ValueKind.Finite, 0.0),
        new("ydot0", "[y]/T", "y_0' at t = 0", ValueKind.Finite, 0.0),
        new("ydot1", "[y]/T", "y_1' at t = 0", ValueKind.Finite, 0.0),
        new("ydot2", "[y]/T", "y_2' at t = 0", ValueKind.Finite, 0.0),
        new("ydot3", "[y]/T", "y_3' at t = 0", ValueKind.Finite, 0.0),
    ];

    public int MaxBlocks => MuscleScenarioSpecs.MaxBlocks;

    /// <summary>The map F and potential W0 given as formulas are compiled to delegates (ExprCompiler).</summary>
    public bool NeedsDynamicCode => true;

    private static int Ny(Scenario s) => s.Choice("map") switch { "stretch" or "rotation-stretch" => 2, "affine" => 4, "expression" => s.Count("ny"), _ => 1 };

    public void CheckConsistency(Scenario s, Action<string, string> error)
    {
        string map = s.Choice("map");
        if (map == "expression" && s.Count("ny") > 4) { error("$.parameters.ny", $"{s.Count("ny")} is not allowed: map expression takes 1 to 4 variables y0 .. y3"); return; }
        int ny = Ny(s);
        MuscleScenarioSpecs.CheckParticleTime(s, Name, error);
        CheckExpressionMap(s, ny, error);
        MuscleScenarioSpecs.CheckBlocks(s, s.Count("N"), "every block needs a particle: blocks <= N", error);
        MuscleScenarioSpecs.CheckMesh(s, 2, s.P("a") * Math.Sqrt(2), error);
        MuscleScenarioSpecs.CheckUnusedComponents(s, ny, 4, map, error);
        if (map == "stretch" && (1 + s.Init("y0") <= 0 || 1 + s.Init("y1") <= 0))
            error("$.initial", "the stretch map needs 1 + y0 > 0 and 1 + y1 > 0 (F(y) must be invertible: uniform full-rank condition)");
        if (map == "rotation-stretch" && !(s.Init("y1") > 0))
            error("$.initial.y1", $"{s.Init("y1")} is not allowed: the rotation-stretch map F = s R(theta) needs the stretch s = y1 > 0 (F must be invertible: uniform full-rank condition); s = 1 is the undeformed element");
        if (map != "rotation-stretch" && s.Document["parameters"] is System.Text.Json.Nodes.JsonObject ps && ps.ContainsKey("s_rest"))
            error("$.parameters.s_rest", $"not used: s_rest belongs to map \"rotation-stretch\" (map is \"{map}\")");
        if (map == "affine")
        {
            double det = (1 + s.Init("y0")) * (1 + s.Init("y3")) - s.Init("y1") * s.Init("y2");
            if (!(det > 0)) error("$.initial", $"det F(y) = {det} at t = 0: the affine map must start orientation-preserving and invertible (det F > 0)");
        }
    }

    private static readonly string[] ExpressionKeys = ["F00", "F01", "F10", "F11", "W0"];

    private static void CheckExpressionMap(Scenario s, int ny, Action<string, string> error)
    {
        string map = s.Choice("map");
        if (map != "expression")
        {
            foreach (string key in ExpressionKeys)
                if (s.Choice(key).Length > 0) error($"$.parameters.{key}", $"not used: it belongs to map \"expression\" (map is \"{map}\")");
            if (s.Document["parameters"] is System.Text.Json.Nodes.JsonObject ps && ps.ContainsKey("ny"))
                error("$.parameters.ny", $"not used: ny belongs to map \"expression\" (map \"{map}\" has n_y = {ny})");
            return;
        }
        bool ok = true;
        var vars = ExpressionMap2D.VariableNames(ny);
        foreach (string key in ExpressionKeys)
        {
            string text = s.Choice(key);
            if (text.Length == 0)
            {
                if (key != "W0") { error($"$.parameters.{key}", $"required for map \"expression\": the entry {key}(y) as a formula in {string.Join(", ", vars.Keys)}"); ok = false; }
                continue;
            }
            try { ExprParser.Parse(text, vars); }
            catch (ExprParseException e) { error($"$.parameters.{key}", e.Message); ok = false; }
        }
        if (!ok) return;
        var f = new double[4];
        new ExpressionMap2D(ny, s.Choice("F00"), s.Choice("F01"), s.Choice("F10"), s.Choice("F11")).Matrix(InitialY(s, ny), f);
        double det = f[0] * f[3] - f[1] * f[2];
        if (!(det != 0) || !double.IsFinite(det))
            error("$.parameters.F00", $"the map is singular at t = 0: det F(y(0)) = {det} (F = [[{f[0]}, {f[1]}], [{f[2]}, {f[3]}]]); the constraint F(y)^-1 X needs an invertible F (uniform full-rank condition)");
    }

    private static double[] InitialY(Scenario s, int ny) => Enumerable.Range(0, ny).Select(k => s.Init($"y{k}")).ToArray();

    public IRunnableModel Create(Scenario s) => new MuscleParticleRun(CreateSetup(s));

    public static MuscleParticleSetup CreateSetup(Scenario s)
    {
        string map = s.Choice("map");
        int ny = Ny(s);
        double k0 = s.P("k0"), mass = s.P("M");
        DeformationMap2D f = map switch
        {
            "rotation" => new RotationMap(),
            "stretch" => new StretchMap(),
            "shear" => new ShearMap(),
            "rotation-stretch" => new RotationStretchMap(),
            "expression" => new ExpressionMap2D(ny, s.Choice("F00"), s.Choice("F01"), s.Choice("F10"), s.Choice("F11")),
            _ => new AffineMap(),
        };
        IMacroPotential w0 = map switch
        {
            "affine" => new MacroStrainEnergy2D(k0),
            "rotation-stretch" => new HarmonicMacroPotential([0.0, k0], [0.0, s.P("s_rest")]),
            "expression" when s.Choice("W0").Length > 0 => new ExpressionMacroPotential(ny, s.Choice("W0")),
            _ => new HarmonicMacroPotential(Enumerable.Repeat(k0, ny).ToArray()),
        };
        var model = new MuscleModel
        {
            Constraint = new DeformationConstraint2D(f),
            MacroMass = mass,
            ParticleMass = s.P("m"),
            MacroPotential = w0,
            ParticlePotential = new HarmonicParticlePotential([s.P("k1x"), s.P("k1y")]),
            PairPotential = MuscleScenarioSpecs.PairPotential(s),
        };
        MacroMomentum? angular = map switch
        {
            "rotation" or "rotation-stretch" => (y, v) => mass * v[0],
            "affine" => (y, v) => mass * ((1 + y[0]) * v[2] - y[2] * v[0] + y[1] * v[3] - (1 + y[3]) * v[1]),
            _ => null,
        };
        double a = s.P("a"), he = s.P("hist_extent");
        var interaction = MuscleScenarioSpecs.InteractionOf(s);
        return new MuscleParticleSetup
        {
            Model = model,
            ParticleCount = s.Count("N"),
            Blocks = s.Run.Blocks,
            Y0 = Enumerable.Range(0, ny).Select(k => s.Init($"y{k}")).ToArray(),
            V0 = Enumerable.Range(0, ny).Select(k => s.Init($"ydot{k}")).ToArray(),
            Sampler = new ReferenceBoxSampler(s.Run.Seed, a, f, Enumerable.Range(0, ny).Select(k => s.Init($"y{k}")).ToArray()),
            Dt = MuscleScenarioSpecs.ParticleDt(s),
            Tolerances = MuscleScenarioSpecs.Tolerances(s),
            Interaction = interaction,
            Mesh = interaction == MuscleInteraction.Mesh ? MuscleScenarioSpecs.MeshGrid(s, 2) : null,
            Project = MuscleScenarioSpecs.On(s, "project"),
            Snapshot = MuscleScenarioSpecs.SnapshotOf(s),
            HistogramBins = s.Count("hist_bins"),
            HistogramMin = -he,
            HistogramMax = he,
            YNames = Enumerable.Range(0, ny).Select(k => $"y{k}").ToArray(),
            AngularMomentum = angular,
        };
    }

    /// <summary>Reference positions uniform on [-a, a]^2, placed at X = F(y0) X_ref (so g(X, y0) = X_ref).</summary>
    private sealed class ReferenceBoxSampler(ulong seed, double a, DeformationMap2D map, double[] y0) : IParticleSampler
    {
        private readonly UniformBoxSampler _box = new(seed, [-a, -a], [a, a]);
        private readonly double[] _f = Matrix(map, y0);

        private static double[] Matrix(DeformationMap2D map, double[] y)
        {
            var f = new double[4];
            map.Matrix(y, f);
            return f;
        }

        public int Nx => 2;

        public void Sample(long index, Span<double> x)
        {
            _box.Sample(index, x);
            double r0 = x[0], r1 = x[1];
            x[0] = _f[0] * r0 + _f[1] * r1;
            x[1] = _f[2] * r0 + _f[3] * r1;
        }
    }
}
