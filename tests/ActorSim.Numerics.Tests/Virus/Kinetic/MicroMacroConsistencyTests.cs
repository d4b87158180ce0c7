using ActorSim.Numerics.Tests.Virus.Kinetic.References;
using ActorSim.Numerics.Virus.Kinetic;
using FluentAssertions;
using Xunit.Abstractions;

namespace ActorSim.Numerics.Tests.Virus.Kinetic;

/// <summary>At moderate ε the AP scheme must solve the kinetic model itself, not only its limit.</summary>
public class MicroMacroConsistencyTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(0.5, KineticBoundary.Periodic, 25, 400)]
    // With walls the healthy-cell error has two first-order contributions of opposite sign (the wall
    // error even grows from 25 to 50 cells), so the observed order is 0.65, 0.76 on 25/50/100 cells and
    // reaches 0.87, 0.93 only on 100/200/400 cells: the asymptotic range needs the finer grids.
    [InlineData(0.2, KineticBoundary.Reflecting, 100, 800)]
    public void Converges_at_first_order_to_the_resolved_discrete_velocity_solution(double eps, KineticBoundary boundary, int coarsest, int referenceCells)
    {
        var p = KineticScenarios.Full();
        const double T = 0.5;
        var refGrid = new KineticGrid1D(1.0, referenceCells, boundary);
        var dvm = new DiscreteVelocityReference1D(refGrid, p, eps);
        var refInit = KineticScenarios.SmoothInitial(refGrid);
        for (int s = 0; s < 3; s++) dvm.SetEquilibrium(s, refInit[s]);
        int refSteps = dvm.Advance(T, dvm.StableStep());

        var cells = new[] { coarsest, 2 * coarsest, 4 * coarsest };
        var errors = new double[cells.Length];
        for (int c = 0; c < cells.Length; c++)
        {
            var grid = new KineticGrid1D(1.0, cells[c], boundary);
            var ap = new MicroMacroSolver1D(grid, p, eps);
            KineticScenarios.Load(ap, KineticScenarios.SmoothInitial(grid));
            ap.Advance(T, MicroMacroSolver1D.MacroscopicTimeStep(p, grid.Dx));
            for (int s = 0; s < 3; s++)
            {
                var reference = KineticScenarios.Coarsen(dvm.Density(s), referenceCells / cells[c]);
                errors[c] = Math.Max(errors[c], KineticScenarios.L2(ap.Density(s), reference, grid.Dx));
            }
        }
        double order1 = Math.Log2(errors[0] / errors[1]), order2 = Math.Log2(errors[1] / errors[2]);
        output.WriteLine($"eps={eps} {boundary}: reference {refSteps} RK4 steps; L2 errors {string.Join(", ", errors.Select(e => e.ToString("E3")))}; observed orders {order1:F2}, {order2:F2}");

        // The scheme is first order (upwind micro transport, forward Euler); the reference is 4th order.
        order1.Should().BeInRange(0.8, 1.3);
        order2.Should().BeInRange(0.8, 1.3);
        errors[2].Should().BeLessThan(1.0 / cells[2], "the first-order error constant is below 1 for O(1) densities");
    }
}
