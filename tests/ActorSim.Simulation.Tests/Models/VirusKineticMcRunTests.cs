using ActorSim.Numerics.Virus.Kinetic.MonteCarlo;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Output;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Tests.Models;

/// <summary>The <c>virus-kinetic-mc</c> model: particles on subdomain actors, migrating through halo messages.</summary>
public sealed class VirusKineticMcRunTests() : ModelRunTests("actorsim-virus-kinetic-mc-")
{
    private static Scenario Scenario(int blocks, string boundary, ulong seed = 5, int particles = 3000) => ScenarioLoader.Parse($$"""
        { "model": "virus-kinetic-mc",
          "parameters": { "eps": 0.3, "c_u": 1, "sigma_u": 4, "c_v": 0.8, "sigma_v": 4, "c_w": 1.2, "sigma_w": 4, "chi": 0.3,
                          "d1": 1, "d2": 1, "d3": 1, "beta": 1, "k": 1, "r": 4, "nx": 24, "Lx": 1.5,
                          "boundary_x": "{{boundary}}", "particles": {{particles}} },
          "initial": { "state": "endemic", "amplitude": 0.3, "mode_x": 1, "noise": 0.1 },
          "time": { "end": 0.3, "output_interval": 0.1 },
          "run": { "blocks": {{blocks}}, "seed": {{seed}} } }
        """, "mc.json");

    [Theory]
    [InlineData("reflecting")]
    [InlineData("periodic")]
    public async Task Actor_run_equals_the_sequential_particle_driver_bit_for_bit_for_a_fixed_block_count(string boundary)
    {
        foreach (int blocks in new[] { 1, 2, 3 })
        {
            var s = Scenario(blocks, boundary);
            string dir = Path.Combine(ScratchDirectory, $"{boundary}-{blocks}");
            var r = await LocalRunner.RunAsync(s, new RunOptions(dir));
            Assert.Equal(RunStatus.Completed, r.Status);

            var model = (VirusKineticMcModel)new VirusKineticMcDefinition().Create(s);
            var mc = new VirusParticleMonteCarlo1D(model.Grid, model.Parameters, model.Epsilon, model.NominalWeights.ToArray(), blocks, model.Seed);
            for (int sp = 0; sp < 3; sp++) mc.SampleCells(sp, model.InitialDensity(sp));
            double t = 0;
            foreach (double target in s.Time.OutputTimes().Skip(1))
                while (t < target)
                {
                    var order = model.Plan(mc.StepCount, t, target, []);
                    Assert.Equal(2, order.Stages);
                    mc.Step(order.Dt);
                    t = order.TNext;
                }
            Assert.True(mc.StepCount >= 10, $"{mc.StepCount} steps");
            int last = s.Time.OutputTimes().Count - 1;
            string[] names = ["u", "v", "w"];
            for (int sp = 0; sp < 3; sp++)
            {
                Assert.Equal(mc.Density(sp), NpyReader.Read(Path.Combine(dir, "fields", $"{names[sp]}_{last:D4}.npy")).Data);
                Assert.Equal(mc.ParticleCount(sp), r.FinalState[$"n_{names[sp]}"]);
            }
            // particles did cross between blocks: the state is not the initial one
            Assert.NotEqual(model.InitialDensity(0), mc.Density(0));
        }
    }

    [Fact]
    public async Task Repeated_runs_are_identical_and_the_seed_matters()
    {
        var a = await LocalRunner.RunAsync(Scenario(3, "periodic", 11), new RunOptions(Path.Combine(ScratchDirectory, "a")));
        var b = await LocalRunner.RunAsync(Scenario(3, "periodic", 11), new RunOptions(Path.Combine(ScratchDirectory, "b")));
        var c = await LocalRunner.RunAsync(Scenario(3, "periodic", 12), new RunOptions(Path.Combine(ScratchDirectory, "c")));
        Assert.Equal(a.ResultsSha256, b.ResultsSha256);
        Assert.NotEqual(a.ResultsSha256, c.ResultsSha256);
    }

    /// <summary>
    /// The shipped scenario's infection take-off, cut at t = 4 with 10000 particles per population: the
    /// particle integrals follow the deterministic AP solution of the same kinetic model (measured at t = 4:
    /// +1.2 % for u, −3.2 % for v, −3.0 % for w; early on up to 11 % for v, the sampling noise of the 167
    /// infected particles the run starts with).
    /// </summary>
    [Fact]
    public async Task Shipped_scenario_follows_the_deterministic_kinetic_solution()
    {
        string mcJson = File.ReadAllText(Path.Combine(RepoRoot.Path, "scenarios", "virus-kinetic-mc.json"))
            .Replace("\"end\": 15.0", "\"end\": 4.0").Replace("\"particles\": 50000", "\"particles\": 10000");
        string apJson = mcJson.Replace("\"virus-kinetic-mc\"", "\"virus-kinetic\"").Replace(", \"particles\": 10000", "");
        var mc = await LocalRunner.RunAsync(ScenarioLoader.Parse(mcJson, "mc.json"), new RunOptions(Path.Combine(ScratchDirectory, "mc")));
        var ap = await LocalRunner.RunAsync(ScenarioLoader.Parse(apJson, "ap.json"), new RunOptions(Path.Combine(ScratchDirectory, "ap")));
        Assert.Equal(RunStatus.Completed, mc.Status);
        Assert.True(ap.FinalState["int_v"] > 5 * 0.2, "the infection took off");
        foreach (var key in new[] { "int_u", "int_v", "int_w" })
            Assert.InRange(mc.FinalState[key] / ap.FinalState[key], 0.9, 1.1);
        Assert.True(mc.FinalState["n_v"] > 10 * 167, "the infected population is resolved by more particles as its mass grows");
    }

    [Fact]
    public void Scenario_checks_are_clear()
    {
        var e = Assert.Throws<ScenarioException>(() => Scenario(13, "periodic"));
        Assert.Contains(e.Errors, x => x.JsonPath == "$.run.blocks" && x.Message.Contains("at least 2 cells"));
        var doc = new VirusKineticMcDefinition().Create(Scenario(2, "reflecting")).Analysis();
        Assert.NotNull(doc["monte_carlo"]!["nominal_weights"]);
    }
}
