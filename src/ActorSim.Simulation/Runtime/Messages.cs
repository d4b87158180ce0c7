using ActorSim.Simulation.Models;

namespace ActorSim.Simulation.Runtime;

/// <summary>Starts the run; the coordinator answers the sender with <see cref="RunCompleted"/> at the end.</summary>
public sealed record StartRun;

/// <summary>Asks the coordinator to stop after its current step and close the outputs (Ctrl-C).</summary>
public sealed record StopRun(string Reason);

/// <summary>Coordinator to itself: advance to output time number <paramref name="Index"/>.</summary>
internal sealed record AdvanceOutput(int Index);

/// <summary>One row of <c>timeseries.csv</c>.</summary>
public sealed record OutputRow(double T, double[] Values);

/// <summary>One field snapshot, written as <c>fields/&lt;name&gt;_&lt;index&gt;.npy</c>.</summary>
public sealed record WriteField(int Index, Subdomains.FieldSnapshot Field);

/// <summary>Asks the time-series writer to flush and close; it answers <see cref="OutputClosed"/>.</summary>
public sealed record CloseOutput;

/// <summary>The outputs are on disk: <paramref name="Rows"/> time-series rows; SHA-256 of all bytes written (time series, then fields, in the order sent).</summary>
public sealed record OutputClosed(long Rows, string Sha256);

/// <summary>Progress of a run, published by the coordinator after each output time.</summary>
public sealed record RunProgress(double T, double End, long Steps);

/// <summary>How a run ended.</summary>
public enum RunStatus { Completed, Cancelled }

/// <summary>The coordinator's final answer to <see cref="StartRun"/>.</summary>
/// <remarks><paramref name="FinalState"/> is the last time-series row (values of the model's columns).</remarks>
public sealed record RunCompleted(RunStatus Status, string? Reason, double T, double[] FinalState, StepCounters Counters, long Rows, string ResultsSha256)
{
    /// <summary>The model's analysis at the end of the run as JSON (set by a cluster run's coordination for the submitter's run.json; null in process).</summary>
    public string? AnalysisJson { get; init; }
}
