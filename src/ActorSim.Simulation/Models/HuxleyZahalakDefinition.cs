using System.Text.Json.Nodes;
using ActorSim.Numerics.Muscle.Huxley;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Models;

/// <summary>
/// <c>huxley-zahalak</c>: Zahalak's (1981) distribution-moment approximation of the Huxley model — three moment
/// ODEs (Q0, Q1, Q2) closed with a Gaussian ansatz (seed 003's "distributed moment method" outlook), integrated
/// with RK4 by the coordinator, with the full upwind PDE solved alongside for comparison.
/// </summary>
public sealed class HuxleyZahalakDefinition : IModelDefinition
{
    public string Name => "huxley-zahalak";

    public string Summary => "Zahalak distribution-moment ODEs for the Huxley model (Gaussian closure), compared with the full PDE";

    public IReadOnlyList<ValueSpec> Parameters { get; } =
    [
        .. HuxleyScenarioSpecs.Rates(),
        HuxleyScenarioSpecs.CellsPerH(400),
    ];

    public IReadOnlyList<ValueSpec> Initial { get; } = [HuxleyScenarioSpecs.State];

    public int MaxBlocks => 1;

    public void CheckConsistency(Scenario s, Action<string, string> error)
    {
        HuxleyScenarioSpecs.CheckWindow(s, error);
        HuxleyScenarioSpecs.CheckGrid(s, error);
        MuscleScenarioSpecs.RequireDt(s, Name, error);
    }

    public IRunnableModel Create(Scenario s)
    {
        var (xMin, dx, cells) = HuxleyScenarioSpecs.Grid(s);
        return new HuxleyZahalakModel(HuxleyScenarioSpecs.RatesOf(s), s.P("kappa"), HuxleyScenarioSpecs.ProtocolOf(s),
            xMin, dx, cells, s.Choice("state") == "isometric", s.Time.Dt!.Value);
    }
}

/// <summary>Coordinator-side state of a distribution-moment run (and of the reference PDE).</summary>
public sealed class HuxleyZahalakModel : ICoordinatorModel, Runtime.ICheckpointableModel
{
    private readonly ZahalakMoments _dm;
    private readonly HuxleyPdeModel _pde;
    private readonly HuxleyProtocol _protocol;
    private readonly double _kappa, _dt;
    private long _steps;
    private double _maxRelativeDeviation;

    public HuxleyZahalakModel(HuxleyRates rates, double kappa, HuxleyProtocol protocol, double xMin, double dx, int cells, bool isometric, double dt)
    {
        double ninf = rates.F1 / (rates.F1 + rates.G1), h = rates.H;
        _dm = isometric ? new ZahalakMoments(rates, ninf * h, ninf * h * h / 2, ninf * h * h * h / 3) : new ZahalakMoments(rates, 0, 0, 0);
        _pde = new HuxleyPdeModel(rates, kappa, protocol, xMin, dx, cells, isometric, 0.9, null);
        _protocol = protocol; _kappa = kappa; _dt = dt;
        Rates = rates;
    }

    public HuxleyRates Rates { get; }
    public IReadOnlyList<string> Columns { get; } = ["v", "Q0", "Q1", "Q2", "F", "Q1_pde", "F_pde", "F_huxley"];
    public double Time { get; private set; }
    public StepCounters Counters => new(_steps, 0, 4 * _steps);

    public void AdvanceTo(double t)
    {
        while (Time < t)
        {
            double end = _protocol.SegmentEnd(Time, t);
            double v = _protocol.Velocity(Time);
            var (dt, next) = Particles.StepPlanner.Next(Time, end, _dt);
            _dm.Step(dt, v);
            Time = next;
            _steps++;
        }
        _pde.AdvanceTo(t);
        double fIso = HuxleyScenarioSpecs.SteadyForce(Rates, 1.0, 0.0);
        _maxRelativeDeviation = Math.Max(_maxRelativeDeviation, Math.Abs(_dm.Force - _pde.Solver.Moment(1)) / fIso);
    }

    public void ReadState(Span<double> values)
    {
        double v = _protocol.Velocity(Time);
        var q = _dm.Q;
        values[0] = v; values[1] = q[0]; values[2] = q[1]; values[3] = q[2];
        values[4] = _kappa * q[1];
        double q1 = _pde.Solver.Moment(1);
        values[5] = q1;
        values[6] = _kappa * q1;
        values[7] = HuxleyScenarioSpecs.SteadyForce(Rates, _kappa, v);
    }

    /// <summary>t, the step count, the largest deviation so far, (Q0, Q1, Q2), then the reference PDE's state.</summary>
    public double[] SaveCoordinatorState() => [Time, _steps, _maxRelativeDeviation, .. _dm.Q, .. _pde.SaveCoordinatorState()];

    public void LoadCoordinatorState(ReadOnlySpan<double> state)
    {
        if (state.Length < 6) throw new ArgumentException("a distribution-moment state has at least 6 values", nameof(state));
        Time = state[0];
        _steps = (long)state[1];
        _maxRelativeDeviation = state[2];
        _dm.SetMoments(state.Slice(3, 3));
        _pde.LoadCoordinatorState(state[6..]);
    }

    public JsonObject Analysis()
    {
        var a = HuxleyScenarioSpecs.Analysis(Rates, _kappa, _protocol);
        a["max_deviation_from_pde_relative_to_F_isometric"] = _maxRelativeDeviation;
        return a;
    }
}
