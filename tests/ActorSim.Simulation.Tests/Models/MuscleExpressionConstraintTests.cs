using System.Text.Json.Nodes;
using ActorSim.Numerics.Muscle;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Particles;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;
using FluentAssertions;
using Xunit.Abstractions;
using static ActorSim.Simulation.Tests.Particles.ParticleTestSupport;

namespace ActorSim.Simulation.Tests.Models;

/// <summary>muscle-1d with constraint "expression": the seed's nonlinear example, validation, characteristics.</summary>
public sealed class MuscleExpressionConstraintTests(ITestOutputHelper output) : ModelRunTests("actorsim-expr-")
{
    private static string Errors(Action<JsonObject> edit) =>
        string.Join("\n", Assert.Throws<ScenarioException>(() => Scenario("muscle-1d-nonlinear.json", edit)).Errors.Select(x => x.ToString()));

    [Fact]
    public async Task Seed_nonlinear_example_keeps_its_energy_at_one_half_on_particle_blocks()
    {
        var r = await Run(Scenario("muscle-1d-nonlinear.json", d => { d["parameters"]!["N"] = 500; d["parameters"]!["snapshot"] = "none"; }), ScratchDirectory);
        var rows = Rows(ScratchDirectory);
        output.WriteLine($"initial energy {A(r, "initial_energy"):R}, max relative energy error {A(r, "max_relative_energy_error"):E3}, min r {rows.Min(x => x["y"]):F4}");
        A(r, "initial_energy").Should().Be(0.5, "E = 1/2 kappa_r r(0)^2 with r'(0) = 0");
        A(r, "max_relative_energy_error").Should().BeLessThan(1e-6);
        rows.Min(x => x["y"]).Should().BeLessThan(-0.85, "r must pass through 0, where d_q g is smallest");
    }

    [Fact]
    public void Quantile_particles_are_characteristics_and_converge_faster_than_random_samples()
    {
        // The mean-field limit by the method of characteristics: particles at the quantiles F^{-1}((i + 1/2)/N)
        // approximate int h(X(t; x0)) rho0(dx0) by the midpoint rule in the mass coordinate: error ~ N^{-1} up to a
        // log factor (the normal quantile function is singular at 0 and 1; measured slope ~ -0.9). y(T = 10, past
        // the passage through r = 0) for N = 50 .. 400 against N = 3200; random samples err like N^{-1/2}.
        var s = Scenario("muscle-1d-nonlinear.json", d => { d["parameters"]!["sampling"] = "quantile"; d["time"]!["end"] = 10.0; d["time"]!["dt"] = 0.01; });
        var random = Scenario("muscle-1d-nonlinear.json", d => { d["time"]!["end"] = 10.0; d["time"]!["dt"] = 0.01; });
        double Y(Scenario sc, int n)
        {
            var setup = Muscle1DDefinition.ParticleSetup(sc, n, 0);
            var driver = new SequentialMuscleDriver(setup.Model, ParticleSampling.SampleRange(setup.Sampler, 0, n), setup.Y0, setup.V0);
            driver.Run(0.01, 1000);
            return driver.Y[0];
        }
        double reference = Y(s, 3200);
        int[] ns = [50, 100, 200, 400];
        var errors = ns.Select(n => Math.Abs(Y(s, n) - reference)).ToArray();
        double randomError = Math.Abs(Y(random, 400) - reference);
        double slope = MuscleConvergenceStudy.LogLogSlope(ns.Select(n => (double)n).ToList(), errors);
        output.WriteLine($"y(10) reference {reference:R}; quantile errors {string.Join(", ", errors.Select(e => e.ToString("E3")))}; slope {slope:F2}; random N = 400: {randomError:E3}");
        slope.Should().BeLessThan(-0.75);
        errors[^1].Should().BeLessThan(2e-5);
        randomError.Should().BeGreaterThan(20 * errors[^1]);
    }

    [Fact]
    public void Bad_formulas_and_singular_constraints_are_rejected_with_the_path_and_the_reason()
    {
        string parse = Errors(d => d["parameters"]!["g"] = "-sin(0.1 * q) / (1 + z^2)");
        output.WriteLine(parse);
        parse.Should().Contain("$.parameters.g").And.Contain("unknown name \"z\" at character 22").And.Contain("a variable (x, q, y, r)");
        // d_x g = 2 x changes sign at x = 0, inside the sample's support
        string singular = Errors(d => { d["parameters"]!["g"] = "x^2 + y"; d["parameters"]!["mean"] = 0.1; d["parameters"]!["grid_min"] = -3.0; });
        output.WriteLine(singular);
        singular.Should().Contain("$.parameters.g").And.Contain("singular at y = 1").And.Contain("changes sign").And.Contain("support");
        // constant in x: d_x g = 0 everywhere
        Errors(d => d["parameters"]!["g"] = "y^2").Should().Contain("d_x g = 0 at x =");
        Errors(d => d["parameters"]!.AsObject().Remove("g")).Should().Contain("required for constraint \"expression\"");
        Errors(d => d["parameters"]!["constraint"] = "stretch").Should().Contain("$.parameters.g").And.Contain("not used");
    }
}
