using ActorSim.Numerics.Grid;
using ActorSim.Numerics.Virus;
using ActorSim.Numerics.Virus.Spatial;
using FluentAssertions;
using Xunit.Abstractions;

namespace ActorSim.Numerics.Tests.Virus.Spatial;

public class PositivityAndBalanceTests
{
    private readonly ITestOutputHelper _out;
    public PositivityAndBalanceTests(ITestOutputHelper output) => _out = output;

    private static readonly MayNowakParameters Rates = SpatialTestSupport.Rates;

    /// <summary>u: a box (a disc-like box in 2D) with zero outside; v: a steep front (max ∂v/∂x = 75); w: a narrow bump.</summary>
    private static SpeciesTriple SteepData(double x, double y)
    {
        double r2 = y == 0.0 ? 0.0 : (y - 0.5) * (y - 0.5); // y = 0 only in 1D (2D centres are never 0)
        double u = x > 0.3 && x < 0.5 && r2 < 0.04 ? 1.0 : 0.0;
        double v = 1.5 * (1 + Math.Tanh((x - 0.6 - 0.1 * y) / 0.02));
        double w = Math.Exp(-((x - 0.45) * (x - 0.45) + r2) / 0.001);
        return new SpeciesTriple(u, v, w);
    }

    private SubdomainDiagnostics[] Run(UniformGrid grid, VirusPdeParameters p, ISourceTerm source, double T, int blocksX, int blocksY,
        SlopeLimiter limiter, out SequentialDriver driver)
    {
        var problem = new VirusPdeProblem(grid, p, source, Limiter: limiter);
        driver = new SequentialDriver(problem, new BlockLayout(grid, blocksX, blocksY));
        driver.Initialise(SteepData);
        var diags = new List<SubdomainDiagnostics> { driver.ReduceDiagnostics() };
        var d = driver;
        driver.AdvanceTo(T, _ => diags.Add(d.ReduceDiagnostics()));
        return diags.ToArray();
    }

    [Theory]
    [InlineData(1, SlopeLimiter.VanLeer)]
    [InlineData(1, SlopeLimiter.Minmod)]
    [InlineData(2, SlopeLimiter.VanLeer)]
    public void Strong_taxis_keeps_densities_non_negative_and_the_discrete_balance(int dim, SlopeLimiter limiter)
    {
        var grid = dim == 1
            ? UniformGrid.Line(128, 1.0, BoundaryKind.Neumann)
            : UniformGrid.Rectangle(40, 40, 1.0, 1.0, BoundaryKind.Neumann, BoundaryKind.Periodic);
        var p = new VirusPdeParameters(Rates, Du: 1e-3, Dv: 1e-2, Dw: 1e-2, Chi: 2.0);
        var diags = Run(grid, p, new ConstantSource(0.0), T: dim == 1 ? 0.1 : 0.04, blocksX: 2, blocksY: dim == 2 ? 2 : 1, limiter, out var driver);

        double minU = diags.Min(d => d.Minimum.U), minV = diags.Min(d => d.Minimum.V), minW = diags.Min(d => d.Minimum.W);
        double maxU = diags.Max(d => d.Maximum.U);
        double worstBalance = 0;
        for (int n = 1; n < diags.Length; n++)
        {
            var dm = diags[n].Integral - diags[n - 1].Integral;
            var db = diags[n].ReactionBudget - diags[n - 1].ReactionBudget;
            var scale = diags[n].Integral;
            worstBalance = Math.Max(worstBalance, Math.Abs(dm.U - db.U) / scale.U);
            worstBalance = Math.Max(worstBalance, Math.Abs(dm.V - db.V) / Math.Max(scale.V, 1e-300));
            worstBalance = Math.Max(worstBalance, Math.Abs(dm.W - db.W) / scale.W);
        }
        _out.WriteLine($"{dim}D {limiter}: steps {driver.Steps}, last plan {driver.LastPlan}, max taxis speed {driver.ReduceBounds().MaxTaxisSpeed:F2}");
        _out.WriteLine($"min u {minU:E3} (max {maxU:F3}), min v {minV:E3}, min w {minW:E3}; worst relative per-step balance error {worstBalance:E2}");
        maxU.Should().BeGreaterThan(2.0, "taxis must actually concentrate u for this to be a test");
        minU.Should().BeGreaterThanOrEqualTo(0.0);
        minV.Should().BeGreaterThanOrEqualTo(0.0);
        minW.Should().BeGreaterThanOrEqualTo(0.0);
        worstBalance.Should().BeLessThan(1e-12);
    }

    /// <summary>
    /// Super-stepping regime: diffusion-dominated, so Dt is far above the explicit diffusion limit 2/ρ and RKL2
    /// uses many stages, with discontinuous data that are exactly zero on most of the domain.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Super_stepping_with_box_data_keeps_densities_non_negative(int dim)
    {
        var grid = dim == 1
            ? UniformGrid.Line(128, 1.0, BoundaryKind.Neumann)
            : UniformGrid.Rectangle(64, 64, 1.0, 1.0, BoundaryKind.Periodic, BoundaryKind.Neumann);
        var p = new VirusPdeParameters(Rates, Du: 0.1, Dv: 0.1, Dw: 0.1, Chi: 0.5);
        var problem = new VirusPdeProblem(grid, p, new ConstantSource(0.0));
        var driver = new SequentialDriver(problem, new BlockLayout(grid, 2, dim == 2 ? 2 : 1), new StepSettings(MaxDt: dim == 1 ? 0.006 : 0.01));
        driver.Initialise((x, y) =>
        {
            double ry = dim == 2 ? Math.Abs(y - 0.5) : 0.0;
            bool box = Math.Abs(x - 0.5) < 0.1 && ry < 0.1;
            return new SpeciesTriple(box ? 2.0 : 0.0, 0.5 + 0.8 * x, box ? 1.0 : 0.0);
        });
        double minU = double.MaxValue, minW = double.MaxValue, minV = double.MaxValue, maxDt = 0;
        int maxStages = 0;
        driver.AdvanceTo(0.1, plan =>
        {
            var d = driver.ReduceDiagnostics();
            minU = Math.Min(minU, d.Minimum.U); minV = Math.Min(minV, d.Minimum.V); minW = Math.Min(minW, d.Minimum.W);
            maxStages = Math.Max(maxStages, Math.Max(plan.StagesX, plan.StagesY));
            maxDt = Math.Max(maxDt, plan.Dt);
        });
        double dtRho = maxDt * LaplacianSymbol.DiffusionSpectralRadius(UniformGrid.Line(grid.Nx, 1.0, BoundaryKind.Neumann), 0.1);
        _out.WriteLine($"{dim}D: steps {driver.Steps}, stages up to {maxStages}, Dt·ρ_axis = {dtRho:F1} (forward Euler needs ≤ 2); min u {minU:E3}, v {minV:E3}, w {minW:E3}");
        maxStages.Should().BeGreaterThanOrEqualTo(8);
        minU.Should().BeGreaterThanOrEqualTo(0.0);
        minV.Should().BeGreaterThanOrEqualTo(0.0);
        minW.Should().BeGreaterThanOrEqualTo(0.0);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(2, 2)]
    public void Without_reactions_every_species_is_conserved_to_round_off(int blocksX, int blocksY)
    {
        var grid = blocksY == 1 && blocksX == 1
            ? UniformGrid.Line(100, 1.0, BoundaryKind.Neumann)
            : UniformGrid.Rectangle(32, 24, 1.0, 0.75, BoundaryKind.Periodic, BoundaryKind.Neumann);
        var none = new MayNowakParameters(0, 0, 0, 0, 0, 0);
        var p = new VirusPdeParameters(none, Du: 0.01, Dv: 0.05, Dw: 0.02, Chi: 1.5);
        var driver = new SequentialDriver(new VirusPdeProblem(grid, p, new ConstantSource(0.0)), new BlockLayout(grid, blocksX, blocksY));
        driver.Initialise(SteepData);
        var m0 = driver.ReduceDiagnostics().Integral;
        driver.AdvanceTo(0.05);
        var d = driver.ReduceDiagnostics();
        var drift = d.Integral - m0;
        _out.WriteLine($"steps {driver.Steps}: mass drift u {drift.U / m0.U:E2}, v {drift.V / m0.V:E2}, w {drift.W / m0.W:E2} (relative); budget {d.ReactionBudget}");
        Math.Abs(drift.U / m0.U).Should().BeLessThan(1e-13);
        Math.Abs(drift.V / m0.V).Should().BeLessThan(1e-13);
        Math.Abs(drift.W / m0.W).Should().BeLessThan(1e-13);
        d.ReactionBudget.Should().Be(new SpeciesTriple(0, 0, 0));
    }
}
