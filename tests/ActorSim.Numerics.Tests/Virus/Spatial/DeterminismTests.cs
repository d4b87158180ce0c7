using ActorSim.Numerics.Grid;
using ActorSim.Numerics.Virus.Spatial;
using FluentAssertions;
using static ActorSim.Numerics.Tests.Virus.Spatial.SpatialTestSupport;

namespace ActorSim.Numerics.Tests.Virus.Spatial;

public class DeterminismTests
{
    /// <summary>
    /// A nonlinear run exercising every code path: strong taxis with limiter switching, a space- and time-modulated
    /// source, adaptive Dt from the reduced bounds and a varying stage count.
    /// </summary>
    private static (double[] U, double[] V, double[] W, double T, long Steps) Run(UniformGrid grid, int blocksX, int blocksY)
    {
        var p = new VirusPdeParameters(Rates, Du: 0.01, Dv: 0.05, Dw: 0.05, Chi: 1.0);
        var source = new ModulatedSource(Rates.R, 0.5, (x, y) => Math.Cos(3 * x + 2 * y), t => Math.Sin(20 * t));
        var problem = new VirusPdeProblem(grid, p, source);
        var driver = new SequentialDriver(problem, new BlockLayout(grid, blocksX, blocksY), new StepSettings(MaxDt: 0.01));
        driver.Initialise((x, y) => new SpeciesTriple(
            1.0 + 0.5 * Math.Cos(7 * x) * Math.Sin(5 * y + 1),
            3.0 + Math.Tanh((x - 0.4 - 0.2 * Math.Sin(6 * y)) / 0.05),
            3.0 * Math.Exp(-20 * ((x - 0.6) * (x - 0.6) + (y - 0.3) * (y - 0.3)))));
        for (int n = 0; n < 25; n++) driver.Step(1.0);
        return (driver.Gather(Species.U), driver.Gather(Species.V), driver.Gather(Species.W), driver.Time, driver.Steps);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(4, 1)]
    [InlineData(3, 1)]
    public void One_dimensional_results_are_bit_identical_for_any_block_count(int blocksX, int blocksY)
    {
        foreach (var bc in new[] { BoundaryKind.Neumann, BoundaryKind.Periodic })
        {
            var grid = UniformGrid.Line(50, 1.0, bc);
            var single = Run(grid, 1, 1);
            var split = Run(grid, blocksX, blocksY);
            split.T.Should().Be(single.T);
            split.Steps.Should().Be(single.Steps);
            BitEqual(single.U, split.U).Should().BeTrue($"{bc}: u with {blocksX} blocks");
            BitEqual(single.V, split.V).Should().BeTrue($"{bc}: v with {blocksX} blocks");
            BitEqual(single.W, split.W).Should().BeTrue($"{bc}: w with {blocksX} blocks");
        }
    }

    [Theory]
    [InlineData(2, 1)] // slabs along x
    [InlineData(1, 2)] // slabs of rows
    [InlineData(2, 2)] // tiles
    [InlineData(1, 4)]
    [InlineData(4, 1)]
    public void Two_dimensional_results_are_bit_identical_for_any_partition(int blocksX, int blocksY)
    {
        var grid = UniformGrid.Rectangle(20, 18, 1.0, 0.9, BoundaryKind.Periodic, BoundaryKind.Neumann);
        var single = Run(grid, 1, 1);
        var split = Run(grid, blocksX, blocksY);
        split.T.Should().Be(single.T);
        BitEqual(single.U, split.U).Should().BeTrue();
        BitEqual(single.V, split.V).Should().BeTrue();
        BitEqual(single.W, split.W).Should().BeTrue();
    }

    /// <summary>
    /// The halo depth decides how many stages one exchange serves (the later ones compute the ghost cells they read, as
    /// the neighbour computes them); the results must not depend on it. Diffusion strong enough that the substeps have
    /// more stages than a depth of 8 covers (4), so both the stages served by one exchange and those exchanging every
    /// stage run; a space- and time-dependent source, so ghost cells need the neighbour's coordinates (wrapped on the
    /// periodic axis).
    /// </summary>
    [Theory]
    [InlineData(1, 1, BoundaryKind.Periodic)]
    [InlineData(2, 1, BoundaryKind.Periodic)]
    [InlineData(1, 3, BoundaryKind.Periodic)]
    [InlineData(3, 2, BoundaryKind.Periodic)]
    [InlineData(1, 2, BoundaryKind.Neumann)] // slabs of rows between x walls: the x substep computes ghost rows too
    [InlineData(1, 3, BoundaryKind.Neumann)]
    [InlineData(2, 2, BoundaryKind.Neumann)]
    public void Results_do_not_depend_on_the_halo_depth(int blocksX, int blocksY, BoundaryKind x)
    {
        var grid = UniformGrid.Rectangle(24, 18, 1.0, 0.9, x, BoundaryKind.Neumann);
        foreach (double diffusion in new[] { 1.0, 0.05 })
        {
            var reference = DeepRun(grid, blocksX, blocksY, VirusSubdomain.GhostWidth, diffusion);
            if (diffusion == 1.0) reference.MaxStages.Should().BeGreaterThan(4, "some substeps must outlast one exchange of depth 8");
            else reference.MaxStages.Should().BeLessThan(4, "every y substep fits one exchange of depth 8");
            foreach (int depth in new[] { 4, 8, 16 })
            {
                var r = DeepRun(grid, blocksX, blocksY, depth, diffusion);
                r.T.Should().Be(reference.T);
                BitEqual(reference.U, r.U).Should().BeTrue($"u, depth {depth}, D {diffusion}");
                BitEqual(reference.V, r.V).Should().BeTrue($"v, depth {depth}, D {diffusion}");
                BitEqual(reference.W, r.W).Should().BeTrue($"w, depth {depth}, D {diffusion}");
                r.Budget.Should().Be(reference.Budget, "the reaction budget sums interior cells only, in the same order");
            }
        }
        var line = UniformGrid.Line(40, 1.0, BoundaryKind.Periodic);
        var line1 = DeepRun(line, 1, 1, VirusSubdomain.GhostWidth, 1.0);
        var line3 = DeepRun(line, 3, 1, 8, 1.0);
        BitEqual(line1.U, line3.U).Should().BeTrue("1D, 3 blocks, depth 8 against 1 block, depth 2");
    }

    private static (double[] U, double[] V, double[] W, double T, int MaxStages, SpeciesTriple Budget) DeepRun(
        UniformGrid grid, int blocksX, int blocksY, int depth, double diffusion)
    {
        var p = new VirusPdeParameters(Rates, Du: 0.5 * diffusion, Dv: diffusion, Dw: 0.8 * diffusion, Chi: 1.0);
        var source = new ModulatedSource(Rates.R, 0.5, (x, y) => Math.Cos(3 * x + 2 * y), t => Math.Sin(20 * t));
        var driver = new SequentialDriver(new VirusPdeProblem(grid, p, source), new BlockLayout(grid, blocksX, blocksY),
            new StepSettings(MaxDt: 0.02), haloDepth: depth);
        driver.Initialise((x, y) => new SpeciesTriple(
            1.0 + 0.5 * Math.Cos(7 * x) * Math.Sin(5 * y + 1),
            3.0 + Math.Tanh((x - 0.4 - 0.2 * Math.Sin(6 * y)) / 0.05),
            3.0 * Math.Exp(-20 * ((x - 0.6) * (x - 0.6) + (y - 0.3) * (y - 0.3)))));
        int maxStages = 0;
        for (int n = 0; n < 12; n++) maxStages = Math.Max(maxStages, Math.Max(driver.Step(1.0).StagesX, driver.LastPlan!.StagesY));
        return (driver.Gather(Species.U), driver.Gather(Species.V), driver.Gather(Species.W), driver.Time, maxStages,
            driver.ReduceDiagnostics().ReactionBudget);
    }

    /// <summary>
    /// What the depth buys: the exchanges a block's actor makes per step (sides needing a halo, counted at each exchange
    /// point of the protocol: before the bounds and before stages 2..StageCount), for slabs of rows. Depth 2 exchanges
    /// before every y stage; a deeper halo once per y substep; between x walls the exchange before the bounds also
    /// carries the y substep's halo (the x substep computes those ghost rows), so a step has one exchange.
    /// </summary>
    [Theory]
    [InlineData(BoundaryKind.Periodic, 2, 1 + 3)] // the bounds, then every stage of the y substep
    [InlineData(BoundaryKind.Periodic, 4, 1 + 2)] // the bounds, the y substep's first two stages at once, then its third
    [InlineData(BoundaryKind.Periodic, 8, 1 + 1)] // the bounds, then the whole y substep at once
    [InlineData(BoundaryKind.Neumann, 2, 1 + 3)]
    [InlineData(BoundaryKind.Neumann, 4, 1 + 2)] // the bounds with the first y stage's rows (a row kept back), then two
    [InlineData(BoundaryKind.Neumann, 8, 1)] // the bounds with the whole y substep's rows (and the next bounds' row)
    public void A_deep_halo_exchanges_once_per_substep_or_once_per_step(BoundaryKind x, int depth, int expected)
    {
        var grid = UniformGrid.Rectangle(16, 32, 1.0, 2.0, x, BoundaryKind.Neumann);
        var problem = VirusPdeProblem.WithConstantSource(grid, Pattern(0.2));
        var layout = new BlockLayout(grid, 1, 2);
        var plan = new StepPlan(0, 0.0, 0.01, 0.01, 3, 3);
        bool rowsAhead = x == BoundaryKind.Neumann && depth > VirusSubdomain.GhostWidth;
        var b = new VirusSubdomain(problem, layout, 0, depth);
        b.Initialise((x, y) => new SpeciesTriple(1 + x, 3 + y, 3));
        int count = b.HaloNeeded(Side.YHigh) ? 1 : 0; // before the bounds
        b.HaloWidth(Side.YHigh).Should().Be(rowsAhead ? depth : VirusSubdomain.GhostWidth);
        b.BeginStep(plan);
        for (int k = 1; k <= plan.StageCount; k++)
        {
            if (k > 1 && b.HaloNeeded(Side.YHigh)) count++;
            if (x == BoundaryKind.Neumann) { b.ApplyPhysicalBoundary(Side.XLow); b.ApplyPhysicalBoundary(Side.XHigh); }
            b.ApplyPhysicalBoundary(Side.YLow);
            if (k == 4 && !rowsAhead) b.HaloWidth(Side.YHigh).Should().Be(2 * Math.Min(depth / 2, 3));
            b.Stage(k);
        }
        count.Should().Be(expected);
        b.BoundsNeedHalos.Should().Be(!(x == BoundaryKind.Neumann && depth == 8), "only then did the step compute the bounds' ghost row");
    }

    [Fact]
    public void Repeated_runs_are_bit_identical_and_the_run_is_not_trivial()
    {
        var grid = UniformGrid.Rectangle(16, 16, 1.0, 1.0, BoundaryKind.Neumann, BoundaryKind.Periodic);
        var a = Run(grid, 2, 2);
        var b = Run(grid, 2, 2);
        BitEqual(a.U, b.U).Should().BeTrue();
        BitEqual(a.V, b.V).Should().BeTrue();
        BitEqual(a.W, b.W).Should().BeTrue();
        // Guard against a vacuous comparison: a non-trivial field after 25 adaptive steps.
        a.Steps.Should().Be(25);
        a.T.Should().BeGreaterThan(0.0);
        a.U.Distinct().Count().Should().BeGreaterThan(100);
    }
}
