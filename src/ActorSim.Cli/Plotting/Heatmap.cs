namespace ActorSim.Cli.Plotting;

/// <summary>
/// A 2D field of shape (ny, nx), C order (value (j, i) at <c>Data[j * nx + i]</c>), drawn as coloured
/// cells with row j = 0 at the bottom (y up, like <c>imshow(origin="lower")</c>), a viridis-like colour
/// scale from the field's minimum to its maximum, and a colour bar with tick labels and
/// <see cref="ColorbarLabel"/>. Cells are square unless that would make the plot thinner than 1:4.
/// Non-finite cells are grey.
/// </summary>
public sealed class Heatmap : IPanel
{
    private const double TickFont = 11;
    private const double LabelFont = 12.5;
    private const double BarWidth = 18;

    public Heatmap(double[] data, int ny, int nx)
    {
        if (ny < 1 || nx < 1) throw new ArgumentException($"a heatmap needs at least one cell, got shape ({ny}, {nx})");
        if (data.Length != (long)ny * nx) throw new ArgumentException($"shape ({ny}, {nx}) holds {(long)ny * nx} values, data has {data.Length}");
        Data = data;
        Ny = ny;
        Nx = nx;
    }

    public double[] Data { get; }

    public int Ny { get; }

    public int Nx { get; }

    public string? Title { get; set; }

    public string XLabel { get; set; } = "x (cell index i)";

    public string YLabel { get; set; } = "y (cell index j)";

    public string ColorbarLabel { get; set; } = "";

    public double Height { get; set; } = 560;

    /// <summary>The colour scale of the last <see cref="Render"/>.</summary>
    public AxisScale? ColorScale { get; private set; }

    private const double RightMargin = BarWidth + 16 + 64 + 30;       // colour bar, its labels and its title
    private const double BottomMargin = 48;

    private double TopMargin => Title is null ? 10 : 30;

    /// <summary>Width / height of the plot area: the cells' aspect, kept between 1:4 and 4:1.</summary>
    public double Aspect => Math.Clamp(Nx / (double)Ny, 0.25, 4.0);

    /// <summary>Sets <see cref="Height"/> so that the plot, drawn <paramref name="width"/> wide and at most <paramref name="maxPlotHeight"/> high, leaves no empty band.</summary>
    public Heatmap FitHeight(double width, double maxPlotHeight = 520)
    {
        double h = Math.Min(maxPlotHeight, (width - LineChart.LeftMargin - RightMargin) / Aspect);
        Height = Math.Ceiling(TopMargin + h + BottomMargin);
        return this;
    }

    public void Render(ICanvas c, double x0, double y0, double width)
    {
        double top = y0 + TopMargin;
        double bottom = y0 + Height - BottomMargin;
        double left = x0 + LineChart.LeftMargin;
        double right = x0 + width - RightMargin;
        double availW = right - left, availH = bottom - top;
        if (availW < 40 || availH < 40) throw new ArgumentException($"a {width}×{Height} px heatmap is too small to draw");

        double aspect = Aspect;
        double w = Math.Min(availW, availH * aspect), h = w / aspect;
        double px = left + (availW - w) / 2, py = top;

        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in Data)
            if (double.IsFinite(v)) { min = Math.Min(min, v); max = Math.Max(max, v); }
        if (!(min <= max)) { min = 0; max = 1; }
        var scale = NiceTicks.Linear(min, max, Math.Max(3, (int)(h / 50) + 1), expand: false);
        ColorScale = scale;

        c.BeginGroup("heatmap");
        if (Title is not null) c.Text(px + w / 2, y0 + 19, Title, 13.5, TextAnchor.Middle, Palette.Text, bold: true, role: "title");

        var image = new RgbImage(Nx, Ny);
        for (int j = 0; j < Ny; j++)
            for (int i = 0; i < Nx; i++)
            {
                double v = Data[j * Nx + i];
                image[i, Ny - 1 - j] = double.IsFinite(v) ? Viridis.Map(v, scale.Min, scale.Max) : Palette.Missing;
            }
        // Blow small grids up to whole-pixel blocks so viewers that smooth images still show sharp cells.
        int fx = Math.Clamp((int)Math.Round(w / Nx), 1, Math.Max(1, 2048 / Nx));
        int fy = Math.Clamp((int)Math.Round(h / Ny), 1, Math.Max(1, 2048 / Ny));
        c.Image(px, py, w, h, image.Upscale(fx, fy));
        c.Rect(px, py, w, h, null, Palette.Axis, 1);

        var xAxis = NiceTicks.Linear(-0.5, Nx - 0.5, Math.Max(2, (int)(w / 70) + 1), expand: false, minStep: 1);
        var yAxis = NiceTicks.Linear(-0.5, Ny - 0.5, Math.Max(2, (int)(h / 45) + 1), expand: false, minStep: 1);
        c.BeginGroup("x-axis");
        foreach (var t in xAxis.Ticks)
        {
            double x = px + xAxis.Fraction(t.Value) * w;
            c.Line(x, py + h, x, py + h + 5, Palette.Axis);
            c.Text(x, py + h + 17, t.Label, TickFont, TextAnchor.Middle, Palette.Text, role: "tick-label");
        }
        c.Text(px + w / 2, py + h + 38, XLabel, LabelFont, TextAnchor.Middle, Palette.Text, role: "axis-label");
        c.EndGroup();
        c.BeginGroup("y-axis");
        foreach (var t in yAxis.Ticks)
        {
            double y = py + (1 - yAxis.Fraction(t.Value)) * h;
            c.Line(px - 5, y, px, y, Palette.Axis);
            c.Text(px - 8, y + 4, t.Label, TickFont, TextAnchor.End, Palette.Text, role: "tick-label");
        }
        c.Text(px - LineChart.LeftMargin + 16, py + h / 2, YLabel, LabelFont, TextAnchor.Middle, Palette.Text, vertical: true, role: "axis-label");
        c.EndGroup();

        DrawColorbar(c, px + w + 16, py, h, scale);
        c.EndGroup();
    }

    private void DrawColorbar(ICanvas c, double x, double y, double h, AxisScale scale)
    {
        c.BeginGroup("colorbar");
        const int Steps = 256;
        var bar = new RgbImage(1, Steps);
        for (int k = 0; k < Steps; k++) bar[0, k] = Viridis.Map(1 - (k + 0.5) / Steps);
        c.Image(x, y, BarWidth, h, bar.Upscale(8, 1));
        c.Rect(x, y, BarWidth, h, null, Palette.Axis, 1);
        double labelsRight = x + BarWidth + 8;
        foreach (var t in scale.Ticks)
        {
            double ty = y + (1 - scale.Fraction(t.Value)) * h;
            c.Line(x + BarWidth, ty, x + BarWidth + 4, ty, Palette.Axis);
            c.Text(labelsRight, ty + 4, t.Label, TickFont, TextAnchor.Start, Palette.Text, role: "tick-label");
            labelsRight = Math.Max(labelsRight, x + BarWidth + 8);
        }
        if (ColorbarLabel.Length > 0)
        {
            double widest = scale.Ticks.Count == 0 ? 0 : scale.Ticks.Max(t => TextMetrics.Width(t.Label, TickFont));
            c.Text(x + BarWidth + 8 + widest + 16, y + h / 2, ColorbarLabel, LabelFont, TextAnchor.Middle, Palette.Text, vertical: true, role: "axis-label");
        }
        c.EndGroup();
    }
}
