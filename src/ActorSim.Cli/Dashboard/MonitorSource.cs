using ActorSim.Simulation.Monitoring;
using ActorSim.Simulation.Runtime.Cluster;

namespace ActorSim.Cli.Dashboard;

/// <summary>What the dashboard and <c>actorsim status</c> show: the nodes and the runs' monitors.</summary>
/// <param name="Source">Where it comes from (e.g. "in-process run" or "cluster 'c1' (leader node-1)").</param>
public sealed record MonitorView(string Source, IReadOnlyList<NodeStatus> Nodes, IReadOnlyList<RunMonitorSnapshot> Runs)
{
    /// <summary>A sweep's members (<see cref="SweepMonitorSource"/>); absent for a run or a cluster.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public SweepView? Sweep { get; init; }
}

/// <summary>A source of monitoring data: a snapshot for a late viewer, and live updates (SSE event name and payload).</summary>
public interface IMonitorSource : IAsyncDisposable
{
    MonitorView Snapshot(int maxRecords = 0);

    /// <summary>Live updates: <c>record</c> (<see cref="StepRecord"/>), <c>event</c> (<see cref="RunEvent"/>), <c>field</c>
    /// (<see cref="FieldPreview"/>), <c>info</c> (<see cref="RunInfo"/>), <c>nodes</c> (the node list), <c>sweep</c>
    /// (<see cref="SweepView"/>).</summary>
    IDisposable Subscribe(Action<string, object> onUpdate);
}

/// <summary>Helpers shared by the sources.</summary>
internal static class Updates
{
    public static string? NameOf(object update) => update switch
    {
        StepRecord => "record",
        RunEvent => "event",
        FieldPreview => "field",
        RunInfo => "info",
        _ => null,
    };
}

/// <summary>Subscribers of a source (thread-safe).</summary>
internal sealed class Subscribers
{
    private readonly List<Action<string, object>> _list = new();

    public IDisposable Add(Action<string, object> s)
    {
        lock (_list) _list.Add(s);
        return new Remove(this, s);
    }

    public void Publish(string name, object payload)
    {
        Action<string, object>[] targets;
        lock (_list) targets = _list.ToArray();
        foreach (var t in targets)
        {
            try { t(name, payload); } catch (Exception) { }
        }
    }

    private sealed class Remove(Subscribers owner, Action<string, object> s) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._list) owner._list.Remove(s);
        }
    }
}

/// <summary>
/// An in-process run: its <see cref="RunMonitor"/> and this process as the only node (CPU and memory sampled every two
/// seconds and pushed as <c>nodes</c>).
/// </summary>
public sealed class LocalMonitorSource : IMonitorSource
{
    private readonly RunMonitor _monitor;
    private readonly ProcessSampler _sampler = new();
    private readonly Subscribers _subscribers = new();
    private readonly IDisposable _subscription;
    private readonly Timer _timer;
    private NodeStatus _node;

    public LocalMonitorSource(RunMonitor monitor)
    {
        _monitor = monitor;
        _node = Sample();
        _subscription = monitor.Subscribe(u =>
        {
            if (Updates.NameOf(u) is { } name) _subscribers.Publish(name, u);
        });
        _timer = new Timer(_ =>
        {
            var node = Sample();
            Volatile.Write(ref _node, node);
            _subscribers.Publish("nodes", new[] { node });
        }, null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
    }

    private NodeStatus Sample()
    {
        var (cpu, ws) = _sampler.Sample();
        int blocks = _monitor.Info.Blocks ?? 0;
        return new NodeStatus($"local ({Environment.MachineName})", ["coordinator", "worker"], true, Environment.ProcessorCount,
            CliVersion.Value, cpu, ws, [_monitor.RunId],
            blocks > 0 ? [new HostedRun(_monitor.RunId, Enumerable.Range(0, blocks).ToArray())] : [])
        { HeartbeatAgeS = 0 };
    }

    public MonitorView Snapshot(int maxRecords = 0) => new("in-process run", [Volatile.Read(ref _node)], [_monitor.Snapshot(maxRecords)]);

    public IDisposable Subscribe(Action<string, object> onUpdate) => _subscribers.Add(onUpdate);

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        await _timer.DisposeAsync();
    }
}

/// <summary>
/// A cluster, polled through a <see cref="ClusterMonitorClient"/> every <see cref="Interval"/>: the first poll takes the
/// runs' whole histories, later ones the newest records, which are merged into local copies of the monitors (so the
/// SSE stream pushes only what is new).
/// </summary>
public sealed class ClusterMonitorSource : IMonitorSource
{
    private readonly ClusterMonitorClient _client;
    private readonly Subscribers _subscribers = new();
    private readonly Dictionary<string, RunMonitor> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<RunEvent>> _seenEvents = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Action<RunMonitor>? _onNewRun;
    private IReadOnlyList<NodeStatus> _nodes = [];
    private string _source;

    public ClusterMonitorSource(ClusterMonitorClient client, string clusterId, Action<RunMonitor>? onNewRun = null)
    {
        _client = client;
        _onNewRun = onNewRun;
        _source = $"cluster '{clusterId}'";
        _loop = Task.Run(LoopAsync);
    }

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Completes after the first poll.</summary>
    public Task FirstPoll => _first.Task;

    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task LoopAsync()
    {
        bool first = true;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var view = await _client.QueryAsync(first ? 0 : 200, _stop.Token);
                Merge(view);
                first = false;
                _first.TrySetResult();
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception)
            {
                // The next poll tries again (a node may be changing leadership).
            }
            try { await Task.Delay(Interval, _stop.Token); } catch (OperationCanceledException) { break; }
        }
        _first.TrySetResult();
    }

    private void Merge(ClusterView view)
    {
        Volatile.Write(ref _source, $"cluster '{view.ClusterId}'" + (view.Leader is { } l ? $" (leader {l})" : " (no leader)"));
        Volatile.Write(ref _nodes, view.Nodes);
        foreach (var run in view.Runs)
        {
            RunMonitor? monitor;
            bool created = false;
            lock (_runs)
            {
                if (!_runs.TryGetValue(run.Info.RunId, out monitor))
                {
                    monitor = new RunMonitor(run.Info);
                    _runs[run.Info.RunId] = monitor;
                    _seenEvents[run.Info.RunId] = new HashSet<RunEvent>();
                    created = true;
                }
            }
            if (created)
            {
                monitor.Seed(run.History, run.Events, run.Field, run.Status);
                foreach (var e in run.Events) _seenEvents[run.Info.RunId].Add(e);
                _onNewRun?.Invoke(monitor);
                _subscribers.Publish("info", run.Info);
                if (run.Latest is { } latest) _subscribers.Publish("record", latest);
                continue;
            }
            if (monitor.Info != run.Info) monitor.UpdateInfo(run.Info);
            double last = monitor.Latest?.WallS ?? double.NegativeInfinity;
            foreach (var r in run.History.Where(r => r.WallS > last)) { monitor.Add(r); _subscribers.Publish("record", r with { RunId = monitor.RunId }); }
            var seen = _seenEvents[run.Info.RunId];
            foreach (var e in run.Events.Where(e => seen.Add(e))) { monitor.AddEvent(e); _subscribers.Publish("event", e); }
            if (run.Field is { } f && monitor.Snapshot(1).Field?.T != f.T) { monitor.SetField(f); _subscribers.Publish("field", f); }
        }
        _subscribers.Publish("nodes", view.Nodes);
    }

    public MonitorView Snapshot(int maxRecords = 0)
    {
        RunMonitor[] runs;
        lock (_runs) runs = _runs.Values.ToArray();
        return new(Volatile.Read(ref _source), Volatile.Read(ref _nodes), runs.Select(m => m.Snapshot(maxRecords)).OrderBy(s => s.Info.RunId, StringComparer.Ordinal).ToArray());
    }

    public IDisposable Subscribe(Action<string, object> onUpdate) => _subscribers.Add(onUpdate);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { await _loop; } catch (Exception) { }
        await _client.DisposeAsync();
    }
}
