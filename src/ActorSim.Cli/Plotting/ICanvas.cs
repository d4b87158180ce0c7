namespace ActorSim.Cli.Plotting;

/// <summary>Where a text's anchor point lies along it.</summary>
public enum TextAnchor { Start, Middle, End }

/// <summary>A point in canvas pixels (y down).</summary>
public readonly record struct PointD(double X, double Y);

/// <summary>
/// The drawing operations plots use, in pixels with y pointing down. <see cref="SvgCanvas"/> turns them
/// into SVG elements and <see cref="RasterCanvas"/> into pixels for PNG.
/// </summary>
public interface ICanvas
{
    double Width { get; }

    double Height { get; }

    void Rect(double x, double y, double width, double height, Rgb? fill, Rgb? stroke = null, double strokeWidth = 1);

    void Line(double x1, double y1, double x2, double y2, Rgb color, double width = 1);

    /// <summary>A connected line through <paramref name="points"/>; <paramref name="name"/> labels it (the series name).</summary>
    void Polyline(IReadOnlyList<PointD> points, Rgb color, double width, string? name = null);

    /// <summary>
    /// Text with its baseline at <paramref name="y"/>; <paramref name="vertical"/> turns it 90° counter-clockwise
    /// about (x, y). The text may mark superscripts as <c>^{…}</c>. <paramref name="role"/> says what
    /// the text is (tick-label, axis-label, title, legend) for readers of the output.
    /// </summary>
    void Text(double x, double y, string text, double size, TextAnchor anchor, Rgb color, bool bold = false, bool vertical = false, string? role = null);

    /// <summary>The width in pixels of <paramref name="text"/> (markup allowed) drawn at <paramref name="size"/>.</summary>
    double MeasureText(string text, double size, bool bold = false);

    /// <summary>An image stretched over the rectangle, without smoothing.</summary>
    void Image(double x, double y, double width, double height, RgbImage image);

    /// <summary>Starts a named group of elements (an axis, a legend); groups may nest.</summary>
    void BeginGroup(string name);

    void EndGroup();
}
