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

    private static readonly string? Value = Environment.GetEnvironmentVariable(Variable);
    private static readonly bool On = Value is "1" or "2";
    private static readonly bool Detailed = Value == "2";
    private static DateTime? _processStart;

    /// <summary>Prints "[startup] ms what" when the trace is on.</summary>
    public static void Mark(string what)
    {
        if (!On) return;
        if (_processStart is null)
        {
            _processStart = System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime();
            if (Detailed)
                AppDomain.CurrentDomain.FirstChanceException += (_, e) => Console.Error.WriteLine(FormattableString.Invariant(
                    $"[startup] {(DateTime.UtcNow - _processStart.Value).TotalMilliseconds,9:F1} ms  (exception {e.Exception.GetType().Name}: {e.Exception.Message} at {e.Exception.TargetSite?.DeclaringType?.FullName}.{e.Exception.TargetSite?.Name})"));
        }
        string line = FormattableString.Invariant($"[startup] {(DateTime.UtcNow - _processStart.Value).TotalMilliseconds,9:F1} ms  {what}");
        if (Detailed)
            line += FormattableString.Invariant($"  (jit {System.Runtime.JitInfo.GetCompiledMethodCount()} methods {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:F1} ms, gc {GC.CollectionCount(0)}, cpu {Environment.CpuUsage.TotalTime.TotalMilliseconds:F0} ms, thread {Environment.CurrentManagedThreadId}, dynamic code {System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported})");
        Console.Error.WriteLine(line);
    }
}
