using ActorSim.Simulation.Models;
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
public static class EarlyActorSystem
{
    /// <summary>The logger factory and the system being started for the command.</summary>
    public sealed record Started(ILoggerFactory Logs, ActorSystemPrestart Prestart);

    private static Started? _started;

    /// <summary>The runtime feature switch that makes compiled regular expressions and expression trees interpreted.</summary>
    public const string DynamicCodeSwitch = "System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported";

    /// <summary>
    /// Begins when <paramref name="args"/> ask for an in-process <c>run</c>. Such a run of a model that compiles no
    /// expression trees also turns dynamic code off (<see cref="DynamicCodeSwitch"/>, before anything reads it; see
    /// <see cref="DynamicCodeCanBeOff"/>): Akka.NET's start builds regular expressions with <c>RegexOptions.Compiled</c>
    /// (HOCON durations), whose IL is emitted and then JIT-compiled fully optimised, about 0.04 s of CPU for a few
    /// matches; interpreted they give the same matches.
    /// </summary>
    public static void BeginIfInProcessRun(string[] args)
    {
        if (!WantsInProcessSystem(args)) return;
        if (DynamicCodeCanBeOff(args)) AppContext.SetSwitch(DynamicCodeSwitch, false);
        var logs = StderrLoggerProvider.CreateFactory();
        _started = new Started(logs, new ActorSystemPrestart(logs));
        StartupTrace.Mark("actor system start begun");
    }

    /// <summary>Whether <paramref name="args"/> ask for <c>run</c> in this process (no cluster, no help).</summary>
    public static bool WantsInProcessSystem(string[] args)
    {
        if (args is not ["run", ..]) return false;
        foreach (string a in args)
            if (a is "--cluster" or "-h" or "--help" or "-?" or "/?" or "/h" or "--version" || a.StartsWith("--cluster=", StringComparison.Ordinal)
                || a.StartsWith("--cluster:", StringComparison.Ordinal) || a.StartsWith('@')) // @file: a response file may hold any of these
                return false;
        return true;
    }

    /// <summary>
    /// Whether this <c>run</c> may go without dynamic code: the documented form <c>run SCENARIO …</c>, whose file names
    /// (top-level <c>"model"</c>) a model that compiles no expression trees (its definition says so:
    /// <see cref="IModelDefinition.NeedsDynamicCode"/>, read through <see cref="ModelCatalog.NeedsDynamicCode"/>), without
    /// <c>--set</c> (which could change what the run compiles) or <c>--dashboard</c> (the web server's request handlers
    /// are compiled expression trees). Anything else, or anything unreadable, keeps dynamic code on: the command reports
    /// bad input itself.
    /// </summary>
    public static bool DynamicCodeCanBeOff(string[] args)
    {
        if (args.Length < 2 || args[1].StartsWith('-')
            || args.Any(a => a.StartsWith("--dashboard", StringComparison.Ordinal) || a.StartsWith("--set", StringComparison.Ordinal)))
            return false;
        try
        {
            var file = new FileInfo(args[1]);
            if (!file.Exists || file.Length > 1 << 20) return false;
            var reader = new System.Text.Json.Utf8JsonReader(File.ReadAllBytes(file.FullName),
                new System.Text.Json.JsonReaderOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (!reader.Read() || reader.TokenType != System.Text.Json.JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
            {
                bool model = reader.ValueTextEquals("model"u8);
                if (!reader.Read()) return false;
                if (model) return reader.TokenType == System.Text.Json.JsonTokenType.String && ModelCatalog.NeedsDynamicCode(reader.GetString()!) == false;
                reader.Skip();
            }
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or ArgumentException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>What was started for this command, once (null when nothing was, or it was already taken).</summary>
    public static Started? Take() => Interlocked.Exchange(ref _started, null);
}
