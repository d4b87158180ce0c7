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
    /// <summary>The value of the scenario's <c>model</c> key (<see cref="ModelCatalog"/> finds the model by it).</summary>
    public const string ModelName = "huxley-zahalak";

    public string Name => ModelName;

    public string Summary => "Zahalak distribution-moment ODEs for the Huxley model (Gaussian closure), compared with the full PDE";

    public IReadOnlyList<string> Equations { get; } =
    [
        "dQ_k/dt = ∫ x^k [f(x)(1 − n) − g(x) n] dx + k v Q_(k−1),  k = 0, 1, 2,  closed with a Gaussian n (Zahalak 1981)",
        "F = kappa Q1; the full Huxley PDE is solved alongside (Q1_pde, F_pde)",
    ];

    public IReadOnlyList<ValueSpec> Parameters { get; } =
    [
        .. HuxleyScenarioSpecs.Rates(),
        HuxleyScenarioSpecs.CellsPerH(400),
        .. HuxleyScenarioSpecs.LoadProtocolSpecs(),
    ];

    public IReadOnlyList<ValueSpec> Initial { get; } = [HuxleyScenarioSpecs.State];

    public int MaxBlocks => 1;

    public void CheckConsistency(Scenario s, Action<string, string> error)
    {
        HuxleyScenarioSpecs.CheckWindow(s, error);
        HuxleyScenarioSpecs.CheckGrid(s, error);
        MuscleScenarioSpecs.RequireDt(s, Name, error);
        HuxleyScenarioSpecs.CheckLoadProtocol(s, error);
    }

    public IRunnableModel Create(Scenario s)
    {
        var (xMin, dx, cells) = HuxleyScenarioSpecs.Grid(s);
        if (s.Choice("protocol") == "load")
            return new HuxleyZahalakLoadClampModel(HuxleyScenarioSpecs.RatesOf(s), s.P("kappa"), HuxleyScenarioSpecs.LoadProtocolOf(s)!,
                xMin, dx, cells, s.Choice("state") == "isometric", s.Time.Dt!.Value);
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

/// <summary>
/// The distribution-moment ODEs under a load clamp (<see cref="HuxleyLoadProtocol"/>): isometric until the first load
/// step; at a step the moments are shifted exactly as a quick release moves every bridge by delta = (P/kappa - Q1)/Q0
/// (<see cref="ZahalakMoments.Shift"/>); then v = -(beta_1 - phi_1)/Q0 at every RK4 stage keeps Q1 = P/kappa exactly
/// (<see cref="ZahalakMoments.StepIsotonic"/>). The full PDE runs the same protocol alongside (<see cref="HuxleyLoadClampModel"/>).
/// </summary>
public sealed class HuxleyZahalakLoadClampModel : ICoordinatorModel, Runtime.ICheckpointableModel
{
    private readonly ZahalakMoments _dm;
    private readonly HuxleyLoadClampModel _pde;
    private readonly HuxleyLoadProtocol _protocol;
    private readonly double _kappa, _dt, _q1Iso;
    private int _applied;
    private double _v;
    private long _steps;

    public HuxleyZahalakLoadClampModel(HuxleyRates rates, double kappa, HuxleyLoadProtocol protocol, double xMin, double dx, int cells, bool isometric, double dt)
    {
        double ninf = rates.F1 / (rates.F1 + rates.G1), h = rates.H;
        _dm = isometric ? new ZahalakMoments(rates, ninf * h, ninf * h * h / 2, ninf * h * h * h / 3) : new ZahalakMoments(rates, 0, 0, 0);
        _pde = new HuxleyLoadClampModel(rates, kappa, protocol, xMin, dx, cells, isometric, 0.9, null, false);
        _protocol = protocol; _kappa = kappa; _dt = dt;
        _q1Iso = HuxleySteadyState.FirstMoment(rates, 0.0);
        Rates = rates;
    }

    public HuxleyRates Rates { get; }
    public IReadOnlyList<string> Columns { get; } = ["v", "Q0", "Q1", "Q2", "F", "v_pde", "F_pde", "load", "v_huxley"];
    public double Time { get; private set; }
    public StepCounters Counters => new(_steps, 0, 4 * _steps);

    public void AdvanceTo(double t)
    {
        while (true)
        {
            while (_applied < _protocol.Steps.Count && Time >= _protocol.Steps[_applied].Time - 1e-12 * Math.Max(1.0, Time))
            {
                var q = _dm.Q;
                if (!(q[0] > 0)) throw new InvalidOperationException($"t = {Time}: no attached cross-bridges (Q0 = {q[0]}) to carry the load step");
                _dm.Shift((_protocol.Steps[_applied].RelativeLoad * _q1Iso - q[1]) / q[0]);
                _applied++;
            }
            if (!(Time < t)) break;
            double end = _applied < _protocol.Steps.Count ? Math.Min(t, _protocol.Steps[_applied].Time) : t;
            if (end <= Time) end = t;
            var (dt, next) = Particles.StepPlanner.Next(Time, end, _dt);
            if (_applied == 0) { _dm.Step(dt, 0.0); _v = 0.0; }
            else _v = _dm.StepIsotonic(dt);
            Time = next;
            _steps++;
        }
        _pde.AdvanceTo(t);
    }

    public void ReadState(Span<double> values)
    {
        var q = _dm.Q;
        double v = _applied > 0 ? ZahalakMoments.IsotonicVelocity(Rates, q) : 0.0;
        values[0] = v; values[1] = q[0]; values[2] = q[1]; values[3] = q[2];
        values[4] = _kappa * q[1];
        Span<double> pde = stackalloc double[_pde.Columns.Count];
        _pde.ReadState(pde);
        values[5] = pde[0];
        values[6] = pde[4];
        values[7] = pde[5];
        values[8] = pde[6];
    }

    /// <summary>t, the step count, the load steps applied, the last v, (Q0, Q1, Q2), then the reference PDE's state.</summary>
    public double[] SaveCoordinatorState() => [Time, _steps, _applied, _v, .. _dm.Q, .. _pde.SaveCoordinatorState()];

    public void LoadCoordinatorState(ReadOnlySpan<double> state)
    {
        if (state.Length < 7) throw new ArgumentException("a distribution-moment load-clamp state has at least 7 values", nameof(state));
        Time = state[0];
        _steps = (long)state[1];
        _applied = (int)state[2];
        _v = state[3];
        _dm.SetMoments(state.Slice(4, 3));
        _pde.LoadCoordinatorState(state[7..]);
    }

    public JsonObject Analysis()
    {
        var a = _pde.Analysis();
        a["method"] = "distribution moments (Gaussian closure) with the upwind PDE alongside";
        return a;
    }
}
