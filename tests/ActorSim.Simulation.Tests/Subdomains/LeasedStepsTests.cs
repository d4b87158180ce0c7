using System.Text.Json.Nodes;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Subdomains;

namespace ActorSim.Simulation.Tests.Subdomains;

/// <summary>
/// Leased steps (the blocks plan steps themselves from every block's bounds) on a second model: the heat toy, whose
/// reduction and plan are pure, run with and without leases gives the same bits, with outputs every ~160 steps (each
/// ends a lease) and a run long enough for the lease to be extended many times. The toy's step is diffusion-limited,
/// so this checks the protocol (barriers, extensions, 1 to 8 blocks); that the blocks reduce every block's bounds is
/// checked with virus-pde, whose step follows them (VirusPdeRunTests, ClusterRunTests: a block planning from its own
/// bounds alone stalls or changes those runs).
/// </summary>
public sealed class LeasedStepsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorsim-leases-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Scenario Toy(double end, double interval) => ScenarioLoader.Parse($$"""
        { "model": "may-nowak-ode", "parameters": { "d1": 1, "d2": 1, "d3": 1, "beta": 0, "k": 0, "r": 0 },
          "initial": { "u": 0, "v": 0, "w": 0 }, "time": { "end": {{end}}, "output_interval": {{interval}} } }
        """, "toy.json");

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    public async Task Leased_and_ordered_steps_give_the_same_bits(int blocks)
    {
        var scenario = Toy(0.2, 0.05); // about 640 steps of dt = 3.1e-4 (48 cells), 4 outputs
        var ordered = await LocalRunner.RunModelAsync(scenario, new HeatModel(48, blocks, periodic: true), new RunOptions(Path.Combine(_dir, $"o{blocks}")));
        var leased = await LocalRunner.RunModelAsync(scenario, new Pure(new HeatModel(48, blocks, periodic: true)), new RunOptions(Path.Combine(_dir, $"l{blocks}")));
        Assert.Equal(RunStatus.Completed, leased.Status);
        Assert.True(leased.Counters.Accepted > 10 * SubdomainCoordinatorActor.LeaseSteps, "the lease must have been extended many times");
        Assert.Equal(ordered.Counters.Accepted, leased.Counters.Accepted);
        Assert.Equal(ordered.ResultsSha256, leased.ResultsSha256);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, $"o{blocks}", "timeseries.csv")), File.ReadAllBytes(Path.Combine(_dir, $"l{blocks}", "timeseries.csv")));
    }

    /// <summary>The heat toy declaring its plan pure: its blocks plan leased steps.</summary>
    private sealed class Pure(HeatModel inner) : ISubdomainModel
    {
        public bool PlansArePure => true;
        public int BlockCount => inner.BlockCount;
        public IReadOnlyList<string> Columns => inner.Columns;
        public JsonObject Analysis() => inner.Analysis();
        public ISubdomainKernel CreateKernel(int block) => inner.CreateKernel(block);
        public IReadOnlyList<HaloLink> Links(int block) => inner.Links(block);
        public double[] ReduceBounds(IReadOnlyList<double[]> bounds) => inner.ReduceBounds(bounds);
        public StepOrder Plan(long step, double t, double tEnd, double[] globalBounds) => inner.Plan(step, t, tEnd, globalBounds);
        public IReadOnlyList<FieldSnapshot> Assemble(double t, IReadOnlyList<double[]> snapshots, Span<double> row) => inner.Assemble(t, snapshots, row);
    }
}
