using System.Globalization;
using ScottPlot;

namespace ActorSim.Cli.Plotting;

/// <summary>
/// How a y axis shows its values: on a log10 scale when they are positive and span decades, or with an offset
/// ("energy − 1.3363") when they are nearly constant, so the tick labels stay short and show the variation.
/// </summary>
public static class AxisScaling
{
    /// <summary>Positive values span at least this ratio (two decades) before the axis turns logarithmic.</summary>
    public const double DecadesRatio = 100;

    /// <summary>Whether the positive finite values among <paramref name="values"/> are all there is and span two decades.</summary>
    public static bool SpansDecades(IEnumerable<double> values, bool ignoreNonPositive = false)
    {
        double lo = double.PositiveInfinity, hi = 0;
        foreach (double v in values)
        {
            if (!double.IsFinite(v)) continue;
            if (v <= 0)
            {
                if (ignoreNonPositive) continue;
                return false;
            }
            lo = Math.Min(lo, v);
            hi = Math.Max(hi, v);
        }
        return hi > 0 && hi / lo >= DecadesRatio;
    }

    /// <summary>
    /// The offset to subtract from nearly constant values (their spread below 10⁻³ of their size), rounded to the
    /// spread's leading digits; 0 when the values vary enough to label them directly.
    /// </summary>
    public static double Offset(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length < 2) return 0;
        double lo = finite.Min(), hi = finite.Max(), size = Math.Max(Math.Abs(lo), Math.Abs(hi));
        double spread = hi - lo;
        if (!(spread > 0) || spread >= 1e-3 * size) return 0;
        double step = Math.Pow(10, Math.Floor(Math.Log10(spread)));
        return Math.Round((lo + hi) / 2 / step) * step;
    }

    /// <summary>
    /// The power of ten to factor out of values too small (below 10⁻³) or too large (10⁵ and more) for short tick
    /// labels: the exponent of the largest magnitude, or 0.
    /// </summary>
    public static int Exponent(IEnumerable<double> values)
    {
        double max = values.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max();
        if (max == 0 || max >= 1e-3 && max < 1e5) return 0;
        return (int)Math.Floor(Math.Log10(max));
    }

    /// <summary>"1.3363", the shortest invariant text of <paramref name="v"/> (to 12 significant digits).</summary>
    public static string Format(double v) => double.Parse(v.ToString("G12", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)
        .ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);

    /// <summary>Makes <paramref name="axis"/> show log10 data as powers of ten (10⁻¹², 10⁻⁶ …) with minor ticks between.</summary>
    public static void UseLogTicks(IAxis axis)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = PowerOfTen,
        };
    }

    /// <summary>"10⁻¹²" for -12.</summary>
    public static string PowerOfTen(double exponent)
    {
        int e = (int)Math.Round(exponent);
        return "10" + string.Concat(e.ToString(CultureInfo.InvariantCulture).Select(c => c switch
        {
            '-' => '⁻',
            '1' => '¹', '2' => '²', '3' => '³',
            _ => (char)('⁰' + (c - '0')),
        }));
    }
}
