using ActorSim.Simulation.Output;
using ScottPlot;

namespace ActorSim.Cli.Plotting;

/// <summary>What one chart of the time-series figure shows: the family, the values drawn and the axis chosen.</summary>
public sealed record TimeseriesPanel(
    QuantityFamily Family, string YLabel, bool LogY, double Offset, int Exponent, IReadOnlyList<(string Name, double[] Y)> Series);

/// <summary>
/// The figure of a run's time series: one chart per quantity family (<see cref="QuantityFamilies"/>), stacked on a
/// shared time axis. Conserved quantities are drawn as their deviation from the first row relative to it; a chart
/// whose positive values span two decades (or every chart with <c>--log-y</c>) is on a log10 axis; nearly constant
/// values are drawn with an offset named in the axis label.
/// </summary>
public static class TimeseriesFigure
{
    public const string TimeLabel = "t [T]";
    private const int DrawColumns = 800;

    /// <summary>The charts' contents, without drawing them (the choices tests check).</summary>
    public static IReadOnlyList<TimeseriesPanel> Panels(Timeseries ts, RunInfo run, PlotOptions options)
    {
        var panels = new List<TimeseriesPanel>();
        foreach (var family in QuantityFamilies.Group(run.Model, ts.Columns, options.Layout))
        {
            var series = new List<(string, double[])>();
            bool deviation = family.Kind == FamilyKind.Deviation;
            bool relative = true;
            foreach (var q in family.Members)
            {
                double[] y = ts.Column(q.Column);
                if (deviation)
                {
                    double y0 = y.Length > 0 ? y[0] : 0;
                    relative &= y0 != 0;
                    y = y.Select(v => y0 != 0 ? (v - y0) / Math.Abs(y0) : v - y0).ToArray();
                }
                series.Add((q.Name, y));
            }

            string yLabel = family.YLabel;
            if (deviation && !relative) yLabel = "Q(t) − Q(0)";
            var all = series.SelectMany(s => s.Item2);
            bool log;
            if (deviation)
            {
                // |deviation| on a log axis when its non-zero values span decades (round-off drifts do).
                log = options.LogY || AxisScaling.SpansDecades(all.Select(Math.Abs), ignoreNonPositive: true);
                if (log)
                {
                    series = series.Select(s => (s.Item1, s.Item2.Select(Math.Abs).ToArray())).ToList();
                    yLabel = relative ? QuantityFamilies.AbsDeviationLabel : "|Q(t) − Q(0)|";
                }
            }
            else log = options.LogY || AxisScaling.SpansDecades(all, ignoreNonPositive: family.Key == "drift");

            double offset = log ? 0 : AxisScaling.Offset(series.SelectMany(s => s.Item2));
            if (offset != 0)
            {
                series = series.Select(s => (s.Item1, s.Item2.Select(v => v - offset).ToArray())).ToList();
                yLabel = $"{yLabel} − {AxisScaling.Format(offset)}";
            }
            int exponent = log ? 0 : AxisScaling.Exponent(series.SelectMany(s => s.Item2));
            if (exponent != 0)
            {
                double scale = Math.Pow(10, -exponent);
                series = series.Select(s => (s.Item1, s.Item2.Select(v => v * scale).ToArray())).ToList();
                yLabel = $"{yLabel} (×{AxisScaling.PowerOfTen(exponent)})";
            }
            panels.Add(new TimeseriesPanel(family, yLabel, log, offset, exponent, series));
        }
        return panels;
    }

    public static PlotFigure Build(Timeseries ts, RunInfo run, PlotOptions options)
    {
        var figure = new PlotFigure { Title = run.Title(), Subtitle = run.Subtitle(), Width = 760 };
        var panels = Panels(ts, run, options);
        float right = panels.Any(p => p.Series.Count > 1) ? LegendWidth : 18;
        for (int p = 0; p < panels.Count; p++)
            figure.Panels.Add(new Panel(Chart(ts.T, panels[p], right), 210));
        return figure;
    }

    private const float LegendWidth = 200;

    private static Plot Chart(double[] t, TimeseriesPanel panel, float right)
    {
        var plot = PlotStyle.NewPlot();
        if (panel.Family.Title.Length > 0) plot.Title(panel.Family.Title, size: 13);
        plot.XLabel(TimeLabel, size: 13);
        plot.YLabel(panel.YLabel, size: 13);
        for (int s = 0; s < panel.Series.Count; s++)
        {
            var (name, y) = panel.Series[s];
            var (xs, ys) = Drawable(t, y, panel.LogY);
            if (xs.Length == 0) continue;
            var line = plot.Add.ScatterLine(xs, ys, PlotStyle.SeriesColor(s));
            line.LineWidth = 1.6f;
            if (panel.Series.Count > 1) line.LegendText = name;
            if (xs.Length < 60) line.MarkerSize = 3;
        }
        if (panel.Series.Count > 1) PlotStyle.LegendRight(plot);
        if (panel.LogY) AxisScaling.UseLogTicks(plot.Axes.Left);
        plot.Axes.AutoScale();
        if (t.Length > 1) plot.Axes.SetLimitsX(t[0], t[^1]);
        plot.Layout.Fixed(new PixelPadding(88, right, 46, 30));
        return plot;
    }

    /// <summary>The finite points (positive ones, as log10, on a log axis), thinned for drawing.</summary>
    private static (double[] X, double[] Y) Drawable(double[] t, double[] y, bool log)
    {
        var xs = new List<double>(t.Length);
        var ys = new List<double>(t.Length);
        for (int i = 0; i < t.Length; i++)
        {
            double v = y[i];
            if (log) v = v > 0 ? Math.Log10(v) : double.NaN;
            if (!double.IsFinite(v) || !double.IsFinite(t[i])) continue;
            xs.Add(t[i]);
            ys.Add(v);
        }
        double[] x = [.. xs], yy = [.. ys];
        int[] keep = Decimation.MinMaxIndices(x, yy, DrawColumns);
        return keep.Length == x.Length ? (x, yy) : (keep.Select(i => x[i]).ToArray(), keep.Select(i => yy[i]).ToArray());
    }
}
