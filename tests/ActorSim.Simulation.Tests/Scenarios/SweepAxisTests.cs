using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Tests.Scenarios;

/// <summary>Sweep axes (lists, ranges, logspace) and the members of a sweep (product, zip).</summary>
public class SweepAxisTests
{
    private static string[] Values(string text) => SweepAxis.Parse(text).Values.Select(ScenarioOverride.Display).ToArray();

    [Fact]
    public void A_list_gives_its_values_in_order()
    {
        Assert.Equal(["1", "2.5", "4e-3"], Values("parameters.chi=1, 2.5,4e-3"));
        Assert.Equal(["upwind", "weno"], Values("parameters.scheme=upwind,weno"));
        Assert.Equal(["5"], Values("run.seed=5"));
        Assert.Equal("parameters.chi", SweepAxis.Parse("$.parameters.chi=1,2").Key);
    }

    [Fact]
    public void A_range_includes_its_stop_and_rounds_away_float_noise()
    {
        Assert.Equal(["0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"], Values("parameters.chi=0:1:0.1"));
        Assert.Equal(["1", "2", "3", "4"], Values("run.seed=1:4:1"));
        Assert.Equal(["1", "3"], Values("run.seed=1:4:2"));                   // 5 is past the stop
        Assert.Equal(["5", "4.5", "4"], Values("parameters.chi=5:4:-0.5"));   // descending
        Assert.Equal(["0.3"], Values("parameters.chi=0.3:0.3:0.1"));
        // whole-number ranges are JSON integers (so run.seed=1:4:1 is valid for an integer key)
        Assert.Equal("2", SweepAxis.Parse("run.seed=1:4:1").Values[1]!.ToJsonString());
    }

    [Fact]
    public void Logspace_spaces_evenly_in_log_with_both_ends_included()
    {
        Assert.Equal(["1", "10", "100", "1000"], Values("parameters.chi=logspace(1,1000,4)"));
        var v = SweepAxis.Parse("parameters.chi=logspace(0.5, 8, 5)").Values.Select(x => (double)x!).ToArray();
        Assert.Equal([0.5, 1, 2, 4, 8], v);
        Assert.Equal(["2"], Values("parameters.chi=logspace(2,2,1)"));
    }

    [Theory]
    [InlineData("run.seed=5:1:1", "is empty")]
    [InlineData("run.seed=1:5:0", "step 0")]
    [InlineData("parameters.chi=logspace(0,1,3)", "a > 0 and b > 0")]
    [InlineData("parameters.chi=logspace(1,2,2.5)", "whole number n")]
    [InlineData("parameters.chi=logspace(1,x,2)", "b = \"x\"")]
    [InlineData("parameters.chi=1,,2", "empty item")]
    [InlineData("parameters.chi=", "no values")]
    [InlineData("parameters.chi", "not KEY=VALUES")]
    [InlineData("run.seed=0:1e9:1", "limited to")]
    public void Bad_axes_are_refused_naming_the_set(string text, string why)
    {
        var err = Assert.Single(Assert.Throws<ScenarioException>(() => SweepAxis.Parse(text)).Errors);
        Assert.Equal($"--set {text}", err.File);
        Assert.Contains(why, err.Message);
    }

    [Fact]
    public void The_product_varies_the_first_axis_slowest_and_fixed_values_go_to_every_member()
    {
        var members = SweepPlan.Members([SweepAxis.Parse("parameters.chi=1,2"), SweepAxis.Parse("run.seed=1:3:1"), SweepAxis.Parse("time.end=50")], zip: false);
        Assert.Equal(6, members.Count);
        Assert.Equal(
            ["parameters.chi=1 run.seed=1 time.end=50", "parameters.chi=1 run.seed=2 time.end=50", "parameters.chi=1 run.seed=3 time.end=50",
             "parameters.chi=2 run.seed=1 time.end=50", "parameters.chi=2 run.seed=2 time.end=50", "parameters.chi=2 run.seed=3 time.end=50"],
            members.Select(m => string.Join(' ', m.Overrides.Select(o => o.Text))));
        Assert.Equal("0004_chi=2_seed=2", members[4].Name);          // fixed values are not in the name
        Assert.Equal(Enumerable.Range(0, 6), members.Select(m => m.Index));
    }

    [Fact]
    public void Zip_pairs_the_ith_values_and_needs_equal_lengths()
    {
        var members = SweepPlan.Members([SweepAxis.Parse("parameters.chi=1,2,3"), SweepAxis.Parse("run.seed=7:9:1"), SweepAxis.Parse("time.end=5")], zip: true);
        Assert.Equal(["parameters.chi=1 run.seed=7 time.end=5", "parameters.chi=2 run.seed=8 time.end=5", "parameters.chi=3 run.seed=9 time.end=5"],
            members.Select(m => string.Join(' ', m.Overrides.Select(o => o.Text))));

        var e = Assert.Throws<ScenarioException>(() => SweepPlan.Members([SweepAxis.Parse("parameters.chi=1,2,3"), SweepAxis.Parse("run.seed=1,2")], zip: true));
        Assert.Contains("equal length", e.Errors[0].Message);
        Assert.Contains("parameters.chi has 3", e.Errors[0].Message);
    }

    [Fact]
    public void No_axes_give_one_member_and_a_key_swept_twice_is_refused()
    {
        Assert.Single(SweepPlan.Members([], zip: false));
        var e = Assert.Throws<ScenarioException>(() => SweepPlan.Members([SweepAxis.Parse("run.seed=1,2"), SweepAxis.Parse("run.seed=3")], zip: false));
        Assert.Contains("run.seed is swept twice", e.Errors[0].Message);
    }

    private static string WithSweep(string section) =>
        File.ReadAllText(Path.Combine(RepoRoot.Path, "scenarios", "may-nowak-ode.json")).TrimEnd().TrimEnd('}') + ", \"sweep\": " + section + " }";

    [Fact]
    public void A_sweep_section_in_the_scenario_gives_axes_and_a_plain_run_ignores_it()
    {
        var s = ScenarioLoader.Parse(WithSweep("""{ "axes": { "parameters.beta": [0.001, 0.002], "run.seed": "1:3:1", "time.end": 50 }, "zip": true }"""), "s.json");
        Assert.True(s.SweepZip);
        Assert.Equal(["parameters.beta", "run.seed", "time.end"], s.SweepAxes.Select(a => a.Key));
        Assert.Equal(["0.001", "0.002"], s.SweepAxes[0].Values.Select(ScenarioOverride.Display));
        Assert.Equal(["1", "2", "3"], s.SweepAxes[1].Values.Select(ScenarioOverride.Display));
        Assert.Equal(["50"], s.SweepAxes[2].Values.Select(ScenarioOverride.Display));
        Assert.Equal(0.002, s.P("beta"));   // the scenario itself is unchanged
    }

    [Fact]
    public void A_bad_sweep_section_is_reported_with_its_paths()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(WithSweep("""{ "axes": { "run.seed": "5:1:1", "time.end": [] }, "zip": 3, "x": 1 }"""), "s.json"));
        Assert.Contains(e.Errors, x => x.JsonPath == "$.sweep.x" && x.Message.Contains("unknown key"));
        Assert.Contains(e.Errors, x => x.JsonPath == "$.sweep.zip" && x.Message.Contains("true or false"));
        Assert.Contains(e.Errors, x => x.JsonPath == "$.sweep.axes.run.seed" && x.Message.Contains("is empty"));
        Assert.Contains(e.Errors, x => x.JsonPath == "$.sweep.axes.time.end" && x.Message.Contains("empty"));
        Assert.Single(Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(WithSweep("[1]"), "s.json")).Errors, x => x.JsonPath == "$.sweep");
    }
}
