using ActorSim.Numerics.Virus.Kinetic;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Output;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Tests.Models;

public sealed class VirusKineticRunTests() : ModelRunTests("actorsim-virus-kinetic-")
{
    private static Scenario Scenario(int blocks, string boundary, double eps) => ScenarioLoader.Parse($$"""
        { "model": "virus-kinetic",
          "parameters": { "eps": {{eps}}, "c_u": 1, "sigma_u": 100, "c_v": 1, "sigma_v": 10, "c_w": 1, "sigma_w": 10, "chi": 0.2,
                          "d1": 1, "d2": 1, "d3": 1, "beta": 1, "k": 1, "r": 4, "nx": 24, "boundary_x": "{{boundary}}" },
          "initial": { "state": "endemic", "amplitude": 0.1, "mode_x": 2, "noise": 0.02 },
          "time": { "end": 0.2, "output_interval": 0.05 },
          "run": { "blocks": {{blocks}}, "seed": 5 } }
        """, "kinetic.json");

    [Theory]
    [InlineData("reflecting", 0.3)]
    [InlineData("periodic", 0.01)]
    public async Task Actor_run_reproduces_the_sequential_solver_bit_for_bit_for_any_block_count(string boundary, double eps)
    {
        string? sha = null;
        foreach (int blocks in new[] { 1, 2, 4 })
        {
            var s = Scenario(blocks, boundary, eps);
            string dir = Path.Combine(ScratchDirectory, $"{boundary}-{blocks}");
            var r = await LocalRunner.RunAsync(s, new RunOptions(dir));
            Assert.Equal(RunStatus.Completed, r.Status);

            var model = (VirusKineticModel)new VirusKineticDefinition().Create(s);
            var solver = new MicroMacroSolver1D(model.Grid, model.Parameters, model.Epsilon, blocks);
            for (int sp = 0; sp < 3; sp++) solver.SetInitialDensity(sp, model.InitialDensity(sp));
            double t = 0;
            foreach (double target in s.Time.OutputTimes().Skip(1))
                while (t < target)
                {
                    var order = model.Plan(0, t, target, []);
                    solver.Step(order.Dt);
                    t = order.TNext;
                }
            int last = s.Time.OutputTimes().Count - 1;
            string[] names = ["u", "v", "w"];
            for (int sp = 0; sp < 3; sp++)
                Assert.Equal(solver.Density(sp), NpyReader.Read(Path.Combine(dir, "fields", $"{names[sp]}_{last:D4}.npy")).Data);
            sha ??= r.ResultsSha256;
            Assert.Equal(sha, r.ResultsSha256);
        }
    }

    /// <summary>
    /// The shipped small-eps scenario follows its diffusion limit, the 1D unstable virus-pde scenario, and
    /// the gap closes as eps and the grid are refined. Measured gaps of max u at t = 10 (pattern height
    /// 0.424): nx = 64: 9.9e-3 (eps 0.01), 2.3e-3 (eps 0.001); nx = 128: 4.8e-3, 7.2e-4; nx = 256: 2.6e-3,
    /// 3.0e-4 — an eps-dependent part that shrinks with the grid (the AP scheme's O(eps) coupling to the
    /// first-order upwind transport) plus the two schemes' discretisation difference (upwind in the
    /// kinetic scheme, MUSCL in the PDE). The bounds sit above those numbers and assert the convergence.
    /// </summary>
    [Fact]
    public async Task Small_eps_scenario_follows_the_diffusion_limit_and_converges_to_it()
    {
        async Task<(double Gap, double Height)> Gap(int nx, double eps)
        {
            string k = File.ReadAllText(Path.Combine(RepoRoot.Path, "scenarios", "virus-kinetic-small-eps.json"))
                .Replace("\"end\": 30.0", "\"end\": 10.0").Replace("\"eps\": 0.01", $"\"eps\": {eps}").Replace("\"nx\": 64", $"\"nx\": {nx}");
            string p = File.ReadAllText(Path.Combine(RepoRoot.Path, "scenarios", "virus-pde-1d-unstable.json"))
                .Replace("\"end\": 40.0", "\"end\": 10.0").Replace("\"nx\": 64", $"\"nx\": {nx}");
            var kinetic = await LocalRunner.RunAsync(ScenarioLoader.Parse(k, "k.json"), new RunOptions(Path.Combine(ScratchDirectory, $"k{nx}-{eps}")));
            var pde = await LocalRunner.RunAsync(ScenarioLoader.Parse(p, "p.json"), new RunOptions(Path.Combine(ScratchDirectory, $"p{nx}-{eps}")));
            Assert.Equal(10.0, kinetic.FinalTime);
            Assert.Equal(pde.FinalState["int_u"], kinetic.FinalState["int_u"], 2);
            return (Math.Abs(kinetic.FinalState["max_u"] - pde.FinalState["max_u"]), pde.FinalState["max_u"] - pde.FinalState["min_u"]);
        }
        var (shipped, height) = await Gap(64, 0.01);
        var (refined, _) = await Gap(128, 0.001);
        Assert.True(height > 0.2, $"the instability should have grown by t = 10 (height {height})");
        Assert.True(shipped < 0.03 * height, $"gap {shipped} at nx = 64, eps = 0.01");
        Assert.True(refined < 0.2 * shipped, $"gap {refined} at nx = 128, eps = 0.001 did not shrink from {shipped}");
    }
}
