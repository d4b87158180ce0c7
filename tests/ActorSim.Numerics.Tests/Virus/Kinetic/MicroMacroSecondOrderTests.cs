using ActorSim.Numerics.Virus.Kinetic;
using FluentAssertions;
using Xunit.Abstractions;

namespace ActorSim.Numerics.Tests.Virus.Kinetic;

/// <summary>
/// Spatial order of the 1D AP scheme, uniformly in ε, on a smooth telegraph test with an exact solution: pure transport
/// (no reactions, no taxis), periodic [0, 1), each species on the slow eigenmode of its two-velocity relaxation model
/// ρ = ρ̄ + A e^{λt} cos(κx), g_± = ±b e^{λt} sin(κx) with ε² λ² + σ λ + c² κ² = 0 (the root that tends to −c² κ²/σ,
/// written without cancellation) and b = −λ A / (2 c κ) (from ∂t ρ + ∂x Σ v g = 0), so there is no initial layer.
/// The step is the macroscopic one, Δt ∝ Δx², so the forward-Euler time error is O(Δx²) as well.
/// </summary>
public class MicroMacroSecondOrderTests(ITestOutputHelper output)
{
    private const double Mean = 1.0, Amp = 0.5, Kappa = 2 * Math.PI, T = 0.25;

    private static double SlowRate(double c, double sigma, double eps)
    {
        double ck2 = c * c * Kappa * Kappa;
        return -2 * ck2 / (sigma + Math.Sqrt(sigma * sigma - 4 * eps * eps * ck2));
    }

    /// <summary>Largest (over species) L2 error of ρ at T against the exact slow mode, on <paramref name="cells"/> cells.</summary>
    private static double Error(int cells, double eps, int slabs = 1)
    {
        var p = KineticScenarios.NoReactions();
        var grid = new KineticGrid1D(1.0, cells, KineticBoundary.Periodic);
        var f = new double[3 * 2 * cells];
        for (int s = 0; s < 3; s++)
        {
            var tr = p.Species(s);
            double lambda = SlowRate(tr.Speed, tr.TurningRate, eps), b = -lambda * Amp / (2 * tr.Speed * Kappa);
            for (int i = 0; i < cells; i++)
            {
                double x = grid.CellCenter(i), rho = Mean + Amp * Math.Cos(Kappa * x), h = b * Math.Sin(Kappa * x);
                f[(s * 2 + 0) * cells + i] = 0.5 * rho + eps * h;
                f[(s * 2 + 1) * cells + i] = 0.5 * rho - eps * h;
            }
        }
        var ap = new MicroMacroSolver1D(grid, p, eps, slabs);
        ap.SetKinetic(f);
        ap.Advance(T, MicroMacroSolver1D.MacroscopicTimeStep(p, grid.Dx));
        double err = 0;
        for (int s = 0; s < 3; s++)
        {
            var tr = p.Species(s);
            double decay = Math.Exp(SlowRate(tr.Speed, tr.TurningRate, eps) * T);
            var exact = new double[cells];
            for (int i = 0; i < cells; i++) exact[i] = Mean + Amp * decay * Math.Cos(Kappa * grid.CellCenter(i));
            err = Math.Max(err, KineticScenarios.L2(ap.Density(s), exact, grid.Dx));
        }
        return err;
    }

    [Theory]
    [InlineData(1e-2)]
    [InlineData(1e-6)]
    [InlineData(0.1)]
    [InlineData(0.5)]
    public void Observed_order_in_space_is_two_for_every_eps(double eps)
    {
        int[] cells = [32, 64, 128, 256];
        var errors = cells.Select(n => Error(n, eps)).ToArray();
        var orders = Enumerable.Range(0, cells.Length - 1).Select(i => Math.Log2(errors[i] / errors[i + 1])).ToArray();
        output.WriteLine($"eps = {eps:G3}: L2 errors {string.Join(", ", errors.Select(e => e.ToString("E3")))}; observed orders {string.Join(", ", orders.Select(o => o.ToString("F3")))}");
        foreach (double o in orders) o.Should().BeGreaterThanOrEqualTo(1.8);
        errors[^1].Should().BeLessThan(2e-4);
    }

    [Fact]
    public void A_step_allocates_nothing()
    {
        var p = KineticScenarios.Full();
        var grid = new KineticGrid1D(1.0, 64, KineticBoundary.Reflecting);
        double dt = MicroMacroSolver1D.MacroscopicTimeStep(p, grid.Dx);
        var slab = new MicroMacroSubdomain1D(grid, p, 0.01, 0, 0, 64);
        slab.SetEquilibrium(0, KineticScenarios.SmoothInitial(grid)[0]);
        AllocationProbe.MinAllocated(() =>
        {
            for (int k = 0; k < 10; k++)
            {
                slab.ApplyWall(HaloSide.Left); slab.ApplyWall(HaloSide.Right);
                slab.Step(dt);
            }
        }).Should().Be(0);
    }

    [Fact]
    public void Slab_split_gives_bit_identical_densities()
    {
        var p = KineticScenarios.Full();
        var grid = new KineticGrid1D(1.0, 60, KineticBoundary.Reflecting);
        var init = KineticScenarios.SmoothInitial(grid);
        double[][]? first = null;
        foreach (int slabs in new[] { 1, 2, 3, 4 })
        {
            var ap = new MicroMacroSolver1D(grid, p, 0.05, slabs);
            KineticScenarios.Load(ap, init);
            ap.Advance(0.2, MicroMacroSolver1D.MacroscopicTimeStep(p, grid.Dx));
            var rho = Enumerable.Range(0, 3).Select(ap.Density).ToArray();
            if (first is null) { first = rho; continue; }
            for (int s = 0; s < 3; s++) rho[s].Should().Equal(first[s], $"species {s}, {slabs} slabs");
        }
    }
}
