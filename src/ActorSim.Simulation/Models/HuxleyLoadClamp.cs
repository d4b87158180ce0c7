using System.Globalization;
using System.Text.Json.Nodes;
using ActorSim.Numerics.Muscle.Huxley;

namespace ActorSim.Simulation.Models;

/// <summary>
/// The load-clamp (isotonic) protocol of the Huxley PDE: isometric (v = 0) until the first step; at step k (time
/// t_k) the load drops or rises to P_k F0 (F0 = kappa n_inf h^2 / 2, the isometric force). The length follows from
/// quasi-static force balance kappa Q1 = P: at t_k a quick release (or stretch) shifts every attached bridge by
/// delta = (P / kappa - Q1) / Q0 at once, then the displacement rate v(t) is chosen every step so that Q1 stays at
/// P / kappa (<see cref="HuxleyUpwindSolver.IsotonicVelocity"/>). At constant load v tends to Huxley's steady
/// speed at that load, -V(P) with F(V)/F0 = P.
/// </summary>
public sealed record HuxleyLoadProtocol(IReadOnlyList<(double Time, double RelativeLoad)> Steps)
{
    /// <summary>Parses <c>"t1: P1, t2: P2"</c> (times strictly increasing, loads &gt;= 0); null and a reason when malformed.</summary>
    public static HuxleyLoadProtocol? Parse(string text, out string? why)
    {
        why = null;
        var steps = new List<(double, double)>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var tp = part.Split(':', StringSplitOptions.TrimEntries);
            if (tp.Length != 2 || !double.TryParse(tp[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double t)
                || !double.TryParse(tp[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double p))
            {
                why = $"\"{part}\" is not a load step: expected \"t: P\" pairs separated by commas, e.g. \"1: 0.5, 3: 0.2\" (time, load relative to the isometric force F0)";
                return null;
            }
            if (!double.IsFinite(t) || t < 0) { why = $"\"{part}\": the time {tp[0]} must be a finite number >= 0"; return null; }
            if (!double.IsFinite(p) || p < 0) { why = $"\"{part}\": the relative load {tp[1]} must be a finite number >= 0"; return null; }
            if (steps.Count > 0 && !(t > steps[^1].Item1)) { why = $"\"{part}\": step times must increase strictly (previous {steps[^1].Item1.ToString(CultureInfo.InvariantCulture)})"; return null; }
            steps.Add((t, p));
        }
        if (steps.Count == 0) { why = "no load steps: expected \"t: P\" pairs separated by commas, e.g. \"1: 0.5, 3: 0.2\""; return null; }
        return new HuxleyLoadProtocol(steps);
    }
}

/// <summary>The coordinator-side state of a Huxley PDE run under a load clamp (<see cref="HuxleyLoadProtocol"/>).</summary>
public sealed class HuxleyLoadClampModel : ICoordinatorModel, Runtime.ICheckpointableModel
{
    private readonly HuxleyUpwindSolver _solver;
    private readonly HuxleyLoadProtocol _protocol;
    private readonly double _kappa, _cfl, _dtMax, _q1Iso;
    private readonly bool _atp;
    private int _applied;   // load steps applied so far
    private double _v;      // displacement rate of the last step
    private long _steps;

    public HuxleyLoadClampModel(HuxleyRates rates, double kappa, HuxleyLoadProtocol protocol, double xMin, double dx, int cells, bool isometric,
        double cfl, double? dtMax, bool atp)
    {
        _solver = new HuxleyUpwindSolver(rates, xMin, dx, cells);
        if (isometric) _solver.SetIsometric();
        _protocol = protocol;
        _kappa = kappa; _cfl = cfl; _dtMax = dtMax ?? double.PositiveInfinity; _atp = atp;
        _q1Iso = HuxleySteadyState.FirstMoment(rates, 0.0);
        Rates = rates;
        Columns = atp ? [.. BaseColumns, "atp_rate", "atp_huxley"] : BaseColumns;
    }

    private static readonly string[] BaseColumns = ["v", "Q0", "Q1", "Q2", "F", "load", "v_huxley"];

    public HuxleyRates Rates { get; }
    public HuxleyUpwindSolver Solver => _solver;
    public IReadOnlyList<string> Columns { get; }
    public double Time { get; private set; }
    public StepCounters Counters => new(_steps, 0, _steps);

    /// <summary>The clamped load P / F0 (NaN before the first step).</summary>
    public double RelativeLoad => _applied > 0 ? _protocol.Steps[_applied - 1].RelativeLoad : double.NaN;

    public void AdvanceTo(double t)
    {
        while (true)
        {
            ApplyDueSteps();
            if (!(Time < t)) break;
            double end = _applied < _protocol.Steps.Count ? Math.Min(t, _protocol.Steps[_applied].Time) : t;
            if (end <= Time) end = t;
            if (_applied == 0)
            {
                var (dt0, next0) = Particles.StepPlanner.Next(Time, end, Math.Min(_dtMax, _cfl * _solver.StableTimeStep(0.0)));
                _solver.Step(dt0, 0.0);
                _v = 0.0;
                Time = next0; _steps++;
                continue;
            }
            double target = RelativeLoad * _q1Iso;
            double dtMax = Math.Min(_dtMax, _cfl * _solver.StableTimeStep(_v));
            var (dt, next) = Particles.StepPlanner.Next(Time, end, dtMax);
            double v = _solver.IsotonicVelocity(dt, target);
            for (int it = 0; it < 8 && double.IsFinite(v) && dt > _cfl * _solver.StableTimeStep(v) * (1 + 1e-12); it++)
            {
                (dt, next) = Particles.StepPlanner.Next(Time, end, Math.Min(dtMax, _cfl * _solver.StableTimeStep(v)));
                v = _solver.IsotonicVelocity(dt, target);
            }
            if (!double.IsFinite(v))
                throw new InvalidOperationException($"t = {Time}: no attached cross-bridges carry the load P = {RelativeLoad} F0 (Q0 = {_solver.Moment(0)}): the isotonic velocity is undefined");
            _solver.Step(dt, v);
            _v = v;
            Time = next; _steps++;
        }
    }

    /// <summary>Quick release / stretch for every step whose time has come: shift the bridges so that kappa Q1 = P.</summary>
    private void ApplyDueSteps()
    {
        while (_applied < _protocol.Steps.Count && Time >= _protocol.Steps[_applied].Time - 1e-12 * Math.Max(1.0, Time))
        {
            double q0 = _solver.Moment(0), target = _protocol.Steps[_applied].RelativeLoad * _q1Iso;
            if (!(q0 > 0))
                throw new InvalidOperationException($"t = {Time}: no attached cross-bridges (Q0 = {q0}) to carry the load step to {_protocol.Steps[_applied].RelativeLoad} F0");
            _solver.Shift((target - _solver.Moment(1)) / q0);
            _applied++;
        }
    }

    public void ReadState(Span<double> values)
    {
        values[0] = _v;
        values[1] = _solver.Moment(0);
        values[2] = _solver.Moment(1);
        values[3] = _solver.Moment(2);
        values[4] = _kappa * values[2];
        values[5] = _applied > 0 ? RelativeLoad : values[2] / _q1Iso;
        values[6] = _applied > 0 && RelativeLoad <= 1 ? -HuxleySteadyState.SpeedAtForce(Rates, RelativeLoad) : _applied > 0 ? double.NaN : 0.0;
        if (_atp)
        {
            values[7] = _solver.DetachmentRate();
            values[8] = HuxleySteadyState.DetachmentRate(Rates, Math.Max(0.0, -values[6]));
        }
    }

    /// <summary>t, the step count, the number of load steps applied, the last v, then the cell values of n.</summary>
    public double[] SaveCoordinatorState() => [Time, _steps, _applied, _v, .. _solver.State];

    public void LoadCoordinatorState(ReadOnlySpan<double> state)
    {
        if (state.Length != 4 + _solver.Cells) throw new ArgumentException($"a Huxley load-clamp state has {4 + _solver.Cells} values, not {state.Length}", nameof(state));
        Time = state[0];
        _steps = (long)state[1];
        _applied = (int)state[2];
        _v = state[3];
        state[4..].CopyTo(_solver.State);
    }

    public JsonObject Analysis()
    {
        double ninf = Rates.F1 / (Rates.F1 + Rates.G1);
        var steps = new JsonArray();
        foreach (var (t, p) in _protocol.Steps)
            steps.Add(new JsonObject
            {
                ["t"] = t,
                ["relative_load"] = p,
                ["V_huxley"] = p <= 1 ? HuxleySteadyState.SpeedAtForce(Rates, p) : null,
                ["atp_rate_huxley"] = p <= 1 ? HuxleySteadyState.DetachmentRate(Rates, HuxleySteadyState.SpeedAtForce(Rates, p)) : null,
            });
        return new JsonObject
        {
            ["protocol"] = "load",
            ["n_isometric"] = ninf,
            ["F_isometric"] = _kappa * _q1Iso,
            ["load_steps"] = steps,
            ["dx"] = _solver.Dx,
            ["cells"] = _solver.Cells,
            // Where the run ended (what a force-velocity study from load clamps reads): the shortening speed V = -v
            // of the last step and the load then carried, relative to F0.
            ["V_final"] = _applied > 0 ? -_v : 0.0,
            ["relative_force_final"] = _kappa * _solver.Moment(1) / (_kappa * _q1Iso),
        };
    }
}
