using ActorSim.Numerics.Virus.Kinetic;

namespace ActorSim.Numerics.Tests.Virus.Kinetic;

/// <summary>Smooth and steep 2D initial data (row-major, exact cell averages) for the 2D kinetic tests.</summary>
internal static class KineticScenarios2D
{
    private static double AvgCos(double k, double a, double h) => k == 0 ? 1.0 : (Math.Sin(k * (a + h)) - Math.Sin(k * a)) / (k * h);
    private static double AvgSin(double k, double a, double h) => k == 0 ? 0.0 : (Math.Cos(k * a) - Math.Cos(k * (a + h))) / (k * h);

    /// <summary>
    /// Periodic in an axis: modes 2π n/L (cos and sin); reflecting: cos(nπ x/L) only, so that the mirror
    /// extension stays smooth. u = 1 + 0.5 C1(x) C1(y), v = 0.5 + 0.3 S1(x) + 0.2 C1(y), w = 0.5 + 0.4 C2(x) C1'(y),
    /// with C/S the cosine/sine family of the axis (S = C on a reflecting axis).
    /// </summary>
    public static double[][] Smooth(KineticGrid2D g)
    {
        double kx = (g.BoundaryX == KineticBoundary.Periodic ? 2 : 1) * Math.PI / g.Lx;
        double ky = (g.BoundaryY == KineticBoundary.Periodic ? 2 : 1) * Math.PI / g.Ly;
        bool sinX = g.BoundaryX == KineticBoundary.Periodic, sinY = g.BoundaryY == KineticBoundary.Periodic;
        var r = new double[3][];
        for (int s = 0; s < 3; s++) r[s] = new double[g.CellCount];
        for (int j = 0; j < g.Ny; j++)
            for (int i = 0; i < g.Nx; i++)
            {
                double x = i * g.Dx, y = j * g.Dy, hx = g.Dx, hy = g.Dy;
                int q = j * g.Nx + i;
                r[0][q] = 1.0 + 0.5 * AvgCos(kx, x, hx) * AvgCos(ky, y, hy);
                r[1][q] = 0.5 + 0.3 * (sinX ? AvgSin(kx, x, hx) : AvgCos(2 * kx, x, hx)) + 0.2 * AvgCos(ky, y, hy);
                r[2][q] = 0.5 + 0.4 * AvgCos(2 * kx, x, hx) * (sinY ? AvgSin(ky, y, hy) : AvgCos(2 * ky, y, hy));
            }
        return r;
    }

    /// <summary>Steep data: a quarter-plane step in u, a narrow Gaussian of v on a zero background, a one-cell spike of w.</summary>
    public static double[][] Steep(KineticGrid2D g)
    {
        var r = new double[3][];
        for (int s = 0; s < 3; s++) r[s] = new double[g.CellCount];
        for (int j = 0; j < g.Ny; j++)
            for (int i = 0; i < g.Nx; i++)
            {
                double x = g.CellCenterX(i) / g.Lx, y = g.CellCenterY(j) / g.Ly;
                int q = j * g.Nx + i;
                r[0][q] = x < 0.5 && y < 0.5 ? 1.0 : 0.0;
                r[1][q] = Math.Exp(-(Math.Pow((x - 0.3) / 0.1, 2) + Math.Pow((y - 0.6) / 0.1, 2)));
                r[2][q] = i == (4 * g.Nx) / 5 && j == g.Ny / 3 ? 5.0 : 0.0;
            }
        return r;
    }

    /// <summary>Cell averages of a fine row-major field over blocks of f × f cells.</summary>
    public static double[] Coarsen(double[] fine, int fineNx, int factor)
    {
        int fineNy = fine.Length / fineNx, nx = fineNx / factor, ny = fineNy / factor;
        var c = new double[nx * ny];
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++)
            {
                double s = 0;
                for (int b = 0; b < factor; b++)
                    for (int a = 0; a < factor; a++) s += fine[(j * factor + b) * fineNx + i * factor + a];
                c[j * nx + i] = s / (factor * factor);
            }
        return c;
    }

    public static void Load(MicroMacroSolver2D solver, double[][] rho)
    {
        for (int s = 0; s < 3; s++) solver.SetInitialDensity(s, rho[s]);
    }

    public static double L2(double[] a, double[] b, double cellArea)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return Math.Sqrt(s * cellArea);
    }
}
