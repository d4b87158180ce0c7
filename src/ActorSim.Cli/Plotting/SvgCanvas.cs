using System.Globalization;
using System.Text;

namespace ActorSim.Cli.Plotting;

/// <summary>
/// Draws into an SVG 1.1 document: one element per line, numbers in invariant culture with at most two
/// decimals, so the same drawing always gives the same bytes. Groups become <c>&lt;g class="…"&gt;</c>,
/// text roles become the text's class, and series polylines carry <c>data-series</c>.
/// </summary>
public sealed class SvgCanvas : ICanvas
{
    private const string FontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif";
    private readonly StringBuilder _body = new();
    private int _depth = 1;

    public SvgCanvas(double width, double height)
    {
        Width = width;
        Height = height;
    }

    public double Width { get; }

    public double Height { get; }

    public void Rect(double x, double y, double width, double height, Rgb? fill, Rgb? stroke = null, double strokeWidth = 1)
    {
        var e = Open("rect").Attr("x", x).Attr("y", y).Attr("width", width).Attr("height", height)
            .Attr("fill", fill?.Hex ?? "none");
        if (stroke is { } s) e.Attr("stroke", s.Hex).Attr("stroke-width", strokeWidth);
        Close();
    }

    public void Line(double x1, double y1, double x2, double y2, Rgb color, double width = 1)
    {
        Open("line").Attr("x1", x1).Attr("y1", y1).Attr("x2", x2).Attr("y2", y2).Attr("stroke", color.Hex).Attr("stroke-width", width);
        Close();
    }

    public void Polyline(IReadOnlyList<PointD> points, Rgb color, double width, string? name = null)
    {
        var pts = new StringBuilder(points.Count * 14);
        foreach (var p in points)
        {
            if (pts.Length > 0) pts.Append(' ');
            pts.Append(Num(p.X)).Append(',').Append(Num(p.Y));
        }
        Open("polyline");
        if (name is not null) Attr("class", "series").Attr("data-series", name);
        Attr("points", pts.ToString()).Attr("fill", "none").Attr("stroke", color.Hex).Attr("stroke-width", width)
            .Attr("stroke-linejoin", "round").Attr("stroke-linecap", "round");
        Close();
    }

    public void Text(double x, double y, string text, double size, TextAnchor anchor, Rgb color, bool bold = false, bool vertical = false, string? role = null)
    {
        Open("text");
        if (role is not null) Attr("class", role);
        Attr("x", x).Attr("y", y).Attr("font-size", size);
        if (anchor != TextAnchor.Start) Attr("text-anchor", anchor == TextAnchor.Middle ? "middle" : "end");
        if (bold) Attr("font-weight", "bold");
        if (color != Palette.Black) Attr("fill", color.Hex);
        if (vertical) Attr("transform", $"rotate(-90 {Num(x)} {Num(y)})");
        _body.Append('>');
        foreach (var run in TextRun.Parse(text))
        {
            if (run.Superscript)
                _body.Append("<tspan dy=\"").Append(Num(-0.4 * size)).Append("\" font-size=\"")
                    .Append(Num(size * TextMetrics.SuperscriptScale)).Append("\">").Append(Escape(run.Text)).Append("</tspan>");
            else
                _body.Append(Escape(run.Text));
        }
        _body.Append("</text>\n");
    }

    /// <summary>An estimate: the viewer picks the font (<see cref="TextMetrics"/>).</summary>
    public double MeasureText(string text, double size, bool bold = false) => TextMetrics.Width(text, size) * (bold ? 1.1 : 1.0);

    public void Image(double x, double y, double width, double height, RgbImage image)
    {
        string data = Convert.ToBase64String(PngEncoder.Encode(image));
        Open("image").Attr("x", x).Attr("y", y).Attr("width", width).Attr("height", height)
            .Attr("preserveAspectRatio", "none").Attr("image-rendering", "optimizeSpeed")
            .Attr("style", "image-rendering:pixelated").Attr("xlink:href", "data:image/png;base64," + data);
        Close();
    }

    public void BeginGroup(string name)
    {
        Indent();
        _body.Append("<g class=\"").Append(Escape(name)).Append("\">\n");
        _depth++;
    }

    public void EndGroup()
    {
        _depth--;
        Indent();
        _body.Append("</g>\n");
    }

    /// <summary>The complete SVG document.</summary>
    public string ToSvg()
    {
        var sb = new StringBuilder(_body.Length + 400);
        sb.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"1.1\"")
          .Append(" width=\"").Append(Num(Width)).Append("\" height=\"").Append(Num(Height))
          .Append("\" viewBox=\"0 0 ").Append(Num(Width)).Append(' ').Append(Num(Height))
          .Append("\" font-family=\"").Append(FontFamily).Append("\">\n");
        sb.Append(_body);
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    private SvgCanvas Open(string element)
    {
        Indent();
        _body.Append('<').Append(element);
        return this;
    }

    private void Close() => _body.Append("/>\n");

    private void Indent() => _body.Append(' ', 2 * _depth);

    private SvgCanvas Attr(string name, double value) => Attr(name, Num(value));

    private SvgCanvas Attr(string name, string value)
    {
        _body.Append(' ').Append(name).Append("=\"").Append(Escape(value)).Append('"');
        return this;
    }

    /// <summary>A coordinate: invariant culture, at most two decimals, no "-0".</summary>
    public static string Num(double v)
    {
        string s = Math.Round(v, 2).ToString("0.##", CultureInfo.InvariantCulture);
        return s == "-0" ? "0" : s;
    }

    /// <summary>XML-escapes text; control characters (not allowed in XML 1.0) become spaces.</summary>
    private static string Escape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char c in s)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case < ' ' or '\uFFFE' or '\uFFFF': sb.Append(' '); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }
}
