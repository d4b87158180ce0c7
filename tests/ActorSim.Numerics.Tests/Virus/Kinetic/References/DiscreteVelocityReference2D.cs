using ActorSim.Numerics.Virus.Kinetic;

namespace ActorSim.Numerics.Tests.Virus.Kinetic.References;

/// <summary>
/// Direct, fully resolved discrete-velocity reference for the 2D kinetic model (not AP): the 3K unknowns
/// f_{i,k} at cell centres, method of lines for
/// ∂t f + (v/ε)·∇f = −(σ/ε²)(f − M ρ) + (σ a/ε) M (v·∇ρ_v) ρ_u (healthy only) + G(f),
/// fourth-order central differences in x and y, classical RK4 in time (own error O(Δ⁴ + Δt⁴), negligible
/// next to the first-order AP scheme it checks). Specular walls by mirror ghosts with the velocity
/// reflected. Needs Δt ≲ ε Δ / c and Δt ≲ ε²/σ: only for moderate ε.
/// </summary>
internal sealed class DiscreteVelocityReference2D
{
    private const int S = 3, G = 2;
    private readonly KineticGrid2D _grid;
    private readonly KineticVirusParameters _p;
    private readonly DiscreteVelocitySet _unit;
    private readonly double _eps;
    private readonly int _nx, _ny, _k, _stride;
    private readonly double[][] _f, _stage, _acc, _rhs; // [s*K+k][(ny + 2G) * (nx + 2G)]
    private readonly double[] _rhoV, _rhoU;

    public DiscreteVelocityReference2D(KineticGrid2D grid, KineticVirusParameters p, double eps, int directions = 4)
    {
        _grid = grid; _p = p; _eps = eps; _nx = grid.Nx; _ny = grid.Ny;
        _unit = DiscreteVelocitySet.TwoDimensional(1.0, directions);
        _k = _unit.Count;
        _stride = _nx + 2 * G;
        _f = Alloc(); _stage = Alloc(); _acc = Alloc(); _rhs = Alloc();
        _rhoV = new double[(_ny + 2 * G) * _stride];
        _rhoU = new double[(_ny + 2 * G) * _stride];
    }

    private double[][] Alloc()
    {
        var a = new double[S * _k][];
        for (int c = 0; c < S * _k; c++) a[c] = new double[(_ny + 2 * G) * _stride];
        return a;
    }

    private int Idx(int i, int j) => (j + G) * _stride + i + G;

    public void SetEquilibrium(int species, ReadOnlySpan<double> rho)
    {
        for (int j = 0; j < _ny; j++)
            for (int i = 0; i < _nx; i++)
                for (int k = 0; k < _k; k++) _f[species * _k + k][Idx(i, j)] = rho[j * _nx + i] / _k;
    }

    public double StableStep()
    {
        double cmax = 0, smax = 0;
        for (int s = 0; s < S; s++) { cmax = Math.Max(cmax, _p.Species(s).Speed); smax = Math.Max(smax, _p.Species(s).TurningRate); }
        return Math.Min(_eps * Math.Min(_grid.Dx, _grid.Dy) / cmax, _eps * _eps / smax);
    }

    public int Advance(double duration, double maxDt)
    {
        int steps = (int)Math.Ceiling(duration / maxDt * (1 - 1e-12));
        double dt = duration / steps;
        for (int n = 0; n < steps; n++) Step(dt);
        return steps;
    }

    public double[] Density(int species)
    {
        var d = new double[_nx * _ny];
        for (int j = 0; j < _ny; j++)
            for (int i = 0; i < _nx; i++)
            {
                double sum = 0;
                for (int k = 0; k < _k; k++) sum += _f[species * _k + k][Idx(i, j)];
                d[j * _nx + i] = sum;
            }
        return d;
    }

    private void Step(double dt)
    {
        for (int c = 0; c < S * _k; c++) Array.Copy(_f[c], _acc[c], _f[c].Length);
        double[] weights = { 1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6 };
        double[] shifts = { 0.5, 0.5, 1.0 };
        var current = _f;
        for (int st = 0; st < 4; st++)
        {
            Rhs(current, _rhs);
            for (int c = 0; c < S * _k; c++)
                for (int j = 0; j < _ny; j++)
                    for (int i = 0; i < _nx; i++)
                    {
                        int q = Idx(i, j);
                        _acc[c][q] += dt * weights[st] * _rhs[c][q];
                        if (st < 3) _stage[c][q] = _f[c][q] + dt * shifts[st] * _rhs[c][q];
                    }
            current = _stage;
        }
        for (int c = 0; c < S * _k; c++) Array.Copy(_acc[c], _f[c], _f[c].Length);
    }

    private void FillGhosts(double[][] f)
    {
        bool px = _grid.BoundaryX == KineticBoundary.Periodic, py = _grid.BoundaryY == KineticBoundary.Periodic;
        for (int s = 0; s < S; s++)
            for (int k = 0; k < _k; k++)
            {
                int c = s * _k + k;
                double[] mx = f[s * _k + _unit.Reflect(k, 0)], my = f[s * _k + _unit.Reflect(k, 1)];
                for (int j = 0; j < _ny; j++)
                    for (int m = 0; m < G; m++)
                    {
                        f[c][Idx(-1 - m, j)] = px ? f[c][Idx(_nx - 1 - m, j)] : mx[Idx(m, j)];
                        f[c][Idx(_nx + m, j)] = px ? f[c][Idx(m, j)] : mx[Idx(_nx - 1 - m, j)];
                    }
                for (int i = 0; i < _nx; i++)
                    for (int m = 0; m < G; m++)
                    {
                        f[c][Idx(i, -1 - m)] = py ? f[c][Idx(i, _ny - 1 - m)] : my[Idx(i, m)];
                        f[c][Idx(i, _ny + m)] = py ? f[c][Idx(i, m)] : my[Idx(i, _ny - 1 - m)];
                    }
            }
    }

    private static double D4(double[] a, int q, int step, double h) =>
        (a[q - 2 * step] - 8 * a[q - step] + 8 * a[q + step] - a[q + 2 * step]) / (12 * h);

    private void Rhs(double[][] f, double[][] rhs)
    {
        FillGhosts(f);
        double eps = _eps, dx = _grid.Dx, dy = _grid.Dy, a = _p.TaxisBias(2), m = 1.0 / _k;
        Array.Clear(_rhoV); Array.Clear(_rhoU);
        for (int k = 0; k < _k; k++)
            for (int q = 0; q < _rhoV.Length; q++) { _rhoV[q] += f[_k + k][q]; _rhoU[q] += f[k][q]; }
        for (int j = 0; j < _ny; j++)
            for (int i = 0; i < _nx; i++)
            {
                int q = Idx(i, j);
                double gx = D4(_rhoV, q, 1, dx), gy = D4(_rhoV, q, _stride, dy);
                for (int k = 0; k < _k; k++)
                {
                    var (g1, g2, g3) = SeedReactionTerms.Pointwise(_p.Rates, _k, f[k][q], f[_k + k][q], f[2 * _k + k][q]);
                    for (int s = 0; s < S; s++)
                    {
                        int c = s * _k + k;
                        var tr = _p.Species(s);
                        double vx = tr.Speed * _unit.Vx[k], vy = tr.Speed * _unit.Vy[k];
                        double rho = 0;
                        for (int l = 0; l < _k; l++) rho += f[s * _k + l][q];
                        double r = -(vx * D4(f[c], q, 1, dx) + vy * D4(f[c], q, _stride, dy)) / eps
                                   - tr.TurningRate / (eps * eps) * (f[c][q] - rho * m);
                        if (s == 0) r += tr.TurningRate * a / eps * m * (vx * gx + vy * gy) * _rhoU[q];
                        r += s == 0 ? g1 : s == 1 ? g2 : g3;
                        rhs[c][q] = r;
                    }
                }
            }
    }
}
