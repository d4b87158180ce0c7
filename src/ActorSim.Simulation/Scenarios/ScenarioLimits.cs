namespace ActorSim.Simulation.Scenarios;

/// <summary>
/// Size limits of a scenario file, checked before (file size) and while (strings, nesting) it is parsed, so
/// that no input of any size is read whole or held in memory: <see cref="MaxFileBytes"/> (default 16 MiB),
/// <see cref="MaxStringBytes"/> per string or key (default 64 KiB, UTF-8) and <see cref="MaxDepth"/> levels
/// of nested objects and arrays (default 64).
/// </summary>
public sealed record ScenarioLimits(long MaxFileBytes = ScenarioLimits.DefaultMaxFileBytes, int MaxStringBytes = ScenarioLimits.DefaultMaxStringBytes, int MaxDepth = ScenarioLimits.DefaultMaxDepth)
{
    public const long DefaultMaxFileBytes = 16L * 1024 * 1024;
    public const int DefaultMaxStringBytes = 64 * 1024;
    public const int DefaultMaxDepth = 64;

    public static ScenarioLimits Default { get; } = new();

    /// <summary>A byte count in words: "16 MiB (16777216 bytes)".</summary>
    internal static string Bytes(long n) => n switch
    {
        >= 1024 * 1024 when n % (1024 * 1024) == 0 => $"{n / (1024 * 1024)} MiB ({n} bytes)",
        >= 1024 * 1024 => $"{n / (1024.0 * 1024):0.#} MiB ({n} bytes)",
        >= 1024 when n % 1024 == 0 => $"{n / 1024} KiB ({n} bytes)",
        _ => $"{n} bytes",
    };
}
