using System.Xml.Linq;

namespace ActorSim.Cli.Tests.Plotting;

/// <summary>Helpers to look into the SVG the plots write (ScottPlot through Skia's SVG canvas: text stays text).</summary>
internal static class SvgXml
{
    public static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    public static XDocument Parse(string svg)
    {
        var doc = XDocument.Parse(svg);
        if (doc.Root?.Name != Ns + "svg") throw new InvalidOperationException("root is not <svg>: " + doc.Root?.Name);
        return doc;
    }

    public static XDocument Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>Every text of the drawing, trimmed, in document order.</summary>
    public static IReadOnlyList<string> Texts(this XDocument doc) =>
        doc.Descendants(Ns + "text").Select(e => e.Value.Trim()).Where(t => t.Length > 0).ToList();
}
