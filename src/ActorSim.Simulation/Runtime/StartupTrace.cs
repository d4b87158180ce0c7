namespace ActorSim.Simulation.Runtime;

/// <summary>
/// With <c>ACTORSIM_TRACE_STARTUP=1</c> in the environment, prints one line per phase of a command to standard error:
/// <c>[startup]   123.4 ms  what</c>, milliseconds since the process started (the kernel's start time, 10 ms grain: compare
/// differences between lines). Bench <c>startup</c> reads them to split a whole <c>actorsim run</c> into the run itself
/// (<c>run: actor system ready</c> to <c>run: completed</c>) and everything around it. Off, it costs one bool test.
/// </summary>
public static class StartupTrace
{
    /// <summary>The environment variable that turns the trace on (value <c>1</c>).</summary>
    public const string Variable = "ACTORSIM_TRACE_STARTUP";

    private static readonly bool On = Environment.GetEnvironmentVariable(Variable) == "1";
    private static DateTime? _processStart;

    /// <summary>Prints "[startup] ms what" when the trace is on.</summary>
    public static void Mark(string what)
    {
        if (!On) return;
        _processStart ??= System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime();
        Console.Error.WriteLine(FormattableString.Invariant($"[startup] {(DateTime.UtcNow - _processStart.Value).TotalMilliseconds,9:F1} ms  {what}"));
    }
}
