using ActorSim.Numerics.Virus;
using ActorSim.Numerics.Virus.Kinetic;

namespace ActorSim.Numerics.Tests.Virus.Kinetic;

/// <summary>Shared parameter sets and smooth initial data for the kinetic tests.</summary>
internal static class KineticScenarios
{
    /// <summary>
    /// May–Nowak rates with R0 = β k r /(d1 d2 d3) = 2 and O(1) reaction times; D_u = 0.04,
    /// D_v = 0.0225, D_w = 0.09 (σ = 4 for all); χ = 0.2 (kinetic bias ε a c_u |v_x| ≤ 0.95 ε for
    /// the initial data below).
    /// </summary>
    public static KineticVirusParameters Full(double chi = 0.2) => new(
        new MayNowakParameters(D1: 0.5, D2: 1.0, D3: 1.0, Beta: 1.0, K: 2.0, R: 0.5),
        new SpeciesTransport(Speed: 0.4, TurningRate: 4.0),
        new SpeciesTransport(Speed: 0.3, TurningRate: 4.0),
        new SpeciesTransport(Speed: 0.6, TurningRate: 4.0),
        chi);

    /// <summary>Pure transport (all reaction rates zero, no taxis).</summary>
    public static KineticVirusParameters NoReactions(double chi = 0.0) => new(
        new MayNowakParameters(0, 0, 0, 0, 0, 0),
        new SpeciesTransport(0.4, 4.0), new SpeciesTransport(0.3, 4.0), new SpeciesTransport(0.6, 4.0), chi);

    /// <summary>
    /// Smooth initial densities (exact cell averages) with non-trivial gradients: on a periodic grid
    /// u = 1 + 0.5 cos(2πx), v = 0.5 + 0.3 sin(2πx), w = 0.5 + 0.4 cos(4πx); with reflecting walls the
    /// even profiles u = 1 + 0.5 cos(πx), v = 0.5 + 0.3 cos(2πx), w = 0.5 + 0.4 cos(3πx), so that the
    /// mirror-extended solution stays smooth. Domain [0, 1).
    /// </summary>
    public static double[][] SmoothInitial(KineticGrid1D grid)
    {
        int n = grid.CellCount;
        bool periodic = grid.Boundary == KineticBoundary.Periodic;
        var r = new double[3][];
        for (int s = 0; s < 3; s++) r[s] = new double[n];
        double w = Math.PI / grid.Length;
        for (int i = 0; i < n; i++)
        {
            double a = i * grid.Dx, b = (i + 1) * grid.Dx;
            double AvgCos(double k) => (Math.Sin(k * b) - Math.Sin(k * a)) / (k * grid.Dx);
            double AvgSin(double k) => (Math.Cos(k * a) - Math.Cos(k * b)) / (k * grid.Dx);
            if (periodic)
            {
                r[0][i] = 1.0 + 0.5 * AvgCos(2 * w);
                r[1][i] = 0.5 + 0.3 * AvgSin(2 * w);
                r[2][i] = 0.5 + 0.4 * AvgCos(4 * w);
            }
            else
            {
                r[0][i] = 1.0 + 0.5 * AvgCos(w);
                r[1][i] = 0.5 + 0.3 * AvgCos(2 * w);
                r[2][i] = 0.5 + 0.4 * AvgCos(3 * w);
            }
        }
        return r;
    }

    /// <summary>Steep data on [0, 1]: a step in u, a narrow Gaussian of v on a zero background, a one-cell spike of w.</summary>
    public static double[][] SteepInitial(KineticGrid1D grid)
    {
        int n = grid.CellCount;
        var r = new double[3][];
        for (int s = 0; s < 3; s++) r[s] = new double[n];
        for (int i = 0; i < n; i++)
        {
            double x = grid.CellCenter(i);
            r[0][i] = x < 0.5 ? 1.0 : 0.0;
            r[1][i] = Math.Exp(-Math.Pow((x - 0.3) / 0.05, 2));
            r[2][i] = i == (4 * n) / 5 ? 5.0 : 0.0;
        }
        return r;
    }

    /// <summary>Cell averages of a fine-grid field over groups of <paramref name="factor"/> cells.</summary>
    public static double[] Coarsen(double[] fine, int factor)
    {
        var c = new double[fine.Length / factor];
        for (int i = 0; i < c.Length; i++)
        {
            double s = 0;
            for (int q = 0; q < factor; q++) s += fine[i * factor + q];
            c[i] = s / factor;
        }
        return c;
    }

    public static void Load(MicroMacroSolver1D solver, double[][] rho)
    {
        for (int s = 0; s < 3; s++) solver.SetInitialDensity(s, rho[s]);
    }

    public static double L2(double[] a, double[] b, double dx)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return Math.Sqrt(s * dx);
    }

    /// <summary>Least-squares slope of log y against log x.</summary>
    public static double LogLogSlope(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        int n = x.Count;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) { mx += Math.Log(x[i]); my += Math.Log(y[i]); }
        mx /= n; my /= n;
        double sxy = 0, sxx = 0;
        for (int i = 0; i < n; i++) { double dx = Math.Log(x[i]) - mx; sxy += dx * (Math.Log(y[i]) - my); sxx += dx * dx; }
        return sxy / sxx;
    }
}
