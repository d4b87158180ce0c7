using FluentAssertions;
using ActorSim.Numerics.Grid;
using ActorSim.Numerics.Virus.Spatial;
using Xunit.Abstractions;
using static ActorSim.Numerics.Tests.Virus.Spatial.SpatialTestSupport;

namespace ActorSim.Numerics.Tests.Virus.Spatial;

public class LinearGrowthTests
{
    private readonly ITestOutputHelper _out;
    public LinearGrowthTests(ITestOutputHelper output) => _out = output;

    /// <summary>
    /// Runs the full nonlinear scheme from Q* + ε·q·cos(k x), q the dominant eigenvector of the discrete-symbol
    /// J(μ_h), and returns the observed exponential rate of the mode amplitude over [0, T].
    /// </summary>
    internal static double MeasuredRate(double chi, int mode, double T, double maxDt, int cells = 64, double eps = 1e-6)
    {
        var p = Pattern(chi);
        var grid = UniformGrid.Line(cells, 1.0, BoundaryKind.Neumann);
        var disp = new MayNowakDispersion(p);
        double k = Math.PI * mode;
        double mu = LaplacianSymbol.Discrete(k, grid.Hx);
        var q = disp.DominantEigenvector(mu, chi);
        var (us, vs, ws) = disp.Equilibrium;
        var driver = new SequentialDriver(VirusPdeProblem.WithConstantSource(grid, p), new BlockLayout(grid, 2),
            new StepSettings(MaxDt: maxDt));
        driver.Initialise((x, _) =>
        {
            double c = eps * Math.Cos(k * x);
            return new SpeciesTriple(us + q[0] * c, vs + q[1] * c, ws + q[2] * c);
        });
        // Measure on the species with the largest eigenvector component (|q| = 1 there).
        int s = Array.IndexOf(q, q.MaxBy(Math.Abs));
        double eq = s == 0 ? us : s == 1 ? vs : ws;
        double a0 = CosineAmplitude(grid, driver.Gather((Species)s), eq, k);
        driver.AdvanceTo(T);
        double a1 = CosineAmplitude(grid, driver.Gather((Species)s), eq, k);
        return Math.Log(a1 / a0) / T;
    }

    [Theory]
    [InlineData(0.10, 3)] // stable: predicted rate ≈ −1.65
    [InlineData(0.30, 3)] // unstable: predicted rate ≈ +1.91
    [InlineData(0.30, 1)] // unstable long wave: ≈ +0.21
    public void Mode_growth_rate_matches_discrete_dispersion_relation(double chi, int mode)
    {
        var grid = UniformGrid.Line(64, 1.0, BoundaryKind.Neumann);
        var disp = new MayNowakDispersion(Pattern(chi));
        double predicted = disp.GrowthRate(LaplacianSymbol.Discrete(Math.PI * mode, grid.Hx), chi);
        double coarse = MeasuredRate(chi, mode, T: 1.0, maxDt: 0.02);
        double fine = MeasuredRate(chi, mode, T: 1.0, maxDt: 0.01);
        _out.WriteLine($"chi={chi} n={mode}: predicted {predicted:F6}, measured dt=0.02 {coarse:F6}, dt=0.01 {fine:F6}");
        _out.WriteLine($"  errors {coarse - predicted:E2}, {fine - predicted:E2}, ratio {(coarse - predicted) / (fine - predicted):F2}");
        Math.Sign(fine).Should().Be(Math.Sign(predicted));
        Math.Abs(fine - predicted).Should().BeLessThan(0.01 * Math.Abs(predicted) + 1e-4);
    }
}
