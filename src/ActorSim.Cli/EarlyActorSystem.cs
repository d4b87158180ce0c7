using ActorSim.Simulation.Runtime;
using Microsoft.Extensions.Logging;

namespace ActorSim.Cli;

/// <summary>
/// Start-up (issue 14): <c>actorsim run</c> in process begins starting its actor system (and its stderr logger factory)
/// first thing in <c>Main</c>, before the command line is built and parsed, instead of at the
/// start of the command's action: the system's start (0.1–0.15 s) is the longest wait before a small run begins. Only
/// when the arguments name that command, without <c>--cluster</c> or a help/version request; the command takes both
/// over (<see cref="Take"/>) or, when it never runs (a bad command line), the process ends without waiting for the
/// half-started system (its threads are background threads).
/// </summary>
internal static class EarlyActorSystem
{
    /// <summary>The logger factory and the system being started for the command.</summary>
    internal sealed record Started(ILoggerFactory Logs, ActorSystemPrestart Prestart);

    private static Started? _started;

    /// <summary>The runtime feature switch that makes compiled regular expressions and expression trees interpreted.</summary>
    internal const string DynamicCodeSwitch = "System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported";

    /// <summary>
    /// Begins when <paramref name="args"/> ask for an in-process <c>run</c>. Such a run also turns dynamic code off
    /// (<see cref="DynamicCodeSwitch"/>, before anything reads it): Akka.NET's start builds regular expressions with
    /// <c>RegexOptions.Compiled</c> (HOCON durations), whose IL is emitted and then JIT-compiled fully optimised, about
    /// 0.05 s of CPU for a match or two; interpreted they give the same matches. Not with <c>--dashboard</c> (the web
    /// server's request handlers are compiled expression trees) and never for cluster commands (Hyperion, the
    /// serializer between nodes, compiles its serializers).
    /// </summary>
    public static void BeginIfInProcessRun(string[] args)
    {
        if (!WantsInProcessSystem(args)) return;
        if (!args.Contains("--dashboard")) AppContext.SetSwitch(DynamicCodeSwitch, false);
        var logs = StderrLoggerProvider.CreateFactory();
        _started = new Started(logs, new ActorSystemPrestart(logs));
        StartupTrace.Mark("actor system start begun");
    }

    /// <summary>Whether <paramref name="args"/> ask for <c>run</c> in this process (no cluster, no help).</summary>
    internal static bool WantsInProcessSystem(string[] args)
    {
        if (args is not ["run", ..]) return false;
        foreach (string a in args)
            if (a is "--cluster" or "-h" or "--help" or "-?" or "/?" or "/h" or "--version" || a.StartsWith("--cluster=", StringComparison.Ordinal)
                || a.StartsWith("--cluster:", StringComparison.Ordinal) || a.StartsWith('@')) // @file: a response file may hold any of these
                return false;
        return true;
    }

    /// <summary>What was started for this command, once (null when nothing was, or it was already taken).</summary>
    public static Started? Take() => Interlocked.Exchange(ref _started, null);
}
