using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorSim.Simulation.Monitoring;

namespace ActorSim.Cli.Dashboard;

/// <summary>One member of a sweep on the dashboard.</summary>
/// <param name="Name">Its directory name.</param>
/// <param name="Values">Its swept values (<c>KEY=VALUE</c>, the keys whose value differs between members).</param>
/// <param name="Status">pending, running, completed, failed, cancelled (run.json's status once it has one).</param>
/// <param name="Progress">t / t_end of its newest monitor record (1 when completed; null before it started).</param>
/// <param name="WallS">Its wall time: run.json's once it ended, else that of its newest monitor record.</param>
public sealed record SweepMemberView(string Name, IReadOnlyList<string> Values, string Status, double? Progress, double? WallS);

/// <summary>A sweep on the dashboard: its directory, the counts and the members in the plan's order.</summary>
public sealed record SweepView(string Directory, int Total, int Done, int Running, int Failed, IReadOnlyList<SweepMemberView> Members);

/// <summary>
/// A sweep directory (<c>sweep.json</c> and one directory per member), read every <see cref="Interval"/>: each
/// member's status and wall time from its run.json, its progress from the newest record of its monitor.jsonl. The
/// view is in the snapshot's <c>sweep</c> and pushed as the server-sent event <c>sweep</c> when it changed. It reads
/// only files, so it serves a sweep in this process (<c>sweep --dashboard</c>) as well as one run by another process
/// or on a cluster.
/// </summary>
public sealed class SweepMonitorSource : IMonitorSource
{
    private readonly string _dir;
    private readonly Subscribers _subscribers = new();
    private readonly Dictionary<string, SweepMemberView> _final = new(StringComparer.Ordinal);
    private readonly Timer _timer;
    private readonly object _gate = new();
    private SweepView _view;
    private string _json = "";

    public SweepMonitorSource(string sweepDirectory, TimeSpan? interval = null)
    {
        _dir = sweepDirectory;
        Interval = interval ?? TimeSpan.FromSeconds(1);
        _view = Read();
        _timer = new Timer(_ => Refresh(), null, Interval, Interval);
    }

    public TimeSpan Interval { get; }

    /// <summary>Reads the directory again now; pushes <c>sweep</c> when something changed.</summary>
    public SweepView Refresh()
    {
        lock (_gate)
        {
            SweepView view;
            try
            {
                view = Read();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return _view; // a file being replaced: the next reading sees it
            }
            string json = JsonSerializer.Serialize(view, MonitorJson.Options);
            Volatile.Write(ref _view, view);
            if (json == _json) return view;
            _json = json;
            _subscribers.Publish("sweep", view);
            return view;
        }
    }

    public MonitorView Snapshot(int maxRecords = 0) => new($"sweep {_dir}", [], []) { Sweep = Volatile.Read(ref _view) };

    public IDisposable Subscribe(Action<string, object> onUpdate) => _subscribers.Add(onUpdate);

    private SweepView Read()
    {
        var members = new List<(string Name, List<string> Sets)>();
        string plan = Path.Combine(_dir, Commands.SweepCommand.PlanFileName);
        if (File.Exists(plan))
        {
            try
            {
                foreach (var m in JsonNode.Parse(File.ReadAllText(plan))?["members"] as JsonArray ?? [])
                    if ((string?)m?["name"] is { } name && name.IndexOfAny(['/', '\\']) < 0 && name is not ("." or ".."))
                        members.Add((name, (m!["set"] as JsonArray ?? []).Select(s => (string?)s ?? "").ToList()));
            }
            catch (JsonException)
            {
                // being written: no members this time
            }
        }
        // The swept values: the overrides that are not the same for every member.
        var common = members.Count > 1 ? members.Skip(1).Aggregate(members[0].Sets.ToHashSet(), (c, m) => { c.IntersectWith(m.Sets); return c; }) : [];
        var views = new List<SweepMemberView>(members.Count);
        foreach (var (name, sets) in members)
        {
            var values = sets.Where(s => !common.Contains(s)).ToList();
            if (_final.TryGetValue(name, out var done) && File.Exists(Path.Combine(_dir, name, "run.json")))
            {
                views.Add(done with { Values = values });
                continue;
            }
            var member = Member(name, values);
            if (member.Status is "completed" or "failed" or "cancelled") _final[name] = member;
            else _final.Remove(name);
            views.Add(member);
        }
        return new SweepView(_dir, views.Count, views.Count(v => v.Status == "completed"), views.Count(v => v.Status == "running"),
            views.Count(v => v.Status == "failed"), views);
    }

    private SweepMemberView Member(string name, IReadOnlyList<string> values)
    {
        string dir = Path.Combine(_dir, name);
        var (progress, wall) = Newest(Path.Combine(dir, "monitor.jsonl"));
        string record = Path.Combine(dir, "run.json");
        if (File.Exists(record))
        {
            try
            {
                var run = JsonNode.Parse(File.ReadAllText(record))!.AsObject();
                string status = (string?)run["status"] ?? "unknown";
                return new SweepMemberView(name, values, status, status == "completed" ? 1.0 : progress, (double?)run["wall_time_seconds"] ?? wall);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                // being written
            }
        }
        return File.Exists(Path.Combine(dir, "monitor.jsonl"))
            ? new SweepMemberView(name, values, "running", progress ?? 0, wall)
            : new SweepMemberView(name, values, "pending", null, null);
    }

    /// <summary>(progress, wall_s) of the newest record in the last 64 KiB of a monitor.jsonl.</summary>
    private static (double? Progress, double? WallS) Newest(string file)
    {
        if (!File.Exists(file)) return (null, null);
        string tail;
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            long from = Math.Max(0, stream.Length - 65536);
            stream.Seek(from, SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            tail = reader.ReadToEnd();
        }
        foreach (string line in tail.Split('\n').Reverse())
        {
            if (!line.StartsWith("{\"record\":", StringComparison.Ordinal)) continue;
            try
            {
                var r = JsonNode.Parse(line)!["record"]!;
                return ((double?)r["progress"], (double?)r["wall_s"]);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                // a line being written
            }
        }
        return (null, null);
    }

    public async ValueTask DisposeAsync() => await _timer.DisposeAsync();
}
