namespace ActorSim.Simulation.Models;

/// <summary>
/// The time-series columns the spatial virus models share: for each of u, v, w the integral (cell volume ×
/// sum), the minimum and the maximum over the gathered global field, summed in global cell order so the row
/// does not depend on the block count.
/// </summary>
internal static class SpeciesFieldStats
{
    /// <summary>The column names: <c>int_u, int_v, int_w, min_u, …, max_w</c>.</summary>
    public static readonly string[] Columns = ["int_u", "int_v", "int_w", "min_u", "min_v", "min_w", "max_u", "max_v", "max_w"];

    /// <summary>
    /// The global u, v, w fields (<paramref name="cells"/> values each) from slab snapshots in block order,
    /// each snapshot holding its slab's u, v, w one after the other (slabs own consecutive cells).
    /// </summary>
    public static double[][] ConcatenateSlabs(IReadOnlyList<double[]> snapshots, int cells)
    {
        var fields = new[] { new double[cells], new double[cells], new double[cells] };
        int offset = 0;
        foreach (var snap in snapshots)
        {
            int m = snap.Length / 3;
            for (int s = 0; s < 3; s++) snap.AsSpan(s * m, m).CopyTo(fields[s].AsSpan(offset, m));
            offset += m;
        }
        return fields;
    }

    /// <summary>Writes the nine columns of <paramref name="fields"/> (u, v, w) into <paramref name="row"/>[0..9].</summary>
    public static void Fill(double[][] fields, double cellVolume, Span<double> row)
    {
        for (int s = 0; s < 3; s++)
        {
            double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
            foreach (double x in fields[s]) { sum += x; min = Math.Min(min, x); max = Math.Max(max, x); }
            row[s] = sum * cellVolume;
            row[3 + s] = min;
            row[6 + s] = max;
        }
    }

    /// <summary>The blocks' partial (u, v, w) masses added in block order.</summary>
    public static double[] SumInBlockOrder(IReadOnlyList<double[]> partials)
    {
        var total = new double[3];
        foreach (var b in partials) for (int s = 0; s < 3; s++) total[s] += b[s];
        return total;
    }

    /// <summary>
    /// A step plan of equal steps no longer than <paramref name="maxDt"/> that lands exactly on
    /// <paramref name="tEnd"/> (the kinetic models, whose step does not adapt).
    /// </summary>
    public static ActorSim.Simulation.Subdomains.StepOrder EqualSteps(long step, double t, double tEnd, double maxDt, int stages)
    {
        double remaining = tEnd - t;
        long n = (long)Math.Ceiling(remaining / maxDt * (1 - 1e-12));
        if (n <= 1) return new(step, t, remaining, tEnd, stages);
        double dt = remaining / n;
        return new(step, t, dt, t + dt, stages);
    }
}
