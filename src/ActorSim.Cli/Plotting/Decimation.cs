namespace ActorSim.Cli.Plotting;

/// <summary>
/// Thins a long series for drawing without hiding features: the x range is cut into
/// <c>columns</c> buckets (about one per pixel) and each bucket keeps its first, lowest, highest and
/// last point, in order. Spikes and oscillations look as they would with every point drawn.
/// </summary>
public static class Decimation
{
    /// <summary>
    /// The indices of the points to draw. All of them when there are at most 4 × <paramref name="columns"/>
    /// or x is not sorted ascending; points with non-finite y are always kept (they break the line).
    /// </summary>
    public static int[] MinMaxIndices(double[] x, double[] y, int columns)
    {
        int n = x.Length;
        if (n <= 4 * columns || columns < 1 || !IsSorted(x)) return Enumerable.Range(0, n).ToArray();
        double lo = x[0], hi = x[^1];
        if (!(hi > lo)) return Enumerable.Range(0, n).ToArray();

        var keep = new List<int>(4 * columns + 16);
        int start = 0;
        while (start < n)
        {
            int bucket = Bucket(x[start]);
            int end = start;
            while (end + 1 < n && Bucket(x[end + 1]) == bucket) end++;
            int iMin = -1, iMax = -1;
            for (int i = start; i <= end; i++)
            {
                if (!double.IsFinite(y[i])) continue;
                if (iMin < 0 || y[i] < y[iMin]) iMin = i;
                if (iMax < 0 || y[i] > y[iMax]) iMax = i;
            }
            var chosen = new SortedSet<int> { start, end };
            if (iMin >= 0) chosen.Add(iMin);
            if (iMax >= 0) chosen.Add(iMax);
            for (int i = start; i <= end; i++)
                if (!double.IsFinite(y[i])) chosen.Add(i);
            keep.AddRange(chosen);
            start = end + 1;
        }
        return keep.ToArray();

        int Bucket(double v) => Math.Min(columns - 1, (int)((v - lo) / (hi - lo) * columns));
    }

    private static bool IsSorted(double[] x)
    {
        for (int i = 1; i < x.Length; i++)
            if (!(x[i] >= x[i - 1])) return false;
        return x.Length == 0 || double.IsFinite(x[0]) && double.IsFinite(x[^1]);
    }
}
