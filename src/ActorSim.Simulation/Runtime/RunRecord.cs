using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Runtime;

/// <summary>Writes <c>run.json</c>: the scenario, the software version, the run settings and what came out.</summary>
/// <remarks>
/// So that a run that fills the disk can still say so, the record keeps <see cref="ReserveFileName"/> (a few KiB)
/// from its start until its final write: when <c>run.json</c> cannot be written for lack of space, the reserve is
/// removed and the write tried again. No temporary file is left behind either way.
/// </remarks>
internal sealed class RunRecord
{
    /// <summary>Space kept free for the final <c>run.json</c> while the run goes on (removed by the final write).</summary>
    public const string ReserveFileName = ".run.json.reserve";
    private const int ReserveBytes = 64 * 1024;

    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private readonly Scenario scenario;
    private readonly string directory;

    public RunRecord(Scenario scenario, string directory)
    {
        this.scenario = scenario;
        this.directory = directory;
        try
        {
            File.WriteAllBytes(Path.Combine(directory, ReserveFileName), new byte[ReserveBytes]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            DeleteQuietly(Path.Combine(directory, ReserveFileName));   // best effort: a directory without room fails on its first output
        }
    }

    /// <summary>"in-process" or "cluster".</summary>
    public string Runtime { get; set; } = "in-process";

    /// <summary>More top-level entries (a cluster run's "cluster" and "placement"), written after the common ones.</summary>
    public JsonObject Extra { get; } = new();

    public static string Version =>
        typeof(RunRecord).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    public void WriteCompleted(RunResult r)
    {
        var doc = Common(r.Status == RunStatus.Completed ? "completed" : "cancelled", r.WallTime);
        if (r.Reason is not null) doc["reason"] = r.Reason;
        doc["steps"] = r.Counters.Accepted;
        doc["integrator"] = Counters(r.Counters);
        doc["outputs"] = new JsonObject { ["timeseries"] = "timeseries.csv", ["rows"] = r.Rows, ["fields"] = Directory.Exists(Path.Combine(directory, "fields")) ? "fields/" : null };
        doc["results_sha256"] = r.ResultsSha256;
        var final = new JsonObject { ["t"] = r.FinalTime };
        foreach (var (k, v) in r.FinalState) final[k] = v;
        doc["final_state"] = final;
        doc["analysis"] = r.Analysis;
        Write(doc);
    }

    /// <summary>A run in progress (written at its start: a crashed run can be resumed from its directory, and <c>status</c>
    /// tells a run whose process is gone — <see cref="RunProcess"/> — from one that goes on).</summary>
    public void WriteRunning()
    {
        var doc = Common("running", TimeSpan.Zero);
        doc["process"] = RunProcess.Current().ToJson();
        Write(doc);
    }

    /// <summary>A run that failed before or without a model on this side (a cluster run seen from its submitter).</summary>
    public void WriteFailed(TimeSpan wall, Exception error, JsonObject? analysis)
    {
        var doc = Common("failed", wall);
        doc["reason"] = FailureReason(error);
        doc["error"] = error.Message;
        doc["outputs"] = new JsonObject
        {
            ["timeseries"] = File.Exists(Path.Combine(directory, "timeseries.csv")) ? "timeseries.csv (partial)" : null,
            ["fields"] = Directory.Exists(Path.Combine(directory, "fields")) ? "fields/ (partial)" : null,
        };
        doc["analysis"] = analysis;
        Write(doc);
    }

    public void WriteFailed(TimeSpan wall, IRunnableModel model, Exception error)
    {
        var doc = Common("failed", wall);
        doc["reason"] = FailureReason(error);
        doc["error"] = error.Message;
        if (model is ICoordinatorModel m)
        {
            doc["steps"] = m.Counters.Accepted;
            doc["integrator"] = Counters(m.Counters);
        }
        doc["outputs"] = new JsonObject { ["timeseries"] = "timeseries.csv (partial)" };
        try
        {
            doc["analysis"] = model.Analysis();
        }
        catch (Exception e) when (e is OutOfMemoryException or InvalidOperationException or ArithmeticException)
        {
            doc["analysis"] = null;   // the failure (out of memory, a broken state) must still be recorded
        }
        Write(doc);
    }

    /// <summary>A failed run's reason in a few words: out of memory, disk full, or the error itself.</summary>
    private static string FailureReason(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is OutOfMemoryException) return "out of memory";
            if (e is IOException io && io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase)) return "disk full";
        }
        return error.Message;
    }

    private JsonObject Common(string status, TimeSpan wall) => new()
    {
        ["status"] = status,
        ["actorsim_version"] = Version,
        ["model"] = scenario.Model,
        ["scenario_file"] = scenario.SourceFile,
        ["scenario"] = scenario.Document.DeepClone(),
        ["runtime"] = Runtime,
        ["blocks"] = scenario.Run.Blocks,
        ["seed"] = scenario.Run.Seed,
        ["started_utc"] = _started.ToString("O"),
        ["wall_time_seconds"] = wall.TotalSeconds,
    };

    private static JsonObject Counters(StepCounters c) => new()
    {
        ["accepted_steps"] = c.Accepted,
        ["rejected_steps"] = c.Rejected,
        ["rhs_evaluations"] = c.RhsEvaluations,
    };

    private void Write(JsonObject doc)
    {
        foreach (var (key, value) in Extra) doc[key] = value?.DeepClone();
        Output.JsonNumbers.ReplaceNonFinite(doc); // infinities and NaN (an overflowed R0, say) are written as null
        bool final = (string?)doc["status"] != "running";
        string path = Path.Combine(directory, "run.json");
        string reserve = Path.Combine(directory, ReserveFileName);
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        try
        {
            Output.AtomicFile.Write(path, bytes);
        }
        catch (IOException) when (File.Exists(reserve))
        {
            // Most likely the disk is full: give back the reserved space and try once more.
            DeleteQuietly(reserve);
            Output.AtomicFile.Write(path, bytes);
        }
        if (final) DeleteQuietly(reserve);
    }

    private static void DeleteQuietly(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
