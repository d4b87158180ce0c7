using ActorSim.Simulation.Models;
using ActorSim.Simulation.Scenarios;
using FluentAssertions;
using Xunit.Abstractions;
using static ActorSim.Simulation.Tests.Particles.ParticleTestSupport;

namespace ActorSim.Simulation.Tests.Models;

/// <summary>virus-kinetic initial.kinetic: well-prepared data on the subdomain actors (the numerics are tested in WellPreparedDataTests).</summary>
public sealed class VirusKineticInitialTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorsim-wp-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Well_prepared_run_matches_the_sequential_solver_and_differs_from_equilibrium_data()
    {
        var s = Scenario("virus-kinetic-well-prepared.json", d => { d["time"]!["end"] = 0.2; });
        var eq = Scenario("virus-kinetic-well-prepared.json", d => { d["time"]!["end"] = 0.2; d["initial"]!["kinetic"] = "equilibrium"; });
        await Run(s, Path.Combine(_dir, "wp"));
        await Run(eq, Path.Combine(_dir, "eq"));
        var a = Rows(Path.Combine(_dir, "wp"))[^1];
        var b = Rows(Path.Combine(_dir, "eq"))[^1];
        output.WriteLine($"max_u at t = 0.2: well-prepared {a["max_u"]:R}, equilibrium {b["max_u"]:R}");
        a["max_u"].Should().NotBe(b["max_u"], "the initial flux differs");
        // the actor run reproduces the sequential solver started the same way (2 blocks, same steps)
        var model = (VirusKineticModel)new VirusKineticDefinition().Create(s);
        model.WellPrepared.Should().BeTrue();
        var solver = new ActorSim.Numerics.Virus.Kinetic.MicroMacroSolver1D(model.Grid, model.Parameters, model.Epsilon, 2);
        solver.SetWellPrepared(model.InitialDensity(0), model.InitialDensity(1), model.InitialDensity(2));
        int steps = (int)Math.Ceiling(0.1 / model.MaxDt - 1e-9);
        for (int k = 0; k < 2; k++)
            for (int n = 0; n < steps; n++) solver.Step(0.1 / steps);
        solver.Density(0).Max().Should().BeApproximately(a["max_u"], 1e-13, "same data and steps (the step lengths are computed slightly differently)");
    }

    [Fact]
    public void Well_prepared_data_in_2D_are_refused()
    {
        var e = Assert.Throws<ScenarioException>(() => Scenario("virus-kinetic-2d.json", d => d["initial"]!["kinetic"] = "well-prepared"));
        e.Errors.Should().Contain(x => x.JsonPath == "$.initial.kinetic" && x.Message.Contains("1D model only"));
    }
}
