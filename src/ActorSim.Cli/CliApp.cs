using System.CommandLine;
using ActorSim.Cli.Commands;

namespace ActorSim.Cli;

/// <summary>The <c>actorsim</c> command line: one subcommand per file in Commands/.</summary>
public static class CliApp
{
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
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine(error.Message);
            Console.Error.WriteLine("See 'actorsim --help' or 'actorsim <command> --help'.");
            return ExitCodes.BadInput;
        }
        // Ctrl-C / SIGTERM cancel the command's token; give it time to close outputs or leave the cluster cleanly.
        // Exceptions no command handled are told in one sentence (CliErrors), never as a stack trace.
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(15), EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return CliErrors.Report(e);
        }
    }
}
