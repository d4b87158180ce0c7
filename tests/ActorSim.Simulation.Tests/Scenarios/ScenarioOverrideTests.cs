using System.Text.Json.Nodes;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Tests.Scenarios;

/// <summary><c>--set KEY=VALUE</c>: overrides applied to the file's JSON and validated exactly like the file.</summary>
public class ScenarioOverrideTests
{
    private static readonly string File = Path.Combine(RepoRoot.Path, "scenarios", "may-nowak-ode.json");

    private static Scenario Load(params string[] sets) => ScenarioLoader.Load(File, sets.Select(ScenarioOverride.Parse).ToList());

    [Fact]
    public void Values_are_replaced_by_their_json_path()
    {
        var s = Load("parameters.beta=0.001", "run.seed=7", "$.time.end=100", "time.dt=0.01");
        Assert.Equal(0.001, s.P("beta"));
        Assert.Equal(7UL, s.Run.Seed);
        Assert.Equal(100.0, s.Time.End);
        Assert.Equal(0.01, s.Time.Dt);
        Assert.Equal(0.5, s.Time.OutputInterval);                 // untouched values stay
        Assert.Equal(100, (double)s.Document["time"]!["end"]!);    // the document (recorded in run.json) holds the override
        Assert.Equal(File, s.SourceFile);
    }

    [Fact]
    public void A_later_override_of_the_same_key_wins_and_missing_objects_are_created()
    {
        string text = System.IO.File.ReadAllText(File).Replace(",\n  \"run\": { \"blocks\": 1, \"seed\": 1 }", "");
        Assert.DoesNotContain("\"run\"", text);
        var s = ScenarioLoader.Parse(text, "x.json", new[] { "run.seed=3", "run.seed=4" }.Select(ScenarioOverride.Parse).ToList());
        Assert.Equal(4UL, s.Run.Seed);
    }

    [Theory]
    [InlineData("5.5")]
    [InlineData("true")]
    [InlineData("\"5\"")]
    [InlineData("upwind")]
    public void Values_are_json_when_they_are_json_and_strings_otherwise(string raw)
    {
        var o = ScenarioOverride.Parse("parameters.x=" + raw);
        JsonNode? expected = raw == "upwind" ? JsonValue.Create("upwind") : JsonNode.Parse(raw);
        Assert.Equal(expected!.ToJsonString(), o.Value!.ToJsonString());
    }

    [Fact]
    public void A_bad_value_fails_the_same_check_as_in_the_file_and_names_the_set()
    {
        var e = Assert.Throws<ScenarioException>(() => Load("parameters.beta=-0.1"));
        var err = Assert.Single(e.Errors);
        Assert.Equal("$.parameters.beta", err.JsonPath);
        Assert.StartsWith("-0.1 is not allowed", err.Message);
        Assert.EndsWith("(from --set parameters.beta=-0.1)", err.Message);

        // The same value in the file gives the same sentence (without the --set).
        string text = System.IO.File.ReadAllText(File).Replace("\"beta\": 0.002", "\"beta\": -0.1");
        var fileErr = Assert.Single(Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(text, File)).Errors);
        Assert.Equal(fileErr.Message + " (from --set parameters.beta=-0.1)", err.Message);
    }

    [Fact]
    public void Every_problem_is_reported_together_and_unknown_keys_suggest_the_nearest()
    {
        var e = Assert.Throws<ScenarioException>(() => Load("parameters.betta=0.1", "time.end=-1", "run.seed.x=1", "tme.end=3"));
        Assert.Equal(4, e.Errors.Count);
        Assert.Contains(e.Errors, x => x.JsonPath == "$.parameters.betta" && x.Message.Contains("did you mean parameters.beta?") && x.Message.EndsWith("(from --set parameters.betta=0.1)"));
        Assert.Contains(e.Errors, x => x.JsonPath == "$.time.end" && x.Message.Contains("must be > 0") && x.Message.Contains("--set time.end=-1"));
        Assert.Contains(e.Errors, x => x.JsonPath == "$.run.seed" && x.Message.Contains("not an object"));
        Assert.Contains(e.Errors, x => x.JsonPath == "$.tme" && x.Message.Contains("did you mean time?"));
    }

    [Fact]
    public void Far_off_unknown_keys_get_no_suggestion()
    {
        var err = Assert.Single(Assert.Throws<ScenarioException>(() => Load("parameters.zzzzzz=1")).Errors);
        Assert.DoesNotContain("did you mean", err.Message);
        Assert.Contains("unknown parameter", err.Message);
    }

    [Theory]
    [InlineData("parameters.beta")]
    [InlineData("parameters.beta=")]
    [InlineData("=5")]
    [InlineData("parameters..beta=5")]
    public void Malformed_overrides_are_refused(string text)
    {
        var err = Assert.Single(Assert.Throws<ScenarioException>(() => ScenarioOverride.Parse(text)).Errors);
        Assert.Equal($"--set {text}", err.File);
    }

    [Fact]
    public void Without_overrides_the_result_equals_a_plain_load()
    {
        var plain = ScenarioLoader.Load(File);
        var same = ScenarioLoader.Load(File, []);
        var viaSet = Load("parameters.beta=0.002");
        Assert.Equal(plain.Parameters, same.Parameters);
        Assert.Equal(plain.Parameters, viaSet.Parameters);
        Assert.Equal(plain.Time, viaSet.Time);
    }
}
