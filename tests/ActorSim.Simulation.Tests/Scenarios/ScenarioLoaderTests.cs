using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Tests.Scenarios;

public class ScenarioLoaderTests
{
    private const string Valid = """
        {
          "model": "may-nowak-ode",
          "parameters": { "d1": 0.1, "d2": 0.5, "d3": 5.0, "beta": 0.002, "k": 100.0, "r": 10.0 },
          "initial": { "u": 100.0, "v": 0.0, "w": 1.0 },
          "time": { "end": 50.0, "output_interval": 0.5 },
          "run": { "blocks": 1, "seed": 3 }
        }
        """;

    private static ScenarioError Single(string text)
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(text, "s.json"));
        return Assert.Single(e.Errors);
    }

    [Fact]
    public void A_valid_scenario_is_read_with_defaults()
    {
        var s = ScenarioLoader.Parse(Valid.Replace("\"output_interval\": 0.5", "\"dt\": 0.01"), "s.json");
        Assert.Equal("may-nowak-ode", s.Model);
        Assert.Equal(0.002, s.P("beta"));
        Assert.Equal(1.0, s.Init("w"));
        Assert.Equal(50.0, s.Time.End);
        Assert.Equal(0.5, s.Time.OutputInterval);   // end / 100
        Assert.Equal(0.01, s.Time.Dt);
        Assert.Equal(TimeSettings.DefaultRelTol, s.Time.RelTol);
        Assert.Equal(3UL, s.Run.Seed);
        Assert.Equal(1, s.Run.Blocks);
    }

    [Fact]
    public void Output_times_are_multiples_of_the_interval_and_end_with_end()
    {
        var t = new TimeSettings(1.0, 0.3, null, 1e-8, 1e-10).OutputTimes();
        Assert.Equal([0.0, 0.3, 0.6, 0.3 * 3, 1.0], t);
        Assert.Equal(101, new TimeSettings(1.0, 0.01, null, 1e-8, 1e-10).OutputTimes().Count);
    }

    [Fact]
    public void Invalid_json_names_line_and_position()
    {
        var e = Single("{ \"model\": \"may-nowak-ode\",\n  \"parameters\": { ,} }");
        Assert.Equal("$", e.JsonPath);
        Assert.Contains("not valid JSON (line 2", e.Message);
        Assert.StartsWith("s.json: $: not valid JSON", e.ToString());
    }

    [Fact]
    public void A_non_object_document_is_rejected() =>
        Assert.Contains("must be a JSON object, got an array", Single("[1, 2]").Message);

    [Fact]
    public void Unknown_top_level_key_is_rejected_with_the_allowed_keys()
    {
        var e = Single(Valid.Replace("\"model\"", "\"modle\": 1, \"model\""));
        Assert.Equal("$.modle", e.JsonPath);
        Assert.Contains("unknown key (did you mean \"model\"?); allowed here: $schema, model, description, parameters, initial, time, run", e.Message);
    }

    [Fact]
    public void Unknown_parameter_is_rejected_with_the_model_s_parameter_names()
    {
        var e = Single(Valid.Replace("\"r\": 10.0", "\"r\": 10.0, \"gamma\": 1"));
        Assert.Equal("$.parameters.gamma", e.JsonPath);
        Assert.Contains("unknown parameter; allowed: d1, d2, d3, beta, k, r", e.Message);
    }

    [Fact]
    public void Unknown_time_key_is_rejected_with_the_closest_key()
    {
        var e = Single(Valid.Replace("\"output_interval\"", "\"output_intervall\""));
        Assert.Equal("$.time.output_intervall", e.JsonPath);
        Assert.StartsWith("unknown key (did you mean \"output_interval\"?)", e.Message);
    }

    [Fact]
    public void A_misspelt_parameter_gets_a_suggestion_and_a_far_one_none()
    {
        Assert.StartsWith("unknown parameter (did you mean \"beta\"?)", Single(Valid.Replace("\"r\": 10.0", "\"r\": 10.0, \"betta\": 1")).Message);
        Assert.StartsWith("unknown parameter; allowed", Single(Valid.Replace("\"r\": 10.0", "\"r\": 10.0, \"gamma\": 1")).Message);
    }

    [Fact]
    public void A_schema_reference_is_accepted_and_must_be_a_string()
    {
        ScenarioLoader.Parse(Valid.Replace("\"model\"", "\"$schema\": \"../schemas/may-nowak-ode.schema.json\", \"model\""), "s.json");
        var e = Single(Valid.Replace("\"model\"", "\"$schema\": 3, \"model\""));
        Assert.Equal("$.$schema", e.JsonPath);
        Assert.StartsWith("must be a string", e.Message);
    }

    [Fact]
    public void Missing_required_keys_are_each_reported()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse("""{ "model": "may-nowak-ode", "parameters": { "d1": 0.1 }, "initial": {} }""", "s.json"));
        var paths = e.Errors.Select(x => x.JsonPath).ToList();
        Assert.Contains("$.time", paths);
        Assert.Contains("$.parameters.beta", paths);
        Assert.Contains("$.initial.u", paths);
        Assert.All(e.Errors.Where(x => x.JsonPath != "$.time"), x => Assert.Contains("required key is missing (a number)", x.Message));
        Assert.Contains(e.Errors, x => x.JsonPath == "$.time" && x.Message == "required key is missing (an object)");
    }

    [Fact]
    public void Missing_end_time_is_reported() =>
        Assert.Equal("$.time.end", Single(Valid.Replace("\"end\": 50.0,", "")).JsonPath);

    [Fact]
    public void Unknown_model_lists_the_known_ones()
    {
        var e = Single(Valid.Replace("\"may-nowak-ode\"", "\"may-nowak\""));
        Assert.Equal("$.model", e.JsonPath);
        Assert.Contains("unknown model \"may-nowak\" (did you mean \"may-nowak-ode\"?); known models: may-nowak-ode", e.Message);
    }

    [Theory]
    [InlineData("\"0.1\"", "must be a number, got the string \"0.1\"")]
    [InlineData("true", "must be a number, got the boolean true")]
    [InlineData("null", "must be a number, got null")]
    [InlineData("[0.1]", "must be a number, got an array")]
    public void Wrong_types_are_named(string value, string expected)
    {
        var e = Single(Valid.Replace("\"d2\": 0.5", $"\"d2\": {value}"));
        Assert.Equal("$.parameters.d2", e.JsonPath);
        Assert.Equal(expected, e.Message);
    }

    [Fact]
    public void NaN_is_rejected() =>
        Assert.Equal("\"NaN\" is not allowed: must be a finite number", Single(Valid.Replace("\"beta\": 0.002", "\"beta\": \"NaN\"")).Message);

    [Fact]
    public void An_overflowing_number_is_rejected() =>
        Assert.Contains("1e400 is not a finite number", Single(Valid.Replace("\"k\": 100.0", "\"k\": 1e400")).Message);

    [Fact]
    public void A_negative_rate_is_rejected_with_its_meaning_and_unit()
    {
        var e = Single(Valid.Replace("\"beta\": 0.002", "\"beta\": -0.1"));
        Assert.Equal("$.parameters.beta", e.JsonPath);
        Assert.Equal("-0.1 is not allowed: beta (infection rate constant (u is infected at rate beta·u·w), unit 1/(T·[w])) is a rate and must be >= 0", e.Message);
    }

    [Fact]
    public void A_zero_death_rate_is_rejected() =>
        Assert.EndsWith("must be > 0", Single(Valid.Replace("\"d3\": 5.0", "\"d3\": 0")).Message);

    [Fact]
    public void A_negative_initial_density_is_rejected() =>
        Assert.Equal("$.initial.v", Single(Valid.Replace("\"v\": 0.0", "\"v\": -1")).JsonPath);

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public void End_time_must_be_positive(string end)
    {
        var e = Single(Valid.Replace("\"end\": 50.0", $"\"end\": {end}"));
        Assert.Equal("$.time.end", e.JsonPath);
        Assert.Equal($"{end} is not allowed: the end time must be > 0", e.Message);
    }

    [Fact]
    public void Output_interval_longer_than_the_run_is_rejected() =>
        Assert.Contains("must be <= time.end (50)", Single(Valid.Replace("\"output_interval\": 0.5", "\"output_interval\": 60")).Message);

    [Theory]
    [InlineData("\"rtol\": 0", "$.time.rtol")]
    [InlineData("\"rtol\": 1.5", "$.time.rtol")]
    [InlineData("\"atol\": -1e-9", "$.time.atol")]
    [InlineData("\"dt\": 0", "$.time.dt")]
    public void Tolerances_and_step_are_checked(string entry, string path) =>
        Assert.Equal(path, Single(Valid.Replace("\"end\": 50.0", $"\"end\": 50.0, {entry}")).JsonPath);

    [Theory]
    [InlineData("\"blocks\": 0", "0 is not allowed: must be a whole number from 1 to 1000000")]
    [InlineData("\"blocks\": 2.5", "2.5 is not allowed: must be a whole number from 1 to 1000000")]
    [InlineData("\"blocks\": 4", "4 is not allowed: model may-nowak-ode has no microscopic state to split, so blocks must be <= 1")]
    [InlineData("\"seed\": -1", "-1 is not allowed: must be a whole number from 0 to 9223372036854775807")]
    [InlineData("\"seeds\": 1", "unknown key (did you mean \"seed\"?); allowed here: blocks, seed, checkpoint")]
    public void Run_settings_are_checked(string entry, string expected) =>
        Assert.Equal(expected, Single(Valid.Replace("\"blocks\": 1, \"seed\": 3", entry)).Message);

    [Fact]
    public void All_problems_are_reported_together()
    {
        var text = Valid.Replace("\"beta\": 0.002", "\"beta\": -1").Replace("\"end\": 50.0", "\"end\": 0").Replace("\"u\": 100.0", "\"u\": \"many\"");
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(text, "s.json"));
        Assert.Equal(["$.parameters.beta", "$.initial.u", "$.time.end"], e.Errors.Select(x => x.JsonPath));
    }

    [Fact]
    public void A_missing_file_is_reported_with_its_path()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("/nonexistent/x.json"));
        Assert.StartsWith("/nonexistent/x.json: $: no such file", e.Errors[0].ToString());
    }

    [Fact]
    public void Shipped_scenarios_are_valid()
    {
        string dir = Path.Combine(RepoRoot.Path, "scenarios");
        var files = Directory.GetFiles(dir, "*.json");
        Assert.NotEmpty(files);
        foreach (var f in files) ScenarioLoader.Load(f);
    }
}

public class ScenarioChoiceAndCountTests
{
    private sealed class GridModel : ActorSim.Simulation.Models.IModelDefinition
    {
        public string Name => "grid-toy";
        public string Summary => "test model";
        public IReadOnlyList<ActorSim.Simulation.Models.ValueSpec> Parameters { get; } =
        [
            new("nx", "cells", "cells along x", ActorSim.Simulation.Models.ValueKind.Count),
            ActorSim.Simulation.Models.ValueSpec.OneOf("boundary", "boundary condition", ["neumann", "periodic"]),
        ];
        public IReadOnlyList<ActorSim.Simulation.Models.ValueSpec> Initial { get; } = [];
        public int MaxBlocks => 64;
        public void CheckConsistency(Scenario scenario, Action<string, string> error)
        {
            if (scenario.Run.Blocks > scenario.Count("nx")) error("$.run.blocks", $"{scenario.Run.Blocks} blocks need at least as many cells (nx = {scenario.Count("nx")})");
        }
        public ActorSim.Simulation.Models.IRunnableModel Create(Scenario scenario) => throw new NotSupportedException();
    }

    private static Scenario Parse(string parameters, string run = "") => ScenarioLoader.Parse(
        $$"""{ "model": "grid-toy", "parameters": { {{parameters}} }, "initial": {}, "time": { "end": 1 } {{run}} }""", "g.json", [new GridModel()]);

    private static ScenarioError Single(string parameters, string run = "") =>
        Assert.Single(Assert.Throws<ScenarioException>(() => Parse(parameters, run)).Errors);

    [Fact]
    public void Choices_default_to_the_first_and_accept_listed_values()
    {
        Assert.Equal("neumann", Parse("\"nx\": 8").Choice("boundary"));
        Assert.Equal("periodic", Parse("\"nx\": 8, \"boundary\": \"periodic\"").Choice("boundary"));
        Assert.Equal(8, Parse("\"nx\": 8").Count("nx"));
    }

    [Fact]
    public void An_unlisted_choice_is_rejected_with_the_allowed_values() =>
        Assert.Equal("\"dirichlet\" is not allowed: boundary (boundary condition) must be one of \"neumann\", \"periodic\"",
            Single("\"nx\": 8, \"boundary\": \"dirichlet\"").Message);

    [Fact]
    public void A_choice_must_be_a_string() =>
        Assert.Contains("must be a string (one of \"neumann\", \"periodic\"), got the number 1", Single("\"nx\": 8, \"boundary\": 1").Message);

    [Theory]
    [InlineData("0")]
    [InlineData("2.5")]
    public void Counts_are_whole_numbers_from_one(string nx) =>
        Assert.EndsWith("must be a whole number from 1 to 2147483647", Single($"\"nx\": {nx}").Message);

    [Fact]
    public void Consistency_checks_run_after_the_single_values() =>
        Assert.Equal("4 blocks need at least as many cells (nx = 2)", Single("\"nx\": 2", ", \"run\": { \"blocks\": 4 }").Message);
}
