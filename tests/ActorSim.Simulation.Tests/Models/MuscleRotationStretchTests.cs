using System.Text.Json.Nodes;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;
using FluentAssertions;
using Xunit.Abstractions;
using static ActorSim.Simulation.Tests.Particles.ParticleTestSupport;

namespace ActorSim.Simulation.Tests.Models;

/// <summary>
/// The rotation–stretch map F = s R(theta), y = (theta, s). With X = s R(theta) X_ref the reduced system is, with
/// I2 = (1/N) sum |X_ref|^2 and W1 = k1/2 |X|^2: m_eff = diag(M + m s^2 I2, M + m I2) (Phi_theta . Phi_s = 0),
/// (M + m s^2 I2) theta' = const (theta is cyclic) and
/// (M + m I2) s'' = m s I2 theta'^2 - k0 (s - s_rest) - k1 s I2.
/// </summary>
public sealed class MuscleRotationStretchTests(ITestOutputHelper output) : ModelRunTests("actorsim-rs-")
{
    /// <summary>I2 of the scenario's sample: X(0) = s0 R(theta0) X_ref, so |X_ref|^2 = |X(0)|^2 / s0^2.</summary>
    private static double I2(Scenario s)
    {
        var setup = MuscleDeformation2DDefinition.CreateSetup(s);
        var x = ParticleSampling.SampleRange(setup.Sampler, 0, setup.ParticleCount);
        double s0 = s.Init("y1"), sum = 0;
        for (int i = 0; i < setup.ParticleCount; i++) sum += x[0][i] * x[0][i] + x[1][i] * x[1][i];
        return sum / setup.ParticleCount / (s0 * s0);
    }

    [Fact]
    public async Task Pure_rotation_with_constant_angular_momentum_turns_uniformly_at_fixed_stretch()
    {
        // s = 1 stays an equilibrium of the s equation when k1 = m omega^2 (centrifugal force = spring), at s_rest = 1;
        // then theta'' = 0 and s'' = 0 exactly, so RK4 reproduces theta = omega t, s = 1 to round-off.
        const double omega = 1.5, m = 0.5;
        var r = await Run(Scenario("muscle-deformation-2d-rotation-stretch.json", d =>
        {
            d["parameters"]!["N"] = 1000; d["parameters"]!["k1x"] = m * omega * omega; d["parameters"]!["k1y"] = m * omega * omega;
            d["initial"]!["y1"] = 1.0; d["initial"]!["ydot0"] = omega;
        }), Dir("rot"));
        var rows = Rows(Dir("rot"));
        double dTheta = rows.Max(x => Math.Abs(x["y0"] - omega * x["t"])), dS = rows.Max(x => Math.Abs(x["y1"] - 1.0));
        output.WriteLine($"max |theta - omega t| = {dTheta:E2}, max |s - 1| = {dS:E2}, angular momentum error {A(r, "max_angular_momentum_error"):E2}");
        dTheta.Should().BeLessThan(1e-11);
        dS.Should().BeLessThan(1e-12);
        rows[^1]["y0"].Should().BeApproximately(6.0, 1e-11, "theta(4) = 1.5 * 4");
        A(r, "max_angular_momentum_error").Should().BeLessThan(1e-11);
    }

    [Fact]
    public async Task Stretch_oscillator_without_spin_follows_its_closed_form()
    {
        // theta' = 0: (M + m I2) s'' = -k0 (s - s_rest) - k1 s I2, harmonic with omega^2 = (k0 + k1 I2) / (M + m I2)
        // about s* = k0 s_rest / (k0 + k1 I2); theta stays at theta(0).
        var s = Scenario("muscle-deformation-2d-rotation-stretch.json", d =>
        {
            d["parameters"]!["N"] = 1000; d["initial"]!["y0"] = 0.4; d["initial"]!["ydot0"] = 0.0; d["initial"]!["ydot1"] = 0.2;
        });
        double i2 = I2(s), mass = s.P("M"), m = s.P("m"), k0 = s.P("k0"), k1 = s.P("k1x"), s0 = s.Init("y1"), v0 = s.Init("ydot1");
        double w = Math.Sqrt((k0 + k1 * i2) / (mass + m * i2)), sStar = k0 * s.P("s_rest") / (k0 + k1 * i2);
        var r = await Run(s, Dir("osc"));
        var rows = Rows(Dir("osc"));
        double err = rows.Max(x => Math.Abs(x["y1"] - (sStar + (s0 - sStar) * Math.Cos(w * x["t"]) + v0 / w * Math.Sin(w * x["t"]))));
        output.WriteLine($"I2 = {i2:F6}, omega = {w:F6}, s* = {sStar:F6}: max |s - closed form| = {err:E2}, max |theta - 0.4| = {rows.Max(x => Math.Abs(x["y0"] - 0.4)):E2}");
        err.Should().BeLessThan(1e-8);
        rows.Should().OnlyContain(x => Math.Abs(x["y0"] - 0.4) < 1e-14 && Math.Abs(x["ydot0"]) < 1e-16, "no torque: theta stays (round-off in the particle sums only)");
        rows.Max(x => x["y1"]).Should().BeGreaterThan(s0, "the stretch must oscillate");
        A(r, "max_relative_energy_error").Should().BeLessThan(1e-9);
    }

    [Fact]
    public async Task Spinning_stretching_element_conserves_energy_and_angular_momentum()
    {
        var r = await Run(Scenario("muscle-deformation-2d-rotation-stretch.json", d => d["parameters"]!["N"] = 1000), Dir("both"));
        var rows = Rows(Dir("both"));
        output.WriteLine($"energy {A(r, "max_relative_energy_error"):E2}, angular momentum {A(r, "max_angular_momentum_error"):E2}, drift {A(r, "max_constraint_drift"):E2}");
        A(r, "max_relative_energy_error").Should().BeLessThan(1e-9);
        (A(r, "max_angular_momentum_error") / A(r, "initial_angular_momentum")).Should().BeLessThan(1e-9);
        A(r, "max_constraint_drift").Should().BeLessThan(1e-13);
        (rows.Max(x => x["ydot0"]) - rows.Min(x => x["ydot0"])).Should().BeGreaterThan(0.03, "the spin changes with the stretch (m_eff = M + m s^2 I2)");
    }

    [Fact]
    public void A_non_positive_stretch_and_a_stray_s_rest_are_rejected()
    {
        var e = Assert.Throws<ScenarioException>(() => Scenario("muscle-deformation-2d-rotation-stretch.json", d => d["initial"]!["y1"] = 0.0));
        e.Errors.Should().ContainSingle(x => x.JsonPath == "$.initial.y1" && x.Message.Contains("needs the stretch s = y1 > 0"));
        var e2 = Assert.Throws<ScenarioException>(() => Scenario("muscle-deformation-2d-rotation.json", d => d["parameters"]!["s_rest"] = 1.0));
        e2.Errors.Should().Contain(x => x.JsonPath == "$.parameters.s_rest" && x.Message.Contains("not used"));
    }
    [Fact]
    public async Task The_map_as_formulas_reproduces_the_rotation_stretch_element()
    {
        // same element, parameters and sample: F = y1 R(y0) and W0 = (y1 - 1)^2 = k0/2 (s - 1)^2 with k0 = 2
        var expr = await Run(Scenario("muscle-deformation-2d-expression.json", d => { d["parameters"]!["N"] = 1000; d["time"]!["end"] = 2.0; }), Dir("expr"));
        var builtIn = await Run(Scenario("muscle-deformation-2d-rotation-stretch.json", d => { d["parameters"]!["N"] = 1000; d["time"]!["end"] = 2.0; }), Dir("builtin"));
        var a = Rows(Dir("expr"));
        var b = Rows(Dir("builtin"));
        a.Should().HaveCount(b.Count);
        double diff = a.Zip(b).Max(p => new[] { "y0", "y1", "ydot0", "ydot1", "energy" }.Max(c => Math.Abs(p.First[c] - p.Second[c])));
        output.WriteLine($"max difference formula vs built-in map: {diff:E2}; energy error {A(expr, "max_relative_energy_error"):E2}");
        diff.Should().BeLessThan(1e-12);
        A(expr, "max_relative_energy_error").Should().BeLessThan(1e-9);
        builtIn.Status.Should().Be(expr.Status);
    }

    [Fact]
    public void Bad_map_formulas_are_rejected()
    {
        string Errors(Action<JsonObject> edit) =>
            string.Join("\n", Assert.Throws<ScenarioException>(() => Scenario("muscle-deformation-2d-expression.json", edit)).Errors.Select(x => x.ToString()));
        Errors(d => d["parameters"]!["F01"] = "-y1 * sin(y2)").Should().Contain("$.parameters.F01").And.Contain("unknown name \"y2\"");
        Errors(d => d["parameters"]!.AsObject().Remove("F11")).Should().Contain("$.parameters.F11").And.Contain("required for map \"expression\"");
        Errors(d => d["initial"]!["y1"] = 0.0).Should().Contain("singular at t = 0: det F(y(0)) = 0");
        Errors(d => d["parameters"]!["W0"] = "(y1 - 1)^").Should().Contain("$.parameters.W0");
        Errors(d => d["parameters"]!["ny"] = 5).Should().Contain("1 to 4 variables");
        Errors(d => d["initial"]!["y2"] = 0.1).Should().Contain("$.initial.y2");
        var e = Assert.Throws<ScenarioException>(() => Scenario("muscle-deformation-2d-rotation.json", d => d["parameters"]!["F00"] = "1"));
        e.Errors.Should().Contain(x => x.JsonPath == "$.parameters.F00" && x.Message.Contains("not used"));
    }
}
