namespace ActorSim.Numerics.Tests.Virus.Kinetic.References;

/// <summary>
/// Deterministic reference for the single-population velocity-jump process with a frozen taxis
/// gradient (piecewise constant on the coarse cells), periodic: f± on a fine grid, transport by an
/// exact one-cell shift per step (Δt = ε Δx_fine / c), then the tumbling over Δt solved exactly in
/// each cell, f± ← ρ p± + (f± − ρ p±) e^{−σΔt/ε²}, p± = ½(1 ± clamp(ε a c ∂x s)). Lie splitting,
/// first order in Δt.
/// </summary>
internal sealed class TaxisJumpReference1D
{
    private readonly double[] _plus, _minus, _bias;
    private readonly double _decay;
    private readonly int _n, _refine;

    public TaxisJumpReference1D(double length, int coarseCells, int refine, double speed, double sigma, double eps, double chi, double[] coarseGradient)
    {
        _n = coarseCells * refine; _refine = refine;
        _plus = new double[_n]; _minus = new double[_n]; _bias = new double[_n];
        double a = chi / (speed * speed);
        for (int i = 0; i < _n; i++) _bias[i] = Math.Clamp(eps * a * speed * coarseGradient[i / refine], -1, 1);
        Dt = eps * (length / _n) / speed;
        _decay = Math.Exp(-sigma * Dt / (eps * eps));
    }

    public double Dt { get; }

    public void SetEquilibrium(Func<int, double> fineDensity)
    {
        for (int i = 0; i < _n; i++) { _plus[i] = 0.5 * fineDensity(i); _minus[i] = _plus[i]; }
    }

    public void Step()
    {
        double lastPlus = _plus[_n - 1];
        Array.Copy(_plus, 0, _plus, 1, _n - 1);
        _plus[0] = lastPlus;
        double firstMinus = _minus[0];
        Array.Copy(_minus, 1, _minus, 0, _n - 1);
        _minus[_n - 1] = firstMinus;
        for (int i = 0; i < _n; i++)
        {
            double rho = _plus[i] + _minus[i];
            double ep = 0.5 * (1 + _bias[i]) * rho, em = rho - ep;
            _plus[i] = ep + (_plus[i] - ep) * _decay;
            _minus[i] = em + (_minus[i] - em) * _decay;
        }
    }

    public double[] CoarseDensity()
    {
        var d = new double[_n / _refine];
        for (int i = 0; i < _n; i++) d[i / _refine] += (_plus[i] + _minus[i]) / _refine;
        return d;
    }
}
