using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorSim.Simulation.Monitoring;

/// <summary>
/// What a run's coordinator publishes about itself, at most about ten times a second and at every output: where the run
/// is (step, t, dt, progress, ETA), the macroscopic state and the model's diagnostics (both from the model's time-series
/// columns of the last output row), how the wall time of the last steps splits up, which block is slowest, and the
/// health of the nodes and of the checkpoints. Every time is in seconds of wall time unless it says <c>t</c> (simulated
/// time). A field that does not apply (no blocks, no checkpoints, not a cluster run) is null. JSON names are snake_case
/// (<see cref="MonitorJson.Options"/>).
/// </summary>
public sealed record StepRecord
{
    /// <summary>The run (stamped by the <see cref="RunMonitor"/> that keeps the record).</summary>
    public string RunId { get; init; } = "";

    /// <summary>Accepted steps so far.</summary>
    public long Step { get; init; }

    /// <summary>Simulated time.</summary>
    public double T { get; init; }

    /// <summary>Simulated end time.</summary>
    public double TEnd { get; init; }

    /// <summary>The last step size (null: not known, e.g. the adaptive ODE between outputs).</summary>
    public double? Dt { get; init; }

    /// <summary>t / t_end, 0 … 1.</summary>
    public double Progress { get; init; }

    /// <summary>Wall time since the run started.</summary>
    public double WallS { get; init; }

    /// <summary>Estimated wall time to the end (null before any progress).</summary>
    public double? EtaS { get; init; }

    /// <summary>Steps per second of wall time over the interval since the previous record.</summary>
    public double? StepsPerS { get; init; }

    /// <summary>True when the record was taken at an output time (the state below is current).</summary>
    public bool AtOutput { get; init; }

    /// <summary>Simulated time of the output row <see cref="State"/> and <see cref="Diagnostics"/> come from.</summary>
    public double? StateT { get; init; }

    /// <summary>The macroscopic state: the model's time-series columns (y, y', the ODE variables, integrals …) of the last row.</summary>
    public IReadOnlyDictionary<string, double> State { get; init; } = new Dictionary<string, double>();

    /// <summary>The model's diagnostic columns of the last row (energy, mass, constraint drift, W1 when computed …).</summary>
    public IReadOnlyDictionary<string, double> Diagnostics { get; init; } = new Dictionary<string, double>();

    /// <summary>Wall time per step over the interval since the previous record.</summary>
    public double? StepWallS { get; init; }

    /// <summary>Per step: the blocks' own computing, mean over the blocks (null: no blocks).</summary>
    public double? ComputeS { get; init; }

    /// <summary>Per step: the blocks' waiting for their neighbours' halos, mean over the blocks (null: a protocol without halos).</summary>
    public double? HaloWaitS { get; init; }

    /// <summary>Per step: from the first to the last block reply of each round (the reduction waits for the slowest block).</summary>
    public double? ReductionS { get; init; }

    /// <summary>Per step: the coordinator's own work (reductions, planning, assembling outputs).</summary>
    public double? CoordinatorS { get; init; }

    /// <summary>The block with the most compute time over the interval (null: no blocks).</summary>
    public int? SlowestBlock { get; init; }

    /// <summary>Load imbalance: max / mean of the blocks' compute time over the interval (1 = balanced).</summary>
    public double? Imbalance { get; init; }

    /// <summary>
    /// Per step: each block's own computing over the interval (by block index; null: no blocks). Not in JSON
    /// (monitor.jsonl stays small for many blocks); it travels to the submitter, whose load balancer reads it.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyList<double>? BlockComputeS { get; init; }

    /// <summary>Number of blocks (null: the model has none).</summary>
    public int? Blocks { get; init; }

    /// <summary>The oldest heartbeat among the run's nodes, as the coordinator's node sees them (null: in process).</summary>
    public double? HeartbeatAgeS { get; init; }

    /// <summary>Step of the last complete checkpoint (null: none yet, or checkpoints are off).</summary>
    public long? LastCheckpointStep { get; init; }

    /// <summary>Wall time since the last complete checkpoint.</summary>
    public double? LastCheckpointAgeS { get; init; }

    /// <summary>The names of the fields every record has, as they appear in JSON (for tests and tools).</summary>
    public static IReadOnlyList<string> JsonFieldNames { get; } =
        typeof(StepRecord).GetProperties().Where(p => p.GetMethod is { IsStatic: false } && !p.IsDefined(typeof(JsonIgnoreAttribute), inherit: true)).Select(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name)).ToArray();
}

/// <summary>Something that happened to a run, shown on the dashboard's timeline.</summary>
/// <param name="Kind">One of <see cref="RunEventKinds"/>.</param>
/// <param name="TimeUtc">Wall-clock time (UTC).</param>
/// <param name="Step">The step it happened at, or null.</param>
/// <param name="T">The simulated time, or null.</param>
/// <param name="Text">A line for people.</param>
public sealed record RunEvent(string Kind, DateTimeOffset TimeUtc, long? Step, double? T, string Text)
{
    /// <summary>The run (stamped by the <see cref="RunMonitor"/>).</summary>
    public string RunId { get; init; } = "";

    /// <summary>A complete checkpoint at <paramref name="step"/>, t = <paramref name="t"/> (what every coordinator reports).</summary>
    public static RunEvent Checkpoint(long step, double t) =>
        new(RunEventKinds.Checkpoint, DateTimeOffset.UtcNow, step, t, $"checkpoint at step {step}, t = {t:G6}");
}

/// <summary>The kinds of <see cref="RunEvent"/>.</summary>
public static class RunEventKinds
{
    public const string Started = "started";
    public const string Checkpoint = "checkpoint";
    public const string Failure = "failure";
    public const string Recovery = "recovery";

    /// <summary>The run's blocks move to other nodes (a worker joined): the epoch stops at a step with a checkpoint and
    /// the next goes on from it.</summary>
    public const string Move = "move";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";
    public const string Failed = "failed";
}

/// <summary>A small copy of the latest field snapshot for a live view: averaged down to at most 256 values (1D) or 64 × 64 (2D).</summary>
/// <param name="Name">The field (e.g. <c>u</c>, <c>rho</c>, <c>hist</c>).</param>
/// <param name="T">Simulated time of the snapshot.</param>
/// <param name="Shape">(n) or (rows, columns).</param>
/// <param name="Values">Row-major values.</param>
/// <param name="FullShape">The shape of the field written to disk.</param>
public sealed record FieldPreview(string Name, double T, int[] Shape, double[] Values, int[] FullShape)
{
    /// <summary>The run (stamped by the <see cref="RunMonitor"/>).</summary>
    public string RunId { get; init; } = "";

    /// <summary>Averages <paramref name="values"/> of <paramref name="shape"/> down to at most <paramref name="max1D"/> values or <paramref name="max2D"/> per axis.</summary>
    public static FieldPreview Downsample(string name, double t, ReadOnlySpan<double> values, IReadOnlyList<int> shape, int max1D = 256, int max2D = 64)
    {
        if (shape.Count == 2 && shape[0] > 1)
        {
            int rows = shape[0], cols = shape[1];
            int fr = (rows + max2D - 1) / max2D, fc = (cols + max2D - 1) / max2D;
            int outRows = (rows + fr - 1) / fr, outCols = (cols + fc - 1) / fc;
            var result = new double[outRows * outCols];
            for (int r = 0; r < outRows; r++)
                for (int c = 0; c < outCols; c++)
                {
                    double sum = 0;
                    int n = 0;
                    for (int i = r * fr; i < Math.Min(rows, (r + 1) * fr); i++)
                        for (int j = c * fc; j < Math.Min(cols, (c + 1) * fc); j++) { sum += values[i * cols + j]; n++; }
                    result[r * outCols + c] = sum / n;
                }
            return new FieldPreview(name, t, [outRows, outCols], result, [rows, cols]);
        }
        int length = values.Length;
        int f = Math.Max(1, (length + max1D - 1) / max1D);
        int outLength = (length + f - 1) / f;
        var line = new double[outLength];
        for (int k = 0; k < outLength; k++)
        {
            double sum = 0;
            int n = 0;
            for (int i = k * f; i < Math.Min(length, (k + 1) * f); i++) { sum += values[i]; n++; }
            line[k] = sum / n;
        }
        return new FieldPreview(name, t, [outLength], line, shape.ToArray());
    }
}

/// <summary>
/// JSON settings of the monitoring records: snake_case names, every field written (null when not applicable). The
/// records' contracts come from source-generated metadata (<see cref="MonitorJsonContext"/>; reflection would cost
/// every run about 30 ms of start-up for its first line of monitor.jsonl), other types by reflection as before.
/// </summary>
public static class MonitorJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = false,
        TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(
            MonitorJsonContext.Default, new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver()),
    };

    public static JsonSerializerOptions Indented { get; } = new(Options) { WriteIndented = true };
}

/// <summary>Source-generated contracts of the monitoring records (same settings as <see cref="MonitorJson.Options"/>).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(StepRecord))]
[JsonSerializable(typeof(RunEvent))]
[JsonSerializable(typeof(RunInfo))]
[JsonSerializable(typeof(FieldPreview))]
[JsonSerializable(typeof(RunMonitorSnapshot))]
internal sealed partial class MonitorJsonContext : JsonSerializerContext;
