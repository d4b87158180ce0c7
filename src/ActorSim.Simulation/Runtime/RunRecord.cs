using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Runtime;

/// <summary>Writes <c>run.json</c>: the scenario, the software version, the run settings and what came out.</summary>
internal sealed class RunRecord(Scenario scenario, string directory)
{
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;

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

    /// <summary>A run in progress (written at the start of a checkpointed run, so that a crashed run can be resumed from its directory).</summary>
    public void WriteRunning()
    {
        var doc = Common("running", TimeSpan.Zero);
        Write(doc);
    }

    /// <summary>A run that failed before or without a model on this side (a cluster run seen from its submitter).</summary>
    public void WriteFailed(TimeSpan wall, Exception error, JsonObject? analysis)
    {
        var doc = Common("failed", wall);
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
        doc["error"] = error.Message;
        if (model is ICoordinatorModel m)
        {
            doc["steps"] = m.Counters.Accepted;
            doc["integrator"] = Counters(m.Counters);
        }
        doc["outputs"] = new JsonObject { ["timeseries"] = "timeseries.csv (partial)" };
        doc["analysis"] = model.Analysis();
        Write(doc);
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
        string path = Path.Combine(directory, "run.json");
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.Move(tmp, path, overwrite: true);
    }
}
