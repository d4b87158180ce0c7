using ActorSim.Cli.Plotting;
using ActorSim.Simulation.Output;
using FluentAssertions;

namespace ActorSim.Cli.Tests.Plotting;

public class RunInfoTests
{
    [Fact]
    public void The_title_is_the_model_and_the_first_sentence_of_the_description()
    {
        var run = new RunInfo("may-nowak-ode", "Endemic case, R0 = 8: a small virus inoculum in an uninfected host. After an acute peak and damped oscillations the state settles.", "completed");
        run.Title().Should().Be("may-nowak-ode — Endemic case, R0 = 8: a small virus inoculum in an uninfected host");
        new RunInfo("m", null, "failed").Title().Should().Be("m [failed: partial output]");
        RunInfo.Shorten("one two three four five six", 12).Should().Be("one two…");
    }

    [Fact]
    public void Variables_of_similar_size_share_a_chart_and_very_different_ones_get_panels()
    {
        double[] t = [0, 1];
        var similar = new Timeseries(["a", "b"], t, [[1, 5], [2, 30]]);
        var different = new Timeseries(["a", "b"], t, [[1, 5], [2, 300]]);
        var auto = new PlotOptions();
        TimeseriesFigure.ChoosePanels(similar, auto).Should().BeFalse();
        TimeseriesFigure.ChoosePanels(different, auto).Should().BeTrue();
        TimeseriesFigure.ChoosePanels(different, auto with { LogY = true }).Should().BeFalse("a log axis shows all magnitudes");
        TimeseriesFigure.ChoosePanels(similar, auto with { Layout = TimeseriesLayout.Panels }).Should().BeTrue();
        TimeseriesFigure.ChoosePanels(different, auto with { Layout = TimeseriesLayout.Overlay }).Should().BeFalse();
    }

    [Fact]
    public void Variable_labels_say_what_the_model_variable_is()
    {
        TimeseriesFigure.VariableLabel("may-nowak-ode", "w").Should().Be("w (virus)");
        TimeseriesFigure.VariableLabel("may-nowak-ode", "x").Should().Be("x");
        TimeseriesFigure.VariableLabel("unknown-model", "u").Should().Be("u");
    }
}
