namespace ActorSim.Numerics.Densities;

/// <summary>
/// A density given by its values rho_k &gt;= 0 at strictly increasing nodes x_k and linear in between (zero outside
/// [x_0, x_K]), normalised by its trapezoidal integral. F is piecewise quadratic; a draw solves the quadratic of
/// its cell in the cancellation-free form t = 2 r / (rho_k + sqrt(rho_k^2 + 2 s r)).
/// </summary>
public sealed class PiecewiseLinearDensity : IDensity1D
{
    private readonly double[] _x, _rho, _cdf;

    public PiecewiseLinearDensity(IReadOnlyList<double> x, IReadOnlyList<double> rho)
    {
        if (x.Count < 2 || x.Count != rho.Count) throw new ArgumentException("need at least two nodes and one density value per node");
        for (int k = 0; k < x.Count; k++)
        {
            if (!double.IsFinite(x[k]) || (k > 0 && !(x[k] > x[k - 1])))
                throw new ArgumentException($"node {k}: x = {x[k]} is not allowed: the nodes must be finite and strictly increasing");
            if (!double.IsFinite(rho[k]) || rho[k] < 0)
                throw new ArgumentException($"node {k}: rho = {rho[k]} is not allowed: the density must be finite and >= 0");
        }
        _x = x.ToArray();
        var cdf = new double[_x.Length];
        for (int k = 1; k < _x.Length; k++) cdf[k] = cdf[k - 1] + 0.5 * (rho[k - 1] + rho[k]) * (_x[k] - _x[k - 1]);
        double total = cdf[^1];
        if (!(total > 0)) throw new ArgumentException("the density has zero mass");
        _rho = rho.Select(r => r / total).ToArray();
        for (int k = 0; k < cdf.Length; k++) cdf[k] /= total;
        cdf[^1] = 1.0;
        _cdf = cdf;
    }

    /// <summary>The normalised node values.</summary>
    public IReadOnlyList<double> Values => _rho;

    public double Cdf(double x)
    {
        if (x <= _x[0]) return 0.0;
        if (x >= _x[^1]) return 1.0;
        int k = Array.BinarySearch(_x, x);
        if (k >= 0) return _cdf[k];
        k = ~k - 1;
        double t = x - _x[k], s = (_rho[k + 1] - _rho[k]) / (_x[k + 1] - _x[k]);
        return Math.Min(1.0, _cdf[k] + t * (_rho[k] + 0.5 * s * t));
    }

    public double Draw(double u0, double u1)
    {
        int k = Array.BinarySearch(_cdf, u0);
        if (k < 0) k = ~k - 1;
        k = Math.Clamp(k, 0, _x.Length - 2);
        while (k < _x.Length - 2 && _cdf[k + 1] <= u0) k++; // skip zero-mass cells
        double h = _x[k + 1] - _x[k], s = (_rho[k + 1] - _rho[k]) / h, r = Math.Max(0.0, u0 - _cdf[k]);
        double disc = Math.Max(0.0, _rho[k] * _rho[k] + 2 * s * r);
        double denom = _rho[k] + Math.Sqrt(disc);
        double t = denom > 0 ? 2 * r / denom : 0.0;
        return _x[k] + Math.Clamp(t, 0.0, h);
    }

    public (double Lo, double Hi) Support => (_x[0], _x[^1]);

    public IReadOnlyList<double> Breakpoints => _x;
}
