using ActorSim.Numerics.Virus.Kinetic;

namespace ActorSim.Numerics.Tests.Virus.Kinetic.References;

/// <summary>
/// Direct, fully resolved discrete-velocity reference for the kinetic model (not AP): the six
/// unknowns f_i,k (i = u, v, w; k = ±) at cell centres, method of lines for
/// ∂t f + (v/ε) ∂x f = −(σ/ε²)(f − M ρ) + (σ a/ε) v M ∂x ρ_v ρ_u (healthy only) + G(f)
/// with fourth-order central differences in x and classical RK4 in time (so for smooth data its own
/// error is O(Δx⁴ + Δt⁴) and negligible next to the first-order AP scheme it checks). Specular walls
/// by mirror ghosts. Needs Δt ≲ ε Δx / c and Δt ≲ ε²/σ: only for moderate ε.
/// </summary>
internal sealed class DiscreteVelocityReference1D
{
    private const int S = 3, K = 2, Ghost = 2;
    private readonly KineticGrid1D _grid;
    private readonly KineticVirusParameters _p;
    private readonly double _eps;
    private readonly int _n;
    private readonly double[][] _f, _stage, _acc, _rhs; // [s*K+k][n + 2 Ghost]

    public DiscreteVelocityReference1D(KineticGrid1D grid, KineticVirusParameters p, double eps)
    {
        _grid = grid; _p = p; _eps = eps; _n = grid.CellCount;
        _f = Alloc(); _stage = Alloc(); _acc = Alloc(); _rhs = Alloc();
    }

    private double[][] Alloc()
    {
        var a = new double[S * K][];
        for (int c = 0; c < S * K; c++) a[c] = new double[_n + 2 * Ghost];
        return a;
    }

    public void SetEquilibrium(int species, ReadOnlySpan<double> rho)
    {
        for (int i = 0; i < _n; i++)
            for (int k = 0; k < K; k++) _f[species * K + k][i + Ghost] = rho[i] / K;
    }

    /// <summary>A step well inside the RK4 stability region of both the transport and the relaxation.</summary>
    public double StableStep()
    {
        double cmax = 0, smax = 0;
        for (int s = 0; s < S; s++) { cmax = Math.Max(cmax, _p.Species(s).Speed); smax = Math.Max(smax, _p.Species(s).TurningRate); }
        return Math.Min(_eps * _grid.Dx / cmax, _eps * _eps / smax);
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
        var d = new double[_n];
        for (int i = 0; i < _n; i++) d[i] = _f[species * K][i + Ghost] + _f[species * K + 1][i + Ghost];
        return d;
    }

    private void Step(double dt)
    {
        // classical RK4: acc = f + dt/6 (k1 + 2 k2 + 2 k3 + k4)
        for (int c = 0; c < S * K; c++) Array.Copy(_f[c], _acc[c], _f[c].Length);
        double[] weights = { 1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6 };
        double[] shifts = { 0.5, 0.5, 1.0 };
        var current = _f;
        for (int st = 0; st < 4; st++)
        {
            Rhs(current, _rhs);
            for (int c = 0; c < S * K; c++)
                for (int i = Ghost; i < _n + Ghost; i++)
                {
                    _acc[c][i] += dt * weights[st] * _rhs[c][i];
                    if (st < 3) _stage[c][i] = _f[c][i] + dt * shifts[st] * _rhs[c][i];
                }
            current = _stage;
        }
        for (int c = 0; c < S * K; c++) Array.Copy(_acc[c], _f[c], _f[c].Length);
    }

    private void FillGhosts(double[][] f)
    {
        for (int c = 0; c < S * K; c++)
        {
            int s = c / K, k = c % K, r = s * K + (1 - k);
            for (int m = 0; m < Ghost; m++)
            {
                if (_grid.Boundary == KineticBoundary.Periodic)
                {
                    f[c][Ghost - 1 - m] = f[c][_n + Ghost - 1 - m];
                    f[c][_n + Ghost + m] = f[c][Ghost + m];
                }
                else
                {
                    f[r][Ghost - 1 - m] = f[c][Ghost + m];               // mirror of cell m, velocity reversed
                    f[r][_n + Ghost + m] = f[c][_n + Ghost - 1 - m];
                }
            }
        }
    }

    private static double D4(double[] a, int i, double dx) =>
        (a[i - 2] - 8 * a[i - 1] + 8 * a[i + 1] - a[i + 2]) / (12 * dx);

    private void Rhs(double[][] f, double[][] rhs)
    {
        FillGhosts(f);
        double eps = _eps, dx = _grid.Dx, a = _p.TaxisBias(1);
        Span<double> rhoV = stackalloc double[5];
        for (int i = Ghost; i < _n + Ghost; i++)
        {
            for (int q = -2; q <= 2; q++) rhoV[q + 2] = f[K][i + q] + f[K + 1][i + q];
            double gradS = (rhoV[0] - 8 * rhoV[1] + 8 * rhoV[3] - rhoV[4]) / (12 * dx);
            double rhoU = f[0][i] + f[1][i];
            for (int k = 0; k < K; k++)
            {
                var (g1, g2, g3) = SeedReactionTerms.Pointwise(_p.Rates, K, f[k][i], f[K + k][i], f[2 * K + k][i]);
                for (int s = 0; s < S; s++)
                {
                    int c = s * K + k;
                    var tr = _p.Species(s);
                    double v = k == 0 ? tr.Speed : -tr.Speed;
                    double rho = f[s * K][i] + f[s * K + 1][i];
                    double r = -v / eps * D4(f[c], i, dx) - tr.TurningRate / (eps * eps) * (f[c][i] - rho / K);
                    if (s == 0) r += tr.TurningRate * a / eps * v / K * gradS * rhoU;
                    r += s == 0 ? g1 : s == 1 ? g2 : g3;
                    rhs[c][i] = r;
                }
            }
        }
    }
}
