using System.Globalization;

namespace ActorSim.Cli.Plotting;

/// <summary>An opaque 8-bit sRGB colour.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    /// <summary><c>#rrggbb</c>, lower case.</summary>
    public string Hex => $"#{R:x2}{G:x2}{B:x2}";

    /// <summary>Parses <c>#rrggbb</c>.</summary>
    public static Rgb Parse(string hex)
    {
        if (hex.Length != 7 || hex[0] != '#') throw new FormatException($"'{hex}' is not a colour of the form #rrggbb");
        int v = int.Parse(hex.AsSpan(1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return new Rgb((byte)(v >> 16), (byte)(v >> 8), (byte)v);
    }

    /// <summary>The colour a fraction <paramref name="f"/> (0..1) of the way from <paramref name="a"/> to <paramref name="b"/>.</summary>
    public static Rgb Lerp(Rgb a, Rgb b, double f) => new(Mix(a.R, b.R, f), Mix(a.G, b.G, f), Mix(a.B, b.B, f));

    private static byte Mix(byte a, byte b, double f) => (byte)Math.Clamp(Math.Round(a + (b - a) * f), 0, 255);

    public override string ToString() => Hex;
}

/// <summary>The colours the plots use.</summary>
public static class Palette
{
    public static readonly Rgb Black = new(0, 0, 0);
    public static readonly Rgb White = new(255, 255, 255);
    public static readonly Rgb Text = new(0x22, 0x22, 0x22);
    public static readonly Rgb Axis = new(0x44, 0x44, 0x44);
    public static readonly Rgb Grid = new(0xe4, 0xe4, 0xe4);
    public static readonly Rgb Missing = new(0xbb, 0xbb, 0xbb);

    /// <summary>Distinct line colours (matplotlib's "tab10"), cycled by series index.</summary>
    public static IReadOnlyList<Rgb> Categorical { get; } =
        new[] { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf" }
            .Select(Rgb.Parse).ToArray();

    public static Rgb Series(int index) => Categorical[index % Categorical.Count];
}
