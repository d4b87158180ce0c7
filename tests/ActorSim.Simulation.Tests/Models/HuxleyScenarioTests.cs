using ActorSim.Numerics.Muscle.Huxley;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;
using FluentAssertions;
using Xunit.Abstractions;
using static ActorSim.Simulation.Tests.Particles.ParticleTestSupport;

namespace ActorSim.Simulation.Tests.Models;

/// <summary>Every shipped Huxley scenario runs and shows what its description promises.</summary>
public sealed class HuxleyScenarioTests(ITestOutputHelper output) : ModelRunTests("actorsim-huxley-")
{
    private static Dictionary<string, double> At(List<Dictionary<string, double>> rows, double t) => rows.Single(r => Math.Abs(r["t"] - t) < 1e-9);

    [Fact]
    public async Task Isometric_PDE_develops_the_isometric_force_and_keeps_the_steady_state_exactly()
    {
        var r = await Run(Scenario("huxley-pde-isometric.json"), Dir("iso"));
        var rows = Rows(Dir("iso"));
        double f2 = At(rows, 2.0)["F"], f10 = At(rows, 10.0)["F"];
        output.WriteLine($"F(2) = {f2:F6}, F(10) = {f10:F6}, isometric steady force {r.FinalState["F_huxley"]}");
        r.FinalState["F_huxley"].Should().Be(0.4);
        (0.4 - f2).Should().BeInRange(0, 1e-2);
        (0.4 - f10).Should().BeInRange(0, 4e-4);
        rows.Zip(rows.Skip(1)).Should().OnlyContain(p => p.Second["F"] >= p.First["F"], "the force rises monotonically");
        // started at the isometric steady state n = f / (f + g), the scheme keeps it (its fixed point)
        var steady = await Run(Scenario("huxley-pde-isometric.json", d => { d["initial"]!["state"] = "isometric"; d["time"]!["end"] = 2.0; }), Dir("steady"));
        Rows(Dir("steady")).Should().OnlyContain(x => Math.Abs(x["Q1"] - 0.4) < 1e-13 && Math.Abs(x["Q0"] - 0.8) < 1e-13);
    }

    [Fact]
    public async Task Shortening_PDE_reaches_Huxleys_steady_force_at_first_order_in_the_grid()
    {
        var errors = new List<double>();
        var dxs = new List<double>();
        foreach (int perH in new[] { 50, 100, 200 })
        {
            var r = await Run(Scenario("huxley-pde-shortening.json", d => { d["parameters"]!["cells_per_h"] = perH; d["time"]!["output_interval"] = 0.5; }), Dir($"short-{perH}"));
            double err = Math.Abs(r.FinalState["F"] - r.FinalState["F_huxley"]);
            output.WriteLine($"{perH} cells per h: F(5) = {r.FinalState["F"]:F6}, Huxley {r.FinalState["F_huxley"]:F6}, error {err:E3}");
            errors.Add(err); dxs.Add(1.0 / perH);
        }
        errors[1].Should().BeLessThan(1e-3);
        LogLogSlope(dxs, errors).Should().BeInRange(0.8, 1.2);
    }

    [Fact]
    public async Task Stochastic_bridges_match_Huxley_within_their_statistical_error_and_repeat_exactly()
    {
        var s = Scenario("huxley-particles.json", d => d["time"]!["end"] = 3.0);
        var r = await Run(s, Dir("bridges"));
        var again = await Run(s, Dir("bridges-again"));
        again.ResultsSha256.Should().Be(r.ResultsSha256);
        var rows = Rows(Dir("bridges"));
        var iso = At(rows, 0.95);
        var shortening = At(rows, 3.0);
        double zIso = (iso["F"] - iso["F_huxley"]) / iso["F_sigma"], zShort = (shortening["F"] - shortening["F_huxley"]) / shortening["F_sigma"];
        output.WriteLine($"isometric F = {iso["F"]:F5} (z = {zIso:F2}), shortening F = {shortening["F"]:F5} vs {shortening["F_huxley"]:F5} (z = {zShort:F2})");
        Math.Abs(zIso).Should().BeLessThan(4);
        Math.Abs(zShort).Should().BeLessThan(4);
        shortening["F_huxley"].Should().BeApproximately(0.4 * HuxleySteadyState.RelativeForce(HuxleyRates.Standard, 1.0), 1e-15);
        var n = ReadNpy(Path.Combine(Dir("bridges"), "fields", "n_0000.npy"));
        n.Should().HaveCount(50);
        n.Take(20).Should().OnlyContain(v => v == 0, "no bridge is attached below x = 0 in the isometric state");
    }

    [Fact]
    public async Task Distribution_moment_force_follows_the_full_PDE()
    {
        var r = await Run(Scenario("huxley-zahalak.json"), Dir("dm"));
        double dev = (double)r.Analysis["max_deviation_from_pde_relative_to_F_isometric"]!;
        output.WriteLine($"max |F_DM - F_PDE| / F_iso = {dev:P2}; final F_DM = {r.FinalState["F"]:F4}, F_PDE = {r.FinalState["F_pde"]:F4}, Huxley {r.FinalState["F_huxley"]:F4}");
        dev.Should().BeLessThan(0.10).And.BeGreaterThan(0.01, "the Gaussian closure is an approximation");
        r.FinalState["F_pde"].Should().BeApproximately(r.FinalState["F_huxley"], 1e-3);
        r.FinalState["F"].Should().BeApproximately(r.FinalState["F_pde"], 0.03);
    }

    [Fact]
    public void Huxley_grids_must_put_the_rate_kinks_on_cell_faces()
    {
        var e = Assert.Throws<ScenarioException>(() => Scenario("huxley-pde-shortening.json", d => d["parameters"]!["x_min"] = -1.005));
        e.Errors.Should().ContainSingle().Which.ToString().Should().Contain("$.parameters.x_min").And.Contain("whole multiple of dx");
    }
}
