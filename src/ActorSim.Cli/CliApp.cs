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
        root.Add(ValidateCommand.Build());
        root.Add(ConvergeCommand.Build());
        root.Add(ForceVelocityCommand.Build());
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var parse = Build().Parse(args);
        return await parse.InvokeAsync();
    }
}
