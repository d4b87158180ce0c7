using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ActorSim.Simulation.Runtime;

/// <summary>
/// The process that runs a run, as written into a running run's <c>run.json</c> (<c>"process": {host, pid, started_utc}</c>),
/// so that <c>actorsim status DIR</c> can tell a run that goes on from one whose process was killed (kill -9, power loss):
/// on the same host, the run is alive only while a process with that id and that start time exists.
/// </summary>
public sealed record RunProcess(string Host, int Pid, DateTimeOffset StartedUtc)
{
    /// <summary>This process (read once: host, id and start time do not change while it lives).</summary>
    public static RunProcess Current() => LazyInitializer.EnsureInitialized(ref _current, static () =>
    {
        using var self = Process.GetCurrentProcess();
        return new RunProcess(Environment.MachineName, Environment.ProcessId, self.StartTime.ToUniversalTime());
    });

    private static RunProcess? _current;

    public JsonObject ToJson() => new()
    {
        ["host"] = Host,
        ["pid"] = Pid,
        ["started_utc"] = StartedUtc.ToString("O"),
    };

    /// <summary>The process of a run.json's <c>"process"</c> entry, or null when it has none or it cannot be read.</summary>
    public static RunProcess? From(JsonNode? node)
    {
        try
        {
            if (node?["host"]?.GetValue<string>() is not { } host || node["pid"]?.GetValue<int>() is not { } pid
                || node["started_utc"]?.GetValue<string>() is not { } started) return null;
            return new RunProcess(host, pid, DateTimeOffset.Parse(started, System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether the process is known to be gone: it ran on this host and no process with its id and start time exists
    /// (a process id reused by another program has another start time). A process on another host is not known to be gone.
    /// </summary>
    public bool IsGone()
    {
        if (!string.Equals(Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase)) return false;
        try
        {
            using var p = Process.GetProcessById(Pid);
            if (p.HasExited) return true;
            return Math.Abs((p.StartTime.ToUniversalTime() - StartedUtc).TotalSeconds) > 1;
        }
        catch (ArgumentException)
        {
            return true; // no such process
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return false; // cannot tell
        }
    }
}
