using ActorSim.Numerics.Virus.Kinetic;

namespace ActorSim.Numerics.Tests.Virus.Kinetic.References;

/// <summary>
/// Explicit finite-volume solver of the limit reaction–diffusion–taxis PDE (seed eq. (3)/(54)):
/// ∂t u = D_u u_xx − χ (u v_x)_x + H1, ∂t v = D_v v_xx + H2, ∂t w = D_w w_xx + H3, with fluxes
/// J = −D (ρ_{i+1} − ρ_i)/Δx + χ ½(u_i + u_{i+1})(v_{i+1} − v_i)/Δx (taxis for u only), zero flux at
/// reflecting walls, explicit Euler for the reactions. This is, by construction, the ε → 0 limit of
/// the micro–macro scheme on the same grid and step.
/// </summary>
internal sealed class LimitPdeReference1D
{
    private const int S = 3;
    private readonly KineticGrid1D _grid;
    private readonly KineticVirusParameters _p;
    private readonly int _n;
    private double[][] _rho, _rhoNew;
    private readonly double[][] _flux;

    public LimitPdeReference1D(KineticGrid1D grid, KineticVirusParameters p)
    {
        _grid = grid; _p = p; _n = grid.CellCount;
        _rho = new double[S][]; _rhoNew = new double[S][]; _flux = new double[S][];
        for (int s = 0; s < S; s++) { _rho[s] = new double[_n + 2]; _rhoNew[s] = new double[_n + 2]; _flux[s] = new double[_n + 1]; }
    }

    public void SetDensity(int species, ReadOnlySpan<double> rho) => rho.CopyTo(_rho[species].AsSpan(1, _n));

    public double[] Density(int species) => _rho[species].AsSpan(1, _n).ToArray();

    public int Advance(double duration, double maxDt)
    {
        int steps = (int)Math.Ceiling(duration / maxDt * (1 - 1e-12));
        double dt = duration / steps;
        for (int n = 0; n < steps; n++) Step(dt);
        return steps;
    }

    private void Step(double dt)
    {
        double dx = _grid.Dx;
        bool periodic = _grid.Boundary == KineticBoundary.Periodic;
        for (int s = 0; s < S; s++)
        {
            _rho[s][0] = periodic ? _rho[s][_n] : _rho[s][1];
            _rho[s][_n + 1] = periodic ? _rho[s][1] : _rho[s][_n];
        }
        for (int j = 0; j <= _n; j++)
        {
            for (int s = 0; s < S; s++)
            {
                double d = _p.DiffusionCoefficient(s);
                double flux = -d * (_rho[s][j + 1] - _rho[s][j]) / dx;
                if (s == 0) flux += _p.Chi * 0.5 * (_rho[0][j] + _rho[0][j + 1]) * (_rho[1][j + 1] - _rho[1][j]) / dx;
                _flux[s][j] = flux;
            }
        }
        if (!periodic) for (int s = 0; s < S; s++) { _flux[s][0] = 0; _flux[s][_n] = 0; }
        for (int i = 1; i <= _n; i++)
        {
            var (h1, h2, h3) = SeedReactionTerms.Moments(_p.Rates, 2, _rho[0][i], _rho[1][i], _rho[2][i], 0.0);
            _rhoNew[0][i] = _rho[0][i] - dt / dx * (_flux[0][i] - _flux[0][i - 1]) + dt * h1;
            _rhoNew[1][i] = _rho[1][i] - dt / dx * (_flux[1][i] - _flux[1][i - 1]) + dt * h2;
            _rhoNew[2][i] = _rho[2][i] - dt / dx * (_flux[2][i] - _flux[2][i - 1]) + dt * h3;
        }
        (_rho, _rhoNew) = (_rhoNew, _rho);
    }
}
