namespace ActorSim.Numerics.Densities;

/// <summary>
/// A finite mixture sum_k w_k rho_k (weights normalised to sum 1). A draw picks component k with u0 (the k with
/// W_{k-1} &lt;= u0 &lt; W_k, W the cumulative weights) and draws from it with u1 (and u0 rescaled into [0, 1)
/// as the component's second uniform).
/// </summary>
public sealed class MixtureDensity : IDensity1D
{
    private readonly double[] _weights, _cumulative;
    private readonly IDensity1D[] _components;

    public MixtureDensity(IReadOnlyList<double> weights, IReadOnlyList<IDensity1D> components)
    {
        if (weights.Count == 0 || weights.Count != components.Count) throw new ArgumentException("a mixture needs one weight per component and at least one component");
        if (weights.Any(w => !(w > 0) || !double.IsFinite(w))) throw new ArgumentException("mixture weights must be finite and > 0");
        double total = weights.Sum();
        _weights = weights.Select(w => w / total).ToArray();
        _components = components.ToArray();
        _cumulative = new double[_weights.Length];
        double c = 0;
        for (int k = 0; k < _weights.Length; k++) { c += _weights[k]; _cumulative[k] = c; }
        _cumulative[^1] = 1.0;
    }

    public IReadOnlyList<double> Weights => _weights;
    public IReadOnlyList<IDensity1D> Components => _components;

    public double Cdf(double x)
    {
        double f = 0;
        for (int k = 0; k < _components.Length; k++) f += _weights[k] * _components[k].Cdf(x);
        return Math.Clamp(f, 0.0, 1.0);
    }

    public double Draw(double u0, double u1)
    {
        int k = 0;
        while (k < _cumulative.Length - 1 && u0 >= _cumulative[k]) k++;
        double below = k == 0 ? 0.0 : _cumulative[k - 1];
        double v = Math.Clamp((u0 - below) / _weights[k], 0.0, Math.BitDecrement(1.0));
        return _components[k].Draw(u1, v);
    }

    /// <summary>F^{-1}(u) of the mixture by bisection on its distribution function (to the last bit).</summary>
    public double Quantile(double u)
    {
        var (lo, hi) = Support;
        for (int it = 0; it < 200 && hi > lo; it++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) break;
            if (Cdf(mid) < u) lo = mid; else hi = mid;
        }
        return hi;
    }

    public (double Lo, double Hi) Support => (_components.Min(c => c.Support.Lo), _components.Max(c => c.Support.Hi));

    public IReadOnlyList<double> Breakpoints =>
        _components.SelectMany(c => c.Breakpoints.Append(c.Support.Lo).Append(c.Support.Hi)).Distinct().Order().ToArray();
}
