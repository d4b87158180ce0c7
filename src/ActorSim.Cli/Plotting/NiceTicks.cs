using System.Globalization;

namespace ActorSim.Cli.Plotting;

/// <summary>
/// Axis ranges and tick values at "nice" numbers (1, 2 or 5 times a power of ten), with labels that
/// use as few decimals as the step needs and switch to <c>1.5e6</c> notation for very large or small
/// values. Log axes get ticks at powers of ten (labels <c>10^{k}</c>).
/// </summary>
public static class NiceTicks
{
    private static readonly double[] Mantissas = [1, 2, 5, 10];

    /// <summary>The smallest nice step (1, 2 or 5 × 10^k) that is at least <paramref name="raw"/>.</summary>
    public static double NiceStep(double raw)
    {
        if (!(raw > 0) || !double.IsFinite(raw)) throw new ArgumentOutOfRangeException(nameof(raw), raw, "a step must be finite and > 0");
        double mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        foreach (double m in Mantissas)
            if (m * mag >= raw * (1 - 1e-9)) return m * mag;
        return 10 * mag;
    }

    /// <summary>
    /// A linear axis over [<paramref name="min"/>, <paramref name="max"/>] with at most about
    /// <paramref name="maxTicks"/> ticks. With <paramref name="expand"/> the axis is widened to the
    /// enclosing ticks (so both ends are labelled); otherwise it is exactly the data range. An empty range
    /// (min = max) is widened around its value. <paramref name="minStep"/> bounds the step from below
    /// (1 for integer grid indices).
    /// </summary>
    public static AxisScale Linear(double min, double max, int maxTicks = 6, bool expand = true, double minStep = 0)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max)) throw new ArgumentException($"axis range [{min}, {max}] is not finite");
        if (min > max) (min, max) = (max, min);
        if (max == min)
        {
            double half = min == 0 ? 1 : Math.Abs(min) * 0.1;
            min -= half;
            max += half;
        }
        maxTicks = Math.Max(2, maxTicks);
        double step = NiceStep((max - min) / (maxTicks - 1));
        if (minStep > 0 && step < minStep) step = NiceStep(minStep);
        if (!expand)
        {
            // At least two ticks inside the range: shrink the step while there are fewer.
            while (Math.Floor(max / step + 1e-9) - Math.Ceiling(min / step - 1e-9) < 1 && step / 2 >= minStep)
                step = NiceStep(step / 2.5);
        }
        long first = (long)(expand ? Math.Floor(min / step + 1e-9) : Math.Ceiling(min / step - 1e-9));
        long last = (long)(expand ? Math.Ceiling(max / step - 1e-9) : Math.Floor(max / step + 1e-9));
        if (expand)
        {
            min = first * step;
            max = last * step;
        }
        var values = new List<double>();
        for (long k = first; k <= last; k++) values.Add(Clean(k * step, step));
        string[] labels = Labels(values, step);
        return new AxisScale(min, max, false, values.Select((v, i) => new Tick(v, labels[i])).ToArray(), []);
    }

    /// <summary>
    /// A log10 axis showing [<paramref name="minPositive"/>, <paramref name="maxPositive"/>] (at least one
    /// decade) with 5% of the log range as margin at each end, so data never lies on the frame. Ticks at
    /// the powers of ten inside are labelled <c>10^{k}</c> (when there are more than
    /// <paramref name="maxTicks"/>, only every n-th: the k that are multiples of n); when fewer than three powers of ten are inside, ticks are at 1, 2 and
    /// 5 times powers of ten with plain labels. Minor ticks at 2…9 × 10^k when the axis spans at most 12 decades.
    /// </summary>
    public static AxisScale Log10(double minPositive, double maxPositive, int maxTicks = 6)
    {
        if (!(minPositive > 0) || !(maxPositive > 0) || !double.IsFinite(minPositive) || !double.IsFinite(maxPositive))
            throw new ArgumentException($"a log axis needs a finite positive range, got [{minPositive}, {maxPositive}]");
        if (minPositive > maxPositive) (minPositive, maxPositive) = (maxPositive, minPositive);
        double lmin = Math.Log10(minPositive), lmax = Math.Log10(maxPositive);
        if (lmax - lmin < 1)
        {
            double mid = (lmin + lmax) / 2;
            (lmin, lmax) = (mid - 0.5, mid + 0.5);
        }
        double pad = 0.05 * (lmax - lmin);
        lmin -= pad;
        lmax += pad;
        double min = Math.Pow(10, lmin), max = Math.Pow(10, lmax);
        int kLo = (int)Math.Ceiling(lmin - 1e-12), kHi = (int)Math.Floor(lmax + 1e-12);
        var ticks = new List<Tick>();
        if (kHi - kLo + 1 < 3)
        {
            for (int k = kLo - 1; k <= kHi; k++)
                foreach (double m in new double[] { 1, 2, 5 })
                {
                    double v = m * Pow10(k);
                    if (v >= min && v <= max) ticks.Add(new Tick(v, FormatPlain(v)));
                }
        }
        else
        {
            int every = Math.Max(1, (int)Math.Ceiling((kHi - kLo) / (double)Math.Max(2, maxTicks - 1)));
            for (int k = kLo; k <= kHi; k++)
                if (((k % every) + every) % every == 0) ticks.Add(new Tick(Pow10(k), $"10^{{{k.ToString(CultureInfo.InvariantCulture)}}}"));
        }
        var minor = new List<double>();
        if (lmax - lmin <= 12)
            for (int k = kLo - 1; k <= kHi; k++)
                for (int m = 2; m <= 9; m++)
                {
                    double v = m * Pow10(k);
                    if (v >= min && v <= max && !ticks.Any(t => Math.Abs(t.Value - v) <= 1e-12 * v)) minor.Add(v);
                }
        return new AxisScale(min, max, true, ticks, minor);
    }

    private static double Pow10(int k) => double.Parse("1e" + k.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>Rounds away floating-point noise (0.30000000000000004 → 0.3) relative to the step.</summary>
    private static double Clean(double v, double step)
    {
        if (Math.Abs(v) < step * 1e-9) return 0;
        int decimals = Math.Clamp(-(int)Math.Floor(Math.Log10(step)) + 2, 0, 15);
        return Math.Round(v, decimals);
    }

    /// <summary>
    /// Labels for ticks <paramref name="values"/> spaced by <paramref name="step"/>: fixed-point with the
    /// decimals the step needs, or <c>m.me±k</c> when the largest magnitude is ≥ 1e5 or &lt; 1e-3.
    /// </summary>
    public static string[] Labels(IReadOnlyList<double> values, double step)
    {
        var inv = CultureInfo.InvariantCulture;
        double maxAbs = values.Count == 0 ? 0 : values.Max(Math.Abs);
        int stepExp = (int)Math.Floor(Math.Log10(step) + 1e-9);
        if (maxAbs >= 1e5 || (maxAbs > 0 && maxAbs < 1e-3))
        {
            return values.Select(v =>
            {
                if (v == 0) return "0";
                int e = (int)Math.Floor(Math.Log10(Math.Abs(v)) + 1e-9);
                int decimals = Math.Clamp(e - stepExp, 0, 6);
                double mantissa = Math.Round(v / Math.Pow(10, e), decimals);
                if (Math.Abs(mantissa) >= 10) { mantissa /= 10; e++; }
                return mantissa.ToString("0.######", inv) + "e" + e.ToString(inv);
            }).ToArray();
        }
        int fixedDecimals = Math.Max(0, -stepExp);
        return values.Select(v =>
        {
            string s = v.ToString("F" + fixedDecimals.ToString(inv), inv);
            return s.StartsWith('-') && s.AsSpan(1).Trim("0.").IsEmpty ? s[1..] : s;   // "0.0", not "-0.0"
        }).ToArray();
    }

    /// <summary>A short label for a single value: <c>0.002</c>, <c>350</c>, <c>2e-7</c>.</summary>
    public static string FormatPlain(double v)
    {
        var inv = CultureInfo.InvariantCulture;
        double a = Math.Abs(v);
        if (v == 0) return "0";
        if (a >= 1e5 || a < 1e-3) return v.ToString("0.###e0", inv);
        return v.ToString("0.#####", inv);
    }
}
