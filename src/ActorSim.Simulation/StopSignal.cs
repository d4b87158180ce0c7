namespace ActorSim.Simulation;

/// <summary>
/// Why this process is stopping a run, as run.json's <c>reason</c> and the summary say it: Ctrl-C by default, or the
/// signal the command line received (<c>actorsim</c> sets it before it cancels the run).
/// </summary>
public static class StopSignal
{
    public const string CtrlC = "cancelled by the user (Ctrl-C)";

    private static string? _reason;

    /// <summary>The reason a cancelled run gives.</summary>
    public static string Reason => Volatile.Read(ref _reason) ?? CtrlC;

    /// <summary>The signal's reason, e.g. "stopped by signal SIGTERM"; set before the run's cancellation token is cancelled.</summary>
    public static void Set(string reason) => Volatile.Write(ref _reason, reason);
}
