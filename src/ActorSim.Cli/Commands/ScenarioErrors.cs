using System.CommandLine;
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

    /// <summary>The environment variable that raises (or lowers) the size limit of scenario files, in bytes.</summary>
    public const string MaxBytesVariable = "ACTORSIM_SCENARIO_MAX_BYTES";

    /// <summary>The default limits, with <see cref="MaxBytesVariable"/> as the file size limit when it is set.</summary>
    internal static ScenarioLimits Limits()
    {
        string? value = Environment.GetEnvironmentVariable(MaxBytesVariable);
        if (string.IsNullOrWhiteSpace(value)) return ScenarioLimits.Default;
        if (long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long bytes) && bytes >= 1)
            return ScenarioLimits.Default with { MaxFileBytes = bytes };
        throw new ScenarioException([new ScenarioError(MaxBytesVariable, "$", $"\"{value}\" is not allowed: the size limit of scenario files must be a whole number of bytes >= 1 (default {ScenarioLimits.DefaultMaxFileBytes})")]);
    }

    /// <summary>The validated scenario at <paramref name="path"/>, or false after printing why it was rejected.</summary>
    public static bool TryLoad(string path, [NotNullWhen(true)] out Scenario? scenario) => TryLoad(path, [], out scenario);

    /// <summary>
    /// The <c>--set KEY=VALUE</c> option of run, validate and sweep (repeatable): a scenario value replaced by its JSON path
    /// before validation.
    /// </summary>
    public static Option<string[]> SetOption(string description = "Override a scenario value by its JSON path before validation, e.g. --set parameters.chi=5.5 --set run.seed=7 (repeatable).") =>
        new("--set") { Description = description, Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };

    /// <summary>The overrides of <paramref name="sets"/> (<c>KEY=VALUE</c>); a malformed one throws a <see cref="ScenarioException"/>.</summary>
    public static IReadOnlyList<ScenarioOverride> Overrides(IEnumerable<string>? sets) => (sets ?? []).Select(ScenarioOverride.Parse).ToList();

    /// <summary>
    /// The validated scenario at <paramref name="path"/> with the <c>--set</c> overrides <paramref name="sets"/> applied,
    /// or false after printing why it was rejected (an error caused by an override names it).
    /// </summary>
    public static bool TryLoad(string path, IEnumerable<string>? sets, [NotNullWhen(true)] out Scenario? scenario)
    {
        try
        {
            scenario = ScenarioLoader.Load(path, Overrides(sets), Limits());
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
