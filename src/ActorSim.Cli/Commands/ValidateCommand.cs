using System.CommandLine;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Cli.Commands;

/// <summary>
/// <c>actorsim validate &lt;scenario&gt;</c>: checks a scenario file without running it, including whether a run
/// fits this machine (estimated memory, output disk under <c>--out</c>, steps; see <see cref="SizeCheck"/>).
/// </summary>
public static class ValidateCommand
{
    public static Command Build()
    {
        var scenarioArg = new Argument<string>("scenario") { Description = "Path of the scenario JSON file." };
        var outOption = new Option<string>("--out", "-o") { Description = "Output directory the run would write (its free disk is checked; default: the current directory).", DefaultValueFactory = _ => "." };
        var forceSize = SizeCheck.ForceOption();
        var setOption = ScenarioErrors.SetOption();
        var command = new Command("validate", "Check a scenario file (every field, its type and allowed values, and whether it fits this machine) without running it.") { scenarioArg, outOption, forceSize, setOption };
        command.SetAction(parse =>
        {
            string path = parse.GetRequiredValue(scenarioArg);
            if (!ScenarioErrors.TryLoad(path, parse.GetValue(setOption), out var s)) return ExitCodes.BadInput;
            if (!SizeCheck.Fits(s, parse.GetValue(outOption) ?? ".", parse.GetValue(forceSize), out var estimate)) return ExitCodes.BadInput;
            var model = ModelCatalog.Find(s.Model)!;
            Console.Out.WriteLine($"{path}: valid — model {s.Model} ({model.Summary}); " +
                $"end time {s.Time.End}, {s.Time.OutputTimes().Count} output rows, blocks {s.Run.Blocks}, seed {s.Run.Seed}");
            Console.Out.WriteLine($"{path}: estimated {estimate}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
