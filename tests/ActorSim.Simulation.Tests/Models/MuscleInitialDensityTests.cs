using System.Text.Json.Nodes;
using ActorSim.Numerics.Densities;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Output;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;
using FluentAssertions;
using Xunit.Abstractions;
using static ActorSim.Simulation.Tests.Particles.ParticleTestSupport;

namespace ActorSim.Simulation.Tests.Models;

/// <summary>muscle-1d initial densities normal / mixture / file: scenarios, validation, .npy files, the W1 constant.</summary>
public sealed class MuscleInitialDensityTests(ITestOutputHelper output) : ModelRunTests("actorsim-density-")
{
    private static string Errors(Action<JsonObject> edit, string file = "muscle-1d-normal.json") =>
        string.Join("\n", Assert.Throws<ScenarioException>(() => Scenario(file, edit)).Errors.Select(x => x.ToString()));

    [Fact]
    public async Task Normal_particles_follow_the_mean_field_solution_and_conserve_energy()
    {
        var r = await Run(Scenario("muscle-1d-normal.json", d => d["parameters"]!["N"] = 4000), Dir("normal"));
        var rows = Rows(Dir("normal"));
        double dy = rows.Max(x => Math.Abs(x["y"] - x["y_meanfield"]));
        double w1 = rows.Max(x => x["w1"]);
        output.WriteLine($"max |y - y_meanfield| = {dy:E3}, max W1 = {w1:E3}, relative energy error {A(r, "max_relative_energy_error"):E3}");
        // 4000 samples of N(0, 1): W1 ~ 1.29 / sqrt(4000) = 0.02 (sd ~ 0.33 of that)
        w1.Should().BeLessThan(0.06).And.BeGreaterThan(0.003);
        dy.Should().BeLessThan(0.02);
        A(r, "max_relative_energy_error").Should().BeLessThan(1e-9);
    }

    [Fact]
    public async Task Mixture_mean_field_conserves_mass_and_starts_from_the_exact_cell_averages()
    {
        var s = Scenario("muscle-1d-mixture.json");
        var cells = Muscle1DDefinition.InitialCells(s);
        double dx = 2.5 / 1000;
        cells.Sum(c => c * dx).Should().BeApproximately(1.0, 1e-12);
        // the uniform part 0.6 / 0.4 on [1.2, 1.6]: a cell well inside has exactly that average
        cells[(int)(1.4 / dx)].Should().BeApproximately(0.6 / 0.4, 1e-12);
        var r = await Run(s, Dir("mix"));
        output.WriteLine($"mass error {A(r, "max_mass_error"):E3}, min density {A(r, "min_density"):E3}, energy error {A(r, "max_energy_error") / A(r, "initial_energy"):E3}");
        A(r, "max_mass_error").Should().BeLessThan(1e-13);
        A(r, "min_density").Should().BeGreaterThanOrEqualTo(-1e-14);
        (A(r, "max_energy_error") / A(r, "initial_energy")).Should().BeLessThan(1e-4);
    }

    [Fact]
    public async Task A_density_on_a_grid_from_a_file_gives_the_exact_triangular_cell_averages_and_runs()
    {
        var s = Scenario("muscle-1d-file.json", d => d["parameters"]!["N"] = 2000);
        var rho0 = Muscle1DDefinition.Rho0(s);
        // triangular density on [0.5, 1.5] with its mode at 0.8: F(x) = (x - a)^2 / ((b - a)(c - a)) left of the mode
        rho0.Cdf(0.7).Should().BeApproximately(0.2 * 0.2 / (1.0 * 0.3), 1e-15);
        rho0.Cdf(1.2).Should().BeApproximately(1 - 0.3 * 0.3 / (1.0 * 0.7), 1e-15);
        var r = await Run(s, Dir("file"));
        var rows = Rows(Dir("file"));
        output.WriteLine($"max W1 = {rows.Max(x => x["w1"]):E3}, relative energy error {A(r, "max_relative_energy_error"):E3}");
        rows.Max(x => x["w1"]).Should().BeLessThan(0.03);
        A(r, "max_relative_energy_error").Should().BeLessThan(1e-9);
    }

    [Fact]
    public void Particle_positions_round_trip_through_a_npy_file()
    {
        string file = Path.Combine(ScratchDirectory, "x0.npy");
        double[] positions = [1.25, 0.5, 0.75, 1.0, 1.5];
        NpyWriter.Write1D(file, positions);
        var s = Scenario("muscle-1d-file.json", d =>
        {
            d["parameters"]!["density_file"] = file; d["parameters"]!["N"] = positions.Length; d["parameters"]!["w1"] = "off";
            d["run"]!["blocks"] = 1;
        });
        // N = M: the particles are exactly the file's positions, in file order
        var setup = Muscle1DDefinition.ParticleSetup(s, positions.Length, 7);
        ParticleSampling.SampleRange(setup.Sampler, 0, positions.Length)[0].Should().Equal(positions);
        // N != M: i.i.d. draws from the file's empirical measure (only those values, all of them for many draws)
        var draws = ParticleSampling.SampleRange(Muscle1DDefinition.ParticleSetup(s, 1000, 7).Sampler, 0, 1000)[0];
        draws.Distinct().Order().Should().Equal(positions.Order());
        // a shape [M, 1] file is read the same way; W1 constant of the empirical measure is its exact step sum
        NpyWriter.Write2D(file, positions, positions.Length, 1);
        Muscle1DDefinition.Rho0(s).Cdf(1.0).Should().Be(0.6, "3 of the 5 positions are <= 1");
        W1SamplingConstant.Of(Muscle1DDefinition.Rho0(s)).Should().BeApproximately(
            Math.Sqrt(2 / Math.PI) * 0.25 * (Math.Sqrt(0.2 * 0.8) + Math.Sqrt(0.4 * 0.6) * 2 + Math.Sqrt(0.8 * 0.2)), 1e-15);
    }

    [Fact]
    public void Converge_on_a_normal_density_approaches_the_W1_constant()
    {
        // sqrt(N) E W1(0) -> sqrt(2/pi) int sqrt(Phi(1 - Phi)) dx = 1.28838 for N(0, 1). K = 200 seeds of N = 1000:
        // the mean of sqrt(N) W1 has a standard error sqrt(N) sd / sqrt(K) (~ 0.03, measured); the finite-N bias is
        // ~1 % (measured with 400 seeds: 1.275 at N = 1000, 1.303 at N = 100). Tolerance: 4 standard errors + 2 %.
        var s = Scenario("muscle-1d-normal.json", d => d["time"]!["end"] = 0.1);
        var r = MuscleConvergenceStudy.Run(s, [1000], 200);
        var p = r.Points[0];
        double se = Math.Sqrt(p.N) * p.W1InitialSd / Math.Sqrt(p.Seeds);
        output.WriteLine($"sqrt(N) E W1(0) = {p.SqrtNW1Initial:F4} +- {se:F4}, constant {r.W1Constant:R}");
        r.W1Constant.Should().BeApproximately(1.2883791903028582, 1e-12);
        p.SqrtNW1Initial.Should().BeApproximately(r.W1Constant, 4 * se + 0.02 * r.W1Constant);
    }

    [Fact]
    public void Bad_densities_are_rejected_with_the_path_the_value_and_what_is_allowed()
    {
        string grid = Errors(d => d["parameters"]!["grid_min"] = -5.0);
        output.WriteLine(grid);
        grid.Should().Contain("$.parameters.grid_min").And.Contain("mean +- 8.3 deviations").And.Contain("truncate");

        string trunc = Errors(d => { d["parameters"]!["truncate"] = "on"; d["parameters"]!["x_lo"] = 50.0; d["parameters"]!["x_hi"] = 60.0; d["parameters"]!["grid_max"] = 70.0; });
        trunc.Should().Contain("$.parameters.x_lo").And.Contain("holds no mass");

        string mixture = Errors(d => d["parameters"]!["components"] = "0.5 normal(0.8, 0.1) + 0.5 gamma(2, 1)", "muscle-1d-mixture.json");
        output.WriteLine(mixture);
        mixture.Should().Contain("$.parameters.components").And.Contain("gamma with 2 arguments is not allowed").And.Contain("uniform(lo, hi)");
        Errors(d => d["parameters"]!["components"] = "-1 uniform(1, 2)", "muscle-1d-mixture.json").Should().Contain("weight \"-1\" is not allowed");
        Errors(d => d["parameters"]!["components"] = "1 uniform(2, 1)", "muscle-1d-mixture.json").Should().Contain("need hi > lo");
        Errors(d => d["parameters"]!.AsObject().Remove("components"), "muscle-1d-mixture.json").Should().Contain("required for density \"mixture\"");
        Errors(d => d["parameters"]!["components"] = "", "muscle-1d-mixture.json").Should().Contain("\"\" is not allowed").And.Contain("non-empty string");
        Errors(d => d["parameters"]!["components"] = "1 uniform(0.5, 1.5)").Should().Contain("not used: it belongs to density \"mixture\"");

        Errors(d => d["parameters"]!["density_file"] = "missing.npy", "muscle-1d-file.json").Should().Contain("$.parameters.density_file").And.Contain("missing.npy: file not found");
        string bad = Path.Combine(ScratchDirectory, "bad.npy");
        NpyWriter.Write2D(bad, new double[6], 2, 3);
        Errors(d => d["parameters"]!["density_file"] = bad, "muscle-1d-file.json").Should().Contain("shape (2, 3) is not allowed");
        NpyWriter.Write2D(bad, [0.0, 1.0, 1.0, 1.0, 0.5, 1.0], 3, 2);
        Errors(d => d["parameters"]!["density_file"] = bad, "muscle-1d-file.json").Should().Contain("strictly increasing");
        NpyWriter.Write1D(bad, [0.5, 3.0]);
        Errors(d => d["parameters"]!["density_file"] = bad, "muscle-1d-file.json").Should().Contain("must contain the initial density").And.Contain("[0.5, 3]");
    }
}
