using ActorSim.Cli.Plotting;
using FluentAssertions;

namespace ActorSim.Cli.Tests.Plotting;

public class LineChartSvgTests
{
    private static Figure TwoSeries(int n = 50, bool logY = false)
    {
        var t = Enumerable.Range(0, n).Select(i => i * 10.0 / (n - 1)).ToArray();
        var chart = new LineChart { Title = "decay", XLabel = "time t [T]", YLabel = "amount [mol]", LogY = logY };
        chart.Series.Add(new Series("u", t, t.Select(x => 100 * Math.Exp(-x)).ToArray()));
        chart.Series.Add(new Series("w & friends", t, t.Select(x => 50 + 40 * Math.Sin(x)).ToArray()));
        return new Figure { Title = "Test <figure>", Panels = { chart } };
    }

    [Fact]
    public void A_line_chart_is_well_formed_svg_with_labels_ticks_legend_and_every_point()
    {
        string svg = TwoSeries().ToSvg();
        var doc = SvgXml.Parse(svg);

        doc.Texts("axis-label").Should().Equal("time t [T]", "amount [mol]");
        doc.Texts("figure-title").Should().Equal("Test <figure>");
        doc.Texts("title").Should().Equal("decay");
        doc.Texts("legend-label").Should().Equal("u", "w & friends");
        var xTicks = doc.InGroup("x-axis", "text").Where(e => (string?)e.Attribute("class") == "tick-label").Select(e => e.Value);
        xTicks.Should().Equal("0", "2", "4", "6", "8", "10");
        var yTicks = doc.InGroup("y-axis", "text").Where(e => (string?)e.Attribute("class") == "tick-label").Select(e => e.Value).ToList();
        yTicks.Should().Equal("0", "20", "40", "60", "80", "100");

        var lines = doc.Descendants(SvgXml.Ns + "polyline").ToList();
        lines.Select(l => (string?)l.Attribute("data-series")).Should().Equal("u", "w & friends");
        var pts = SvgXml.Points(lines[0]);
        pts.Should().HaveCount(50);
        pts.Select(p => p.X).Should().BeInAscendingOrder();
        pts[0].Y.Should().BeLessThan(pts[^1].Y);                   // 100 is drawn above ~0 (y grows downwards)
        ((string?)lines[0].Attribute("stroke")).Should().NotBe((string?)lines[1].Attribute("stroke"));
    }

    [Fact]
    public void Output_is_deterministic()
    {
        TwoSeries().ToSvg().Should().Be(TwoSeries().ToSvg());
        TwoSeries().ToPng().Should().Equal(TwoSeries().ToPng());
    }

    [Fact]
    public void Non_finite_values_break_the_line_instead_of_dropping_it()
    {
        var chart = new LineChart();
        double[] x = [0, 1, 2, 3, 4, 5, 6];
        chart.Series.Add(new Series("v", x, [1, 2, 3, double.NaN, 5, 6, 7]));
        var doc = SvgXml.Parse(new Figure { Panels = { chart } }.ToSvg());
        doc.Descendants(SvgXml.Ns + "polyline").Select(p => SvgXml.Points(p).Count).Should().Equal(3, 3);
        doc.Texts("legend-label").Should().BeEmpty();                // a single series needs no legend
    }

    [Fact]
    public void A_log_axis_shows_decades_as_superscripts_and_leaves_out_non_positive_values()
    {
        var chart = new LineChart { LogY = true, YLabel = "w" };
        double[] x = Enumerable.Range(0, 7).Select(i => (double)i).ToArray();
        chart.Series.Add(new Series("w", x, [0, 1e-6, 1e-4, 1e-2, 1, 100, 1e4]));
        var doc = SvgXml.Parse(new Figure { Panels = { chart } }.ToSvg());

        var labels = doc.InGroup("y-axis", "text").Where(e => (string?)e.Attribute("class") == "tick-label").ToList();
        labels.Select(e => e.Value).Should().Contain(["10-6", "100", "104"]);            // 10^{-6}, 10^{0}, 10^{4} as text
        labels.Should().OnlyContain(e => e.Elements(SvgXml.Ns + "tspan").Count() == 1);   // the exponent is raised
        chart.YAxis!.Log.Should().BeTrue();
        SvgXml.Points(doc.Descendants(SvgXml.Ns + "polyline").Single()).Should().HaveCount(6);
    }

    [Fact]
    public void A_log_axis_without_positive_data_falls_back_to_linear_and_says_so()
    {
        var chart = new LineChart { LogY = true };
        chart.Series.Add(new Series("v", [0, 1, 2], [0, 0, -1]));
        var doc = SvgXml.Parse(new Figure { Panels = { chart } }.ToSvg());
        chart.YAxis!.Log.Should().BeFalse();
        doc.Texts("note").Should().Equal("no positive values: linear axis");
    }

    [Fact]
    public void Long_series_are_thinned_per_pixel_but_keep_their_extremes()
    {
        int n = 200_000;
        var x = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        var y = x.Select(v => Math.Sin(v / 5000)).ToArray();
        y[123_457] = 25;                                             // a one-sample spike
        var chart = new LineChart();
        chart.Series.Add(new Series("s", x, y));
        var doc = SvgXml.Parse(new Figure { Panels = { chart } }.ToSvg());

        var pts = SvgXml.Points(doc.Descendants(SvgXml.Ns + "polyline").Single());
        pts.Count.Should().BeLessThan(4 * 1000).And.BeGreaterThan(500);
        chart.YAxis!.Max.Should().BeGreaterThan(25);
        // The plot area starts 8 (figure) + 10 (chart) px down and is 420 - 10 - 24 px high (no title, no x label).
        double YOf(double v) => 18 + (1 - chart.YAxis.Fraction(v)) * 386;
        pts.Min(p => p.Y).Should().BeApproximately(YOf(25), 0.01);      // the spike is drawn
        pts.Max(p => p.Y).Should().BeApproximately(YOf(-1), 0.05);      // and so is the sine's minimum
    }

    [Fact]
    public void Decimation_keeps_first_last_min_and_max_of_each_column()
    {
        var x = Enumerable.Range(0, 100).Select(i => (double)i).ToArray();
        var y = x.Select(v => v % 10 == 3 ? -v : v).ToArray();
        int[] keep = Decimation.MinMaxIndices(x, y, columns: 5);
        keep.Should().BeInAscendingOrder();
        keep.Should().Contain([0, 99, 93, 19]);                        // ends, the lowest of the last bucket, the highest of the first
        keep.Length.Should().BeLessThanOrEqualTo(20);
        Decimation.MinMaxIndices(x, y, columns: 50).Should().HaveCount(100);   // short enough: every point
    }
}
