using ActorSim.Cli.Dashboard;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Cli;

/// <summary>
/// What the user is told when a command ends with an exception: one sentence and an exit code, never a stack
/// trace (unless <c>ACTORSIM_DEBUG=1</c>). Bad input (scenario, output directory, a port in use) is
/// <see cref="ExitCodes.BadInput"/>; a full disk, an I/O error or lack of memory during a run is
/// <see cref="ExitCodes.RunFailed"/>.
/// </summary>
internal static class CliErrors
{
    /// <summary>True when <c>ACTORSIM_DEBUG</c> is set (to anything but 0): errors then also print their stack traces.</summary>
    public static bool Debug => Environment.GetEnvironmentVariable("ACTORSIM_DEBUG") is { Length: > 0 } v && v != "0";

    /// <summary>Prints the sentence for <paramref name="e"/> to standard error and returns the exit code.</summary>
    public static int Report(Exception e)
    {
        int code = ExitCode(e);
        Console.Error.WriteLine(Describe(e));
        if (Debug) Console.Error.WriteLine(e);
        return code;
    }

    public static int ExitCode(Exception e) => e switch
    {
        ScenarioException or OutputDirectoryException or DashboardStartException or CheckpointException => ExitCodes.BadInput,
        OperationCanceledException => ExitCodes.Cancelled,
        _ => ExitCodes.RunFailed,
    };

    public static string Describe(Exception e) => e switch
    {
        ScenarioException s => string.Join(Environment.NewLine, s.Errors.Select(x => x.ToString())),
        OutputDirectoryException or DashboardStartException or CheckpointException => e.Message,
        OperationCanceledException => $"actorsim: {Simulation.StopSignal.Reason}, before the command finished",
        _ when Find<OutOfMemoryException>(e) is not null =>
            "actorsim: out of memory: the run needs more memory than this machine has free (see 'actorsim validate' for the estimate)",
        _ when Find<IOException>(e) is { } io => $"actorsim: {IoError(io)}",
        _ => $"actorsim: internal error ({Innermost(e).GetType().Name}): {Innermost(e).Message.ReplaceLineEndings(" ")} (ACTORSIM_DEBUG=1 prints the details)",
    };

    /// <summary>An I/O error in words: a full disk says so and names the file.</summary>
    public static string IoError(IOException e)
    {
        string m = e.Message.ReplaceLineEndings(" ");
        int cut = m.IndexOf(" : '", StringComparison.Ordinal);
        string? file = cut > 0 ? m[(cut + 4)..].TrimEnd('\'', '.') : null;
        // Named as the file it was to become: "x.tmp", or a writer's own "x.<pid>-<n>.tmp" (AtomicFile.TemporaryPath).
        if (file is not null && file.EndsWith(".tmp", StringComparison.Ordinal))
            file = System.Text.RegularExpressions.Regex.Replace(file[..^4], @"\.\d+-\d+$", "");
        if (m.Contains("No space left", StringComparison.OrdinalIgnoreCase) || m.Contains("Disk quota", StringComparison.OrdinalIgnoreCase))
            return file is null ? "the disk is full (no space left on the device)" : $"the disk is full: no space left on the device to write {file}";
        return file is null ? $"I/O error: {m}" : $"I/O error writing or reading {file}: {m[..cut]}";
    }

    /// <summary>"<paramref name="file"/>: <paramref name="message"/>", unless the message already starts with the file.</summary>
    public static string Prefixed(string? file, string message) =>
        file is null || message.StartsWith(file, StringComparison.Ordinal) ? message : $"{file}: {message}";

    public static T? Find<T>(Exception e) where T : Exception
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is T t) return t;
        return null;
    }

    public static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
