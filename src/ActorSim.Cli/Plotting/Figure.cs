namespace ActorSim.Cli.Plotting;

/// <summary>
/// A page holding a title and panels (charts, heatmaps) stacked top to bottom, all of the figure's
/// width. Renders to SVG (<see cref="ToSvg"/>) or PNG (<see cref="ToPng"/>); both are deterministic.
/// </summary>
public sealed class Figure
{
    private const double TitleFont = 15;

    public string? Title { get; set; }

    public double Width { get; set; } = 880;

    public List<IPanel> Panels { get; } = [];

    private double TitleHeight => Title is null ? 8 : 34;

    public double Height => TitleHeight + Panels.Sum(p => p.Height) + 8;

    public void Render(ICanvas c)
    {
        c.Rect(0, 0, c.Width, c.Height, Palette.White);
        if (Title is not null)
            c.Text(Width / 2, 23, Fit(c, Title, TitleFont, Width - 24), TitleFont, TextAnchor.Middle, Palette.Text, bold: true, role: "figure-title");
        double y = TitleHeight;
        foreach (var p in Panels)
        {
            p.Render(c, 0, y, Width);
            y += p.Height;
        }
    }

    public string ToSvg()
    {
        var c = new SvgCanvas(Width, Math.Ceiling(Height));
        Render(c);
        return c.ToSvg();
    }

    public byte[] ToPng(double scale = 1.5)
    {
        var c = new RasterCanvas(Width, Math.Ceiling(Height), scale);
        Render(c);
        return PngEncoder.Encode(c.Pixels);
    }

    /// <summary><paramref name="text"/> in bold at <paramref name="size"/>, cut at a word and ended with "…" if wider than <paramref name="maxWidth"/> pixels on <paramref name="c"/>.</summary>
    public static string Fit(ICanvas c, string text, double size, double maxWidth)
    {
        if (c.MeasureText(text, size, bold: true) <= maxWidth) return text;
        string cut = text;
        while (cut.Length > 1 && c.MeasureText(cut + "…", size, bold: true) > maxWidth)
        {
            int space = cut.LastIndexOf(' ', cut.Length - 2);
            cut = space > cut.Length / 2 ? cut[..space].TrimEnd(',', ';', ':', ' ') : cut[..^1];
        }
        return cut + "…";
    }
}
