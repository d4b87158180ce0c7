namespace ActorSim.Cli.Plotting;

/// <summary>
/// A viridis-like perceptually uniform colormap (dark purple → blue → green → yellow), linear in sRGB
/// between the nine anchor colours of matplotlib's viridis at 0, 1/8, …, 1. Not-a-number maps to grey.
/// </summary>
public static class Viridis
{
    private static readonly Rgb[] Anchors =
        new[] { "#440154", "#482878", "#3e4a89", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6dcd59", "#fde725" }
            .Select(Rgb.Parse).ToArray();

    /// <summary>The colour of <paramref name="t"/> in [0, 1] (clamped).</summary>
    public static Rgb Map(double t)
    {
        if (double.IsNaN(t)) return Palette.Missing;
        t = Math.Clamp(t, 0.0, 1.0) * (Anchors.Length - 1);
        int i = Math.Min((int)t, Anchors.Length - 2);
        return Rgb.Lerp(Anchors[i], Anchors[i + 1], t - i);
    }

    /// <summary>The colour of <paramref name="v"/> on a colour scale from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Rgb Map(double v, double min, double max) =>
        double.IsNaN(v) ? Palette.Missing : Map(max > min ? (v - min) / (max - min) : 0.5);
}
