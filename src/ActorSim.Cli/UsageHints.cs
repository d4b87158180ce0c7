using System.CommandLine;
using System.Text.RegularExpressions;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Cli;

/// <summary>Parse errors as the user sees them, with "did you mean …?" for a misspelt option or command.</summary>
public static partial class UsageHints
{
    [GeneratedRegex("^Unrecognized command or argument '(?<token>.+)'\\.$")]
    private static partial Regex Unrecognized();

    /// <summary>The parse error's message, followed by the closest option or subcommand of the command being parsed.</summary>
    public static string Explain(ParseResult parse, string message)
    {
        var m = Unrecognized().Match(message);
        if (!m.Success) return message;
        string token = m.Groups["token"].Value;
        var command = parse.CommandResult.Command;
        IEnumerable<string> names = token.StartsWith('-')
            ? command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name))
            : command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);
        return Spelling.Closest(token, names) is { } close ? $"{message} Did you mean '{close}'?" : message;
    }
}
