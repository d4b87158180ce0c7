namespace ActorSim.Numerics.Densities;

/// <summary>
/// The empirical measure (1/M) sum_k delta_{p_k} of given positions (e.g. read from a file). F is a step function;
/// a draw is p_(floor(u0 M)), the order statistic, so N draws are i.i.d. from the measure.
/// </summary>
public sealed class EmpiricalDensity : IDensity1D
{
    private readonly double[] _sorted, _given;

    public EmpiricalDensity(IReadOnlyList<double> positions)
    {
        if (positions.Count == 0) throw new ArgumentException("no positions");
        for (int k = 0; k < positions.Count; k++)
            if (!double.IsFinite(positions[k])) throw new ArgumentException($"position {k} = {positions[k]} is not finite");
        _given = positions.ToArray();
        _sorted = (double[])_given.Clone();
        Array.Sort(_sorted);
    }

    /// <summary>The positions in ascending order.</summary>
    public ReadOnlySpan<double> Sorted => _sorted;

    /// <summary>The positions in the order given.</summary>
    public ReadOnlySpan<double> Given => _given;

    public int Count => _sorted.Length;

    public double Cdf(double x)
    {
        // number of positions <= x
        int lo = 0, hi = _sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_sorted[mid] <= x) lo = mid + 1; else hi = mid;
        }
        return (double)lo / _sorted.Length;
    }

    public double Draw(double u0, double u1) => _sorted[Math.Min(_sorted.Length - 1, (int)(u0 * _sorted.Length))];

    public (double Lo, double Hi) Support => (_sorted[0], _sorted[^1]);

    public IReadOnlyList<double> Breakpoints => _sorted;
}
