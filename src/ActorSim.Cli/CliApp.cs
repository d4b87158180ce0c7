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

    /// <summary>The subcommands by name, each built only when asked for.</summary>
    private static readonly (string Name, Func<Command> Build)[] Commands =
    [
        ("run", RunCommand.Build),
        ("resume", ResumeCommand.Build),
        ("attach", AttachCommand.Build),
        ("node", NodeCommand.Build),
        ("status", StatusCommand.Build),
        ("dashboard", DashboardCommand.Build),
        ("validate", ValidateCommand.Build),
        ("plot", PlotCommand.Build),
        ("analyze", AnalyzeCommand.Build),
        ("converge", ConvergeCommand.Build),
        ("force-velocity", ForceVelocityCommand.Build),
        ("models", ModelCommands.Models),
        ("describe", ModelCommands.Describe),
        ("init", ModelCommands.Init),
        ("sweep", SweepCommand.Build),
    ];

    /// <summary>The whole command tree.</summary>
    public static RootCommand Build() => Build(null);

    /// <summary>
    /// The command tree for <paramref name="args"/>: when they begin with a subcommand's name, the root holds only that
    /// subcommand (start-up: building all fourteen with their options costs a few milliseconds; its parse, help and
    /// errors are the same, since a subcommand's own help and usage name only itself and its parents); otherwise all
    /// of them (root help, suggestions for a mistyped command).
    /// </summary>
    public static RootCommand Build(string[]? args)
    {
        var root = new RootCommand("ActorSim: actor-based simulator for multiscale kinetic and mean-field models (May–Nowak virus, muscle cross-bridge).");
        string? first = args is [var a, ..] ? a : null;
        bool one = Array.Exists(Commands, c => c.Name == first);
        foreach (var (name, build) in Commands)
            if (!one || name == first) root.Add(build());
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        StartupTrace.Mark("main");
        var parse = Build(args).Parse(args);
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
