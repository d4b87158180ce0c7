using ActorSim.Cli.Plotting;
using ActorSim.Simulation.Output;
using FluentAssertions;

namespace ActorSim.Cli.Tests.Plotting;

/// <summary>What the time-series charts show: families, deviations, log scales, offsets and labels.</summary>
public class TimeseriesPanelsTests
{
    private static readonly double[] T = Enumerable.Range(0, 21).Select(i => i * 0.1).ToArray();

    private static Timeseries Ts(params (string Name, Func<double, double> F)[] columns) =>
        new(columns.Select(c => c.Name).ToList(), T, columns.Select(c => T.Select(c.F).ToArray()).ToList());

    private static IReadOnlyList<TimeseriesPanel> Panels(string model, Timeseries ts, PlotOptions? options = null) =>
        TimeseriesFigure.Panels(ts, new RunInfo(model, null, "completed"), options ?? new PlotOptions());

    [Fact]
    public void Muscle_columns_form_one_chart_per_family_with_clean_labels()
    {
        var ts = Ts(("y0", t => t), ("y1", t => -t), ("ydot0", _ => 1), ("ydot1", _ => -1),
            ("energy", t => 1.3363 * (1 + 1e-10 * Math.Sin(10 * t) * t)), ("constraint_drift", t => 1e-15 * t),
            ("angular_momentum", t => 2.13 * (1 + 1e-14 * t * t)));
        var panels = Panels("muscle-deformation-2d", ts);
        panels.Select(p => p.Family.Key).Should().Equal("y", "ydot", "conserved", "drift");
        panels[0].YLabel.Should().Be("y [y]");
        panels[0].Series.Select(s => s.Name).Should().Equal("y₀", "y₁");
        panels[1].YLabel.Should().Be("y' [y]/T");
        panels[1].Series.Select(s => s.Name).Should().Equal("y₀'", "y₁'");
        panels[2].Series.Select(s => s.Name).Should().Equal("energy E", "angular momentum");
        panels.Should().OnlyContain(p => !p.YLabel.Contains('(') || p.YLabel.Contains("Q(") || p.YLabel.Contains("(×"),
            "no 'y (y)' style labels");
    }

    [Fact]
    public void Conserved_quantities_are_relative_deviations_on_a_log_axis_when_they_span_decades()
    {
        // Round-off drift growing from 1e-15 to 1e-10: the chart is log10 |Q - Q0| / |Q0|.
        var ts = Ts(("energy", t => 2.0 * (1 + 1e-15 * Math.Pow(10, 2.5 * t))));
        var p = Panels("muscle-linear", ts).Single();
        p.Family.Kind.Should().Be(FamilyKind.Deviation);
        p.LogY.Should().BeTrue();
        p.YLabel.Should().Be(QuantityFamilies.AbsDeviationLabel);
        p.Series[0].Y[0].Should().Be(0);
        p.Series[0].Y[^1].Should().BeApproximately(1e-10, 1e-12);

        // A deviation within one decade stays linear and signed, with its power of ten factored out.
        var small = Ts(("energy", t => 2.0 * (1 - 1e-6 * t)));
        var q = Panels("muscle-linear", small).Single();
        q.LogY.Should().BeFalse();
        q.Exponent.Should().Be(-6);
        q.YLabel.Should().Be(QuantityFamilies.DeviationLabel + " (×10⁻⁶)");
        q.Series[0].Y[^1].Should().BeApproximately(-2.0, 1e-6, "the deviation -2e-6 in units of 1e-6");
    }

    [Fact]
    public void Nearly_constant_values_get_an_offset_and_positive_values_spanning_decades_a_log_axis()
    {
        var ts = Ts(("int_u", t => 12.566 + 1e-6 * Math.Sin(t)), ("min_w", t => Math.Pow(10, -3 + 3 * t)), ("max_w", t => 10 * Math.Pow(10, -3 + 3 * t)));
        var panels = Panels("virus-pde", ts);
        var integral = panels.Single(p => p.Family.Key == "int");
        integral.Offset.Should().BeApproximately(12.566, 1e-5);
        integral.Exponent.Should().Be(-7, "what is left after the offset is of order 1e-7");
        integral.YLabel.Should().MatchRegex(@"^∫ · dx − 12\.566\d* \(×10⁻⁷\)$");
        integral.Series[0].Y.Select(Math.Abs).Max().Should().BeInRange(1, 10);
        var w = panels.Single(p => p.Family.Key == "extremes_w");
        w.LogY.Should().BeTrue();
        w.YLabel.Should().Be("w [w]");
        w.Series.Select(s => s.Name).Should().Equal("min w", "max w");
    }

    [Fact]
    public void May_Nowak_variables_get_their_own_chart_with_unit_and_meaning()
    {
        var panels = Panels("may-nowak-ode", Ts(("u", t => 10 + t), ("v", t => 1 + t), ("w", t => 100 + t)));
        panels.Select(p => p.YLabel).Should().Equal("u [u]", "v [v]", "w [w]");
        panels.Select(p => p.Family.Title).Should().Equal("u: healthy cells", "v: infected cells", "w: virus");
        Panels("may-nowak-ode", Ts(("u", t => 10 + t), ("v", t => 1 + t)), new PlotOptions(Layout: TimeseriesLayout.Overlay)).Should().ContainSingle();
        Panels("may-nowak-ode", Ts(("u", t => 10 + t), ("v", t => 1 + t)), new PlotOptions(LogY: true)).Should().OnlyContain(p => p.LogY);
    }

    [Fact]
    public void Huxley_speed_has_its_unit_and_forces_share_a_chart()
    {
        var panels = Panels("huxley-pde", Ts(("v", _ => -1), ("Q0", _ => 0.8), ("Q1", _ => 0.4), ("F", _ => 0.4), ("F_huxley", _ => 0.4)));
        panels.Select(p => p.Family.Key).Should().Equal("v", "Q", "F");
        panels[0].YLabel.Should().Be("v [L/T]");
        panels[2].Series.Select(s => s.Name).Should().Equal("F", "F Huxley");
    }

    [Fact]
    public void Powers_of_ten_are_written_with_superscripts()
    {
        AxisScaling.PowerOfTen(-12).Should().Be("10⁻¹²");
        AxisScaling.PowerOfTen(3).Should().Be("10³");
        AxisScaling.PowerOfTen(0).Should().Be("10⁰");
        AxisScaling.Offset([1.0, 2.0]).Should().Be(0);
        AxisScaling.SpansDecades([1e-3, 1.0]).Should().BeTrue();
        AxisScaling.SpansDecades([0, 1e-3, 1.0]).Should().BeFalse();
        AxisScaling.SpansDecades([0, 1e-3, 1.0], ignoreNonPositive: true).Should().BeTrue();
    }
}
