using ActorSim.Simulation.Models;

namespace ActorSim.Cli.Tests;

/// <summary><c>actorsim models</c>, <c>describe</c> and <c>init</c>, run as processes: printed from the model definitions.</summary>
public class ModelCommandsTests
{
    public static TheoryData<string> ModelNames() => new(ModelCatalog.All.Select(m => m.Name));

    [Fact]
    public void The_generated_scenario_key_reference_equals_the_model_definitions()
    {
        string path = Path.Combine(RepoRoot.Path, "docs", "scenario-keys.md");
        string expected = Commands.ModelCommands.KeysMarkdown();
        if (Environment.GetEnvironmentVariable("ACTORSIM_WRITE_DOCS") == "1") File.WriteAllText(path, expected);
        Assert.True(File.Exists(path), "docs/scenario-keys.md is missing: run this test with ACTORSIM_WRITE_DOCS=1");
        Assert.True(File.ReadAllText(path) == expected,
            "docs/scenario-keys.md differs from the model definitions: run this test with ACTORSIM_WRITE_DOCS=1 and commit the page");
        foreach (var m in ModelCatalog.All)
            foreach (var spec in m.Parameters.Concat(m.Initial)) Assert.Contains($"| `{spec.Name}` |", expected);
    }

    [Fact]
    public void Models_lists_every_model_with_its_summary()
    {
        var r = ActorsimProcess.Run(RepoRoot.Path, "models");
        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (var m in ModelCatalog.All)
            Assert.Contains(r.StdOut.Split('\n'), line => line.StartsWith(m.Name + " ") && line.EndsWith(m.Summary));
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Describe_shows_every_parameter_with_unit_default_and_allowed_values(string name)
    {
        var model = ModelCatalog.Find(name)!;
        var r = ActorsimProcess.Run(RepoRoot.Path, "describe", name);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith($"{name}: {model.Summary}", r.StdOut);
        var lines = r.StdOut.Split('\n');
        foreach (var spec in model.Parameters.Concat(model.Initial))
            Assert.Contains(lines, l => l.StartsWith($"  {spec.Name} ") && l.Contains(spec.Unit) && l.Contains(spec.Allowed)
                && l.Contains(Commands.ModelCommands.DefaultText(spec)) && l.EndsWith(spec.Description));
        Assert.NotEmpty(model.Equations);
        foreach (string eq in model.Equations) Assert.Contains("  " + eq + "\n", r.StdOut);
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Init_prints_a_template_that_validate_accepts(string name)
    {
        using var dir = new ScratchDir();
        var init = ActorsimProcess.Run(dir.Path, "init", name);
        Assert.True(init.ExitCode == 0, init.ToString());
        Assert.Equal("", init.StdErr);
        File.WriteAllText(Path.Combine(dir.Path, "t.json"), init.StdOut);
        var validate = ActorsimProcess.Run(dir.Path, "validate", "t.json");
        Assert.True(validate.ExitCode == 0, init.StdOut + validate);
        Assert.Contains($"valid — model {name}", validate.StdOut);
    }

    [Theory]
    [InlineData("describe")]
    [InlineData("init")]
    public void An_unknown_model_is_a_user_error_with_a_suggestion(string command)
    {
        var r = ActorsimProcess.Run(RepoRoot.Path, command, "may-nowk");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.StdOut);
        Assert.StartsWith("unknown model \"may-nowk\" (did you mean \"may-nowak-ode\"?); known models: may-nowak-ode,", r.StdErr);
    }
}

/// <summary>docs/models.md lists every model's equations exactly as the model definitions (and `describe`) give them.</summary>
public class ModelEquationsPageTests
{
    [Fact]
    public void The_models_page_holds_every_model_s_equations()
    {
        string page = File.ReadAllText(Path.Combine(RepoRoot.Path, "docs", "models.md"));
        foreach (var model in ModelCatalog.All)
        {
            string section = $"### `{model.Name}`\n\n" + string.Concat(model.Equations.Select(e => $"    {e}\n"));
            Assert.True(page.Contains(section), $"docs/models.md lacks, or differs from, the equations of {model.Name}:\n{section}");
        }
    }
}
