using ScottPlot;

namespace ActorSim.Cli.Plotting;

/// <summary>One series of an <see cref="XYChart"/>: points, colour (#rrggbb), dashed or not, markers and/or line.</summary>
public sealed record XYSeries(string Name, double[] X, double[] Y, string Color, bool Dashed = false, bool Markers = true, bool Line = true);

/// <summary>
/// A single chart of a few series with a legend, optionally log-log (the studies' plots: <c>converge.svg</c>,
/// <c>force-velocity.svg</c>), drawn with ScottPlot like <c>actorsim plot</c>. Points that are not finite (or not
/// positive on a log axis) are left out.
/// </summary>
public static class XYChart
{
    public static PlotFigure Build(string title, string xLabel, string yLabel, IReadOnlyList<XYSeries> series, bool logX = false, bool logY = false)
    {
        var plot = PlotStyle.NewPlot();
        plot.XLabel(xLabel, size: 13);
        plot.YLabel(yLabel, size: 13);
        static bool Ok(double v, bool log) => double.IsFinite(v) && (!log || v > 0);
        foreach (var s in series)
        {
            var pts = s.X.Zip(s.Y).Where(p => Ok(p.First, logX) && Ok(p.Second, logY))
                .Select(p => (X: logX ? Math.Log10(p.First) : p.First, Y: logY ? Math.Log10(p.Second) : p.Second)).ToArray();
            if (pts.Length == 0) continue;
            var sc = plot.Add.Scatter(pts.Select(p => p.X).ToArray(), pts.Select(p => p.Y).ToArray(), Color.FromHex(s.Color));
            sc.LegendText = s.Name;
            sc.LineWidth = s.Line ? 1.8f : 0;
            sc.LinePattern = s.Dashed ? LinePattern.Dashed : LinePattern.Solid;
            sc.MarkerSize = s.Markers ? 7 : 0;
        }
        if (logX) AxisScaling.UseLogTicks(plot.Axes.Bottom);
        if (logY) AxisScaling.UseLogTicks(plot.Axes.Left);
        PlotStyle.LegendRight(plot);
        plot.Layout.Fixed(new PixelPadding(80, 230, 50, 16));
        return new PlotFigure { Title = title, Width = 760, Panels = { new Panel(plot, 460) } };
    }

    /// <summary>The chart as SVG.</summary>
    public static string Svg(string title, string xLabel, string yLabel, IReadOnlyList<XYSeries> series, bool logX = false, bool logY = false) =>
        Build(title, xLabel, yLabel, series, logX, logY).ToSvg();
}
