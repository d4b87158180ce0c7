using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorSim.Simulation.Monitoring;

/// <summary>
/// <c>monitor.jsonl</c> in a run's output directory: what <c>actorsim status &lt;run-dir&gt;</c> reads. One JSON object per
/// line: <c>{"run": …}</c> (the <see cref="RunInfo"/>) first, then <c>{"record": …}</c> (a <see cref="StepRecord"/>: every
/// record taken at an output, others at most one per second, and the newest when the log is closed) and
/// <c>{"event": …}</c> (every <see cref="RunEvent"/>). Not part of the results (not in <c>results_sha256</c>).
/// </summary>
public sealed class MonitorLog : IDisposable
{
    /// <summary>The file name.</summary>
    public const string FileName = "monitor.jsonl";

    private static readonly TimeSpan RecordInterval = TimeSpan.FromSeconds(1);
    private readonly object _gate = new();
    private readonly StreamWriter _writer;
    private readonly IDisposable _subscription;
    private readonly RunMonitor _monitor;
    private long _lastWritten;
    private StepRecord? _pending;
    private bool _closed;

    private MonitorLog(RunMonitor monitor, string path, bool append)
    {
        _monitor = monitor;
        _writer = new StreamWriter(new FileStream(path, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = false };
        Write("run", monitor.Info);
        _subscription = monitor.Subscribe(OnUpdate);
    }

    /// <summary>Writes the monitor's updates to <paramref name="path"/> until disposed.</summary>
    public static MonitorLog Attach(RunMonitor monitor, string path, bool append = false) => new(monitor, path, append);

    private void OnUpdate(object update)
    {
        lock (_gate)
        {
            if (_closed) return;
            switch (update)
            {
                case StepRecord record:
                    if (record.AtOutput || _lastWritten == 0 || Stopwatch.GetElapsedTime(_lastWritten) >= RecordInterval)
                    {
                        Write("record", record);
                        _pending = null;
                        _lastWritten = Stopwatch.GetTimestamp();
                    }
                    else _pending = record;
                    break;
                case RunEvent e:
                    if (_pending is not null) { Write("record", _pending); _pending = null; }
                    Write("event", e);
                    break;
                case RunInfo info:
                    Write("run", info);
                    break;
            }
        }
    }

    /// <summary>Writes one line; a full disk or an I/O error ends the log (it is not part of the results) instead of the run.</summary>
    private void Write<T>(string key, T value)
    {
        var line = new JsonObject { [key] = JsonSerializer.SerializeToNode(value, MonitorJson.Options) };
        try
        {
            _writer.WriteLine(line.ToJsonString());
            _writer.Flush();
        }
        catch (IOException)
        {
            _closed = true;
            CloseQuietly();
        }
    }

    private void CloseQuietly()
    {
        try { _writer.Dispose(); }
        catch (IOException) { try { _writer.BaseStream.Dispose(); } catch (IOException) { } }
    }

    public void Dispose()
    {
        _subscription.Dispose();
        lock (_gate)
        {
            if (_closed) return;
            if (_pending is not null) Write("record", _pending);
            if (_closed) return;
            _closed = true;
            CloseQuietly();
        }
    }

    /// <summary>Reads a log back into a snapshot (the last <c>run</c> line, every record and event; a torn last line is ignored).</summary>
    /// <exception cref="FileNotFoundException">No log there.</exception>
    public static RunMonitorSnapshot Read(string path, string? status = null)
    {
        RunInfo? info = null;
        var records = new List<StepRecord>();
        var events = new List<RunEvent>();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Length == 0) continue;
            JsonObject? o;
            try
            {
                o = JsonNode.Parse(line) as JsonObject;
            }
            catch (JsonException)
            {
                continue; // a line being written
            }
            if (o is null) continue;
            if (o["run"] is { } r) info = r.Deserialize<RunInfo>(MonitorJson.Options);
            else if (o["record"] is { } rec && rec.Deserialize<StepRecord>(MonitorJson.Options) is { } record) records.Add(record);
            else if (o["event"] is { } ev && ev.Deserialize<RunEvent>(MonitorJson.Options) is { } e) events.Add(e);
        }
        info ??= new RunInfo("", "", "", 0, null, "in-process");
        var monitor = new RunMonitor(info);
        monitor.Seed(records, events, status: status);
        foreach (var e in events.Where(e => e.Kind is RunEventKinds.Completed or RunEventKinds.Cancelled or RunEventKinds.Failed).TakeLast(1))
            if (status is null) monitor.Seed([], [], status: e.Kind == RunEventKinds.Completed ? RunStates.Completed : e.Kind == RunEventKinds.Cancelled ? RunStates.Cancelled : RunStates.Failed);
        return monitor.Snapshot();
    }
}
