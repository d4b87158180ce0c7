using ActorSim.Numerics.Grid;
using ActorSim.Numerics.Virus;
using ActorSim.Numerics.Virus.Spatial;
using FluentAssertions;
using Xunit.Abstractions;

namespace ActorSim.Numerics.Tests.Virus.Spatial;

public class Rkl2Tests
{
    private readonly ITestOutputHelper _out;
    public Rkl2Tests(ITestOutputHelper output) => _out = output;

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(20)]
    public void Stability_polynomial_is_bounded_by_one_on_the_stability_interval(int s)
    {
        double limit = Rkl2.StabilityLimit(s);
        double worst = 0;
        for (int i = 0; i <= 4000; i++)
        {
            double z = -limit * i / 4000.0;
            worst = Math.Max(worst, Math.Abs(Rkl2.StabilityPolynomial(s, z)));
        }
        _out.WriteLine($"s={s}: limit {limit}, max|P| {worst}, |P| just beyond {Math.Abs(Rkl2.StabilityPolynomial(s, -1.05 * limit))}");
        worst.Should().BeLessThanOrEqualTo(1.0 + 1e-12);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(16)]
    public void Stability_polynomial_matches_the_exponential_to_second_order(int s)
    {
        // P(z) − e^z = c z³ + …: the error ratio between z and z/2 is 8.
        double e1 = Rkl2.StabilityPolynomial(s, -0.02) - Math.Exp(-0.02);
        double e2 = Rkl2.StabilityPolynomial(s, -0.01) - Math.Exp(-0.01);
        Math.Log2(e1 / e2).Should().BeApproximately(3.0, 0.05);
        // Second-order accurate but not third: the cubic term differs from 1/6.
        Math.Abs(e1).Should().BeGreaterThan(1e-9);
    }

    [Fact]
    public void Stage_count_is_minimal()
    {
        Rkl2.StagesFor(0.0, 1.0).Should().Be(2);
        Rkl2.StagesFor(2.0, 1.0).Should().Be(2);
        Rkl2.StagesFor(2.0001, 1.0).Should().Be(3);
        for (double tr = 0.5; tr < 500; tr *= 1.37)
        {
            int s = Rkl2.StagesFor(tr, 0.6);
            (0.6 * Rkl2.StabilityLimit(s)).Should().BeGreaterThanOrEqualTo(tr);
            if (s > 2) (0.6 * Rkl2.StabilityLimit(s - 1)).Should().BeLessThan(tr);
        }
    }

    /// <summary>
    /// Pure diffusion of a point mass (the hardest data for positivity) with Dt·ρ far above the explicit limit:
    /// RKL2 must keep it non-negative (Tan–Aslam–Bertozzi monotonicity) and conserve it; an explicit step of the
    /// same size would blow up.
    /// </summary>
    [Theory]
    [InlineData(1, 0.05)]
    [InlineData(2, 0.1)]
    public void Pure_diffusion_of_a_point_mass_stays_non_negative_and_conserved(int dim, double dt)
    {
        var grid = dim == 1
            ? UniformGrid.Line(101, 1.0, BoundaryKind.Neumann)
            : UniformGrid.Rectangle(41, 41, 1.0, 1.0, BoundaryKind.Neumann, BoundaryKind.Periodic);
        var p = new VirusPdeParameters(new MayNowakParameters(0, 0, 0, 0, 0, 0), 0.1, 0.05, 0.02, 0.0);
        var problem = new VirusPdeProblem(grid, p, new ConstantSource(0));
        var driver = new SequentialDriver(problem, new BlockLayout(grid, 2, dim == 2 ? 2 : 1), new StepSettings(MaxDt: dt));
        int mid = grid.Nx / 2, midY = grid.Ny / 2;
        var delta = new double[grid.CellCount];
        delta[midY * grid.Nx + mid] = 1.0 / grid.CellVolume;
        foreach (var sp in new[] { Species.U, Species.V, Species.W }) driver.Scatter(sp, delta);
        double minimum = 0;
        int stages = 0;
        driver.AdvanceTo(10 * dt, plan =>
        {
            stages = Math.Max(stages, Math.Max(plan.StagesX, plan.StagesY));
            minimum = Math.Min(minimum, driver.ReduceDiagnostics().Minimum.U);
            minimum = Math.Min(minimum, driver.ReduceDiagnostics().Minimum.V);
            minimum = Math.Min(minimum, driver.ReduceDiagnostics().Minimum.W);
        });
        double dtRho = dt * problem.DiffusionSpectralRadius;
        var m = driver.ReduceDiagnostics().Integral;
        _out.WriteLine($"{dim}D: Dt·ρ = {dtRho:F0}, stages {stages}, min {minimum:E3}, masses {m}");
        dtRho.Should().BeGreaterThan(100);
        minimum.Should().BeGreaterThanOrEqualTo(0.0);
        m.U.Should().BeApproximately(1.0, 1e-13);
        m.V.Should().BeApproximately(1.0, 1e-13);
        m.W.Should().BeApproximately(1.0, 1e-13);
    }
}
