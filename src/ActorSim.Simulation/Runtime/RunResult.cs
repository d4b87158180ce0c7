using System.Text.Json.Nodes;
using ActorSim.Simulation.Models;

namespace ActorSim.Simulation.Runtime;

/// <summary>What a finished (or cancelled) run produced; also written to <c>run.json</c>.</summary>
public sealed record RunResult(
    RunStatus Status,
    string? Reason,
    string OutputDirectory,
    double FinalTime,
    IReadOnlyDictionary<string, double> FinalState,
    StepCounters Counters,
    long Rows,
    string ResultsSha256,
    TimeSpan WallTime,
    JsonObject Analysis);
