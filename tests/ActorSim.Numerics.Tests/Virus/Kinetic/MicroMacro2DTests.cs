using ActorSim.Numerics.Tests.Virus.Kinetic.References;
using ActorSim.Numerics.Virus.Kinetic;
using FluentAssertions;
using Xunit.Abstractions;

namespace ActorSim.Numerics.Tests.Virus.Kinetic;

/// <summary>The 2D micro–macro AP solver: consistency with the kinetic model, its diffusion limit, the AP property, conservation and decomposition.</summary>
public class MicroMacro2DTests(ITestOutputHelper output)
{
    private static double MaxError(double[][] a, double[][] b, double area)
    {
        double e = 0;
        for (int s = 0; s < 3; s++) e = Math.Max(e, KineticScenarios2D.L2(a[s], b[s], area));
        return e;
    }

    private static double[][] Densities(MicroMacroSolver2D ap) => Enumerable.Range(0, 3).Select(ap.Density).ToArray();

    [Theory]
    [InlineData(0.5, KineticBoundary.Periodic, KineticBoundary.Periodic, 4)]
    [InlineData(0.5, KineticBoundary.Periodic, KineticBoundary.Periodic, 8)]
    [InlineData(0.3, KineticBoundary.Reflecting, KineticBoundary.Periodic, 4)]
    public void Converges_at_first_order_to_the_resolved_discrete_velocity_solution(double eps, KineticBoundary bx, KineticBoundary by, int directions)
    {
        var p = KineticScenarios.Full();
        const double T = 0.25, Lx = 1.0, Ly = 0.5;
        const int refNx = 128;
        var refGrid = new KineticGrid2D(Lx, Ly, refNx, refNx / 2, bx, by);
        var dvm = new DiscreteVelocityReference2D(refGrid, p, eps, directions);
        var refInit = KineticScenarios2D.Smooth(refGrid);
        for (int s = 0; s < 3; s++) dvm.SetEquilibrium(s, refInit[s]);
        int refSteps = dvm.Advance(T, dvm.StableStep());
        var reference = Enumerable.Range(0, 3).Select(dvm.Density).ToArray();

        var cells = new[] { 16, 32, 64 };
        var errors = new double[cells.Length];
        for (int c = 0; c < cells.Length; c++)
        {
            var grid = new KineticGrid2D(Lx, Ly, cells[c], cells[c] / 2, bx, by);
            var ap = new MicroMacroSolver2D(grid, p, eps, directions);
            KineticScenarios2D.Load(ap, KineticScenarios2D.Smooth(grid));
            ap.Advance(T, MicroMacroSolver2D.MacroscopicTimeStep(p, grid.Dx, grid.Dy));
            var coarse = reference.Select(r => KineticScenarios2D.Coarsen(r, refNx, refNx / cells[c])).ToArray();
            errors[c] = MaxError(Densities(ap), coarse, grid.Dx * grid.Dy);
        }
        double order1 = Math.Log2(errors[0] / errors[1]), order2 = Math.Log2(errors[1] / errors[2]);
        output.WriteLine($"eps={eps} {bx}/{by} K={directions}: reference {refSteps} RK4 steps on {refNx}x{refNx / 2}; L2 errors {string.Join(", ", errors.Select(e => e.ToString("E3")))}; observed orders {order1:F2}, {order2:F2}");
        // First-order scheme (upwind micro transport, upwinded taxis density, forward Euler) against a
        // fourth-order reference. Measured orders 0.58–0.68 then 0.75–0.82: still pre-asymptotic on these
        // coarse grids, and rising towards 1 under refinement (periodic, K = 4, reference 256×128:
        // 0.68, 0.82, 0.90 for 16 → 32 → 64 → 128 columns; too slow for a unit test).
        order1.Should().BeInRange(0.5, 1.3);
        order2.Should().BeInRange(0.7, 1.3);
        order2.Should().BeGreaterThan(order1, "the observed order rises towards 1 as the grid is refined");
    }

    [Fact]
    public void Density_converges_to_the_2D_reaction_diffusion_taxis_limit_at_rate_eps_squared()
    {
        var p = KineticScenarios.Full();
        var grid = new KineticGrid2D(1.0, 0.5, 64, 32, KineticBoundary.Periodic, KineticBoundary.Reflecting);
        var init = KineticScenarios2D.Smooth(grid);
        double dt = MicroMacroSolver2D.MacroscopicTimeStep(p, grid.Dx, grid.Dy);
        const double T = 0.2;
        var limit = new LimitPdeReference2D(grid, p);
        for (int s = 0; s < 3; s++) limit.SetDensity(s, init[s]);
        limit.Advance(T, dt);
        var limitRho = Enumerable.Range(0, 3).Select(limit.Density).ToArray();

        var eps = new[] { 0.4, 0.2, 0.1, 0.05 };
        var errors = new double[eps.Length];
        for (int e = 0; e < eps.Length; e++)
        {
            var ap = new MicroMacroSolver2D(grid, p, eps[e]);
            KineticScenarios2D.Load(ap, init);
            ap.Advance(T, dt);
            errors[e] = MaxError(Densities(ap), limitRho, grid.Dx * grid.Dy);
        }
        double slope = KineticScenarios.LogLogSlope(eps, errors);
        output.WriteLine($"2D |rho_eps - rho_0|_L2 at eps {string.Join(", ", eps)}: {string.Join(", ", errors.Select(x => x.ToString("E3")))}; fitted slope {slope:F3}");
        for (int e = 1; e < eps.Length; e++) errors[e].Should().BeLessThan(errors[e - 1]);
        // Measured 4.3e-2, 1.2e-2, 3.4e-3, 1.1e-3 (pairwise orders 1.86, 1.80, 1.66, fit 1.77): the eps² term
        // of the Hilbert expansion plus the O(eps Δx) numerical diffusion of the upwinded micro transport,
        // which lowers the last pairwise order; on a grid twice as fine the pairwise orders are 1.91, 1.89, 1.80.
        slope.Should().BeInRange(1.6, 2.3);
    }

    [Fact]
    public void At_eps_1e_minus_6_the_scheme_is_the_explicit_five_point_limit_scheme()
    {
        var p = KineticScenarios.Full();
        var grid = new KineticGrid2D(1.0, 1.0, 40, 40, KineticBoundary.Reflecting, KineticBoundary.Reflecting);
        var init = KineticScenarios2D.Smooth(grid);
        double dt = MicroMacroSolver2D.MacroscopicTimeStep(p, grid.Dx, grid.Dy);
        var limit = new LimitPdeReference2D(grid, p);
        for (int s = 0; s < 3; s++) limit.SetDensity(s, init[s]);
        limit.Advance(0.2, dt);
        var ap = new MicroMacroSolver2D(grid, p, 1e-6, 4, 2);
        KineticScenarios2D.Load(ap, init);
        ap.Advance(0.2, dt);
        double err = MaxError(Densities(ap), Enumerable.Range(0, 3).Select(limit.Density).ToArray(), grid.Dx * grid.Dy);
        output.WriteLine($"eps = 1e-6: |rho_AP - rho_limit-scheme|_L2 = {err:E3}");
        // the leading difference is the O(eps Δx) numerical diffusion of the upwinded micro transport (eps Δx = 2.5e-8); measured 1.7e-8
        err.Should().BeLessThan(1e-7);
    }

    [Fact]
    public void Step_count_is_independent_of_eps_and_the_solution_stays_bounded_and_non_negative()
    {
        var p = KineticScenarios.Full();
        var grid = new KineticGrid2D(1.0, 1.0, 24, 24, KineticBoundary.Reflecting, KineticBoundary.Periodic);
        var init = KineticScenarios2D.Steep(grid);
        double initialMax = init.Max(a => a.Max());
        double dt = MicroMacroSolver2D.MacroscopicTimeStep(p, grid.Dx, grid.Dy);
        const double T = 0.5;
        var stepCounts = new List<int>();
        foreach (double eps in new[] { 1.0, 0.3, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6 })
        {
            var ap = new MicroMacroSolver2D(grid, p, eps, 4, 2);
            KineticScenarios2D.Load(ap, init);
            int steps = (int)Math.Ceiling(T / dt);
            double min = double.MaxValue, max = double.MinValue;
            for (int n = 0; n < steps; n++)
            {
                ap.Step(T / steps);
                for (int s = 0; s < 3; s++)
                    foreach (double x in ap.Density(s)) { min = Math.Min(min, x); max = Math.Max(max, x); }
            }
            stepCounts.Add(steps);
            output.WriteLine($"eps={eps:E0}: {steps} steps (an explicit kinetic solver would need about {T * 4.0 / (eps * eps):E1}), min {min:E2}, max {max:F3}");
            double.IsFinite(max).Should().BeTrue();
            max.Should().BeLessThanOrEqualTo(initialMax);
            // The micro–macro scheme is not positivity preserving in the kinetic regime (f = ρM + εg may
            // undershoot next to the one-cell spike: measured −3.7e-2 at eps = 1, 0.75 % of the maximum);
            // the undershoot vanishes like eps² (−1.2e-3, −4.5e-5, −4.5e-7 at eps = 0.1, 0.01, 0.001) since
            // the eps → 0 limit is the explicit five-point scheme, which is monotone at this step.
            min.Should().BeGreaterThanOrEqualTo(eps <= 0.1 ? -eps * eps : -0.01 * max);
        }
        stepCounts.Distinct().Should().ContainSingle();
    }

    [Theory]
    [InlineData(KineticBoundary.Periodic, KineticBoundary.Periodic, 0.3)]
    [InlineData(KineticBoundary.Reflecting, KineticBoundary.Reflecting, 0.3)]
    [InlineData(KineticBoundary.Reflecting, KineticBoundary.Periodic, 1e-5)]
    [InlineData(KineticBoundary.Periodic, KineticBoundary.Reflecting, 1e-5)]
    public void Without_reactions_mass_is_conserved_to_round_off(KineticBoundary bx, KineticBoundary by, double eps)
    {
        var p = KineticScenarios.NoReactions(chi: 0.2);
        var grid = new KineticGrid2D(1.0, 1.0, 20, 18, bx, by);
        var ap = new MicroMacroSolver2D(grid, p, eps, 8, 3);
        var init = KineticScenarios2D.Smooth(grid);
        KineticScenarios2D.Load(ap, init);
        var m0 = Enumerable.Range(0, 3).Select(ap.TotalMass).ToArray();
        double dt = MicroMacroSolver2D.MacroscopicTimeStep(p, grid.Dx, grid.Dy);
        for (int n = 0; n < 400; n++) ap.Step(dt);
        for (int s = 0; s < 3; s++)
        {
            double rel = Math.Abs(ap.TotalMass(s) - m0[s]) / m0[s];
            output.WriteLine($"{bx}/{by} eps={eps} species {s}: relative mass change after 400 steps {rel:E2}");
            rel.Should().BeLessThan(1e-13);
        }
        ap.Density(0)[0].Should().NotBeApproximately(init[0][0], 1e-3, "the state moved, so the test is not vacuous");
    }

    [Theory]
    [InlineData(KineticBoundary.Reflecting, KineticBoundary.Periodic, 4)]
    [InlineData(KineticBoundary.Periodic, KineticBoundary.Reflecting, 8)]
    public void Densities_are_bit_identical_for_1_2_3_and_4_slabs(KineticBoundary bx, KineticBoundary by, int directions)
    {
        var p = KineticScenarios.Full();
        var grid = new KineticGrid2D(1.0, 0.8, 12, 13, bx, by);
        double dt = MicroMacroSolver2D.MacroscopicTimeStep(p, grid.Dx, grid.Dy);
        double[][]? first = null;
        foreach (int blocks in new[] { 1, 2, 3, 4 })
        {
            var ap = new MicroMacroSolver2D(grid, p, 0.2, directions, blocks);
            KineticScenarios2D.Load(ap, KineticScenarios2D.Steep(grid));
            for (int n = 0; n < 60; n++) ap.Step(dt);
            var rho = Densities(ap);
            first ??= rho;
            for (int s = 0; s < 3; s++)
                rho[s].Select(BitConverter.DoubleToInt64Bits).Should().Equal(first[s].Select(BitConverter.DoubleToInt64Bits), $"species {s}, {blocks} slabs");
        }
        first![1].Should().NotEqual(KineticScenarios2D.Steep(grid)[1]);
    }

    [Theory]
    [InlineData(KineticBoundary.Reflecting, KineticBoundary.Periodic, 4)]
    [InlineData(KineticBoundary.Periodic, KineticBoundary.Reflecting, 8)]
    public void Swapping_x_and_y_transposes_the_solution(KineticBoundary bx, KineticBoundary by, int directions)
    {
        // The y code (halos, walls, y-faces) against the x code (local ghosts, x-faces): the transposed
        // problem must give the transposed solution, up to the order of floating-point additions.
        var p = KineticScenarios.Full();
        const int n = 16;
        var grid = new KineticGrid2D(1.0, 1.0, n, n, bx, by);
        var swapped = new KineticGrid2D(1.0, 1.0, n, n, by, bx);
        var init = KineticScenarios2D.Steep(grid);
        var initT = init.Select(a => Transpose(a, n)).ToArray();
        double dt = MicroMacroSolver2D.MacroscopicTimeStep(p, grid.Dx, grid.Dy);
        var a = new MicroMacroSolver2D(grid, p, 0.3, directions, 2);
        var b = new MicroMacroSolver2D(swapped, p, 0.3, directions, 3);
        KineticScenarios2D.Load(a, init);
        KineticScenarios2D.Load(b, initT);
        a.Advance(0.3, dt); b.Advance(0.3, dt);
        double diff = 0, scale = 0;
        for (int s = 0; s < 3; s++)
        {
            var bt = Transpose(b.Density(s), n);
            var ad = a.Density(s);
            for (int q = 0; q < ad.Length; q++) { diff = Math.Max(diff, Math.Abs(ad[q] - bt[q])); scale = Math.Max(scale, Math.Abs(ad[q])); }
        }
        output.WriteLine($"{bx}/{by} K={directions}: max |rho - transpose(rho_swapped)| = {diff:E2} (max rho {scale:F3})");
        diff.Should().BeLessThan(1e-12 * scale);
    }

    private static double[] Transpose(double[] a, int n)
    {
        var t = new double[a.Length];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) t[i * n + j] = a[j * n + i];
        return t;
    }

    [Fact]
    public void Stepping_without_fresh_halos_is_refused()
    {
        var grid = new KineticGrid2D(1.0, 1.0, 8, 8, KineticBoundary.Periodic, KineticBoundary.Reflecting);
        var slab = new MicroMacroSubdomain2D(grid, KineticScenarios.Full(), 0.1, 4, 0, 0, 4);
        FluentActions.Invoking(() => slab.Step(1e-3)).Should().Throw<InvalidOperationException>().WithMessage("*halos*");
        FluentActions.Invoking(() => slab.ApplyWall(SlabSide.Top)).Should().Throw<InvalidOperationException>().WithMessage("*not a reflecting wall*");
    }
}
