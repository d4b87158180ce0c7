using ActorSim.Numerics.Muscle;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Models;

/// <summary>
/// Scenario values shared by the muscle particle models (seed 003). Units: L is the particles' length unit,
/// T the time unit, E = mass · L^2 / T^2 the energy unit; [y] is the unit of the macroscopic variable.
/// </summary>
internal static class MuscleScenarioSpecs
{
    public const int MaxBlocks = 4096;
    public const int MaxMeshNodes2D = 512, MaxMeshNodes1D = 1 << 16;

    public static ValueSpec Particles(double n) => new("N", "1", "number of particles X_i (cross-bridges)", ValueKind.Count, n);
    public static ValueSpec MacroMass(double d = 1) => new("M", "mass", "macroscopic mass (the seed's 1)", ValueKind.Positive, d);
    public static ValueSpec ParticleMass(double d = 1) => new("m", "mass", "particle mass m (the model scales the particle sums by 1/N)", ValueKind.NonNegative, d);
    public static readonly ValueSpec Pair = ValueSpec.OneOf("pair", "pair potential V of the interaction K(X_j, X_i) = grad V(X_j - X_i): none, Gaussian V = A exp(-|r|^2 / (2 s^2)), harmonic V = A/2 |r|^2", ["none", "gaussian", "harmonic"]);
    public static ValueSpec PairAmplitude(double d = 0.5) => new("pair_amplitude", "E (gaussian), E/L^2 (harmonic)", "A: amplitude of the Gaussian V (repulsive for A > 0) or stiffness of the harmonic V", ValueKind.Finite, d);
    public static ValueSpec PairWidth(double d = 0.5) => new("pair_width", "L", "s: width of the Gaussian V", ValueKind.Positive, d);
    public static readonly ValueSpec Interaction = ValueSpec.OneOf("interaction", "how K is summed: direct O(N^2) summation (exact; blocks exchange positions through the coordinator each stage) or the particle mesh (cloud-in-cell deposit, FFT convolution, interpolation; O(h^2) error)", ["direct", "mesh"]);
    public static ValueSpec MeshNodes(double d = 128) => new("mesh_nodes", "1", "particle-mesh nodes per dimension (power of two, <= 512 in 2D)", ValueKind.Count, d);
    public static ValueSpec MeshExtent(double d = 4) => new("mesh_extent", "L", "the mesh covers [-e, e] in every dimension; particles must stay inside", ValueKind.Positive, d);
    public static readonly ValueSpec Project = ValueSpec.OneOf("project", "structure-preserving option: after every step project each particle back onto g(X_i, y) = g(X_i^init, y^init)", ["off", "on"]);
    public static readonly ValueSpec Snapshot = ValueSpec.OneOf("snapshot", "particle field written at every output: none, a histogram (fields/hist_NNNN.npy, density per unit area), or all positions (fields/X_NNNN.npy, shape [N, n_x])", ["none", "histogram", "positions"]);
    public static ValueSpec HistBins(double d = 32) => new("hist_bins", "1", "histogram bins per dimension", ValueKind.Count, d);
    public static ValueSpec HistExtent(double d = 2) => new("hist_extent", "L", "the histogram covers [-e, e] in every dimension", ValueKind.Positive, d);

    public static bool On(Scenario s, string key) => s.Choice(key) == "on";

    public static IPairPotential? PairPotential(Scenario s) => s.Choice("pair") switch
    {
        "gaussian" => new GaussianPairPotential(s.P("pair_amplitude"), s.P("pair_width")),
        "harmonic" => new HarmonicPairPotential(s.P("pair_amplitude")),
        _ => null,
    };

    public static MuscleInteraction InteractionOf(Scenario s) =>
        s.Choice("pair") == "none" ? MuscleInteraction.None : s.Choice("interaction") == "mesh" ? MuscleInteraction.Mesh : MuscleInteraction.Direct;

    public static ParticleMeshGrid MeshGrid(Scenario s, int dimension)
    {
        double e = s.P("mesh_extent");
        int n = s.Count("mesh_nodes");
        return new ParticleMeshGrid(Enumerable.Repeat(-e, dimension).ToArray(), 2 * e / (n - 1), n);
    }

    public static ParticleSnapshotKind SnapshotOf(Scenario s) => s.Choice("snapshot") switch
    {
        "histogram" => ParticleSnapshotKind.Histogram,
        "positions" => ParticleSnapshotKind.Positions,
        _ => ParticleSnapshotKind.None,
    };

    /// <summary>The fixed RK4 step: time.dt, required for the fixed-step muscle models.</summary>
    public static void RequireDt(Scenario s, string model, Action<string, string> error)
    {
        if (AdaptiveRequested(s))
            error(TolerancePath(s), $"not available for model {model}{(model == "muscle-1d" ? " with method \"meanfield\"" : "")}: " +
                "its finite-volume steps are bounded by the CFL condition, give time.dt (the largest step) instead");
        else if (s.Time.Dt is null)
            error("$.time.dt", $"required for model {model}: the largest RK4 step (each output interval is cut into equal steps no longer than dt)");
    }

    /// <summary>True when the scenario gives time.rtol or time.atol.</summary>
    public static bool AdaptiveRequested(Scenario s) =>
        s.Document["time"] is System.Text.Json.Nodes.JsonObject t && (t.ContainsKey("rtol") || t.ContainsKey("atol"));

    private static string TolerancePath(Scenario s) =>
        s.Document["time"] is System.Text.Json.Nodes.JsonObject t && t.ContainsKey("rtol") ? "$.time.rtol" : "$.time.atol";

    /// <summary>
    /// The time stepping of the muscle particle runs: <c>time.dt</c> alone gives fixed RK4 steps (each output interval cut
    /// into equal steps no longer than dt, as always); <c>time.rtol</c> and/or <c>time.atol</c> without <c>time.dt</c>
    /// give adaptive Dormand–Prince 5(4) steps under error control over y, y' and the particle positions (the one not
    /// given takes the ODE default, rtol 1e-8 / atol 1e-10; the first step is chosen automatically). Both at once, or
    /// neither, is an error naming the field.
    /// </summary>
    public static void CheckParticleTime(Scenario s, string model, Action<string, string> error)
    {
        bool adaptive = AdaptiveRequested(s);
        if (adaptive && s.Time.Dt is not null)
            error("$.time.dt", $"conflicts with {TolerancePath(s)[2..]}: model {model} takes either time.dt (fixed RK4 steps) or " +
                "time.rtol / time.atol (adaptive Dormand-Prince steps with error control), not both");
        else if (!adaptive && s.Time.Dt is null)
            error("$.time.dt", $"required for model {model}: give time.dt (the largest fixed RK4 step) or time.rtol / time.atol (adaptive steps)");
    }

    /// <summary>The tolerances of an adaptive particle run (null: fixed steps of time.dt).</summary>
    public static Numerics.Ode.OdeTolerances? Tolerances(Scenario s) =>
        AdaptiveRequested(s) ? new Numerics.Ode.OdeTolerances(s.Time.RelTol, s.Time.AbsTol) : null;

    /// <summary>The fixed step of a particle run (+infinity, i.e. no bound, for an adaptive run).</summary>
    public static double ParticleDt(Scenario s) => AdaptiveRequested(s) ? double.PositiveInfinity : s.Time.Dt!.Value;

    public static void CheckBlocks(Scenario s, long units, string what, Action<string, string> error)
    {
        if (s.Run.Blocks > units) error("$.run.blocks", $"{s.Run.Blocks} is not allowed: at most {units} ({what})");
    }

    /// <summary>Mesh checks: power of two, size limit, and the initial particle box inside the mesh.</summary>
    public static void CheckMesh(Scenario s, int dimension, double initialHalfWidth, Action<string, string> error)
    {
        if (InteractionOf(s) != MuscleInteraction.Mesh) return;
        int n = s.Count("mesh_nodes");
        int max = dimension == 2 ? MaxMeshNodes2D : MaxMeshNodes1D;
        if (n < 4 || (n & (n - 1)) != 0 || n > max)
            error("$.parameters.mesh_nodes", $"{n} is not allowed: must be a power of two from 4 to {max}");
        if (!(initialHalfWidth < s.P("mesh_extent")))
            error("$.parameters.mesh_extent", $"{s.P("mesh_extent")} is not allowed: the mesh [-e, e] must contain the initial particles (|x| <= {initialHalfWidth}) with room to move");
    }

    /// <summary>Rejects initial keys for components beyond n_y (so a typo cannot be silently ignored).</summary>
    public static void CheckUnusedComponents(Scenario s, int ny, int maxComponents, string map, Action<string, string> error)
    {
        if (s.Document["initial"] is not System.Text.Json.Nodes.JsonObject initial) return;
        for (int k = ny; k < maxComponents; k++)
            foreach (string key in new[] { $"y{k}", $"ydot{k}" })
                if (initial.ContainsKey(key))
                    error($"$.initial.{key}", $"not used: map \"{map}\" has n_y = {ny}, so only {(ny == 1 ? "y0 and ydot0 are" : $"y0..y{ny - 1} and ydot0..ydot{ny - 1} are")} allowed");
    }
}
