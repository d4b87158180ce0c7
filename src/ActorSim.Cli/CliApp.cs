using System.CommandLine;
using System.Runtime.InteropServices;
using ActorSim.Cli.Commands;
using ActorSim.Simulation;
using ActorSim.Simulation.Runtime;

namespace ActorSim.Cli;

/// <summary>The <c>actorsim</c> command line: one subcommand per file in Commands/.</summary>
public static class CliApp
{
    /// <summary>How long a command may take to close its outputs after Ctrl-C or SIGTERM before the process exits anyway.</summary>
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    public static RootCommand Build()
    {
        var root = new RootCommand("ActorSim: actor-based simulator for multiscale kinetic and mean-field models (May–Nowak virus, muscle cross-bridge).");
        root.Add(RunCommand.Build());
        root.Add(ResumeCommand.Build());
        root.Add(NodeCommand.Build());
        root.Add(StatusCommand.Build());
        root.Add(DashboardCommand.Build());
        root.Add(ValidateCommand.Build());
        root.Add(PlotCommand.Build());
        root.Add(AnalyzeCommand.Build());
        root.Add(ConvergeCommand.Build());
        root.Add(ForceVelocityCommand.Build());
        root.Add(ModelCommands.Models());
        root.Add(ModelCommands.Describe());
        root.Add(ModelCommands.Init());
        root.Add(SweepCommand.Build());
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        StartupTrace.Mark("main");
        var parse = Build().Parse(args);
        StartupTrace.Mark("command line parsed");
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine(UsageHints.Explain(parse, error.Message));
            Console.Error.WriteLine("See 'actorsim --help' or 'actorsim <command> --help'.");
            return ExitCodes.BadInput;
        }
        // Ctrl-C / SIGTERM cancel the command's token (the run says which one stopped it); the command then has
        // StopTimeout to close its outputs or leave the cluster cleanly. A second signal ends the process at once.
        using var stop = new CancellationTokenSource();
        string? signal = null;
        void OnSignal(PosixSignalContext context)
        {
            if (Interlocked.CompareExchange(ref signal, context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT", null) is not null) return;
            context.Cancel = true;
            StopSignal.Set(context.Signal == PosixSignal.SIGTERM ? "stopped by signal SIGTERM" : StopSignal.CtrlC);
            int code = context.Signal == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Cancelled;
            _ = Task.Delay(StopTimeout).ContinueWith(_ => Environment.Exit(code), TaskScheduler.Default);
            stop.Cancel();
        }
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        // Exceptions no command handled are told in one sentence (CliErrors), never as a stack trace.
        int exit;
        try
        {
            exit = await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }, stop.Token);
        }
        catch (Exception e)
        {
            exit = CliErrors.Report(e);
        }
        StartupTrace.Mark("command done");
        return exit == ExitCodes.Cancelled && Volatile.Read(ref signal) == "SIGTERM" ? ExitCodes.Terminated : exit;
    }
}
