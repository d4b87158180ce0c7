using ScottPlot;
using SkiaSharp;

namespace ActorSim.Cli.Plotting;

/// <summary>One ScottPlot chart of a <see cref="PlotFigure"/> and its height in points.</summary>
public sealed record Panel(Plot Plot, float Height);

/// <summary>
/// A page of ScottPlot charts under a title: the panels fill a grid of <see cref="Columns"/> columns, row by row, each
/// row as high as its highest panel. Written as SVG (text stays text) or as PNG at <see cref="PngDpi"/> dots per inch
/// (the page is laid out in points at 96 per inch and scaled). Long titles wrap at words; nothing is cut.
/// </summary>
public sealed class PlotFigure
{
    /// <summary>The layout unit: 96 points per inch, as in CSS and SVG.</summary>
    public const float LayoutDpi = 96;

    /// <summary>The resolution of PNG output.</summary>
    public const float PngDpi = 192;

    private const float TitleSize = 15;
    private const float SubtitleSize = 12.5f;
    private const float LineGap = 5;

    /// <summary>Maximum lines of the subtitle; a longer one ends at the last clause that fits (never with "…").</summary>
    public const int SubtitleLines = 3;

    public string? Title { get; init; }

    /// <summary>A smaller line (or a few) under the title: what the scenario is.</summary>
    public string? Subtitle { get; init; }

    public float Width { get; init; } = 760;

    public int Columns { get; init; } = 1;

    public List<Panel> Panels { get; } = [];

    private IReadOnlyList<(string Text, bool Bold)> TitleLines()
    {
        var lines = new List<(string, bool)>();
        if (Title is not null) lines.AddRange(Wrap(Title, Width - 32, bold: true).Select(l => (l, true)));
        if (Subtitle is not null) lines.AddRange(Clauses(Subtitle, Width - 32, SubtitleLines).Select(l => (l, false)));
        return lines;
    }

    private float TitleHeight => 8 + TitleLines().Sum(l => (l.Bold ? TitleSize : SubtitleSize) + LineGap) + 10;

    private IEnumerable<Panel[]> Rows() => Panels.Chunk(Math.Max(1, Columns));

    public float Height => TitleHeight + Rows().Sum(r => r.Max(p => p.Height)) + 6;

    private void Render(SKCanvas canvas)
    {
        canvas.Clear(SKColors.White);
        using (var bold = Font(bold: true))
        using (var plain = Font(bold: false))
        using (var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true })
        {
            float y = 8;
            foreach (var (line, isBold) in TitleLines())
            {
                y += isBold ? TitleSize : SubtitleSize;
                canvas.DrawText(line, Width / 2, y, SKTextAlign.Center, isBold ? bold : plain, paint);
                y += LineGap;
            }
        }
        float top = TitleHeight;
        float columnWidth = Width / Math.Max(1, Columns);
        foreach (var row in Rows())
        {
            for (int c = 0; c < row.Length; c++)
            {
                var rect = new PixelRect(c * columnWidth, (c + 1) * columnWidth, top + row[c].Height, top);
                row[c].Plot.RenderManager.ClearCanvasBeforeEachRender = false;
                row[c].Plot.Render(canvas, rect);
            }
            top += row.Max(p => p.Height);
        }
    }

    /// <summary>The figure as an SVG document.</summary>
    public string ToSvg()
    {
        using var stream = new MemoryStream();
        using (var wstream = new SKManagedWStream(stream))
        using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, Width, MathF.Ceiling(Height)), wstream))
        {
            Render(canvas);
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The figure as a PNG image at <see cref="PngDpi"/>.</summary>
    public byte[] ToPng()
    {
        float scale = PngDpi / LayoutDpi;
        var info = new SKImageInfo((int)MathF.Ceiling(Width * scale), (int)MathF.Ceiling(MathF.Ceiling(Height) * scale));
        using var surface = SKSurface.Create(info);
        surface.Canvas.Scale(scale);
        Render(surface.Canvas);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return PngDpiChunk.Insert(data.ToArray(), PngDpi);
    }

    private static SKFont Font(bool bold) =>
        new(SKTypeface.FromFamilyName(Fonts.Default, bold ? SKFontStyle.Bold : SKFontStyle.Normal) ?? SKTypeface.Default,
            bold ? TitleSize : SubtitleSize);

    /// <summary><paramref name="text"/> broken at spaces into lines no wider than <paramref name="maxWidth"/> points.</summary>
    public static IReadOnlyList<string> Wrap(string text, float maxWidth, bool bold = false)
    {
        using var font = Font(bold);
        var lines = new List<string>();
        string line = "";
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = line.Length == 0 ? word : line + " " + word;
            if (line.Length > 0 && font.MeasureText(candidate) > maxWidth)
            {
                lines.Add(line);
                line = word;
            }
            else line = candidate;
        }
        if (line.Length > 0) lines.Add(line);
        return lines;
    }

    /// <summary>
    /// <paramref name="text"/> wrapped into at most <paramref name="maxLines"/> lines: when it needs more, it ends at
    /// the last clause (before ", ", "; ", " (" or " with ") that fits.
    /// </summary>
    public static IReadOnlyList<string> Clauses(string text, float maxWidth, int maxLines)
    {
        var lines = Wrap(text, maxWidth);
        while (lines.Count > maxLines)
        {
            int cut = LastClauseBoundary(text);
            if (cut <= 0) return lines.Take(maxLines).ToList();
            text = text[..cut].TrimEnd(',', ';', ':', ' ');
            lines = Wrap(text, maxWidth);
        }
        return lines;
    }

    /// <summary>The start of the last ", ", "; ", " (", " with " or " and " outside parentheses and brackets, or -1.</summary>
    private static int LastClauseBoundary(string text)
    {
        int depth = 0, last = -1;
        for (int i = 0; i < text.Length - 1; i++)
        {
            char c = text[i];
            if (depth == 0 && (c is ',' or ';' && text[i + 1] == ' ' || c == ' ' && (text[i + 1] == '(' || Starts(text, i, " with ") || Starts(text, i, " and "))))
                last = i;
            if (c is '(' or '[') depth++;
            else if (c is ')' or ']' && depth > 0) depth--;
        }
        return last;
    }

    private static bool Starts(string text, int at, string what) => string.CompareOrdinal(text, at, what, 0, what.Length) == 0;
}
