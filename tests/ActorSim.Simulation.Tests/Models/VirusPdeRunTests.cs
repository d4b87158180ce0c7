using System.Text.Json.Nodes;
using ActorSim.Numerics.Grid;
using ActorSim.Numerics.Virus.Spatial;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Output;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Tests.Models;

public sealed class VirusPdeRunTests() : ModelRunTests("actorsim-virus-pde-")
{
    private static Scenario Scenario(int blocks, int ny, string boundary = "neumann", double chi = 0.3, double end = 0.3, string extraInitial = "")
    {
        string grid = ny == 1 ? "\"nx\": 32" : $"\"nx\": 16, \"ny\": {ny}, \"boundary_y\": \"{boundary}\"";
        return ScenarioLoader.Parse($$"""
            { "model": "virus-pde",
              "parameters": { "Du": 0.01, "Dv": 0.1, "Dw": 0.1, "chi": {{chi}}, "d1": 1, "d2": 1, "d3": 1, "beta": 1, "k": 1, "r": 4,
                              "r_amplitude": 0.2, "r_mode": 2, "r_period": 0.5, {{grid}}, "boundary_x": "{{boundary}}" },
              "initial": { "state": "endemic", "amplitude": 0.05, "mode_x": 2, "noise": 0.01 {{extraInitial}} },
              "time": { "end": {{end}}, "output_interval": 0.1 },
              "run": { "blocks": {{blocks}}, "seed": 11 } }
            """, "test.json");
    }

    private async Task<(RunResult Result, string Dir)> Run(Scenario s, string name)
    {
        string dir = Path.Combine(ScratchDirectory, name);
        var r = await LocalRunner.RunAsync(s, new RunOptions(dir));
        Assert.Equal(RunStatus.Completed, r.Status);
        return (r, dir);
    }

    /// <summary>The same scenario stepped by the Numerics layer's sequential driver (no actors).</summary>
    private static double[][] Sequential(Scenario s)
    {
        var model = (VirusPdeSubdomainModel)new VirusPdeDefinition().Create(s);
        var problem = model.Problem;
        var driver = new SequentialDriver(problem, model.Layout, model.Settings);
        driver.Initialise(model.InitialState);
        foreach (double t in s.Time.OutputTimes().Skip(1)) driver.AdvanceTo(t);
        return [driver.Gather(Species.U), driver.Gather(Species.V), driver.Gather(Species.W)];
    }

    [Theory]
    [InlineData(1, "neumann")]
    [InlineData(1, "periodic")]
    [InlineData(4, "neumann")]
    [InlineData(4, "periodic")]
    public async Task Actor_run_reproduces_the_sequential_driver_bit_for_bit_for_any_block_count(int ny, string boundary)
    {
        string? sha = null;
        foreach (int blocks in new[] { 1, 2, 4 })
        {
            if (ny > 1 && blocks > 4) continue;
            var s = Scenario(blocks, ny == 1 ? 1 : 16, boundary);
            var (r, dir) = await Run(s, $"{ny}-{boundary}-{blocks}");
            var expected = Sequential(s);
            string[] names = ["u", "v", "w"];
            int last = s.Time.OutputTimes().Count - 1;
            for (int k = 0; k < 3; k++)
                Assert.Equal(expected[k], NpyReader.Read(Path.Combine(dir, "fields", $"{names[k]}_{last:D4}.npy")).Data);
            sha ??= r.ResultsSha256;
            Assert.Equal(sha, r.ResultsSha256);   // every output, integrals included, is independent of the block count
        }
    }

    [Fact]
    public async Task Run_record_carries_the_linear_stability_analysis()
    {
        var (_, dir) = await Run(Scenario(2, 1, chi: 0.3, end: 0.1), "analysis");
        var run = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "run.json")))!;
        var d = run["analysis"]!["linear_stability"]!["discrete"]!;
        Assert.Equal(0.3, (double)run["analysis"]!["linear_stability"]!["chi"]!);
        Assert.InRange((double)d["chi_c"]!, 0.1, 0.3);
        Assert.False((bool)d["stable_at_chi"]!);
        Assert.True((double)d["fastest_growing_mode"]!["growth_rate"]! > 0);
        Assert.Equal("fields/", (string)run["outputs"]!["fields"]!);
    }

    /// <summary>
    /// The shipped 1D scenarios: the amplitude max u − min u of the mode-3 perturbation decays (stable) or
    /// grows (unstable) at the rate the discrete dispersion relation predicts, measured over the linear
    /// phase. The tolerance (3%) covers the other modes the nonlinear terms excite and the time error.
    /// </summary>
    [Theory]
    [InlineData("virus-pde-1d-stable.json", 0.5, 3.0)]
    [InlineData("virus-pde-1d-unstable.json", 2.0, 6.0)]
    public async Task Shipped_1D_scenarios_change_at_the_predicted_rate(string file, double t1, double t2)
    {
        var s = ScenarioLoader.Load(Path.Combine(RepoRoot.Path, "scenarios", file));
        var (r, dir) = await Run(s, file);
        double predicted = (double)r.Analysis["linear_stability"]!["discrete"]!["fastest_growing_mode"]!["growth_rate"]!;
        if (file.Contains("stable.json")) predicted = MayNowakAnalysisRate(s, 3);
        var rows = File.ReadAllLines(Path.Combine(dir, "timeseries.csv")).Skip(1).Select(l => l.Split(',').Select(double.Parse).ToArray()).ToList();
        double Amp(double t) { var row = rows.First(x => Math.Abs(x[0] - t) < 1e-9); return row[7] - row[4]; }   // max_u − min_u
        double measured = Math.Log(Amp(t2) / Amp(t1)) / (t2 - t1);
        Assert.InRange(measured, predicted - 0.03 * Math.Abs(predicted), predicted + 0.03 * Math.Abs(predicted));
    }

    private static double MayNowakAnalysisRate(Scenario s, int mode)
    {
        var grid = VirusPdeDefinition.Grid(s);
        var d = new MayNowakDispersion(VirusPdeDefinition.PdeParameters(s));
        double k = Math.PI * mode / grid.Lx;
        return d.GrowthRate(LaplacianSymbol.Discrete(k, grid.Hx), s.P("chi"));
    }
}
