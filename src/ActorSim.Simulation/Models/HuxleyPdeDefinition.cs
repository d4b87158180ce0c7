using System.Text.Json.Nodes;
using ActorSim.Numerics.Muscle.Huxley;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Models;

/// <summary>
/// <c>huxley-pde</c>: Huxley's (1957) two-state cross-bridge model with cycling,
/// d_t n + d_x(n v) = f(x)(1 - n) - g(x) n (seed 003's "Huxley's two-state model"), first-order upwind finite
/// volumes integrated by the coordinator, under the constant-velocity protocol (isometric, then shortening at V) or
/// the load clamp (isometric, then quick release to a load and isotonic shortening: <see cref="HuxleyLoadProtocol"/>).
/// </summary>
public sealed class HuxleyPdeDefinition : IModelDefinition
{
    /// <summary>The value of the scenario's <c>model</c> key (<see cref="ModelCatalog"/> finds the model by it).</summary>
    public const string ModelName = "huxley-pde";

    public string Name => ModelName;

    public string Summary => "Huxley (1957) two-state cross-bridge PDE with attachment/detachment, isometric then constant-velocity shortening";

    public IReadOnlyList<string> Equations { get; } =
    [
        "∂t n + ∂x(n v) = f(x)(1 − n) − g(x) n,  F = kappa ∫ x n dx",
        "f = f1 x/h on [0, h], else 0;  g = g1 x/h for x >= 0, g2 for x < 0",
        "v = 0 until t_switch, then v = −V (or a load clamp)",
    ];

    public IReadOnlyList<ValueSpec> Parameters { get; } =
    [
        .. HuxleyScenarioSpecs.Rates(),
        HuxleyScenarioSpecs.CellsPerH(),
        new("cfl", "1", "dt = cfl / (|v| / dx + max(f + g)) (<= 1 keeps 0 <= n <= 1)", ValueKind.Positive, 0.9),
        .. HuxleyScenarioSpecs.LoadProtocolSpecs(),
        ValueSpec.OneOf("atp", "on adds the columns atp_rate = int g n dx (detachments, one ATP each, per time) and atp_huxley (its steady closed form at the current speed)", ["off", "on"]),
    ];

    public IReadOnlyList<ValueSpec> Initial { get; } = [HuxleyScenarioSpecs.State];

    public int MaxBlocks => 1;

    public void CheckConsistency(Scenario s, Action<string, string> error)
    {
        HuxleyScenarioSpecs.CheckWindow(s, error);
        HuxleyScenarioSpecs.CheckGrid(s, error);
        if (s.P("cfl") > 1) error("$.parameters.cfl", $"{s.P("cfl")} is not allowed: must be <= 1 (forward Euler upwind is positive only up to 1)");
        HuxleyScenarioSpecs.CheckLoadProtocol(s, error);
    }

    /// <summary>The load protocol of a scenario (null if load_steps is malformed: reported by validation).</summary>
    public static HuxleyLoadProtocol? LoadProtocolOf(Scenario s) => HuxleyScenarioSpecs.LoadProtocolOf(s);

    public IRunnableModel Create(Scenario s)
    {
        var (xMin, dx, cells) = HuxleyScenarioSpecs.Grid(s);
        if (s.Choice("protocol") == "load")
            return new HuxleyLoadClampModel(HuxleyScenarioSpecs.RatesOf(s), s.P("kappa"), LoadProtocolOf(s)!, xMin, dx, cells,
                s.Choice("state") == "isometric", s.P("cfl"), s.Time.Dt, s.Choice("atp") == "on");
        return new HuxleyPdeModel(HuxleyScenarioSpecs.RatesOf(s), s.P("kappa"), HuxleyScenarioSpecs.ProtocolOf(s), xMin, dx, cells,
            s.Choice("state") == "isometric", s.P("cfl"), s.Time.Dt) { Atp = s.Choice("atp") == "on" };
    }
}

/// <summary>The coordinator-side state of a Huxley PDE run.</summary>
public sealed class HuxleyPdeModel : ICoordinatorModel, Runtime.ICheckpointableModel
{
    private readonly HuxleyUpwindSolver _solver;
    private readonly HuxleyProtocol _protocol;
    private readonly double _kappa, _cfl, _dtMax;
    private long _steps;

    public HuxleyPdeModel(HuxleyRates rates, double kappa, HuxleyProtocol protocol, double xMin, double dx, int cells, bool isometric, double cfl, double? dtMax)
    {
        _solver = new HuxleyUpwindSolver(rates, xMin, dx, cells);
        if (isometric) _solver.SetIsometric();
        _protocol = protocol;
        _kappa = kappa; _cfl = cfl; _dtMax = dtMax ?? double.PositiveInfinity;
        Rates = rates;
    }

    public HuxleyRates Rates { get; }
    public HuxleyUpwindSolver Solver => _solver;
    /// <summary>Adds the columns atp_rate (int g n dx) and atp_huxley (its steady closed form at the current speed).</summary>
    public bool Atp { get; init; }

    public IReadOnlyList<string> Columns => Atp ? [.. BaseColumns, "atp_rate", "atp_huxley"] : BaseColumns;

    private static readonly string[] BaseColumns = ["v", "Q0", "Q1", "Q2", "F", "F_huxley"];
    public double Time { get; private set; }
    public StepCounters Counters => new(_steps, 0, _steps);

    public void AdvanceTo(double t)
    {
        while (Time < t)
        {
            double end = _protocol.SegmentEnd(Time, t);
            double v = _protocol.Velocity(Time);
            var (dt, next) = StepPlanner(Time, end, Math.Min(_dtMax, _cfl * _solver.StableTimeStep(v)));
            _solver.Step(dt, v);
            Time = next;
            _steps++;
        }
    }

    private static (double, double) StepPlanner(double t, double end, double dtMax) => Particles.StepPlanner.Next(t, end, dtMax);

    public void ReadState(Span<double> values)
    {
        double v = _protocol.Velocity(Time);
        values[0] = v;
        values[1] = _solver.Moment(0);
        values[2] = _solver.Moment(1);
        values[3] = _solver.Moment(2);
        values[4] = _kappa * values[2];
        values[5] = HuxleyScenarioSpecs.SteadyForce(Rates, _kappa, v);
        if (Atp)
        {
            values[6] = _solver.DetachmentRate();
            values[7] = HuxleySteadyState.DetachmentRate(Rates, Math.Max(0.0, -v));
        }
    }

    /// <summary>t, the step count, then the cell values of n.</summary>
    public double[] SaveCoordinatorState() => [Time, _steps, .. _solver.State];

    public void LoadCoordinatorState(ReadOnlySpan<double> state)
    {
        if (state.Length != 2 + _solver.Cells) throw new ArgumentException($"a Huxley PDE state has {2 + _solver.Cells} values, not {state.Length}", nameof(state));
        Time = state[0];
        _steps = (long)state[1];
        state[2..].CopyTo(_solver.State);
    }

    public JsonObject Analysis()
    {
        var a = HuxleyScenarioSpecs.Analysis(Rates, _kappa, _protocol);
        a["dx"] = _solver.Dx;
        a["cells"] = _solver.Cells;
        return a;
    }
}
