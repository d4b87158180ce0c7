using ActorSim.Numerics.Virus.Kinetic;
using FluentAssertions;

namespace ActorSim.Numerics.Tests.Virus.Kinetic;

/// <summary>Setting the full kinetic state f (cell values per species and velocity): SetKinetic.</summary>
public class KineticStateFileTests
{
    private static double[] Layout(KineticGrid1D grid, Func<int, int, int, double> f)
    {
        int n = grid.CellCount;
        var a = new double[3 * 2 * n];
        for (int s = 0; s < 3; s++)
            for (int k = 0; k < 2; k++)
                for (int i = 0; i < n; i++) a[(s * 2 + k) * n + i] = f(s, k, i);
        return a;
    }

    [Theory]
    [InlineData(KineticBoundary.Periodic)]
    [InlineData(KineticBoundary.Reflecting)]
    public void Equilibrium_f_reproduces_the_equilibrium_run_bit_for_bit(KineticBoundary boundary)
    {
        var p = KineticScenarios.Full();
        var grid = new KineticGrid1D(1.0, 40, boundary);
        var rho = KineticScenarios.SmoothInitial(grid);
        var a = new MicroMacroSolver1D(grid, p, 0.1, 3);
        KineticScenarios.Load(a, rho);
        var b = new MicroMacroSolver1D(grid, p, 0.1, 3);
        b.SetKinetic(Layout(grid, (s, k, i) => 0.5 * rho[s][i]));
        double dt = MicroMacroSolver1D.MacroscopicTimeStep(p, grid.Dx);
        for (int n = 0; n < 50; n++) { a.Step(dt); b.Step(dt); }
        for (int s = 0; s < 3; s++) b.Density(s).Should().Equal(a.Density(s));
    }

    [Fact]
    public void The_non_equilibrium_part_is_the_cell_deviation_over_eps_averaged_onto_interfaces()
    {
        const double eps = 0.2;
        var p = KineticScenarios.Full();
        var grid = new KineticGrid1D(1.0, 10, KineticBoundary.Reflecting);
        double H(int i) => 0.01 * (i + 1);
        // f_+ = rho/2 + eps h, f_- = rho/2 - eps h with rho = 1 + i/10: g_+ = h, g_- = -h in the cells
        var solver = new MicroMacroSolver1D(grid, p, eps, 2);
        solver.SetKinetic(Layout(grid, (s, k, i) => 0.5 * (1 + i / 10.0) + (k == 0 ? 1 : -1) * eps * H(i)));
        solver.Density(0).Should().Equal(Enumerable.Range(0, 10).Select(i => 1 + i / 10.0));
        foreach (var b in solver.Subdomains)
            for (int j = 0; j <= b.CellCount; j++)
            {
                int J = b.FirstCell + j;
                // walls mirror the boundary cell with the velocities exchanged: g_+(ghost) = g_-(cell) = -h
                double expected = J == 0 ? 0.5 * (-H(0) + H(0)) : J == 10 ? 0.5 * (H(9) - H(9)) : 0.5 * (H(J - 1) + H(J));
                b.Perturbation(0, 0)[j].Should().BeApproximately(expected, 1e-15);
                b.Perturbation(0, 1)[j].Should().BeApproximately(-expected, 1e-15);
            }
    }
}
