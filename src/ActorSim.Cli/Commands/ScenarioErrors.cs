using ActorSim.Simulation.Scenarios;

namespace ActorSim.Cli.Commands;

/// <summary>Prints a rejected scenario's problems, one per line, to standard error.</summary>
internal static class ScenarioErrors
{
    public static void Print(string path, ScenarioException e)
    {
        Console.Error.WriteLine($"{path}: invalid scenario ({e.Errors.Count} problem{(e.Errors.Count == 1 ? "" : "s")}):");
        foreach (var err in e.Errors) Console.Error.WriteLine("  " + err);
    }
}
