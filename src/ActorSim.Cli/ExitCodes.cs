namespace ActorSim.Cli;

/// <summary>Process exit codes of <c>actorsim</c>.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The run started but failed (an actor failed, the integrator gave up).</summary>
    public const int RunFailed = 1;
    /// <summary>Bad input: an invalid scenario, a refused output directory, wrong command-line usage.</summary>
    public const int BadInput = 2;
    /// <summary>Stopped by the user (Ctrl-C); outputs written so far are kept.</summary>
    public const int Cancelled = 130;
    /// <summary>Stopped by SIGTERM (128 + 15); outputs written so far are kept, run.json says "stopped by signal SIGTERM".</summary>
    public const int Terminated = 143;
}
