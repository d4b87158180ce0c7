using ActorSim.Numerics.Virus.Kinetic;

namespace ActorSim.Numerics.Tests.Virus.Kinetic.References;

/// <summary>
/// Explicit finite-volume solver of the 2D limit reaction–diffusion–taxis PDE (seed eq. (3)/(54)) with
/// D_i = c_i²/(2σ_i): five-point diffusion, upwinded taxis flux χ u_up (v_R − v_L)/Δ on every face (u_up: the cell upstream of the drift),
/// zero flux at reflecting walls, explicit Euler reactions. By construction the ε → 0 limit of the 2D
/// micro–macro scheme on the same grid and step.
/// </summary>
internal sealed class LimitPdeReference2D
{
    private const int S = 3;
    private readonly KineticGrid2D _grid;
    private readonly KineticVirusParameters _p;
    private readonly int _nx, _ny, _stride;
    private double[][] _rho, _rhoNew;

    public LimitPdeReference2D(KineticGrid2D grid, KineticVirusParameters p)
    {
        _grid = grid; _p = p; _nx = grid.Nx; _ny = grid.Ny; _stride = _nx + 2;
        _rho = new double[S][]; _rhoNew = new double[S][];
        for (int s = 0; s < S; s++) { _rho[s] = new double[(_ny + 2) * _stride]; _rhoNew[s] = new double[(_ny + 2) * _stride]; }
    }

    private int Idx(int i, int j) => (j + 1) * _stride + i + 1;

    public void SetDensity(int species, ReadOnlySpan<double> rho)
    {
        for (int j = 0; j < _ny; j++)
            for (int i = 0; i < _nx; i++) _rho[species][Idx(i, j)] = rho[j * _nx + i];
    }

    public double[] Density(int species)
    {
        var d = new double[_nx * _ny];
        for (int j = 0; j < _ny; j++)
            for (int i = 0; i < _nx; i++) d[j * _nx + i] = _rho[species][Idx(i, j)];
        return d;
    }

    public int Advance(double duration, double maxDt)
    {
        int steps = (int)Math.Ceiling(duration / maxDt * (1 - 1e-12));
        double dt = duration / steps;
        for (int n = 0; n < steps; n++) Step(dt);
        return steps;
    }

    private double Flux(int s, int a, int b, double h)
    {
        double d = _p.DiffusionCoefficient(s, 2);
        double flux = -d * (_rho[s][b] - _rho[s][a]) / h;
        if (s == 0)
        {
            double grad = (_rho[1][b] - _rho[1][a]) / h;
            flux += _p.Chi * (grad >= 0 ? _rho[0][a] : _rho[0][b]) * grad;
        }
        return flux;
    }

    private void Step(double dt)
    {
        double dx = _grid.Dx, dy = _grid.Dy;
        bool px = _grid.BoundaryX == KineticBoundary.Periodic, py = _grid.BoundaryY == KineticBoundary.Periodic;
        for (int s = 0; s < S; s++)
        {
            for (int j = 0; j < _ny; j++)
            {
                _rho[s][Idx(-1, j)] = px ? _rho[s][Idx(_nx - 1, j)] : _rho[s][Idx(0, j)];
                _rho[s][Idx(_nx, j)] = px ? _rho[s][Idx(0, j)] : _rho[s][Idx(_nx - 1, j)];
            }
            for (int i = 0; i < _nx; i++)
            {
                _rho[s][Idx(i, -1)] = py ? _rho[s][Idx(i, _ny - 1)] : _rho[s][Idx(i, 0)];
                _rho[s][Idx(i, _ny)] = py ? _rho[s][Idx(i, 0)] : _rho[s][Idx(i, _ny - 1)];
            }
        }
        for (int j = 0; j < _ny; j++)
            for (int i = 0; i < _nx; i++)
            {
                int q = Idx(i, j);
                var (h1, h2, h3) = SeedReactionTerms.Moments(_p.Rates, 4, _rho[0][q], _rho[1][q], _rho[2][q], 0.0);
                for (int s = 0; s < S; s++)
                {
                    double fw = !px && i == 0 ? 0 : Flux(s, q - 1, q, dx);
                    double fe = !px && i == _nx - 1 ? 0 : Flux(s, q, q + 1, dx);
                    double fs = !py && j == 0 ? 0 : Flux(s, q - _stride, q, dy);
                    double fn = !py && j == _ny - 1 ? 0 : Flux(s, q, q + _stride, dy);
                    double h = s == 0 ? h1 : s == 1 ? h2 : h3;
                    _rhoNew[s][q] = _rho[s][q] - dt / dx * (fe - fw) - dt / dy * (fn - fs) + dt * h;
                }
            }
        (_rho, _rhoNew) = (_rhoNew, _rho);
    }
}
