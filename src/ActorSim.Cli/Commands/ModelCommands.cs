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

    /// <summary>
    /// docs/scenario-keys.md: every model's parameters and initial values as Markdown tables, generated from the model
    /// definitions (the same data as <c>describe</c>); a test keeps the shipped page equal to this text.
    /// </summary>
    public static string KeysMarkdown()
    {
        static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
        var sb = new StringBuilder();
        sb.Append("# Scenario keys by model (generated)\n\n");
        sb.Append("Generated from the model definitions — the same tables as `actorsim describe MODEL` — and kept equal to them by\n");
        sb.Append("a test (`ModelCommandsTests`; regenerate with `ACTORSIM_WRITE_DOCS=1`). The narrative reference, with the keys\n");
        sb.Append("shared by every model (`time`, `run`), is [scenarios.md](scenarios.md); the equations are on [models.md](models.md).\n");
        foreach (var model in ModelCatalog.All)
        {
            sb.Append("\n## `").Append(model.Name).Append("`\n\n")
              .Append(Wrap($"{model.Summary}. `run.blocks`: at most {model.MaxBlocks.ToString(CultureInfo.InvariantCulture)}.", 118)).Append('\n');
            foreach (var (title, specs) in new[] { ("parameters", model.Parameters), ("initial", model.Initial) })
            {
                if (specs.Count == 0) continue;
                sb.Append("\n`").Append(title).Append("`:\n\n| key | unit | default | allowed | meaning |\n|---|---|---|---|---|\n");
                foreach (var spec in specs)
                    sb.Append("| `").Append(spec.Name).Append("` | ").Append(Cell(spec.Unit)).Append(" | ").Append(Cell(DefaultText(spec)))
                      .Append(" | ").Append(Cell(spec.Allowed)).Append(" | ").Append(Cell(spec.Description)).Append(" |\n");
            }
        }
        return sb.ToString();
    }

    /// <summary>Breaks <paramref name="text"/> into lines of at most <paramref name="width"/> characters at spaces.</summary>
    private static string Wrap(string text, int width)
    {
        var sb = new StringBuilder();
        int line = 0;
        foreach (string word in text.Split(' '))
        {
            if (line > 0 && line + 1 + word.Length > width) { sb.Append('\n'); line = 0; }
            else if (line > 0) { sb.Append(' '); line++; }
            sb.Append(word);
            line += word.Length;
        }
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
