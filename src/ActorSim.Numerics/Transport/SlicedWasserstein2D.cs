namespace ActorSim.Numerics.Transport;

/// <summary>
/// A weighted 2D probability measure prepared for sliced Wasserstein-1 distances: its projections
/// t = x cos(theta_k) + y sin(theta_k) onto the fixed deterministic directions
/// theta_k = pi (k + 1/2) / K, k = 0..K-1 (equally spaced over the half circle, offset by half a spacing so
/// that no direction is axis-aligned), each sorted once with its weights.
/// The sliced distance SW1(mu, nu) = (1/K) sum_k W1(P_k mu, P_k nu) uses the exact 1D W1 per direction;
/// since projections are 1-Lipschitz, SW1 &lt;= W1, and SW1 metrises the same weak convergence on
/// compactly supported measures.
/// </summary>
public sealed class SlicedMeasure2D
{
    private readonly double[][] _t, _w;

    /// <param name="x">First coordinates.</param>
    /// <param name="y">Second coordinates.</param>
    /// <param name="weights">Non-negative weights (normalised internally); empty for equal weights.</param>
    /// <param name="directions">Number K of directions (&gt;= 1).</param>
    public SlicedMeasure2D(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> weights, int directions)
    {
        if (directions < 1) throw new ArgumentOutOfRangeException(nameof(directions));
        if (x.Length != y.Length || x.Length == 0) throw new ArgumentException("x and y must be non-empty and of equal length");
        if (!weights.IsEmpty && weights.Length != x.Length) throw new ArgumentException("weights length differs");
        Directions = directions;
        Count = x.Length;
        _t = new double[directions][];
        _w = new double[directions][];
        for (int k = 0; k < directions; k++)
        {
            double th = SlicedWasserstein2D.DirectionAngle(k, directions);
            double c = Math.Cos(th), s = Math.Sin(th);
            var t = new double[Count];
            var w = new double[Count];
            for (int i = 0; i < Count; i++)
            {
                t[i] = c * x[i] + s * y[i];
                w[i] = weights.IsEmpty ? 1.0 : weights[i];
            }
            Array.Sort(t, w);
            _t[k] = t; _w[k] = w;
        }
    }

    /// <summary>K.</summary>
    public int Directions { get; }

    /// <summary>Number of atoms.</summary>
    public int Count { get; }

    /// <summary>Sliced W1 to another measure prepared with the same number of directions.</summary>
    public double DistanceTo(SlicedMeasure2D other)
    {
        if (other.Directions != Directions) throw new ArgumentException("direction sets differ");
        double sum = 0.0;
        for (int k = 0; k < Directions; k++)
            sum += Wasserstein1D.BetweenSortedWeighted(_t[k], _w[k], other._t[k], other._w[k]);
        return sum / Directions;
    }

    /// <summary>W1 of the projections onto direction k.</summary>
    public double DistanceAlong(SlicedMeasure2D other, int k) =>
        Wasserstein1D.BetweenSortedWeighted(_t[k], _w[k], other._t[k], other._w[k]);
}

/// <summary>Sliced Wasserstein-1 in 2D with a fixed deterministic direction set (see <see cref="SlicedMeasure2D"/>).</summary>
public static class SlicedWasserstein2D
{
    /// <summary>Default number of directions.</summary>
    public const int DefaultDirections = 32;

    /// <summary>theta_k = pi (k + 1/2) / K (radians).</summary>
    public static double DirectionAngle(int k, int directions) => Math.PI * (k + 0.5) / directions;

    /// <summary>Sliced W1 between two equal-weight empirical measures.</summary>
    public static double BetweenEmpirical(ReadOnlySpan<double> ax, ReadOnlySpan<double> ay,
        ReadOnlySpan<double> bx, ReadOnlySpan<double> by, int directions = DefaultDirections) =>
        new SlicedMeasure2D(ax, ay, default, directions).DistanceTo(new SlicedMeasure2D(bx, by, default, directions));

    /// <summary>
    /// A cell-constant 2D density (mass[i * ny + j] on cell [ox + i dx, ox + (i+1) dx) x [oy + j dy, oy + (j+1) dy))
    /// represented by point masses at the cell centres: an O(dx, dy) approximation in W1 (O(h^2) in practice for
    /// smooth densities and directions that are not axis-aligned).
    /// </summary>
    public static SlicedMeasure2D FromCellDensity(double ox, double dx, int nx, double oy, double dy, int ny,
        ReadOnlySpan<double> mass, int directions = DefaultDirections)
    {
        if (mass.Length != nx * ny) throw new ArgumentException("mass length must be nx * ny");
        var x = new double[nx * ny]; var y = new double[nx * ny];
        for (int i = 0; i < nx; i++)
            for (int j = 0; j < ny; j++)
            {
                x[i * ny + j] = ox + (i + 0.5) * dx;
                y[i * ny + j] = oy + (j + 0.5) * dy;
            }
        return new SlicedMeasure2D(x, y, mass, directions);
    }
}
