using System.Text.Json.Nodes;

namespace ActorSim.Simulation.Scenarios;

/// <summary>
/// A validated scenario: the model, its parameters and initial values by the seed's symbols, the time
/// settings and the run settings. Built only by <see cref="ScenarioLoader"/>, so every value in it has
/// passed the model's checks.
/// </summary>
public sealed record Scenario(
    string SourceFile,
    string Model,
    string? Description,
    IReadOnlyDictionary<string, double> Parameters,
    IReadOnlyDictionary<string, double> Initial,
    TimeSettings Time,
    RunSettings Run,
    JsonObject Document)
{
    /// <summary>String-valued settings of <c>parameters</c> and <c>initial</c> (choices), by name.</summary>
    public IReadOnlyDictionary<string, string> Choices { get; init; } = new Dictionary<string, string>();

    /// <summary>The axes of the scenario's <c>sweep</c> section (none when it has none); used by <c>actorsim sweep</c>, ignored by a run.</summary>
    public IReadOnlyList<SweepAxis> SweepAxes { get; init; } = [];

    /// <summary>The <c>sweep.zip</c> setting: the i-th values of the axes together instead of their product.</summary>
    public bool SweepZip { get; init; }

    /// <summary>The choice named <paramref name="name"/> (validated to exist, or defaulted).</summary>
    public string Choice(string name) => Choices[name];

    /// <summary>A count (validated whole number) by name.</summary>
    public int Count(string name) => checked((int)Parameters[name]);

    /// <summary>The parameter named by its seed symbol (validated to exist).</summary>
    public double P(string name) => Parameters[name];

    /// <summary>The initial value named by its seed symbol (validated to exist).</summary>
    public double Init(string name) => Initial[name];
}

/// <summary>
/// Time settings. <see cref="End"/> is the final time (the scenario's time unit), output rows are written
/// every <see cref="OutputInterval"/> from t = 0 and at <see cref="End"/>; <see cref="Dt"/> is the first
/// trial step of adaptive integrators (null: chosen automatically); <see cref="RelTol"/> and
/// <see cref="AbsTol"/> are the local error tolerances of adaptive integrators.
/// </summary>
public sealed record TimeSettings(double End, double OutputInterval, double? Dt, double RelTol, double AbsTol)
{
    public const double DefaultRelTol = 1e-8;
    public const double DefaultAbsTol = 1e-10;
    public const int DefaultOutputCount = 100;

    /// <summary>The output times 0, Δ, 2Δ, … and End (computed as k·Δ, never by accumulation).</summary>
    public IReadOnlyList<double> OutputTimes()
    {
        var times = new List<double>();
        for (long k = 0; ; k++)
        {
            double t = k * OutputInterval;
            if (t >= End * (1 - 1e-12)) break;
            times.Add(t);
        }
        times.Add(End);
        return times;
    }
}

/// <summary>Run settings: the number of blocks the work is split into, the random seed, and the checkpoint settings (null: none).</summary>
public sealed record RunSettings(int Blocks, ulong Seed, CheckpointSettings? Checkpoint = null);

/// <summary>
/// Coordinated checkpoints (<c>run.checkpoint</c>): every <see cref="Steps"/> steps and/or every
/// <see cref="Seconds"/> of wall time (null: not by that measure), into <see cref="Directory"/> (null:
/// <c>&lt;out&gt;/checkpoints</c>). A final checkpoint is also written when the run is stopped (Ctrl-C).
/// A <c>run.checkpoint</c> that gives neither steps nor seconds checkpoints every <see cref="DefaultSeconds"/> seconds.
/// </summary>
public sealed record CheckpointSettings(long? Steps, double? Seconds, string? Directory)
{
    public const string DefaultDirectoryName = "checkpoints";

    /// <summary>The default interval (wall-time seconds) when <c>run.checkpoint</c> names neither steps nor seconds.</summary>
    public const double DefaultSeconds = 60;

    public string DirectoryFor(string outputDirectory) =>
        Directory is null ? System.IO.Path.Combine(outputDirectory, DefaultDirectoryName)
        : System.IO.Path.IsPathRooted(Directory) ? Directory : System.IO.Path.Combine(outputDirectory, Directory);
}
