using System.Diagnostics.Metrics;

namespace ActorSim.Simulation.Monitoring;

/// <summary>
/// The figures of the <see cref="StepRecord"/>s as metrics (System.Diagnostics.Metrics, meter <see cref="MeterName"/>),
/// for any exporter (the CLI wires OpenTelemetry's OTLP exporter to it). Gauges read the newest record of every tracked
/// run, tagged with <c>run_id</c> (and <c>variable</c> for the state and diagnostics); <c>actorsim.run.events</c> counts
/// events by <c>kind</c>; <c>actorsim.run.steps</c> counts steps.
/// </summary>
public sealed class RunMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "ActorSim";

    private readonly Meter _meter = new(MeterName, RunRecordVersion());
    private readonly List<RunMonitor> _runs = new();
    private readonly Dictionary<RunMonitor, long> _steps = new();
    private readonly Counter<long> _events, _stepCounter;

    public RunMetrics()
    {
        Gauge("actorsim.run.progress", "1", "Simulated time as a fraction of the end time", r => r.Progress);
        Gauge("actorsim.run.sim_time", "{T}", "Simulated time t", r => r.T);
        Gauge("actorsim.run.step", "{step}", "Accepted steps", r => r.Step);
        Gauge("actorsim.run.dt", "{T}", "Last step size", r => r.Dt);
        Gauge("actorsim.run.eta", "s", "Estimated wall time to the end", r => r.EtaS);
        Gauge("actorsim.run.steps_per_second", "{step}/s", "Steps per second of wall time", r => r.StepsPerS);
        Gauge("actorsim.run.step_wall", "s", "Wall time per step", r => r.StepWallS);
        Gauge("actorsim.run.compute", "s", "Blocks' compute time per step (mean over blocks)", r => r.ComputeS);
        Gauge("actorsim.run.halo_wait", "s", "Blocks' halo wait per step (mean over blocks)", r => r.HaloWaitS);
        Gauge("actorsim.run.reduction", "s", "First to last block reply per step", r => r.ReductionS);
        Gauge("actorsim.run.coordinator", "s", "Coordinator's own time per step", r => r.CoordinatorS);
        Gauge("actorsim.run.imbalance", "1", "Max / mean of the blocks' compute time", r => r.Imbalance);
        Gauge("actorsim.run.heartbeat_age", "s", "Oldest heartbeat among the run's nodes", r => r.HeartbeatAgeS);
        Gauge("actorsim.run.checkpoint_step", "{step}", "Step of the last checkpoint", r => r.LastCheckpointStep);
        Gauge("actorsim.run.checkpoint_age", "s", "Wall time since the last checkpoint", r => r.LastCheckpointAgeS);
        _meter.CreateObservableGauge("actorsim.run.state", () => Values(r => r.State), description: "The macroscopic state (model columns), tagged by variable");
        _meter.CreateObservableGauge("actorsim.run.diagnostic", () => Values(r => r.Diagnostics), description: "The model's diagnostics (energy, mass, drift, W1 …), tagged by variable");
        _events = _meter.CreateCounter<long>("actorsim.run.events", "{event}", "Run events (started, checkpoint, failure, recovery, completed …), tagged by kind");
        _stepCounter = _meter.CreateCounter<long>("actorsim.run.steps", "{step}", "Steps taken");
    }

    /// <summary>Publishes the monitor's figures until the result is disposed.</summary>
    public IDisposable Track(RunMonitor monitor)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        lock (_runs)
        {
            _runs.Add(monitor);
            _steps[monitor] = monitor.Latest?.Step ?? 0;
        }
        var subscription = monitor.Subscribe(update =>
        {
            var tag = new KeyValuePair<string, object?>("run_id", monitor.RunId);
            if (update is RunEvent e) _events.Add(1, tag, new KeyValuePair<string, object?>("kind", e.Kind));
            else if (update is StepRecord r)
            {
                long delta;
                lock (_runs)
                {
                    delta = Math.Max(0, r.Step - _steps.GetValueOrDefault(monitor));
                    _steps[monitor] = r.Step;
                }
                if (delta > 0) _stepCounter.Add(delta, tag);
            }
        });
        return new Untrack(this, monitor, subscription);
    }

    private void Gauge(string name, string unit, string description, Func<StepRecord, double?> value) =>
        _meter.CreateObservableGauge(name, () => Latest().Where(x => value(x.Record) is not null)
            .Select(x => new Measurement<double>(value(x.Record)!.Value, new KeyValuePair<string, object?>("run_id", x.RunId))).ToArray(), unit, description);

    private IEnumerable<Measurement<double>> Values(Func<StepRecord, IReadOnlyDictionary<string, double>> map) =>
        Latest().SelectMany(x => map(x.Record).Select(kv => new Measurement<double>(kv.Value,
            new KeyValuePair<string, object?>("run_id", x.RunId), new KeyValuePair<string, object?>("variable", kv.Key)))).ToArray();

    private (string RunId, StepRecord Record)[] Latest()
    {
        lock (_runs) return _runs.Select(m => (m.RunId, m.Latest)).Where(x => x.Latest is not null).Select(x => (x.RunId, x.Latest!)).ToArray();
    }

    private static string RunRecordVersion() => typeof(RunMetrics).Assembly.GetName().Version?.ToString(3) ?? "0";

    public void Dispose() => _meter.Dispose();

    private sealed class Untrack(RunMetrics metrics, RunMonitor monitor, IDisposable subscription) : IDisposable
    {
        public void Dispose()
        {
            subscription.Dispose();
            lock (metrics._runs)
            {
                metrics._runs.Remove(monitor);
                metrics._steps.Remove(monitor);
            }
        }
    }
}
