namespace ActorSim.Cli.Plotting;

/// <summary>
/// Draws into an <see cref="RgbImage"/> for PNG output, with no native library: anti-aliased lines of
/// any width (coverage from the distance to each segment), filled and outlined rectangles,
/// nearest-neighbour images, and text in the 5×7 <see cref="BitmapFont"/> scaled by whole pixels.
/// Drawing coordinates are logical pixels; there are <c>scale</c> output pixels per logical pixel.
/// </summary>
public sealed class RasterCanvas : ICanvas
{
    private readonly double _s;

    public RasterCanvas(double width, double height, double scale = 1.0)
    {
        if (!(scale > 0)) throw new ArgumentOutOfRangeException(nameof(scale));
        Width = width;
        Height = height;
        _s = scale;
        Pixels = new RgbImage(Math.Max(1, (int)Math.Ceiling(width * scale)), Math.Max(1, (int)Math.Ceiling(height * scale)));
        Array.Fill(Pixels.Pixels, Palette.White);
    }

    public double Width { get; }

    public double Height { get; }

    public RgbImage Pixels { get; }

    public void Rect(double x, double y, double width, double height, Rgb? fill, Rgb? stroke = null, double strokeWidth = 1)
    {
        if (fill is { } f)
        {
            int x0 = Px(x), x1 = Px(x + width), y0 = Px(y), y1 = Px(y + height);
            for (int py = Math.Max(0, y0); py < Math.Min(Pixels.Height, y1); py++)
                for (int px = Math.Max(0, x0); px < Math.Min(Pixels.Width, x1); px++)
                    Pixels[px, py] = f;
        }
        if (stroke is { } s)
        {
            Line(x, y, x + width, y, s, strokeWidth);
            Line(x + width, y, x + width, y + height, s, strokeWidth);
            Line(x + width, y + height, x, y + height, s, strokeWidth);
            Line(x, y + height, x, y, s, strokeWidth);
        }
    }

    public void Line(double x1, double y1, double x2, double y2, Rgb color, double width = 1) =>
        Segment(x1 * _s, y1 * _s, x2 * _s, y2 * _s, color, Math.Max(1, width * _s));

    public void Polyline(IReadOnlyList<PointD> points, Rgb color, double width, string? name = null)
    {
        for (int i = 1; i < points.Count; i++) Line(points[i - 1].X, points[i - 1].Y, points[i].X, points[i].Y, color, width);
    }

    public void Text(double x, double y, string text, double size, TextAnchor anchor, Rgb color, bool bold = false, bool vertical = false, string? role = null)
    {
        var runs = Runs(text);
        int Unit(bool sup) => FontUnit(size, sup);
        double total = OutputWidth(runs, size, bold);
        double offset = anchor switch { TextAnchor.Middle => -total / 2, TextAnchor.End => -total, _ => 0 };
        // Pen direction along the text and "down" direction across it, in output pixels.
        (double ax, double ay, double dx, double dy) = vertical ? (0.0, -1.0, 1.0, 0.0) : (1.0, 0.0, 0.0, 1.0);
        double ox = x * _s + ax * offset, oy = y * _s + ay * offset;
        int baseUnit = Unit(false);
        foreach (var (t, sup) in runs)
        {
            int u = Unit(sup);
            double lift = sup ? 0.45 * BitmapFont.Ascent * baseUnit : 0;
            foreach (char ch in t)
            {
                var glyph = BitmapFont.Glyph(ch);
                var (first, count) = BitmapFont.InkedColumns(ch);
                for (int col = 0; col < count; col++)
                    for (int row = 0; row < BitmapFont.CellHeight; row++)
                    {
                        if ((glyph[first + col] >> row & 1) == 0) continue;
                        double along = col * u, across = (row - BitmapFont.Ascent) * u - lift;
                        double gx = ox + ax * along + dx * across, gy = oy + ay * along + dy * across;
                        FillBlock(gx, gy, u, vertical, color, bold);
                    }
                double adv = (count + 1) * u;
                ox += ax * adv;
                oy += ay * adv;
            }
        }
    }

    public double MeasureText(string text, double size, bool bold = false) => OutputWidth(Runs(text), size, bold) / _s;

    private static (string Text, bool Superscript)[] Runs(string markup) =>
        TextRun.Parse(markup).Select(r => (BitmapFont.Normalize(r.Text), r.Superscript)).ToArray();

    /// <summary>Whole output pixels per font pixel; superscripts round up so exponents stay legible.</summary>
    private int FontUnit(double size, bool superscript) => superscript
        ? Math.Max(1, (int)Math.Ceiling(size * _s * TextMetrics.SuperscriptScale / 9.0))
        : Math.Max(1, (int)Math.Round(size * _s / 9.0));

    private double OutputWidth((string Text, bool Superscript)[] runs, double size, bool bold) =>
        runs.Sum(r => BitmapFont.Advance(r.Text) * FontUnit(size, r.Superscript)) + (bold ? 1 : 0);

    private void FillBlock(double gx, double gy, int u, bool vertical, Rgb color, bool bold)
    {
        // The block covers [gx, gx+u) × [gy, gy+u) horizontally; rotated text grows up from gy.
        int x0 = (int)Math.Round(gx), y0 = (int)Math.Round(vertical ? gy - u : gy);
        int w = u + (bold && !vertical ? 1 : 0), h = u + (bold && vertical ? 1 : 0);
        for (int py = y0; py < y0 + h; py++)
            for (int px = x0; px < x0 + w; px++)
                if ((uint)px < (uint)Pixels.Width && (uint)py < (uint)Pixels.Height) Pixels[px, py] = color;
    }

    public void Image(double x, double y, double width, double height, RgbImage image)
    {
        double x0 = x * _s, y0 = y * _s, w = width * _s, h = height * _s;
        for (int py = Math.Max(0, (int)Math.Floor(y0)); py < Math.Min(Pixels.Height, (int)Math.Ceiling(y0 + h)); py++)
        {
            double fy = (py + 0.5 - y0) / h;
            if (fy is < 0 or >= 1) continue;
            for (int px = Math.Max(0, (int)Math.Floor(x0)); px < Math.Min(Pixels.Width, (int)Math.Ceiling(x0 + w)); px++)
            {
                double fx = (px + 0.5 - x0) / w;
                if (fx is < 0 or >= 1) continue;
                Pixels[px, py] = image[(int)(fx * image.Width), (int)(fy * image.Height)];
            }
        }
    }

    public void BeginGroup(string name) { }

    public void EndGroup() { }

    private int Px(double v) => (int)Math.Round(v * _s);

    /// <summary>An anti-aliased segment of width <paramref name="w"/> with round ends, in output pixels.</summary>
    private void Segment(double x1, double y1, double x2, double y2, Rgb color, double w)
    {
        double r = w / 2;
        int minX = Math.Max(0, (int)Math.Floor(Math.Min(x1, x2) - r - 1)), maxX = Math.Min(Pixels.Width - 1, (int)Math.Ceiling(Math.Max(x1, x2) + r + 1));
        int minY = Math.Max(0, (int)Math.Floor(Math.Min(y1, y2) - r - 1)), maxY = Math.Min(Pixels.Height - 1, (int)Math.Ceiling(Math.Max(y1, y2) + r + 1));
        double vx = x2 - x1, vy = y2 - y1, len2 = vx * vx + vy * vy;
        for (int py = minY; py <= maxY; py++)
            for (int px = minX; px <= maxX; px++)
            {
                double cx = px + 0.5, cy = py + 0.5;
                double t = len2 > 0 ? Math.Clamp(((cx - x1) * vx + (cy - y1) * vy) / len2, 0, 1) : 0;
                double ex = cx - (x1 + t * vx), ey = cy - (y1 + t * vy);
                double coverage = Math.Clamp(r + 0.5 - Math.Sqrt(ex * ex + ey * ey), 0, 1);
                if (coverage > 0) Pixels[px, py] = Rgb.Lerp(Pixels[px, py], color, coverage);
            }
    }
}
