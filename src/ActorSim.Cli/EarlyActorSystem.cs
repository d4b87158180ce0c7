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
        if (args.Length < 2 || args[1].StartsWith('-')) return false;
        foreach (string a in args)
            if (a.StartsWith("--dashboard", StringComparison.Ordinal) || a.StartsWith("--set", StringComparison.Ordinal)) return false;
        try
        {
            var file = new FileInfo(args[1]);
            if (!file.Exists || file.Length > 1 << 20) return false;
            return TopLevelModel(File.ReadAllBytes(file.FullName)) is { } model && ModelCatalog.NeedsDynamicCode(model) == false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>
    /// The string value of the top-level key <c>"model"</c> of the JSON object in <paramref name="json"/> (comments
    /// allowed, as the scenario loader allows them), or null: not an object, no such key, not a plain string, a key or
    /// value with escapes, or anything this small scanner does not follow. Start-up: this runs before the actor system's
    /// start begins, and System.Text.Json's first use (loading it, its vectorised searches JIT-compiled) cost ~10 ms of
    /// CPU there; the scenario loader, which checks the file for real, uses it later beside the system's start.
    /// </summary>
    public static string? TopLevelModel(ReadOnlySpan<byte> json)
    {
        int depth = 0, i = json is [0xEF, 0xBB, 0xBF, ..] ? 3 : 0; // a UTF-8 byte order mark
        bool atKey = false, modelNext = false;
        while (i < json.Length)
        {
            byte c = json[i];
            if (c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r') { i++; continue; }
            if (c == '/' && i + 1 < json.Length && json[i + 1] == '/')
            {
                while (i < json.Length && json[i] != '\n') i++;
                continue;
            }
            if (c == '/' && i + 1 < json.Length && json[i + 1] == '*')
            {
                int close = json[(i + 2)..].IndexOf("*/"u8);
                if (close < 0) return null;
                i += close + 4;
                continue;
            }
            if (depth == 0 && c != '{') return null; // only the top-level object is read: it must come first
            switch (c)
            {
                case (byte)'{' or (byte)'[':
                    if (modelNext) return null;
                    depth++;
                    atKey = depth == 1;
                    i++;
                    break;
                case (byte)'}' or (byte)']':
                    if (--depth == 0) return null; // the top-level object ended without the key
                    i++;
                    break;
                case (byte)',':
                    if (depth == 1) atKey = true;
                    i++;
                    break;
                case (byte)':':
                    i++;
                    break;
                case (byte)'"':
                    int end = i + 1;
                    bool escaped = false;
                    while (end < json.Length && json[end] != '"')
                    {
                        if (json[end] == '\\') { escaped = true; end++; }
                        end++;
                    }
                    if (end >= json.Length) return null;
                    var text = json[(i + 1)..end];
                    if (depth == 1 && atKey)
                    {
                        if (escaped) return null; // a key spelt with escapes could be "model": leave it to the loader
                        atKey = false;
                        modelNext = text.Length == 5 && text[0] == 'm' && text[1] == 'o' && text[2] == 'd' && text[3] == 'e' && text[4] == 'l';
                    }
                    else if (depth == 1 && modelNext)
                        return escaped ? null : System.Text.Encoding.UTF8.GetString(text);
                    i = end + 1;
                    break;
                default: // a number, true, false or null
                    if (modelNext) return null;
                    i++;
                    while (i < json.Length && json[i] is not ((byte)',' or (byte)'}' or (byte)']' or (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'/')) i++;
                    break;
            }
        }
        return null;
    }

    /// <summary>What was started for this command, once (null when nothing was, or it was already taken).</summary>
    public static Started? Take() => Interlocked.Exchange(ref _started, null);
}
