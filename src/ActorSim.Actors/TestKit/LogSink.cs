namespace ActorSim.Actors.TestKit;

/// <summary>Thread-safe list of captured entries with a blocking wait.</summary>
internal sealed class LogSink
{
    private readonly object _gate = new();
    private readonly List<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Snapshot()
    {
        lock (_gate) return _entries.ToArray();
    }

    public void Add(LogEntry entry)
    {
        lock (_gate)
        {
            _entries.Add(entry);
            Monitor.PulseAll(_gate);
        }
    }

    public void Clear()
    {
        lock (_gate) _entries.Clear();
    }

    public LogEntry WaitFor(Func<LogEntry, bool> predicate, TimeSpan timeout, string owner)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var deadline = DateTime.UtcNow + timeout;
        lock (_gate)
        {
            var checkedCount = 0;
            while (true)
            {
                for (; checkedCount < _entries.Count; checkedCount++)
                    if (predicate(_entries[checkedCount])) return _entries[checkedCount];
                var remaining = deadline - DateTime.UtcNow;
                if (remaining <= TimeSpan.Zero || !Monitor.Wait(_gate, remaining))
                {
                    if (checkedCount < _entries.Count) continue; // an entry arrived right at the deadline
                    throw new ExpectationFailedException(
                        $"{owner}: no log entry matching the predicate within {timeout.TotalSeconds:0.###} s. " +
                        $"Captured {_entries.Count} entries:" + Environment.NewLine +
                        string.Join(Environment.NewLine, _entries.TakeLast(50)));
                }
            }
        }
    }
}
