using ActorSim.Cli.Plotting;
using FluentAssertions;

namespace ActorSim.Cli.Tests.Plotting;

public class RunInfoTests
{
    [Fact]
    public void The_title_is_the_model_and_the_subtitle_the_first_sentence_of_the_description()
    {
        var run = new RunInfo("may-nowak-ode", "Endemic case, R0 = 8: a small virus inoculum in an uninfected host. After an acute peak and damped oscillations the state settles.", "completed");
        run.Title().Should().Be("may-nowak-ode");
        run.Subtitle().Should().Be("Endemic case, R0 = 8: a small virus inoculum in an uninfected host");
        new RunInfo("m", null, "failed").Title().Should().Be("m [failed: partial output]");
        new RunInfo("m", null, "failed").Subtitle().Should().BeNull();
    }

    [Fact]
    public void A_long_subtitle_wraps_and_ends_at_a_clause_outside_parentheses_never_with_an_ellipsis()
    {
        string text = "Nonlinear constraint for a general affine element F = I + [[y0, y1], [y2, y3]] (rotation, stretch and shear at once) "
            + "with the frame-indifferent strain energy, isotropic particle springs and a repulsive Gaussian pair interaction "
            + "summed directly (N = 400; blocks exchange positions through the coordinator every stage)";
        var lines = PlotFigure.Clauses(text, 400, 3);
        lines.Should().HaveCountLessThanOrEqualTo(3);
        string joined = string.Join(" ", lines);
        text.Should().StartWith(joined);
        joined.Should().NotContain("…");
        joined.Count(c => c == '(').Should().Be(joined.Count(c => c == ')'), "a clause is never cut inside parentheses");
        PlotFigure.Clauses("short", 400, 3).Should().Equal("short");
    }

    [Fact]
    public void Parameters_come_from_the_scenario_or_the_model_defaults()
    {
        var p = System.Text.Json.Nodes.JsonNode.Parse("""{ "Lx": 4.0, "nx": 64 }""")!.AsObject();
        var run = new RunInfo("virus-pde", null, "completed", p);
        run.Parameter("Lx").Should().Be(4.0);
        run.Parameter("Ly").Should().Be(1.0, "the model's default");
        run.Parameter("nothing").Should().BeNull();
    }
}
