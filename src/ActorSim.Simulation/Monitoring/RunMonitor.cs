namespace ActorSim.Simulation.Monitoring;

/// <summary>What a monitor knows about its run besides the records.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Model">The scenario's model.</param>
/// <param name="Scenario">The scenario file.</param>
/// <param name="TEnd">Simulated end time.</param>
/// <param name="Blocks">Number of blocks, or null.</param>
/// <param name="Runtime"><c>in-process</c> or <c>cluster</c>.</param>
/// <param name="Placement">The node of each block (cluster runs), or null.</param>
public sealed record RunInfo(string RunId, string Model, string Scenario, double TEnd, int? Blocks, string Runtime, IReadOnlyList<string>? Placement = null);

/// <summary>A copy of a monitor's contents: for a late viewer, <c>actorsim status</c> and the dashboard's first paint.</summary>
public sealed record RunMonitorSnapshot(RunInfo Info, string Status, StepRecord? Latest, IReadOnlyList<StepRecord> History, IReadOnlyList<RunEvent> Events, FieldPreview? Field);

/// <summary>The status of a run as a monitor knows it.</summary>
public static class RunStates
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";
    public const string Failed = "failed";

    /// <summary>run.json still says running, but the process that ran it is gone (killed, or the machine restarted).</summary>
    public const string Interrupted = "interrupted";
}

/// <summary>
/// The watched side of one run, thread-safe: a bounded history of <see cref="StepRecord"/>s, the run's
/// <see cref="RunEvent"/>s, the latest <see cref="FieldPreview"/>, and subscribers that get every new item as it comes.
/// <para>
/// The history keeps at most <see cref="Capacity"/> records: the newest half at full resolution, and before them the
/// rest of the run from its first record on, evenly thinned (every second one dropped, and the stride doubled, whenever
/// that part is full). So a run of many hours is still covered from its start, and a late viewer sees the whole run. Events are kept up to <see cref="EventCapacity"/>, oldest dropped first.
/// </para>
/// </summary>
public sealed class RunMonitor
{
    private readonly object _gate = new();
    private readonly List<StepRecord> _recent = new(); // the newest records, every one
    private readonly List<StepRecord> _past = new();   // older ones, every _stride-th
    private long _evicted;
    private long _stride = 1;
    private readonly List<RunEvent> _events = new();
    private readonly List<Action<object>> _subscribers = new();
    private FieldPreview? _field;
    private string _status = RunStates.Running;

    public RunMonitor(RunInfo info, int capacity = 2000, int eventCapacity = 500)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (capacity < 4) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "at least 4");
        Info = info;
        Capacity = capacity;
        EventCapacity = Math.Max(1, eventCapacity);
    }

    public RunInfo Info { get; private set; }

    public string RunId => Info.RunId;

    public int Capacity { get; }

    public int EventCapacity { get; }

    /// <summary>The newest record, or null.</summary>
    public StepRecord? Latest
    {
        get { lock (_gate) return Newest(); }
    }

    public string Status
    {
        get { lock (_gate) return _status; }
    }

    /// <summary>Replaces the run's description (e.g. once the placement is known).</summary>
    public void UpdateInfo(RunInfo info)
    {
        lock (_gate) Info = info;
        Publish(info);
    }

    /// <summary>Adds a record (stamped with the run id).</summary>
    public void Add(StepRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        record = record with { RunId = RunId };
        lock (_gate) Append(record);
        Publish(record);
    }

    /// <summary>Adds an event (stamped with the run id); a <c>completed</c>, <c>cancelled</c> or <c>failed</c> event also sets <see cref="Status"/>.</summary>
    public void AddEvent(RunEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e = e with { RunId = RunId };
        lock (_gate)
        {
            _events.Add(e);
            if (_events.Count > EventCapacity) _events.RemoveRange(0, _events.Count - EventCapacity);
            _status = e.Kind switch
            {
                RunEventKinds.Completed => RunStates.Completed,
                RunEventKinds.Cancelled => RunStates.Cancelled,
                RunEventKinds.Failed => RunStates.Failed,
                // Going again (a resumed run's next epoch, a recovery, a move): running, whatever ended the epoch before.
                RunEventKinds.Started or RunEventKinds.Recovery or RunEventKinds.Move => RunStates.Running,
                _ => _status,
            };
        }
        Publish(e);
    }

    /// <summary>Replaces the latest field preview.</summary>
    public void SetField(FieldPreview field)
    {
        ArgumentNullException.ThrowIfNull(field);
        field = field with { RunId = RunId };
        lock (_gate) _field = field;
        Publish(field);
    }

    /// <summary>
    /// Fills an empty or partly filled monitor from records and events kept elsewhere (e.g. a new coordinator after a
    /// failover re-seeds the history it got from the old one). Records at or after the earliest record already held are
    /// not duplicated: seeded records come before the held ones, ordered by wall time.
    /// </summary>
    public void Seed(IEnumerable<StepRecord> records, IEnumerable<RunEvent>? events = null, FieldPreview? field = null, string? status = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        lock (_gate)
        {
            var held = History();
            double firstHeld = held.Count == 0 ? double.PositiveInfinity : held[0].WallS;
            var older = records.Where(r => r.WallS < firstHeld).OrderBy(r => r.WallS).Select(r => r with { RunId = RunId });
            _recent.Clear();
            _past.Clear();
            _evicted = 0;
            _stride = 1;
            foreach (var r in older.Concat(held)) Append(r);
            if (events is not null)
            {
                var known = _events.ToHashSet();
                _events.InsertRange(0, events.Select(e => e with { RunId = RunId }).Where(e => !known.Contains(e)).OrderBy(e => e.TimeUtc));
                if (_events.Count > EventCapacity) _events.RemoveRange(0, _events.Count - EventCapacity);
            }
            if (field is not null && _field is null) _field = field with { RunId = RunId };
            if (status is not null) _status = status;
        }
    }

    /// <summary>A copy of everything; <paramref name="maxRecords"/> limits the history to its newest records (0: all).</summary>
    public RunMonitorSnapshot Snapshot(int maxRecords = 0)
    {
        lock (_gate)
        {
            var history = History();
            if (maxRecords > 0 && history.Count > maxRecords) history = history.GetRange(history.Count - maxRecords, maxRecords);
            return new RunMonitorSnapshot(Info, _status, Newest(), history, _events.ToArray(), _field);
        }
    }

    /// <summary>
    /// Calls <paramref name="onUpdate"/> with every new <see cref="StepRecord"/>, <see cref="RunEvent"/>,
    /// <see cref="FieldPreview"/> and <see cref="RunInfo"/>, on the thread that adds it (keep it short: hand it to a
    /// queue). Dispose the result to unsubscribe.
    /// </summary>
    public IDisposable Subscribe(Action<object> onUpdate)
    {
        ArgumentNullException.ThrowIfNull(onUpdate);
        lock (_subscribers) _subscribers.Add(onUpdate);
        return new Subscription(this, onUpdate);
    }

    private void Unsubscribe(Action<object> onUpdate)
    {
        lock (_subscribers) _subscribers.Remove(onUpdate);
    }

    private void Publish(object update)
    {
        Action<object>[] targets;
        lock (_subscribers) targets = _subscribers.ToArray();
        foreach (var t in targets)
        {
            try
            {
                t(update);
            }
            catch (Exception)
            {
                // A failing viewer must never disturb the run.
            }
        }
    }

    private StepRecord? Newest() => _recent.Count > 0 ? _recent[^1] : _past.Count > 0 ? _past[^1] : null;

    private List<StepRecord> History()
    {
        var all = new List<StepRecord>(_past.Count + _recent.Count);
        all.AddRange(_past);
        all.AddRange(_recent);
        return all;
    }

    private void Append(StepRecord record)
    {
        _recent.Add(record);
        int recentCapacity = Capacity / 2;
        if (_recent.Count <= recentCapacity) return;
        var old = _recent[0];
        _recent.RemoveAt(0);
        if (_evicted++ % _stride != 0) return;
        _past.Add(old);
        if (_past.Count <= Capacity - recentCapacity) return;
        // Full: keep every second record (the first among them), and take every second one from now on.
        int write = 0;
        for (int read = 0; read < _past.Count; read += 2) _past[write++] = _past[read];
        _past.RemoveRange(write, _past.Count - write);
        _stride *= 2;
    }

    private sealed class Subscription(RunMonitor monitor, Action<object> onUpdate) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) monitor.Unsubscribe(onUpdate);
        }
    }
}

/// <summary>
/// Announces the monitors a cluster node creates for the runs it coordinates, so that a process-wide consumer (the
/// node's OTLP metrics) can track them without reaching into the node actor.
/// </summary>
public static class RunMonitorRegistry
{
    /// <summary>Raised (on the node actor's thread) for every new monitor.</summary>
    public static event Action<RunMonitor>? Created;

    internal static void Announce(RunMonitor monitor)
    {
        try
        {
            Created?.Invoke(monitor);
        }
        catch (Exception)
        {
            // Metrics must never disturb the node.
        }
    }
}
