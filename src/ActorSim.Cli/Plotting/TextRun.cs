namespace ActorSim.Cli.Plotting;

/// <summary>
/// A piece of label text, normal or superscript. Labels mark superscripts as <c>^{…}</c>
/// (<c>10^{-3}</c>); everything else is literal.
/// </summary>
public readonly record struct TextRun(string Text, bool Superscript)
{
    public static IReadOnlyList<TextRun> Parse(string markup)
    {
        var runs = new List<TextRun>();
        int i = 0;
        while (i < markup.Length)
        {
            int open = markup.IndexOf("^{", i, StringComparison.Ordinal);
            int close = open < 0 ? -1 : markup.IndexOf('}', open + 2);
            if (open < 0 || close < 0)
            {
                runs.Add(new TextRun(markup[i..], false));
                break;
            }
            if (open > i) runs.Add(new TextRun(markup[i..open], false));
            runs.Add(new TextRun(markup[(open + 2)..close], true));
            i = close + 1;
        }
        return runs;
    }

    /// <summary>The text without markup (<c>10^{3}</c> → <c>103</c>), as an XML parser sees it.</summary>
    public static string Plain(string markup) => string.Concat(Parse(markup).Select(r => r.Text));
}

/// <summary>Approximate text widths for layout (a sans-serif font; no font files are read).</summary>
public static class TextMetrics
{
    /// <summary>Superscripts are drawn at this fraction of the font size.</summary>
    public const double SuperscriptScale = 0.72;

    public static double Width(string markup, double size)
    {
        double w = 0;
        foreach (var run in TextRun.Parse(markup))
            foreach (char c in run.Text)
                w += CharWidth(c) * size * (run.Superscript ? SuperscriptScale : 1);
        return w;
    }

    private static double CharWidth(char c) => c switch
    {
        'i' or 'l' or 'j' or '.' or ',' or ':' or ';' or '\'' or '|' or '!' => 0.28,
        'f' or 't' or 'r' or '(' or ')' or '[' or ']' or ' ' or '-' => 0.38,
        'm' or 'w' or 'M' or 'W' => 0.85,
        >= 'A' and <= 'Z' => 0.68,
        _ => 0.58,
    };
}
