namespace ActorSim.Cli.Plotting;

/// <summary>
/// A line chart: one or more <see cref="Series"/> against a shared x axis, with a frame, grid lines at
/// nice tick values, tick labels, axis labels (with units, e.g. <c>t [T]</c>), an optional title,
/// a legend outside the plot area on the right (when there is more than one series), and an optional
/// log10 y axis. The x axis spans exactly the data (or <see cref="XRange"/>); the y axis has a 5% margin
/// at each end so no data lies on the frame.
/// </summary>
public sealed class LineChart : IPanel
{
    /// <summary>Room left of the plot area for y tick labels and the y axis label.</summary>
    public const double LeftMargin = 84;
    private const double TickLength = 5;
    private const double TickFont = 11;
    private const double LabelFont = 12.5;
    private const double TitleFont = 13.5;
    private const double LegendFont = 12;

    public string? Title { get; set; }

    public string XLabel { get; set; } = "";

    public string YLabel { get; set; } = "";

    public bool LogY { get; set; }

    public List<Series> Series { get; } = [];

    public double Height { get; set; } = 420;

    /// <summary>Draw the x tick labels (false for the upper panels of a stack sharing the x axis).</summary>
    public bool ShowXTickLabels { get; set; } = true;

    /// <summary>Draw the x axis label.</summary>
    public bool ShowXLabel { get; set; } = true;

    /// <summary>Draw a legend; by default only when there is more than one series.</summary>
    public bool? ShowLegend { get; set; }

    /// <summary>The x range to show (panels sharing a time axis); by default the data's.</summary>
    public (double Min, double Max)? XRange { get; set; }

    /// <summary>The smallest x tick step (1 for an axis of cell indices, so no tick falls between cells).</summary>
    public double XMinStep { get; set; }

    /// <summary>Room right of the plot area reserved by the figure (so stacked panels line up), or null to size it from the legend.</summary>
    public double? RightMargin { get; set; }

    /// <summary>A remark drawn in small type at the top right inside the plot area (e.g. why the axis is not log).</summary>
    public string? Note { get; set; }

    /// <summary>The axes of the last <see cref="Render"/>, for tests and callers.</summary>
    public AxisScale? XAxis { get; private set; }

    public AxisScale? YAxis { get; private set; }

    private bool LegendShown => ShowLegend ?? Series.Count > 1;

    /// <summary>The room this chart's legend needs right of the plot area on <paramref name="c"/> (20 px without legend).</summary>
    public double LegendWidth(ICanvas c) =>
        LegendShown && Series.Count > 0 ? 44 + Series.Max(s => c.MeasureText(s.Name, LegendFont)) : 20;

    public void Render(ICanvas c, double x0, double y0, double width)
    {
        foreach (var s in Series) s.Validate();
        double top = y0 + (Title is null ? 10 : 30);
        double bottom = y0 + Height - (ShowXTickLabels ? (ShowXLabel && XLabel.Length > 0 ? 46 : 24) : 8);
        double left = x0 + LeftMargin;
        double right = x0 + width - (RightMargin ?? LegendWidth(c));
        if (right - left < 40 || bottom - top < 30) throw new ArgumentException($"a {width}×{Height} px chart is too small to draw");
        var area = new PlotArea(left, top, right - left, bottom - top);

        var (xAxis, yAxis, note) = Axes(area);
        XAxis = xAxis;
        YAxis = yAxis;

        c.BeginGroup("chart");
        if (Title is not null) c.Text(left + area.W / 2, y0 + 19, Title, TitleFont, TextAnchor.Middle, Palette.Text, bold: true, role: "title");

        c.BeginGroup("grid");
        foreach (var t in xAxis.Ticks) c.Line(area.X(xAxis, t.Value), top, area.X(xAxis, t.Value), bottom, Palette.Grid);
        foreach (var t in yAxis.Ticks) c.Line(left, area.Y(yAxis, t.Value), right, area.Y(yAxis, t.Value), Palette.Grid);
        c.EndGroup();

        c.BeginGroup("series");
        for (int i = 0; i < Series.Count; i++) DrawSeries(c, area, xAxis, yAxis, Series[i], Series[i].Color ?? Palette.Series(i));
        c.EndGroup();

        c.Rect(left, top, area.W, area.H, null, Palette.Axis, 1);

        c.BeginGroup("x-axis");
        foreach (var t in xAxis.Ticks)
        {
            double x = area.X(xAxis, t.Value);
            c.Line(x, bottom, x, bottom + TickLength, Palette.Axis);
            if (ShowXTickLabels) c.Text(x, bottom + TickLength + TickFont + 1, t.Label, TickFont, TextAnchor.Middle, Palette.Text, role: "tick-label");
        }
        if (ShowXTickLabels && ShowXLabel && XLabel.Length > 0)
            c.Text(left + area.W / 2, bottom + 40, XLabel, LabelFont, TextAnchor.Middle, Palette.Text, role: "axis-label");
        c.EndGroup();

        c.BeginGroup("y-axis");
        foreach (double m in yAxis.MinorTicks)
            c.Line(left - TickLength * 0.6, area.Y(yAxis, m), left, area.Y(yAxis, m), Palette.Axis, 0.8);
        foreach (var t in yAxis.Ticks)
        {
            double y = area.Y(yAxis, t.Value);
            c.Line(left - TickLength, y, left, y, Palette.Axis);
            c.Text(left - TickLength - 3, y + TickFont * 0.36, t.Label, TickFont, TextAnchor.End, Palette.Text, role: "tick-label");
        }
        if (YLabel.Length > 0)
            c.Text(x0 + 16, top + area.H / 2, YLabel, LabelFont, TextAnchor.Middle, Palette.Text, vertical: true, role: "axis-label");
        c.EndGroup();

        string? shownNote = Note ?? note;
        if (shownNote is not null)
            c.Text(right - 6, top + 14, shownNote, 10.5, TextAnchor.End, Palette.Axis, role: "note");

        if (LegendShown) DrawLegend(c, right + 12, top);
        c.EndGroup();
    }

    private (AxisScale X, AxisScale Y, string? Note) Axes(PlotArea area)
    {
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity;
        double yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
        double posMin = double.PositiveInfinity, posMax = double.NegativeInfinity;
        foreach (var s in Series)
            for (int i = 0; i < s.X.Length; i++)
            {
                double x = s.X[i], y = s.Y[i];
                if (!double.IsFinite(x) || !double.IsFinite(y)) continue;
                xMin = Math.Min(xMin, x);
                xMax = Math.Max(xMax, x);
                yMin = Math.Min(yMin, y);
                yMax = Math.Max(yMax, y);
                if (y > 0) { posMin = Math.Min(posMin, y); posMax = Math.Max(posMax, y); }
            }
        string? note = null;
        if (XRange is { } r) (xMin, xMax) = r;
        if (!(xMin <= xMax)) { xMin = 0; xMax = 1; }
        if (!(yMin <= yMax)) { yMin = 0; yMax = 1; note = Series.All(s => s.X.Length == 0) ? "no data" : "no finite values"; }
        var xAxis = NiceTicks.Linear(xMin, xMax, (int)(area.W / 95) + 1, expand: false, minStep: XMinStep);
        int yTicks = Math.Max(3, (int)(area.H / 42) + 1);
        AxisScale yAxis;
        if (LogY && posMin <= posMax)
            yAxis = NiceTicks.Log10(posMin, posMax, yTicks);
        else
        {
            if (LogY) note ??= "no positive values: linear axis";
            double pad = 0.05 * (yMax - yMin);
            yAxis = NiceTicks.Linear(yMin - pad, yMax + pad, yTicks, expand: false);
        }
        return (xAxis, yAxis, note);
    }

    private static void DrawSeries(ICanvas c, PlotArea area, AxisScale xAxis, AxisScale yAxis, Series s, Rgb color)
    {
        int[] keep = Decimation.MinMaxIndices(s.X, s.Y, Math.Max(1, (int)area.W));
        var run = new List<PointD>();
        foreach (int i in keep)
        {
            if (xAxis.CanShow(s.X[i]) && yAxis.CanShow(s.Y[i]))
            {
                run.Add(new PointD(area.X(xAxis, s.X[i]), area.Y(yAxis, s.Y[i])));
                continue;
            }
            Flush();
        }
        Flush();

        void Flush()
        {
            if (run.Count == 1) run.Add(run[0] with { X = run[0].X + 0.5 });   // an isolated point still shows
            if (run.Count > 0) c.Polyline(run.ToArray(), color, 1.6, s.Name);
            run.Clear();
        }
    }

    private void DrawLegend(ICanvas c, double x, double y)
    {
        c.BeginGroup("legend");
        for (int i = 0; i < Series.Count; i++)
        {
            double row = y + 8 + i * 20;
            var color = Series[i].Color ?? Palette.Series(i);
            c.Line(x, row, x + 22, row, color, 2.5);
            c.Text(x + 28, row + LegendFont * 0.36, Series[i].Name, LegendFont, TextAnchor.Start, Palette.Text, role: "legend-label");
        }
        c.EndGroup();
    }

    /// <summary>The plot area in pixels and the mapping of axis values into it.</summary>
    private readonly record struct PlotArea(double Left, double Top, double W, double H)
    {
        public double X(AxisScale a, double v) => Left + a.Fraction(v) * W;

        public double Y(AxisScale a, double v) => Top + (1 - a.Fraction(v)) * H;
    }
}
