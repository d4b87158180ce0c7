using System.Text.Json.Nodes;
using ActorSim.Numerics.Ode;
using ActorSim.Numerics.Virus;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Models;

/// <summary>
/// <c>may-nowak-ode</c>: the May–Nowak virus ODE of seed 000, eq. (1), for healthy cells u, infected
/// cells v and virus w, integrated by the coordinator with Dormand–Prince 5(4).
/// </summary>
public sealed class MayNowakOdeDefinition : IModelDefinition
{
    /// <summary>The value of the scenario's <c>model</c> key (<see cref="ModelCatalog"/> finds the model by it).</summary>
    public const string ModelName = "may-nowak-ode";

    public string Name => ModelName;

    public string Summary => "May–Nowak virus dynamics ODE (seed 000, eq. (1)): healthy cells u, infected cells v, virus w";

    public IReadOnlyList<string> Equations { get; } =
    [
        "du/dt = r − d1·u − beta·u·w",
        "dv/dt = beta·u·w − d2·v",
        "dw/dt = k·v − d3·w",
        "R0 = beta·k·r / (d1·d2·d3); R0 > 1: every positive solution tends to Q* (eq. (2)), else to Q0 = (r/d1, 0, 0)",
    ];

    public IReadOnlyList<ValueSpec> Parameters { get; } =
    [
        new("d1", "1/T", "death rate of healthy cells", ValueKind.Positive),
        new("d2", "1/T", "death rate of infected cells", ValueKind.Positive),
        new("d3", "1/T", "clearance rate of virus", ValueKind.Positive),
        new("beta", "1/(T·[w])", "infection rate constant (u is infected at rate beta·u·w)", ValueKind.Rate),
        new("k", "[w]/(T·[v])", "virus production per infected cell", ValueKind.Rate),
        new("r", "[u]/T", "production rate of healthy cells", ValueKind.Rate),
    ];

    public IReadOnlyList<ValueSpec> Initial { get; } =
    [
        new("u", "[u]", "healthy cells at t = 0", ValueKind.NonNegative),
        new("v", "[v]", "infected cells at t = 0", ValueKind.NonNegative),
        new("w", "[w]", "virus at t = 0", ValueKind.NonNegative),
    ];

    public int MaxBlocks => 1;

    public void CheckConsistency(Scenario scenario, Action<string, string> error) { }

    /// <summary>The reaction rates of a validated May–Nowak scenario.</summary>
    public static MayNowakParameters Rates(Scenario s) => new(s.P("d1"), s.P("d2"), s.P("d3"), s.P("beta"), s.P("k"), s.P("r"));

    public IRunnableModel Create(Scenario s) => new MayNowakOdeModel(
        Rates(s),
        [s.Init("u"), s.Init("v"), s.Init("w")],
        new OdeTolerances(s.Time.RelTol, s.Time.AbsTol, s.Time.Dt));
}

/// <summary>The coordinator-side state of a May–Nowak ODE run.</summary>
public sealed class MayNowakOdeModel : ICoordinatorModel, Runtime.ICheckpointableModel
{
    private readonly MayNowakParameters _p;
    private readonly DormandPrince45 _integrator;

    public MayNowakOdeModel(MayNowakParameters p, double[] initial, OdeTolerances tolerances)
    {
        _p = p;
        _integrator = new DormandPrince45(3, new MayNowakOde(p).Rhs, tolerances);
        _integrator.Initialize(0.0, initial);
    }

    public IReadOnlyList<string> Columns { get; } = ["u", "v", "w"];

    public double Time => _integrator.T;

    public void AdvanceTo(double t) => _integrator.AdvanceTo(t);

    public void ReadState(Span<double> values) => _integrator.Y.CopyTo(values);

    public StepCounters Counters => new(_integrator.AcceptedSteps, _integrator.RejectedSteps, _integrator.RhsEvaluations);

    public JsonObject Analysis() => MayNowakAnalysis.Equilibria(_p);

    /// <summary>The integrator's whole state (t, y, step-size controller, FSAL derivative, counters).</summary>
    public double[] SaveCoordinatorState()
    {
        var state = new double[_integrator.StateLength];
        _integrator.SaveState(state);
        return state;
    }

    public void LoadCoordinatorState(ReadOnlySpan<double> state) => _integrator.LoadState(state);
}
