using System.Text.Json.Nodes;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;
using FluentAssertions;
using Xunit.Abstractions;
using static ActorSim.Simulation.Tests.Particles.ParticleTestSupport;

namespace ActorSim.Simulation.Tests.Models;

/// <summary>Every shipped muscle scenario runs (short horizons where needed) and shows what its description promises.</summary>
public sealed class MuscleScenarioTests(ITestOutputHelper output) : ModelRunTests("actorsim-muscle-")
{
    [Fact]
    public async Task Linear_constraint_follows_the_closed_form_harmonic_motion()
    {
        var r = await Run(Scenario("muscle-linear.json", d => d["time"]!["end"] = 5.0), Dir("linear"));
        r.Status.Should().Be(RunStatus.Completed);
        var rows = Rows(Dir("linear"));
        rows.Should().HaveCount(51);
        double err = rows.Max(x => Math.Abs(x["y"] - x["y_exact"]));
        output.WriteLine($"max |y - y_exact| = {err:E3}, relative energy error {A(r, "max_relative_energy_error"):E3}, drift {A(r, "max_constraint_drift"):E3}");
        err.Should().BeLessThan(1e-8);
        var cf = r.Analysis["closed_form"]!;
        ((double)cf["omega"]!).Should().BeApproximately(Math.Sqrt(2.0), 1e-15, "w^2 = (k0 + k1 |G|^2) / (M + m |G|^2) = 7 / 3.5");
        rows.Max(x => x["y"]).Should().BeGreaterThan((double)cf["y_equilibrium"]! + 0.29, "y must swing through its full amplitude 0.30");
        A(r, "max_relative_energy_error").Should().BeLessThan(1e-9);
        A(r, "max_constraint_drift").Should().BeLessThan(1e-13);
    }

    [Fact]
    public async Task Linear_constraint_on_particle_blocks_converges_with_order_four()
    {
        var dts = new[] { 0.04, 0.02, 0.01 };
        var errs = new List<double>();
        foreach (double dt in dts)
        {
            var s = Scenario("muscle-linear.json", d =>
            {
                d["parameters"]!["N"] = 1000; d["time"]!["end"] = 4.0; d["time"]!["output_interval"] = 0.4; d["time"]!["dt"] = dt;
            });
            var r = await Run(s, Dir($"order-{dt}"));
            errs.Add(A(r, "max_closed_form_error"));
        }
        double slope = LogLogSlope(dts, errs);
        output.WriteLine($"closed-form errors {string.Join(", ", errs.Select(e => e.ToString("E3")))}; observed order {slope:F3}");
        slope.Should().BeInRange(3.8, 4.2);
    }

    [Fact]
    public async Task Affine_deformation_with_direct_pair_forces_conserves_energy_and_angular_momentum()
    {
        var r = await Run(Scenario("muscle-deformation-2d.json", d => { d["parameters"]!["N"] = 200; d["time"]!["end"] = 1.0; }), Dir("affine"));
        var rows = Rows(Dir("affine"));
        output.WriteLine($"relative energy error {A(r, "max_relative_energy_error"):E3}, angular momentum error {A(r, "max_angular_momentum_error"):E3}, drift {A(r, "max_constraint_drift"):E3}");
        Math.Abs(rows[^1]["y2"] - rows[0]["y2"]).Should().BeGreaterThan(0.5, "the element must turn");
        A(r, "max_relative_energy_error").Should().BeLessThan(1e-8);
        A(r, "max_angular_momentum_error").Should().BeLessThan(1e-9);
        A(r, "max_constraint_drift").Should().BeLessThan(1e-13);
    }

    [Fact]
    public async Task Rotation_with_projection_keeps_the_constraint_at_round_off_and_conserves_energy()
    {
        JsonObject Edit(JsonObject d, string project)
        {
            d["parameters"]!["N"] = 4000; d["parameters"]!["project"] = project; d["time"]!["end"] = 1.0;
            return d;
        }
        var on = await Run(Scenario("muscle-deformation-2d-rotation.json", d => Edit(d, "on")), Dir("rot-on"));
        var off = await Run(Scenario("muscle-deformation-2d-rotation.json", d => Edit(d, "off")), Dir("rot-off"));
        output.WriteLine($"drift with projection {A(on, "max_constraint_drift"):E3}, without {A(off, "max_constraint_drift"):E3}; energy {A(on, "max_relative_energy_error"):E3}");
        A(on, "max_constraint_drift").Should().BeLessThan(1e-14);
        A(off, "max_constraint_drift").Should().BeGreaterThan(1e-11, "plain RK4 drifts at O(dt^4) for the nonlinear rotation map");
        A(on, "max_relative_energy_error").Should().BeLessThan(1e-8);
        var hist = ReadNpy(Path.Combine(Dir("rot-on"), "fields", "hist_0005.npy"));
        hist.Should().HaveCount(32 * 32);
        (hist.Sum() * Math.Pow(3.0 / 32, 2)).Should().BeApproximately(1.0, 1e-12, "every particle stays inside the histogram window [-1.5, 1.5]^2");
    }

    [Fact]
    public async Task Particle_mesh_run_follows_direct_summation_and_keeps_energy_to_the_mesh_error()
    {
        JsonObject Edit(JsonObject d, string interaction)
        {
            d["parameters"]!["N"] = 800; d["parameters"]!["interaction"] = interaction; d["time"]!["end"] = 0.5;
            return d;
        }
        var mesh = await Run(Scenario("muscle-deformation-2d-mesh.json", d => Edit(d, "mesh")), Dir("mesh"));
        var direct = await Run(Scenario("muscle-deformation-2d-mesh.json", d => Edit(d, "direct")), Dir("direct"));
        double diff = Enumerable.Range(0, 4).Max(k => Math.Abs(mesh.FinalState[$"y{k}"] - direct.FinalState[$"y{k}"]));
        output.WriteLine($"max |y_mesh - y_direct| = {diff:E3}; relative energy error mesh {A(mesh, "max_relative_energy_error"):E3}, direct {A(direct, "max_relative_energy_error"):E3}");
        diff.Should().BeLessThan(1e-4);
        diff.Should().BeGreaterThan(0.0, "the two methods differ by the mesh error");
        A(mesh, "max_relative_energy_error").Should().BeLessThan(1e-5);
        A(direct, "max_relative_energy_error").Should().BeLessThan(1e-8);
    }

    [Fact]
    public async Task One_dimensional_particles_stay_close_to_the_mean_field_solution_computed_alongside()
    {
        var r = await Run(Scenario("muscle-1d-particles.json", d => d["time"]!["end"] = 1.5), Dir("p1d"));
        var rows = Rows(Dir("p1d"));
        double dy = rows.Max(x => Math.Abs(x["y"] - x["y_meanfield"]));
        double w1 = rows.Max(x => x["w1"]);
        output.WriteLine($"max |y - y_meanfield| = {dy:E3}, max W1 = {w1:E3}, relative energy error {A(r, "max_relative_energy_error"):E3}");
        dy.Should().BeLessThan(3e-3);
        w1.Should().BeLessThan(4e-3).And.BeGreaterThan(1e-4, "N = 2 x 10^4 samples sit ~N^{-1/2} away from the density");
        rows.Select(x => x["y"]).Min().Should().BeLessThan(-0.1, "y must move");
        A(r, "max_relative_energy_error").Should().BeLessThan(1e-9);
    }

    [Fact]
    public async Task Mean_field_PDE_on_slabs_conserves_mass_positivity_and_energy()
    {
        var r = await Run(Scenario("muscle-meanfield-1d.json"), Dir("fv"));
        output.WriteLine($"mass error {A(r, "max_mass_error"):E3}, min density {A(r, "min_density"):E3}, energy error {A(r, "max_energy_error"):E3}");
        A(r, "max_mass_error").Should().BeLessThan(1e-13);
        A(r, "min_density").Should().BeGreaterThanOrEqualTo(-1e-14);
        (A(r, "max_energy_error") / A(r, "initial_energy")).Should().BeLessThan(1e-5);
        File.Exists(Path.Combine(Dir("fv"), "fields", "rho_0015.npy")).Should().BeTrue();
        r.FinalState["y"].Should().BeLessThan(-0.1);
    }

    [Fact]
    public void Invalid_muscle_scenarios_are_rejected_with_the_path_and_what_is_allowed()
    {
        var e = Assert.Throws<ScenarioException>(() => Scenario("muscle-deformation-2d.json", d =>
        {
            d["time"]!.AsObject().Remove("dt");
            d["parameters"]!["map"] = "rotation";           // n_y = 1, but the file sets y1..y3
            d["parameters"]!["interaction"] = "mesh";
            d["parameters"]!["mesh_nodes"] = 100;
            d["run"]!["blocks"] = 401;
        }));
        string all = string.Join("\n", e.Errors.Select(x => x.ToString()));
        output.WriteLine(all);
        all.Should().Contain("$.time.dt").And.Contain("required for model muscle-deformation-2d");
        all.Should().Contain("$.initial.y1").And.Contain("n_y = 1");
        all.Should().Contain("$.parameters.mesh_nodes").And.Contain("power of two");
        all.Should().Contain("$.run.blocks").And.Contain("blocks <= N");
        var e2 = Assert.Throws<ScenarioException>(() => Scenario("muscle-1d-particles.json", d => d["parameters"]!["x_hi"] = 3.0));
        e2.Errors.Should().Contain(x => x.ToString().Contains("$.parameters.x_lo") && x.ToString().Contains("inside the grid"));
    }
}
