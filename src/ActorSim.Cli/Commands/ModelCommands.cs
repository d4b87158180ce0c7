using System.CommandLine;
using System.Globalization;
using System.Text;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Cli.Commands;

/// <summary>
/// <c>actorsim models</c>, <c>actorsim describe MODEL</c> and <c>actorsim init MODEL</c>: what the models are, their
/// parameters and a scenario template, all printed from the model definitions (<see cref="ModelCatalog"/>).
/// </summary>
public static class ModelCommands
{
    public static Command Models()
    {
        var command = new Command("models", "List the models a scenario file can name, each with its one-line summary.");
        command.SetAction(_ =>
        {
            Console.Out.Write(ModelsText());
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Describe()
    {
        var modelArg = new Argument<string>("model") { Description = "A model name (see 'actorsim models')." };
        var command = new Command("describe", "Show a model's equations, parameters and initial values: units, defaults, allowed values.") { modelArg };
        command.SetAction(parse =>
        {
            if (Find(parse.GetRequiredValue(modelArg)) is not { } model) return ExitCodes.BadInput;
            Console.Out.Write(DescribeText(model));
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Init()
    {
        var modelArg = new Argument<string>("model") { Description = "A model name (see 'actorsim models')." };
        var command = new Command("init", "Print a scenario template for a model (every value at its default or an example); 'actorsim validate' accepts it. Usage: actorsim init MODEL > my.json") { modelArg };
        command.SetAction(parse =>
        {
            if (Find(parse.GetRequiredValue(modelArg)) is not { } model) return ExitCodes.BadInput;
            Console.Out.Write(ScenarioTemplate.Text(model));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static IModelDefinition? Find(string name)
    {
        if (ModelCatalog.Find(name) is { } model) return model;
        Console.Error.WriteLine($"unknown model \"{name}\"{Spelling.Hint(name, ModelCatalog.All.Select(m => m.Name))}; known models: {ModelCatalog.KnownNames}");
        return null;
    }

    public static string ModelsText()
    {
        int width = ModelCatalog.All.Max(m => m.Name.Length);
        var sb = new StringBuilder();
        foreach (var m in ModelCatalog.All) sb.Append(m.Name.PadRight(width + 2)).Append(m.Summary).Append('\n');
        sb.Append("\n'actorsim describe MODEL' shows a model's parameters, 'actorsim init MODEL > my.json' writes a template.\n");
        return sb.ToString();
    }

    public static string DescribeText(IModelDefinition model)
    {
        var sb = new StringBuilder();
        sb.Append(model.Name).Append(": ").Append(model.Summary).Append("\n\n");
        if (model.Equations.Count > 0)
        {
            sb.Append("Equations:\n");
            foreach (string line in model.Equations) sb.Append("  ").Append(line).Append('\n');
            sb.Append('\n');
        }
        Table(sb, "parameters", model.Parameters);
        Table(sb, "initial", model.Initial);
        sb.Append($"run.blocks: at most {model.MaxBlocks.ToString(CultureInfo.InvariantCulture)}. Scenario keys shared by every model " +
            "(time, run): docs/scenarios.md.\n");
        return sb.ToString();
    }

    /// <summary>The default as a scenario file writes it: a number, a quoted choice, or "required".</summary>
    public static string DefaultText(ValueSpec spec) => spec.Kind switch
    {
        ValueKind.Choice when spec.Required => "required",
        ValueKind.Choice => $"\"{spec.DefaultChoice}\"",
        ValueKind.Text => "none",
        _ when spec.Default is double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => "required",
    };

    private static void Table(StringBuilder sb, string title, IReadOnlyList<ValueSpec> specs)
    {
        if (specs.Count == 0) return;
        sb.Append('"').Append(title).Append("\":\n");
        string[][] rows = [["key", "unit", "default", "allowed", "meaning"],
            .. specs.Select(s => new[] { s.Name, s.Unit, DefaultText(s), s.Allowed, s.Description })];
        int[] widths = Enumerable.Range(0, 4).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
        {
            sb.Append("  ");
            for (int c = 0; c < 4; c++) sb.Append(row[c].PadRight(widths[c] + 2));
            sb.Append(row[4]).Append('\n');
        }
        sb.Append('\n');
    }
}
