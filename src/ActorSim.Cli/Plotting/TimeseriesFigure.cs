using ActorSim.Simulation.Models;
using ActorSim.Simulation.Output;

namespace ActorSim.Cli.Plotting;

/// <summary>
/// The figure of a run's time series: every variable against t. Variables of similar magnitude share one
/// chart with a legend; when they differ by more than a factor of 10 (e.g. cells ~ 10 and virus ~ 1000)
/// each gets its own stacked panel with its own y axis, all sharing the time axis, so none is flattened
/// against zero. See <see cref="TimeseriesLayout"/>.
/// </summary>
public static class TimeseriesFigure
{
    public const string TimeLabel = "time t [T]";
    private const double PanelHeight = 170;
    private const double BottomExtra = 46;

    public static Figure Build(Timeseries ts, RunInfo run, PlotOptions options)
    {
        var figure = new Figure { Title = run.Title(), Width = 880 };
        var labels = ts.Columns.Select(c => VariableLabel(run.Model, c)).ToArray();
        bool panels = ChoosePanels(ts, options);
        if (!panels || ts.Columns.Count == 0)
        {
            var chart = new LineChart { XLabel = TimeLabel, YLabel = ts.Columns.Count == 1 ? labels[0] : string.Join(", ", ts.Columns), LogY = options.LogY, Height = 470 };
            for (int c = 0; c < ts.Columns.Count; c++) chart.Series.Add(new Series(labels[c], ts.T, ts.Values[c], Palette.Series(c)));
            figure.Panels.Add(chart);
            return figure;
        }

        double legendless = 20;
        for (int c = 0; c < ts.Columns.Count; c++)
        {
            bool last = c == ts.Columns.Count - 1;
            var chart = new LineChart
            {
                XLabel = TimeLabel,
                YLabel = labels[c],
                LogY = options.LogY,
                Height = PanelHeight + (last ? BottomExtra : 0),
                ShowXTickLabels = last,
                ShowXLabel = last,
                ShowLegend = false,
                RightMargin = legendless,
                XRange = ts.Rows > 0 ? (ts.T[0], ts.T[^1]) : null,
            };
            chart.Series.Add(new Series(labels[c], ts.T, ts.Values[c], Palette.Series(c)));
            figure.Panels.Add(chart);
        }
        return figure;
    }

    /// <summary>Whether the auto layout (or the one asked for) puts each variable in its own panel.</summary>
    public static bool ChoosePanels(Timeseries ts, PlotOptions options)
    {
        if (options.Layout != TimeseriesLayout.Auto) return options.Layout == TimeseriesLayout.Panels;
        if (ts.Columns.Count <= 1) return false;
        if (ts.Columns.Count > 6) return true;
        if (options.LogY) return false;
        var magnitudes = ts.Values.Select(v => v.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max()).Where(m => m > 0).ToArray();
        return magnitudes.Length > 1 && magnitudes.Max() / magnitudes.Min() > 10;
    }

    /// <summary>
    /// The axis label of a variable: its name, with what it is when the model's catalog entry says so
    /// (<c>w (virus)</c> for May–Nowak).
    /// </summary>
    public static string VariableLabel(string model, string column)
    {
        var spec = ModelCatalog.Find(model)?.Initial.FirstOrDefault(s => s.Name == column);
        if (spec is null) return column;
        const string suffix = " at t = 0";
        string what = spec.Description.EndsWith(suffix, StringComparison.Ordinal) ? spec.Description[..^suffix.Length] : spec.Description;
        return what.Length is > 0 and <= 30 ? $"{column} ({what})" : column;
    }
}
