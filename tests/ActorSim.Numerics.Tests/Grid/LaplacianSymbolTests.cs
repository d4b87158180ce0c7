using ActorSim.Numerics.Grid;
using FluentAssertions;

namespace ActorSim.Numerics.Tests.Grid;

public class LaplacianSymbolTests
{
    /// <summary>
    /// cos(k (x − x0)) with k = π n / L (Neumann, mirror ghosts) or k = 2π n / L (periodic) is an exact
    /// eigenvector of the 3-point cell-centred Laplacian with eigenvalue −μ_h.
    /// </summary>
    [Theory]
    [InlineData(BoundaryKind.Neumann, 1)]
    [InlineData(BoundaryKind.Neumann, 5)]
    [InlineData(BoundaryKind.Neumann, 15)]
    [InlineData(BoundaryKind.Periodic, 3)]
    [InlineData(BoundaryKind.Periodic, 8)]
    public void Cosine_modes_are_eigenvectors_of_the_discrete_Laplacian(BoundaryKind bc, int n)
    {
        var g = UniformGrid.Line(16, 2.0, bc, origin: -1.0);
        double k = (bc == BoundaryKind.Neumann ? Math.PI : 2 * Math.PI) * n / g.Lx;
        var q = Enumerable.Range(0, g.Nx).Select(i => Math.Cos(k * (g.XCentre(i) - g.X0))).ToArray();
        double mu = LaplacianSymbol.Discrete(k, g.Hx);
        for (int i = 0; i < g.Nx; i++)
        {
            double left = i > 0 ? q[i - 1] : bc == BoundaryKind.Neumann ? q[0] : q[g.Nx - 1];
            double right = i < g.Nx - 1 ? q[i + 1] : bc == BoundaryKind.Neumann ? q[g.Nx - 1] : q[0];
            double lap = (left - 2 * q[i] + right) / (g.Hx * g.Hx);
            lap.Should().BeApproximately(-mu * q[i], 1e-10 * mu);
        }
        mu.Should().BeLessThanOrEqualTo(LaplacianSymbol.DiffusionSpectralRadius(g, 1.0));
        // μ_h = k² (1 − k²h²/12 + …)
        (mu / LaplacianSymbol.Continuous(k)).Should().BeApproximately(1 - k * k * g.Hx * g.Hx / 12, Math.Pow(k * g.Hx, 4) / 200);
    }

    [Fact]
    public void Limited_face_values_stay_between_neighbours()
    {
        var rng = new System.Random(3);
        foreach (var lim in new[] { SlopeLimiter.Minmod, SlopeLimiter.VanLeer, SlopeLimiter.None })
            for (int t = 0; t < 1000; t++)
            {
                double l = rng.NextDouble(), m = rng.NextDouble(), r = rng.NextDouble();
                double d = Limiters.Limit(lim, m - l, r - m);
                foreach (double face in new[] { m + 0.5 * d, m - 0.5 * d })
                {
                    face.Should().BeInRange(Math.Min(l, Math.Min(m, r)) - 1e-15, Math.Max(l, Math.Max(m, r)) + 1e-15);
                    face.Should().BeGreaterThanOrEqualTo(0);
                }
            }
        Limiters.Limit(SlopeLimiter.VanLeer, 1.0, 1.0).Should().Be(1.0);
        Limiters.Limit(SlopeLimiter.Minmod, 1.0, 3.0).Should().Be(1.0);
        Limiters.Limit(SlopeLimiter.VanLeer, 1.0, -1.0).Should().Be(0.0);
    }
}
