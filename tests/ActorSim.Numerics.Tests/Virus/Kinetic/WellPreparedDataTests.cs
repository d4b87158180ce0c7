using ActorSim.Numerics.Virus.Kinetic;
using FluentAssertions;
using Xunit.Abstractions;

namespace ActorSim.Numerics.Tests.Virus.Kinetic;

/// <summary>
/// Well-prepared kinetic initial data f = ρ M + ε g⁰ (g⁰ the first-order Chapman–Enskog term) against equilibrium
/// data f = ρ M: the flux starts at the diffusion limit's and g stays O(ε) close to g⁰(ρ(t)) from the first step,
/// while equilibrium data relax to it through an O(1) initial layer of duration ~ ε²/σ.
/// </summary>
public class WellPreparedDataTests(ITestOutputHelper output)
{
    private static double[,] G(MicroMacroSolver1D solver)
    {
        var sub = solver.Subdomains;
        int n = solver.Grid.CellCount, k = sub[0].VelocityCount;
        var g = new double[3 * k, n + 1];
        foreach (var b in sub)
            for (int s = 0; s < 3; s++)
                for (int v = 0; v < k; v++)
                {
                    var p = b.Perturbation(s, v);
                    for (int j = 0; j < p.Length; j++) g[s * k + v, b.FirstCell + j] = p[j];
                }
        return g;
    }

    /// <summary>max |g - g⁰(ρ)| / max |g⁰(ρ)|, with g⁰ of the solver's current densities.</summary>
    private static double Defect(MicroMacroSolver1D solver)
    {
        var reference = new MicroMacroSolver1D(solver.Grid, solver.Parameters, solver.Epsilon, 1);
        reference.SetWellPrepared(solver.Density(0), solver.Density(1), solver.Density(2));
        double[,] g = G(solver), g0 = G(reference);
        double diff = 0, scale = 0;
        foreach (var (a, b) in g.Cast<double>().Zip(g0.Cast<double>())) { diff = Math.Max(diff, Math.Abs(a - b)); scale = Math.Max(scale, Math.Abs(b)); }
        return diff / scale;
    }

    [Theory]
    [InlineData(KineticBoundary.Periodic)]
    [InlineData(KineticBoundary.Reflecting)]
    public void Well_prepared_data_have_no_initial_layer(KineticBoundary boundary)
    {
        const double eps = 0.05;
        var p = KineticScenarios.Full();
        var grid = new KineticGrid1D(1.0, 64, boundary);
        var rho = KineticScenarios.SmoothInitial(grid);
        double dt = 0.1 * eps * eps / 4.0; // resolves the layer: sigma dt / eps^2 = 0.1
        var prepared = new MicroMacroSolver1D(grid, p, eps, 3);
        prepared.SetWellPrepared(rho[0], rho[1], rho[2]);
        var equilibrium = new MicroMacroSolver1D(grid, p, eps, 3);
        KineticScenarios.Load(equilibrium, rho);
        Defect(prepared).Should().Be(0, "g = g0(rho) at t = 0");
        Defect(equilibrium).Should().Be(1, "g = 0 at t = 0");
        var dPrepared = new List<double>(); var dEquilibrium = new List<double>();
        for (int n = 0; n < 30; n++)
        {
            prepared.Step(dt); equilibrium.Step(dt);
            dPrepared.Add(Defect(prepared)); dEquilibrium.Add(Defect(equilibrium));
        }
        output.WriteLine($"defect (well-prepared): max {dPrepared.Max():E2}; (equilibrium): step 1 {dEquilibrium[0]:E2}, step 10 {dEquilibrium[9]:E2}, step 30 {dEquilibrium[^1]:E2}");
        dPrepared.Max().Should().BeLessThan(eps, "the remaining defect is the O(eps) transport and O(eps^2) reaction part of the micro equation");
        dEquilibrium[0].Should().BeGreaterThan(0.85, "equilibrium data relax by the factor eps^2 / (eps^2 + sigma dt) = 1/1.1 per step");
        dEquilibrium[9].Should().BeGreaterThan(5 * dPrepared.Max());
    }

    [Fact]
    public void The_well_prepared_flux_is_the_diffusion_limit_flux()
    {
        // no taxis on w: sum_k v_k g0_k = -(c^2 / sigma) (rho_j - rho_{j-1}) / dx = -D_w grad rho at every interface
        var p = KineticScenarios.Full();
        var grid = new KineticGrid1D(1.0, 32, KineticBoundary.Periodic);
        var rho = KineticScenarios.SmoothInitial(grid);
        var solver = new MicroMacroSolver1D(grid, p, 0.01, 2);
        solver.SetWellPrepared(rho[0], rho[1], rho[2]);
        double c = p.Virus.Speed, d = p.DiffusionCoefficient(2);
        foreach (var b in solver.Subdomains)
            for (int j = 0; j <= b.CellCount; j++)
            {
                int right = (b.FirstCell + j) % grid.CellCount, left = (b.FirstCell + j - 1 + grid.CellCount) % grid.CellCount;
                double flux = c * b.Perturbation(2, 0)[j] - c * b.Perturbation(2, 1)[j];
                if (p.VelocitySet1D(2).Vx[0] < 0) flux = -flux;
                flux.Should().BeApproximately(-d * (rho[2][right] - rho[2][left]) / grid.Dx, 1e-13);
            }
    }
}
