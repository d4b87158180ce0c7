using ActorSim.Numerics.Virus.Kinetic;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Output;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Tests.Models;

/// <summary>The 2D <c>virus-kinetic</c> model (ny &gt; 1) on subdomain actors.</summary>
public sealed class VirusKinetic2DRunTests() : ModelRunTests("actorsim-virus-kinetic-2d-")
{
    private static string Json(int blocks, string bx, string by, double eps, string extra = "", string initialExtra = "") => $$"""
        { "model": "virus-kinetic",
          "parameters": { "eps": {{eps}}, "c_u": 1, "sigma_u": 50, "c_v": 1, "sigma_v": 5, "c_w": 1, "sigma_w": 5, "chi": 0.2,
                          "d1": 1, "d2": 1, "d3": 1, "beta": 1, "k": 1, "r": 4, "nx": 10, "ny": 12, "Lx": 1.0, "Ly": 1.2,
                          "boundary_x": "{{bx}}", "boundary_y": "{{by}}"{{extra}} },
          "initial": { "state": "endemic", "amplitude": 0.1, "mode_x": 1, "mode_y": 2, "noise": 0.05{{initialExtra}} },
          "time": { "end": 0.1, "output_interval": 0.05 },
          "run": { "blocks": {{blocks}}, "seed": 3 } }
        """;

    [Theory]
    [InlineData("reflecting", "periodic", 0.3, 4)]
    [InlineData("periodic", "reflecting", 0.01, 8)]
    public async Task Actor_run_reproduces_the_sequential_2D_solver_bit_for_bit_for_1_2_and_4_blocks(string bx, string by, double eps, int directions)
    {
        string? sha = null;
        foreach (int blocks in new[] { 1, 2, 4 })
        {
            var s = ScenarioLoader.Parse(Json(blocks, bx, by, eps, $", \"directions\": {directions}"), "kinetic2d.json");
            string dir = Path.Combine(ScratchDirectory, $"{bx}-{blocks}");
            var r = await LocalRunner.RunAsync(s, new RunOptions(dir));
            Assert.Equal(RunStatus.Completed, r.Status);

            var model = (VirusKinetic2DModel)new VirusKineticDefinition().Create(s);
            Assert.Equal(directions, model.Directions);
            var solver = new MicroMacroSolver2D(model.Grid, model.Parameters, model.Epsilon, directions, blocks);
            for (int sp = 0; sp < 3; sp++) solver.SetInitialDensity(sp, model.InitialDensity(sp));
            double t = 0;
            foreach (double target in s.Time.OutputTimes().Skip(1))
                while (t < target)
                {
                    var (dt, next) = MicroMacroSolver2D.PlanStep(t, target, Math.Min(model.MaxDt, solver.TaxisTimeStep()));
                    solver.Step(dt);
                    t = next;
                }
            Assert.True(solver.StepCount > 5);
            int last = s.Time.OutputTimes().Count - 1;
            string[] names = ["u", "v", "w"];
            for (int sp = 0; sp < 3; sp++)
            {
                var npy = NpyReader.Read(Path.Combine(dir, "fields", $"{names[sp]}_{last:D4}.npy"));
                Assert.Equal([12, 10], npy.Shape);
                Assert.Equal(solver.Density(sp), npy.Data);
            }
            Assert.NotEqual(model.InitialDensity(0), solver.Density(0));
            sha ??= r.ResultsSha256;
            Assert.Equal(sha, r.ResultsSha256);
        }
    }

    /// <summary>
    /// The shipped 2D scenario in its linear phase: the (2,2) mode of Q* must grow at the rate the
    /// analysis of the diffusion limit predicts (0.356; measured 0.354–0.356 between t = 2 and 8, the
    /// first two time units being the transient of v and w).
    /// </summary>
    [Fact]
    public async Task Shipped_2D_scenario_grows_at_the_rate_of_its_diffusion_limit()
    {
        string json = File.ReadAllText(Path.Combine(RepoRoot.Path, "scenarios", "virus-kinetic-2d.json")).Replace("\"end\": 30.0", "\"end\": 8.0");
        var s = ScenarioLoader.Parse(json, "k2d.json");
        var model = (VirusKinetic2DModel)new VirusKineticDefinition().Create(s);
        var fastest = model.Analysis()["linear_stability"]!["discrete"]!["fastest_growing_mode"]!;
        Assert.Equal(2, fastest["mode"]!["nx"]!.GetValue<int>());
        Assert.Equal(2, fastest["mode"]!["ny"]!.GetValue<int>());
        double predicted = fastest["growth_rate"]!.GetValue<double>();
        string dir = Path.Combine(ScratchDirectory, "shipped");
        var r = await LocalRunner.RunAsync(s, new RunOptions(dir));
        Assert.Equal(RunStatus.Completed, r.Status);
        double Amplitude(int index)
        {
            var u = NpyReader.Read(Path.Combine(dir, "fields", $"u_{index:D4}.npy")).Data;
            double a = 0, norm = 0;
            for (int j = 0; j < 32; j++)
                for (int i = 0; i < 32; i++)
                {
                    double c = Math.Cos(2 * Math.PI * (i + 0.5) / 32) * Math.Cos(2 * Math.PI * (j + 0.5) / 32);
                    a += u[j * 32 + i] * c; norm += c * c;
                }
            return a / norm;
        }
        double measured = Math.Log(Amplitude(8) / Amplitude(2)) / 6;
        Assert.InRange(measured, 0.98 * predicted, 1.02 * predicted);
        Assert.True(r.FinalState["max_u"] > 1.1, "the pattern is visible by t = 8");
    }

    [Fact]
    public void Limit_coefficients_are_those_of_the_2D_velocity_set()
    {
        var s = ScenarioLoader.Parse(Json(2, "reflecting", "reflecting", 0.1), "k.json");
        var doc = new VirusKineticDefinition().Create(s).Analysis();
        // D = c²/(2 sigma) in 2D: 1/(2·50) and 1/(2·5)
        Assert.Equal(0.01, doc["diffusion_limit"]!["Du"]!.GetValue<double>(), 15);
        Assert.Equal(0.1, doc["diffusion_limit"]!["Dv"]!.GetValue<double>(), 15);
        Assert.Equal(4, doc["diffusion_limit"]!["directions"]!.GetValue<int>());
    }

    [Theory]
    [InlineData(7, "", "", "$.run.blocks", "slab of rows")]
    [InlineData(2, ", \"directions\": 6", "", null, null)]
    [InlineData(2, ", \"directions\": 5", "", "$.parameters.directions", "even number of directions")]
    public void Scenario_checks_are_clear(int blocks, string extra, string initialExtra, string? path, string? message)
    {
        string json = Json(blocks, "reflecting", "periodic", 0.1, extra, initialExtra);
        if (path is null)
        {
            Assert.IsType<VirusKinetic2DModel>(new VirusKineticDefinition().Create(ScenarioLoader.Parse(json, "k.json")));
            return;
        }
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(json, "k.json"));
        Assert.Contains(e.Errors, x => x.JsonPath == path && x.Message.Contains(message!));
    }

    [Fact]
    public void A_mode_along_y_is_refused_in_1D()
    {
        string json = Json(2, "reflecting", "periodic", 0.1).Replace("\"ny\": 12", "\"ny\": 1");
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(json, "k.json"));
        Assert.Contains(e.Errors, x => x.JsonPath == "$.initial.mode_y" && x.Message.Contains("must be 0 in 1D"));
    }
}
