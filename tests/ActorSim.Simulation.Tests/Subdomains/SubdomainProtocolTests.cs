using ActorSim.Actors;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Subdomains;

namespace ActorSim.Simulation.Tests.Subdomains;

public sealed class SubdomainProtocolTests : TestKit
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorsim-subdomains-").FullName;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static Scenario ToyScenario(double end, double interval) => ScenarioLoader.Parse($$"""
        { "model": "may-nowak-ode", "parameters": { "d1": 1, "d2": 1, "d3": 1, "beta": 0, "k": 0, "r": 0 },
          "initial": { "u": 0, "v": 0, "w": 0 }, "time": { "end": {{end}}, "output_interval": {{interval}} } }
        """, "toy.json");

    private static double[] ReadNpy(string path) => ActorSim.Simulation.Output.NpyReader.Read(path).Data;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Blocks_reproduce_the_whole_grid_scheme_bit_for_bit_for_any_block_count(bool periodic)
    {
        const int cells = 48;
        var scenario = ToyScenario(0.05, 0.01);
        var reference = HeatModel.Reference(cells, periodic, scenario.Time.OutputTimes());
        string? sha = null;
        foreach (int blocks in new[] { 1, 2, 3, 4, 7 })
        {
            string outDir = Path.Combine(_dir, $"{periodic}-{blocks}");
            var r = await LocalRunner.RunModelAsync(scenario, new HeatModel(cells, blocks, periodic), new RunOptions(outDir));
            Assert.Equal(RunStatus.Completed, r.Status);
            Assert.Equal(6, r.Rows);
            Assert.Equal(0.05, r.FinalTime);
            var final = ReadNpy(Path.Combine(outDir, "fields", "u_0005.npy"));
            Assert.Equal(reference, final);   // exact equality of doubles
            sha ??= r.ResultsSha256;
            Assert.Equal(sha, r.ResultsSha256);
        }
    }

    [Fact]
    public async Task Repeated_runs_are_bit_identical()
    {
        var scenario = ToyScenario(0.02, 0.01);
        var a = await LocalRunner.RunModelAsync(scenario, new HeatModel(40, 4, true), new RunOptions(Path.Combine(_dir, "a")));
        var b = await LocalRunner.RunModelAsync(scenario, new HeatModel(40, 4, true), new RunOptions(Path.Combine(_dir, "b")));
        Assert.Equal(a.ResultsSha256, b.ResultsSha256);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "a", "timeseries.csv")), File.ReadAllBytes(Path.Combine(_dir, "b", "timeseries.csv")));
    }

    /// <summary>
    /// One block driven by hand with probes as its neighbours and coordinator: halos of a later exchange
    /// that arrive before those of the current one, and halos in reversed port order, give the same bits
    /// as in-order delivery.
    /// </summary>
    [Fact]
    public async Task A_block_s_result_does_not_depend_on_halo_arrival_order()
    {
        double[] inOrder = await DriveMiddleBlock(reverse: false);
        double[] shuffled = await DriveMiddleBlock(reverse: true);
        Assert.Equal(inOrder, shuffled);
    }

    private Task<double[]> DriveMiddleBlock(bool reverse)
    {
        var model = new HeatModel(12, 3, periodic: false);
        var coordinator = CreateTestProbe();
        var left = CreateTestProbe();
        var right = CreateTestProbe();
        var block = Sys.ActorOf(ActorFactory.Props(() => new SubdomainActor(() => model.CreateKernel(1))), "block-1-" + (reverse ? "r" : "f"));
        coordinator.Send(block, new ConnectBlock(new Dictionary<int, IActorRef> { [0] = left.Ref, [2] = right.Ref }));

        // Halo values the neighbours would send: deterministic numbers per (step, exchange, port).
        Halo H(long step, int exchange, int port) => new(step, exchange, port, [0.3 + 0.01 * step + 0.1 * exchange + 0.05 * port]);
        void Deliver(params Halo[] halos)
        {
            foreach (var h in reverse ? halos.Reverse() : halos) left.Send(block, h);
        }

        if (reverse) Deliver(H(0, 0, 0), H(0, 0, 1), H(0, 2, 0), H(0, 2, 1), H(1, 0, 0), H(1, 0, 1));   // everything early
        coordinator.Send(block, new ReportBounds(0));
        if (!reverse) Deliver(H(0, 0, 0), H(0, 0, 1));
        var bounds = coordinator.ExpectMsg<BlockBounds>();
        Assert.Equal(0, bounds.Step);
        coordinator.Send(block, new RunStep(new StepOrder(0, 0, 1e-4, 1e-4, 2)));
        if (!reverse) Deliver(H(0, 2, 0), H(0, 2, 1), H(1, 0, 0), H(1, 0, 1));
        var next = coordinator.ExpectMsg<BlockBounds>();
        Assert.Equal(1, next.Step);
        coordinator.Send(block, new RequestSnapshot(1));
        var snapshot = coordinator.ExpectMsg<BlockSnapshot>();
        // The block sent its own halos to both neighbours at each of the three exchanges.
        left.ReceiveN(3);
        right.ReceiveN(3);
        left.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        right.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        return Task.FromResult(snapshot.Data);
    }

    [Fact]
    public async Task A_failing_block_ends_the_run_with_an_error_naming_the_block()
    {
        var scenario = ToyScenario(0.05, 0.01);
        var ex = await Assert.ThrowsAsync<RunFailedException>(() =>
            LocalRunner.RunModelAsync(scenario, new FailingHeatModel(), new RunOptions(Path.Combine(_dir, "fail"))));
        Assert.Contains("/user/coordinator/block-1", ex.Message);
        Assert.Contains("RunStep", ex.Message);
        Assert.Contains("block 1 blew up", ex.Message);
    }

    private sealed class FailingHeatModel() : ISubdomainModel
    {
        private readonly HeatModel _inner = new(12, 2, periodic: true);
        public int BlockCount => 2;
        public IReadOnlyList<string> Columns => _inner.Columns;
        public System.Text.Json.Nodes.JsonObject Analysis() => new();
        public IReadOnlyList<HaloLink> Links(int block) => _inner.Links(block);
        public ISubdomainKernel CreateKernel(int block) => block == 1 ? new Failing(_inner.CreateKernel(1)) : _inner.CreateKernel(block);
        public double[] ReduceBounds(IReadOnlyList<double[]> bounds) => _inner.ReduceBounds(bounds);
        public StepOrder Plan(long step, double t, double tEnd, double[] global) => _inner.Plan(step, t, tEnd, global);
        public IReadOnlyList<FieldSnapshot> Assemble(double t, IReadOnlyList<double[]> snapshots, Span<double> row) => _inner.Assemble(t, snapshots, row);

        private sealed class Failing(ISubdomainKernel k) : ISubdomainKernel
        {
            public int Block => k.Block;
            public IReadOnlyList<HaloLink> Links => k.Links;
            public int HaloLength(int port) => k.HaloLength(port);
            public void ExtractHalo(int port, Span<double> buffer) => k.ExtractHalo(port, buffer);
            public void ApplyHalo(int port, ReadOnlySpan<double> buffer) => k.ApplyHalo(port, buffer);
            public void ApplyBoundary(int port) => k.ApplyBoundary(port);
            public double[] ComputeBounds() => k.ComputeBounds();
            public void BeginStep(StepOrder order) { if (order.Step == 3) throw new InvalidOperationException("block 1 blew up"); k.BeginStep(order); }
            public void Stage(int s) => k.Stage(s);
            public int SnapshotLength => k.SnapshotLength;
            public void CopySnapshot(Span<double> destination) => k.CopySnapshot(destination);
        }
    }
}
