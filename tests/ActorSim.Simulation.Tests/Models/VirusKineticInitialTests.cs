using ActorSim.Simulation.Models;
using ActorSim.Simulation.Scenarios;
using FluentAssertions;
using Xunit.Abstractions;
using static ActorSim.Simulation.Tests.Particles.ParticleTestSupport;

namespace ActorSim.Simulation.Tests.Models;

/// <summary>virus-kinetic initial.kinetic: well-prepared data on the subdomain actors (the numerics are tested in WellPreparedDataTests).</summary>
public sealed class VirusKineticInitialTests(ITestOutputHelper output) : ModelRunTests("actorsim-wp-")
{
    [Fact]
    public async Task Well_prepared_run_matches_the_sequential_solver_and_differs_from_equilibrium_data()
    {
        var s = Scenario("virus-kinetic-well-prepared.json", d => { d["time"]!["end"] = 0.2; });
        var eq = Scenario("virus-kinetic-well-prepared.json", d => { d["time"]!["end"] = 0.2; d["initial"]!["kinetic"] = "equilibrium"; });
        await Run(s, Path.Combine(ScratchDirectory, "wp"));
        await Run(eq, Path.Combine(ScratchDirectory, "eq"));
        var a = Rows(Path.Combine(ScratchDirectory, "wp"))[^1];
        var b = Rows(Path.Combine(ScratchDirectory, "eq"))[^1];
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
    [Fact]
    public async Task A_kinetic_state_file_with_f_equal_to_rho_M_reproduces_the_equilibrium_run()
    {
        var eq = Scenario("virus-kinetic-well-prepared.json", d => { d["time"]!["end"] = 0.2; d["initial"]!["kinetic"] = "equilibrium"; });
        var model = (VirusKineticModel)new VirusKineticDefinition().Create(eq);
        int n = model.Grid.CellCount;
        var f = new double[3 * 2 * n];
        for (int s = 0; s < 3; s++)
        {
            var rho = model.InitialDensity(s);
            for (int k = 0; k < 2; k++)
                for (int i = 0; i < n; i++) f[(s * 2 + k) * n + i] = 0.5 * rho[i];
        }
        string file = Path.Combine(ScratchDirectory, "f0.npy");
        ActorSim.Simulation.Output.NpyWriter.Write(file, f, [3, 2, n]);
        var fromFile = Scenario("virus-kinetic-well-prepared.json", d =>
        {
            d["time"]!["end"] = 0.2;
            d["initial"] = new System.Text.Json.Nodes.JsonObject { ["kinetic"] = "file", ["kinetic_file"] = file };
        });
        await Run(eq, Path.Combine(ScratchDirectory, "eq"));
        await Run(fromFile, Path.Combine(ScratchDirectory, "file"));
        File.ReadAllText(Path.Combine(ScratchDirectory, "file", "timeseries.csv")).Should().Be(File.ReadAllText(Path.Combine(ScratchDirectory, "eq", "timeseries.csv")));
    }

    [Fact]
    public async Task The_shipped_kinetic_file_scenario_runs_and_keeps_the_densities_positive()
    {
        var r = await Run(Scenario("virus-kinetic-file.json", d => d["time"]!["end"] = 0.2), Path.Combine(ScratchDirectory, "shipped"));
        var rows = Rows(Path.Combine(ScratchDirectory, "shipped"));
        rows[0]["int_u"].Should().BeApproximately(1.0, 2e-3, "u = 1 + 0.1 cos(pi x) sampled at cell centres");
        rows.Should().OnlyContain(x => x["min_u"] > 0 && x["min_v"] > 0 && x["min_w"] > 0);
    }

    [Fact]
    public void Bad_kinetic_files_are_rejected_with_the_path_and_the_reason()
    {
        string Errors(string? file)
        {
            var e = Assert.Throws<ScenarioException>(() => Scenario("virus-kinetic-file.json", d =>
            {
                if (file is null) d["initial"]!.AsObject().Remove("kinetic_file"); else d["initial"]!["kinetic_file"] = file;
            }));
            return string.Join("\n", e.Errors.Select(x => x.ToString()));
        }
        Errors(null).Should().Contain("$.initial.kinetic_file").And.Contain("required for kinetic \"file\"");
        Errors("missing.npy").Should().Contain("missing.npy: file not found");
        string bad = Path.Combine(ScratchDirectory, "bad.npy");
        ActorSim.Simulation.Output.NpyWriter.Write(bad, new double[3 * 2 * 16], [3, 2, 16]);
        Errors(bad).Should().Contain("shape (3, 2, 16) is not allowed: expected (3, 2, 32)");
        var neg = new double[3 * 2 * 32];
        neg[40] = -1;
        ActorSim.Simulation.Output.NpyWriter.Write(bad, neg, [3, 2, 32]);
        Errors(bad).Should().Contain("f[0, 1, 8] = -1 is not allowed");
        var e2 = Assert.Throws<ScenarioException>(() => Scenario("virus-kinetic-well-prepared.json", d => d["initial"]!["kinetic_file"] = "x.npy"));
        e2.Errors.Should().Contain(x => x.JsonPath == "$.initial.kinetic_file" && x.Message.Contains("not used"));
    }
}
