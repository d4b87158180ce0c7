using System.Globalization;
using System.Xml.Linq;

namespace ActorSim.Cli.Tests.Plotting;

/// <summary>Helpers to look into the SVG the plots write.</summary>
internal static class SvgXml
{
    public static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    public static XDocument Parse(string svg)
    {
        var doc = XDocument.Parse(svg);
        if (doc.Root?.Name != Ns + "svg") throw new InvalidOperationException("root is not <svg>: " + doc.Root?.Name);
        return doc;
    }

    public static IEnumerable<string> Texts(this XDocument doc, string cssClass) =>
        doc.Descendants(Ns + "text").Where(e => (string?)e.Attribute("class") == cssClass).Select(e => e.Value);

    public static IEnumerable<XElement> InGroup(this XDocument doc, string group, string element) =>
        doc.Descendants(Ns + "g").Where(g => (string?)g.Attribute("class") == group).Descendants(Ns + element);

    public static IReadOnlyList<(double X, double Y)> Points(XElement polyline) =>
        ((string)polyline.Attribute("points")!).Split(' ')
            .Select(p => p.Split(','))
            .Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture)))
            .ToList();
}
