using System.Diagnostics.CodeAnalysis;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Cli.Commands;

/// <summary>Loads a scenario for a command, printing a rejected scenario's problems, one per line, to standard error.</summary>
internal static class ScenarioErrors
{
    public static void Print(string path, ScenarioException e)
    {
        Console.Error.WriteLine($"{path}: invalid scenario ({e.Errors.Count} problem{(e.Errors.Count == 1 ? "" : "s")}):");
        const int shown = 20;
        foreach (var err in e.Errors.Take(shown)) Console.Error.WriteLine("  " + err);
        if (e.Errors.Count > shown) Console.Error.WriteLine($"  ... and {e.Errors.Count - shown} more");
    }

    /// <summary>The validated scenario at <paramref name="path"/>, or false after printing why it was rejected.</summary>
    public static bool TryLoad(string path, [NotNullWhen(true)] out Scenario? scenario)
    {
        try
        {
            scenario = ScenarioLoader.Load(path);
            return true;
        }
        catch (ScenarioException e)
        {
            Print(path, e);
            scenario = null;
            return false;
        }
    }
}
