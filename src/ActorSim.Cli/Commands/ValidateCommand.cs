using System.CommandLine;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Cli.Commands;

/// <summary><c>actorsim validate &lt;scenario&gt;</c>: checks a scenario file without running it.</summary>
public static class ValidateCommand
{
    public static Command Build()
    {
        var scenarioArg = new Argument<string>("scenario") { Description = "Path of the scenario JSON file." };
        var command = new Command("validate", "Check a scenario file (every field, its type and allowed values) without running it.") { scenarioArg };
        command.SetAction(parse =>
        {
            string path = parse.GetRequiredValue(scenarioArg);
            if (!ScenarioErrors.TryLoad(path, out var s)) return ExitCodes.BadInput;
            var model = ModelCatalog.Find(s.Model)!;
            Console.Out.WriteLine($"{path}: valid — model {s.Model} ({model.Summary}); " +
                $"end time {s.Time.End}, {s.Time.OutputTimes().Count} output rows, blocks {s.Run.Blocks}, seed {s.Run.Seed}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
