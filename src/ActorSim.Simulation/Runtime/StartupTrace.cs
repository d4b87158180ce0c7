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

    /// <summary>When the process started: read once, in the type's initialiser (thread-safe; a DateTime? field set by
    /// the first mark could be read torn by a mark on another thread).</summary>
    private static readonly DateTime ProcessStart = On ? StartTrace() : default;

    private static DateTime StartTrace()
    {
        var start = System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime();
        if (Detailed)
            AppDomain.CurrentDomain.FirstChanceException += (_, e) => Console.Error.WriteLine(FormattableString.Invariant(
                $"[startup] {(DateTime.UtcNow - start).TotalMilliseconds,9:F1} ms  (exception {e.Exception.GetType().Name}: {e.Exception.Message} at {e.Exception.TargetSite?.DeclaringType?.FullName}.{e.Exception.TargetSite?.Name})"));
        return start;
    }

    /// <summary>Prints "[startup] ms what" when the trace is on.</summary>
    public static void Mark(string what) => Write(what, Detailed ? Details.All : Details.None);

    /// <summary>
    /// With <c>ACTORSIM_TRACE_STARTUP=2</c> only, prints "[startup] ms what" without the details: for lines that may come
    /// before <c>actorsim run</c> has decided whether dynamic code is on, which the details would read (and so fix).
    /// </summary>
    public static void Note(string what)
    {
        if (Detailed) Write(what, Details.CpuAndThread);
    }

    private enum Details { None, CpuAndThread, All }

    private static void Write(string what, Details details)
    {
        if (!On || ProcessStart == default) return; // default: a line from an assembly load while the trace starts
        string line = FormattableString.Invariant($"[startup] {(DateTime.UtcNow - ProcessStart).TotalMilliseconds,9:F1} ms  {what}");
        if (details == Details.CpuAndThread)
            line += FormattableString.Invariant($"  (cpu {Environment.CpuUsage.TotalTime.TotalMilliseconds:F0} ms, thread {Environment.CurrentManagedThreadId})");
        else if (details == Details.All)
            line += FormattableString.Invariant($"  (jit {System.Runtime.JitInfo.GetCompiledMethodCount()} methods {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:F1} ms, gc {GC.CollectionCount(0)}, cpu {Environment.CpuUsage.TotalTime.TotalMilliseconds:F0} ms, thread {Environment.CurrentManagedThreadId}, dynamic code {System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported})");
        Console.Error.WriteLine(line);
    }
}
