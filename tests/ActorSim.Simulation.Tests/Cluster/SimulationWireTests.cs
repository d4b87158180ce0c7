using Akka.Actor;
using ActorSim.Actors;
using ActorSim.Actors.Remote;
using ActorSim.Actors.Remote.Wire;
using ActorSim.Actors.Trees;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Particles;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Runtime.Cluster;
using ActorSim.Simulation.Subdomains;

namespace ActorSim.Simulation.Tests.Cluster;

/// <summary>Every message of the step protocol, the run and the cluster-run protocol round-trips through its wire contract, doubles bit for bit.</summary>
public sealed class SimulationWireTests
{
    private sealed class FakeRef(string node, string path) : MinimalActorRef
    {
        public string Node { get; } = node;
        public string LocalPath { get; } = path;
        public override ActorPath Path { get; } = new RootActorPath(new Address("actorsim", node)) / path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        public override IActorRefProvider Provider => throw new NotSupportedException();
        public override bool Equals(object? obj) => obj is FakeRef f && f.Node == Node && f.LocalPath == LocalPath;
        public override int GetHashCode() => HashCode.Combine(Node, LocalPath);
    }

    private sealed class FakeRefs : IWireRefContext
    {
        public RemoteAddress Export(IActorRef actor) => new(((FakeRef)actor).Node, ((FakeRef)actor).LocalPath);
        public IActorRef Resolve(RemoteAddress address) => new FakeRef(address.NodeId, address.Path);
    }

    private static readonly WireRegistry Registry = SimulationWire.CreateRegistry();

    private static T RoundTrip<T>(T message) where T : notnull
    {
        var refs = new FakeRefs();
        using var writer = new WireWriter(256, refs);
        var contract = Registry.Encode(message, writer);
        Assert.InRange(contract.Id, 100, 9999);
        return (T)Registry.Decode(contract.Id, contract.Version, writer.WrittenSpan, refs);
    }

    // Doubles that a text or lossy encoding would change: negative zero, subnormal, NaN payload, extremes.
    private static readonly double[] Awkward = [-0.0, double.Epsilon, BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_1234), double.MaxValue, 1.0 / 3, -1e-310];

    private static void SameBits(double[] expected, double[] actual) =>
        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), actual.Select(BitConverter.DoubleToInt64Bits));

    [Fact]
    public void Step_protocol_messages_round_trip()
    {
        var a = new FakeRef("node-a", "/user/actorsim/run-x/block-0");
        var b = new FakeRef("node-b", "/user/actorsim/run-x/block-2");
        var connect = RoundTrip(new ConnectBlock(new Dictionary<int, IActorRef> { [2] = b, [0] = a }));
        Assert.Equal(2, connect.Neighbours.Count);
        Assert.Equal(a, connect.Neighbours[0]);
        Assert.Equal(b, connect.Neighbours[2]);
        Assert.Null(connect.Peers);
        var leased = RoundTrip(new ConnectBlock(new Dictionary<int, IActorRef> { [1] = b }) { Peers = [a, b, a] });
        Assert.Equal([a, b, a], leased.Peers!);
        Assert.Equal(b, leased.Neighbours[1]);

        Assert.Equal(new ReportBounds(long.MaxValue), RoundTrip(new ReportBounds(long.MaxValue)));
        var halo = RoundTrip(new Halo(12, 3, 1, Awkward));
        Assert.Equal((12L, 3, 1), (halo.Step, halo.Exchange, halo.Port));
        SameBits(Awkward, halo.Data);
        var bounds = RoundTrip(new BlockBounds(7, 5, Awkward));
        Assert.Equal((7L, 5), (bounds.Step, bounds.Block));
        SameBits(Awkward, bounds.Bounds);

        var order = RoundTrip(new RunStep(new StepOrder(9, 0.1, 1.0 / 3, 0.1 + 1.0 / 3, 5, [3, 2]))).Order;
        Assert.Equal((9L, 0.1, 1.0 / 3, 0.1 + 1.0 / 3, 5), (order.Step, order.T, order.Dt, order.TNext, order.Stages));
        Assert.Equal([3, 2], order.Detail!);
        Assert.Null(RoundTrip(new RunStep(new StepOrder(1, 0, 1, 1, 2))).Order.Detail);
        Assert.Equal([], RoundTrip(new RunStep(new StepOrder(1, 0, 1, 1, 2, []))).Order.Detail!);

        var lease = RoundTrip(new RunStep(new StepOrder(9, 0.1, 0.2, 0.3, 2)) { LeaseUntil = 25, LeaseTEnd = 1.0 / 3 });
        Assert.Equal((25L, 1.0 / 3), (lease.LeaseUntil, lease.LeaseTEnd));
        Assert.Equal(0L, RoundTrip(new RunStep(new StepOrder(1, 0, 1, 1, 2))).LeaseUntil);
        var peer = RoundTrip(new PeerBounds(long.MaxValue, 6, Awkward));
        Assert.Equal((long.MaxValue, 6), (peer.Step, peer.Block));
        SameBits(Awkward, peer.Bounds);
        Assert.Equal(new ExtendLease(1234567890123), RoundTrip(new ExtendLease(1234567890123)));

        Assert.Equal(new StepDone(4, 2), RoundTrip(new StepDone(4, 2)));
        Assert.Equal(new RequestSnapshot(17), RoundTrip(new RequestSnapshot(17)));
        var snapshot = RoundTrip(new BlockSnapshot(3, 1, Awkward));
        Assert.Equal((3, 1), (snapshot.Index, snapshot.Block));
        SameBits(Awkward, snapshot.Data);
    }

    [Fact]
    public void Checkpoint_messages_round_trip()
    {
        var file = new CheckpointBlockFile(3, "block-0003.bin", 1L << 40, "ab12cd34");
        Assert.Equal(new SaveBlockState(long.MaxValue, "/shared/ckpt/ckpt-000000000042"), RoundTrip(new SaveBlockState(long.MaxValue, "/shared/ckpt/ckpt-000000000042")));
        Assert.Equal(new BlockStateSaved(42, 3, file), RoundTrip(new BlockStateSaved(42, 3, file)));
        Assert.Equal(new RestoreBlock("/shared/ckpt/ckpt-µ", file), RoundTrip(new RestoreBlock("/shared/ckpt/ckpt-µ", file)));
        Assert.IsType<FlushOutput>(RoundTrip(new FlushOutput()));
        Assert.Equal(new OutputFlushed(81), RoundTrip(new OutputFlushed(81)));
        var ids = new[] { CheckpointWire.Ids.SaveBlockState, CheckpointWire.Ids.BlockStateSaved, CheckpointWire.Ids.RestoreBlock, CheckpointWire.Ids.FlushOutput, CheckpointWire.Ids.OutputFlushed };
        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    [Fact]
    public void Buddy_checkpoint_messages_round_trip()
    {
        var file = new CheckpointBlockFile(3, "block-0003.bin", Awkward.Length * 8L, "ab12cd34");
        var coordinator = new FakeRef("node-1", "/user/actorsim/coord-r1/coordinator");
        var block = new FakeRef("node-2", "/user/actorsim/run-r1-e1/block-3");
        var copy = RoundTrip(new BuddyCopy("r1", "r1", 40, file, Awkward, coordinator));
        Assert.Equal(("r1", "r1", 40L, file, coordinator), (copy.RunId, copy.Directory, copy.Step, copy.File, (FakeRef)copy.Coordinator));
        SameBits(Awkward, copy.State);
        Assert.Equal(new CheckpointCommitted("r1", "/abs/ckpt", 40, "{ \"manifest\": {} }"), RoundTrip(new CheckpointCommitted("r1", "/abs/ckpt", 40, "{ \"manifest\": {} }")));
        Assert.Equal(new CheckpointInventoryRequest("r1", "r1"), RoundTrip(new CheckpointInventoryRequest("r1", "r1")));
        var inventory = RoundTrip(new CheckpointInventory("node-3", ["m20", "m40"], [new HeldBlock(40, 3, 48, true), new HeldBlock(20, 0, 1L << 33, false)]));
        Assert.Equal("node-3", inventory.NodeId);
        Assert.Equal(["m20", "m40"], inventory.Manifests);
        Assert.Equal([new HeldBlock(40, 3, 48, true), new HeldBlock(20, 0, 1L << 33, false)], inventory.Blocks);
        var send = RoundTrip(new SendBlockState("r1", "r1", 40, file, block, coordinator));
        Assert.Equal(("r1", 40L, file, block, coordinator), (send.RunId, send.Step, send.File, (FakeRef)send.Target, (FakeRef)send.ReplyTo));
        var restore = RoundTrip(new RestoreBlockState(40, file, Awkward, coordinator));
        Assert.Equal((40L, file, coordinator), (restore.Step, restore.File, (FakeRef)restore.ReplyTo));
        SameBits(Awkward, restore.State);
        Assert.Equal(new BlockRestored(3, 40), RoundTrip(new BlockRestored(3, 40)));
        Assert.Equal(new BlockRestored(3, 40, "checksum mismatch"), RoundTrip(new BlockRestored(3, 40, "checksum mismatch")));

        // The node-local fields of the cluster-run messages.
        Assert.True(RoundTrip(new SubmitRun("r1", "s.json", "{}", "submit-1", 1, 0) { NodeLocalCheckpoints = true }).NodeLocalCheckpoints);
        var create = RoundTrip(new CreateBlocks("r1", "s.json", "{}", [0], coordinator, "node-1") { NodeLocalDirectory = "r1", BuddyNode = "node-3" });
        Assert.Equal(("r1", "node-3"), (create.NodeLocalDirectory, create.BuddyNode));
        Assert.False(create.ForRestore);
        Assert.True(RoundTrip(new CreateBlocks("r1", "s.json", "{}", [0], coordinator, "node-1") { Epoch = 1, ForRestore = true }).ForRestore);
        Assert.True(RoundTrip(new ReleaseRun("r1", "completed") { Final = true }).Final);
        // Live block moves (ClusterRunActor.LiveMove.cs).
        Assert.True(RoundTrip(new CreateBlocks("r1", "s.json", "{}", [2], coordinator, "node-1") { ForRestore = true, Adding = true }).Adding);
        Assert.False(create.Adding);
        Assert.Equal(1L << 34, RoundTrip(new BlockRestored(3, 40) { Bytes = 1L << 34 }).Bytes);
        var move = RoundTrip(new MoveBlocks("r1", ["node-1", "node-3", "node-1"], "worker 'node-3' joined"));
        Assert.Equal(("r1", "worker 'node-3' joined"), (move.RunId, move.Reason));
        Assert.Equal(["node-1", "node-3", "node-1"], move.Placement);
        var moved = RoundTrip(new BlocksMoved("r1", ["node-1", "node-3"], ["node-1", "node-2", "node-3"], [1], [16_000_000], 151, 0.1 + 0.2, 0.45, 0.0225));
        Assert.Equal(("r1", 151L, 0.1 + 0.2, 0.45, 0.0225), (moved.RunId, moved.Step, moved.T, moved.BarrierS, moved.TransferS));
        Assert.Equal(["node-1", "node-3"], moved.Placement);
        Assert.Equal(["node-1", "node-2", "node-3"], moved.Workers);
        Assert.Equal([1], moved.Blocks);
        Assert.Equal([16_000_000L], moved.Bytes);
        Assert.Equal(new MoveDeclined("r1", "a subdomain model"), RoundTrip(new MoveDeclined("r1", "a subdomain model")));
        var handOver = RoundTrip(new HandBlockOver("r1", 2, 151, block, coordinator));
        Assert.Equal(("r1", 2, 151L, block, coordinator), (handOver.RunId, handOver.Block, handOver.Step, (FakeRef)handOver.Target, (FakeRef)handOver.ReplyTo));
        var liveState = RoundTrip(new RestoreBlockState(151, new CheckpointBlockFile(2, BlockCheckpoints.LiveMoveEntry, 16, BlockCheckpoints.LiveMoveEntry), [1.0, 2.0], coordinator));
        Assert.Equal(16L, liveState.File.Length);
        Assert.Equal(["node-3 memory", "node-1 file"],
            RoundTrip(new RunAccepted("r1", coordinator, "node-1", [], [], [], "{}") { RestoredFrom = ["node-3 memory", "node-1 file"] }).RestoredFrom);
        Assert.Equal(1234, RoundTrip(new RunAccepted("r1", coordinator, "node-1", [], [], [], "{}") { RestoreMilliseconds = 1234 }).RestoreMilliseconds);
    }

    [Fact]
    public void A_checkpoint_message_without_its_file_is_rejected()
    {
        using var writer = new WireWriter(64);
        writer.WriteInt64(1, 5);
        writer.WriteInt32(2, 1);
        Assert.Throws<WireFormatException>(() => Registry.Decode(CheckpointWire.Ids.BlockStateSaved, 1, writer.WrittenSpan, null));
    }

    [Fact]
    public void Run_messages_round_trip()
    {
        Assert.IsType<StartRun>(RoundTrip(new StartRun()));
        Assert.Equal(new StopRun("Ctrl-C"), RoundTrip(new StopRun("Ctrl-C")));
        var row = RoundTrip(new OutputRow(0.5, Awkward));
        Assert.Equal(0.5, row.T);
        SameBits(Awkward, row.Values);
        var field = RoundTrip(new WriteField(4, new FieldSnapshot("u", Awkward, [2, 3])));
        Assert.Equal((4, "u"), (field.Index, field.Field.Name));
        Assert.Equal([2, 3], field.Field.Shape);
        SameBits(Awkward, field.Field.Values);
        Assert.IsType<CloseOutput>(RoundTrip(new CloseOutput()));
        Assert.Equal(new OutputClosed(81, "ab12"), RoundTrip(new OutputClosed(81, "ab12")));
        Assert.Equal(new RunProgress(1.5, 40, 300), RoundTrip(new RunProgress(1.5, 40, 300)));

        var done = RoundTrip(new RunCompleted(RunStatus.Cancelled, "stopped", 2.5, Awkward, new StepCounters(10, 2, 77), 6, "deadbeef"));
        Assert.Equal((RunStatus.Cancelled, "stopped", 2.5, 6L, "deadbeef"), (done.Status, done.Reason, done.T, done.Rows, done.ResultsSha256));
        Assert.Equal(new StepCounters(10, 2, 77), done.Counters);
        SameBits(Awkward, done.FinalState);
        Assert.Null(RoundTrip(new RunCompleted(RunStatus.Completed, null, 1, [], new StepCounters(0, 0, 0), 1, "x")).Reason);
        Assert.Null(done.AnalysisJson);
        Assert.Equal("{\"R0\":2.5}", RoundTrip(new RunCompleted(RunStatus.Completed, null, 1, [], new StepCounters(0, 0, 0), 1, "x") { AnalysisJson = "{\"R0\":2.5}" }).AnalysisJson);
    }

    [Fact]
    public void Cluster_run_messages_round_trip()
    {
        var run = new FakeRef("node-1", "/user/actorsim/coord-r1");
        var info = RoundTrip(new NodeInfo("node-2", ["coordinator", "worker"], 8, "1.2.3", "/ckpt"));
        Assert.Equal(("node-2", 8, "1.2.3", "/ckpt"), (info.NodeId, info.Processors, info.Version, info.CheckpointDirectory));
        Assert.Equal(["coordinator", "worker"], info.Roles);
        Assert.IsType<NodeInfoRequest>(RoundTrip(new NodeInfoRequest()));
        var submit = RoundTrip(new SubmitRun("r1", "s.json", "{ \"model\": \"µ\" }", "submit-1", 3, 30_000) { Epoch = 2, CheckpointDirectory = "/ckpt/r1", Exclude = ["node-3", "node-4"] });
        Assert.Equal(("r1", "s.json", "{ \"model\": \"µ\" }", "submit-1", 3, 30_000L), (submit.RunId, submit.ScenarioFile, submit.ScenarioText, submit.SubmitterNode, submit.MinWorkers, submit.WaitMilliseconds));
        Assert.Equal((2, "/ckpt/r1"), (submit.Epoch, submit.CheckpointDirectory));
        Assert.Equal(["node-3", "node-4"], submit.Exclude);
        var first = RoundTrip(new SubmitRun("r1", "s.json", "{}", "submit-1", 1, 0));
        Assert.Equal((0, ""), (first.Epoch, first.CheckpointDirectory));
        Assert.Empty(first.Exclude);
        Assert.Equal("", first.EpochReason);
        // A planned move of the blocks (a node joined or is leaving).
        Assert.Equal("worker 'node-4' joined", RoundTrip(new SubmitRun("r1", "s.json", "{}", "submit-1", 1, 0) { Epoch = 1, EpochReason = "worker 'node-4' joined" }).EpochReason);
        Assert.Equal(new NodeLeaving("r1", "node-2"), RoundTrip(new NodeLeaving("r1", "node-2")));
        Assert.Equal(new HandOverDeclined("r1", "no checkpoints"), RoundTrip(new HandOverDeclined("r1", "no checkpoints")));
        Assert.Equal(new HandOverAccepted("r1"), RoundTrip(new HandOverAccepted("r1")));
        Assert.Equal(new DriveRun("s.json", "{\"model\":\"x\"}", "/runs/out", true, 3), RoundTrip(new DriveRun("s.json", "{\"model\":\"x\"}", "/runs/out", true, 3)));
        var placed = new DriveRun("s.json", "{}", "/runs/out", false, 1) { KeepPlacement = true, BalanceThreshold = 1.5 };
        Assert.Equal(placed, RoundTrip(placed));
        Assert.Null(RoundTrip(new DriveRun("s.json", "{}", "/runs/out", false, 1)).BalanceThreshold);
        Assert.Equal(new DriveQuery("r1", Stop: true), RoundTrip(new DriveQuery("r1", Stop: true)));
        var status = RoundTrip(new DrivenRunStatus("r1", "node-2", "/runs/out", "s.json", DrivenRunStatus.Completed)
        {
            T = 0.1 + 0.2, End = 20, Steps = 6600, Epoch = 2, CoordinatorNode = "node-3", Placement = ["node-1", "node-3"], Error = "e", RunJson = "{}", TakeOvers = 1,
        });
        Assert.Equal(("r1", "node-2", "/runs/out", "s.json", DrivenRunStatus.Completed), (status.RunId, status.DriverNode, status.OutputDirectory, status.ScenarioFile, status.State));
        Assert.Equal((0.1 + 0.2, 20.0, 6600L, 2, "node-3", "e", "{}", 1), (status.T, status.End, status.Steps, status.Epoch, status.CoordinatorNode, status.Error, status.RunJson, status.TakeOvers));
        Assert.Equal(["node-1", "node-3"], status.Placement);
        var chunk = RoundTrip(new OutputChunk("r1", "fields/u.npy", 1 << 20, 3 << 20, [1, 2, 255], ["run.json", "fields/u.npy"], ""));
        Assert.Equal(("r1", "fields/u.npy", 1L << 20, 3L << 20, ""), (chunk.RunId, chunk.Path, chunk.Offset, chunk.Length, chunk.Error));
        Assert.Equal(new byte[] { 1, 2, 255 }, chunk.Bytes);
        Assert.Equal(["run.json", "fields/u.npy"], chunk.Files);
        Assert.Equal(new FetchOutput("r1", "timeseries.csv", 7), RoundTrip(new FetchOutput("r1", "timeseries.csv", 7)));

        var resumed = RoundTrip(new RunAccepted("r1", run, "node-2", ["node-2"], ["node-2"], ["u"], "{}")
        {
            Epoch = 3, Resume = new ResumePoint("/ckpt/r1/ckpt-000000000040", 40, 0.1 + 0.2, 4, ["u", "v"]), Warnings = ["checkpoint x is not usable"],
        });
        Assert.Equal(3, resumed.Epoch);
        Assert.Empty(resumed.Resume!.BlockBytes);
        var sized = RoundTrip(new RunAccepted("r1", run, "node-2", ["node-2"], ["node-2"], ["u"], "{}")
        {
            Resume = new ResumePoint("/ckpt/r1/ckpt-000000000040", 40, 0.5, 4, []) { BlockBytes = [16_000_000, 8] },
        });
        Assert.Equal([16_000_000L, 8L], sized.Resume!.BlockBytes);
        Assert.Equal(("/ckpt/r1/ckpt-000000000040", 40L, 0.1 + 0.2, 4L), (resumed.Resume!.Folder, resumed.Resume.Step, resumed.Resume.T, resumed.Resume.Rows));
        Assert.Equal(["u", "v"], resumed.Resume.FieldNames);
        Assert.Equal(["checkpoint x is not usable"], resumed.Warnings);
        var failed = RoundTrip(new RunFailed("r1", "node 'b' crashed", true) { Node = "b", DetectionMilliseconds = 812 });
        Assert.Equal(("r1", "node 'b' crashed", true, "b", 812L), (failed.RunId, failed.Error, failed.Recoverable, failed.Node, failed.DetectionMilliseconds));
        Assert.Equal(4, RoundTrip(new ReleaseRun("r1", "done") { Epoch = 4 }).Epoch);

        var accepted = RoundTrip(new RunAccepted("r1", run, "node-1", ["node-2", "node-1"], ["node-1", "node-2"], ["u", "v"], "{\"R0\":4}"));
        Assert.Equal(("r1", "node-1", "{\"R0\":4}"), (accepted.RunId, accepted.CoordinatorNode, accepted.AnalysisJson));
        Assert.Equal(run, accepted.Run);
        Assert.Equal(["node-2", "node-1"], accepted.Placement);
        Assert.Equal(["node-1", "node-2"], accepted.Workers);
        Assert.Equal(["u", "v"], accepted.Columns);
        Assert.Equal("", accepted.SteppingNode); // not said: the coordinator node
        Assert.Equal("node-2", RoundTrip(accepted with { SteppingNode = "node-2" }).SteppingNode);

        var writer = new FakeRef("submit-1", "/user/output-writer");
        var listener = new FakeRef("submit-1", "/user/listener");
        var begin = RoundTrip(new BeginRun("r1", writer, listener));
        Assert.Equal((writer, listener), ((FakeRef)begin.Writer, (FakeRef)begin.Listener));
        var start = RoundTrip(new StartCoordinator("r1", writer, "/ckpt/r1", "/ckpt/r1/ckpt-000000000040") { Epoch = 2 });
        Assert.Equal(("r1", writer, "/ckpt/r1", "/ckpt/r1/ckpt-000000000040", 2), (start.RunId, (FakeRef)start.Writer, start.CheckpointDirectory, start.ResumeFolder, start.Epoch));

        var create = RoundTrip(new CreateBlocks("r1", "s.json", "{}", [0, 3], run, "node-1"));
        Assert.Equal(("r1", "s.json", "{}", "node-1"), (create.RunId, create.ScenarioFile, create.ScenarioText, create.CoordinatorNode));
        Assert.Equal([0, 3], create.Blocks);
        Assert.Equal(run, create.Run);

        var b0 = new FakeRef("node-2", "/user/actorsim/run-r1/block-0");
        var b3 = new FakeRef("node-2", "/user/actorsim/run-r1/block-3");
        var host = new FakeRef("node-2", "/user/actorsim/run-r1");
        var created = RoundTrip(new BlocksCreated("r1", "node-2", [0, 3], [b0, b3], host));
        Assert.Equal([0, 3], created.Blocks);
        Assert.Equal([b0, b3], created.Refs.Cast<FakeRef>());
        Assert.Equal(host, created.Host);

        var fanout = RoundTrip(new BlockFanout("r1", new RunStep(new StepOrder(3, 0.5, 0.25, 0.75, 2, [1, 1]))));
        Assert.Equal("r1", fanout.RunId);
        var step = Assert.IsType<RunStep>(fanout.Message).Order;
        Assert.Equal((3L, 0.75, 2), (step.Step, step.TNext, step.Stages));
        var round = Assert.IsType<BlockRound>(RoundTrip(new BlockFanout("r1", new BlockRound(9, new ParticleRound(2, Awkward, [Awkward])))).Message);
        SameBits(Awkward, round.Round.Bulk![0]);

        Assert.Equal(new ReleaseRun("r1", "done"), RoundTrip(new ReleaseRun("r1", "done")));
        Assert.Equal(new BlockFailed("r1", "node-2", "block 3 failed"), RoundTrip(new BlockFailed("r1", "node-2", "block 3 failed")));
        Assert.Equal(new RunFailed("r1", "lost"), RoundTrip(new RunFailed("r1", "lost")));
        Assert.Equal(new AbortRun("r1", "why"), RoundTrip(new AbortRun("r1", "why")));
    }

    [Fact]
    public void Particle_block_messages_round_trip()
    {
        var withBulk = RoundTrip(new BlockRound(42, new ParticleRound(3, Awkward, [Awkward, [], [2.5]])));
        Assert.Equal((42L, 3), (withBulk.Seq, withBulk.Round.Kind));
        SameBits(Awkward, withBulk.Round.Header);
        Assert.Equal(3, withBulk.Round.Bulk!.Length);
        SameBits(Awkward, withBulk.Round.Bulk[0]);
        Assert.Empty(withBulk.Round.Bulk[1]);
        Assert.Equal([2.5], withBulk.Round.Bulk[2]);
        Assert.Null(RoundTrip(new BlockRound(1, new ParticleRound(0, []))).Round.Bulk);
        Assert.Empty(RoundTrip(new BlockRound(1, new ParticleRound(0, [], []))).Round.Bulk!);

        var reply = RoundTrip(new BlockReply(42, 3, Awkward));
        Assert.Equal((42L, 3), (reply.Seq, reply.Block));
        SameBits(Awkward, reply.Data);
    }

    [Fact]
    public void Gather_tree_messages_round_trip_with_their_nested_messages_bit_for_bit()
    {
        // Down: a round with its bulk arrays, nested under BlockRound's own contract; a plain broadcast names its reply-to.
        var down = RoundTrip(new TreeBroadcast(17, new BlockRound(17, new ParticleRound(2, Awkward, [Awkward, []]))));
        Assert.Equal(17L, down.Round);
        Assert.Null(down.ReplyTo);
        var round = Assert.IsType<BlockRound>(down.Message);
        Assert.Equal((17L, 2), (round.Seq, round.Round.Kind));
        SameBits(Awkward, round.Round.Header);
        SameBits(Awkward, round.Round.Bulk![0]);
        Assert.Empty(round.Round.Bulk[1]);
        var coordinator = new FakeRef("node-1", "/user/actorsim/coord-r1/coordinator");
        var plain = RoundTrip(new TreeBroadcast(0, new StopRun("why"), coordinator));
        Assert.Equal(coordinator, plain.ReplyTo);
        Assert.Equal(new StopRun("why"), plain.Message);

        // Up: every part unchanged, in the tree's order (not block order), with the blocks' compute times.
        var gathered = RoundTrip(new Gathered(9, 1, [4, 2, 5], [
            new BlockReply(9, 4, Awkward) { ComputeSeconds = 0.25 }, new BlockReply(9, 2, []), new BlockReply(9, 5, [1.0 / 3]),
        ]));
        Assert.Equal((9L, 1), (gathered.Round, gathered.Node));
        Assert.Equal([4, 2, 5], gathered.Indices);
        var parts = gathered.Parts.Cast<BlockReply>().ToArray();
        Assert.Equal([4, 2, 5], parts.Select(p => p.Block));
        Assert.All(parts, p => Assert.Equal(9L, p.Seq));
        SameBits(Awkward, parts[0].Data);
        Assert.Equal(0.25, parts[0].ComputeSeconds);
        Assert.Empty(parts[1].Data);
        SameBits([1.0 / 3], parts[2].Data);
        var empty = RoundTrip(new Gathered(3, 2, [], []));
        Assert.Empty(empty.Parts);
        Assert.Throws<InvalidOperationException>(() => RoundTrip(new Gathered(3, 2, [1, 2], [new BlockReply(3, 1, [])])));

        var failed = RoundTrip(new GatherFailed(12, 2, "tree node 2, round 12: no reply from leaf 7"));
        Assert.Equal((12L, 2, "tree node 2, round 12: no reply from leaf 7"), (failed.Round, failed.Node, failed.Reason));
        Assert.Empty(failed.Silent);
        Assert.Equal([5, 6], RoundTrip(new GatherFailed(12, 2, "late") { Silent = [5, 6] }).Silent);

        // The tree's plan, on its own and inside CreateBlocks.
        var plan = NodeGatherTree.For(["node-2", "node-1", "node-3", "node-1", "node-2"], 8, TimeSpan.FromMinutes(10));
        Assert.Equal(["node-1", "node-2", "node-3"], plan.Nodes);
        Assert.Equal([2, 2, 1], plan.Leaves);
        var planBack = RoundTrip(plan);
        Assert.Equal(plan.Nodes, planBack.Nodes);
        Assert.Equal((8, 600_000L), (planBack.FanIn, planBack.TimeoutMilliseconds));
        Assert.Equal(plan.Leaves, planBack.Leaves);
        var run = new FakeRef("node-1", "/user/actorsim/coord-r1");
        var create = RoundTrip(new CreateBlocks("r1", "s.json", "{}", [1, 3], run, "node-1") { Tree = plan });
        Assert.Equal(plan.Nodes, create.Tree!.Nodes);
        Assert.Equal(plan.Leaves, create.Tree.Leaves);
        Assert.Null(RoundTrip(new CreateBlocks("r1", "s.json", "{}", [1], run, "node-1")).Tree);
        Assert.Equal("/user/actorsim/run-r1-e2/tree", NodeGatherTree.TreePath("r1", 2));

        // The leader's threshold travels with its description.
        var leader = RoundTrip(new NodeInfo("node-2", ["worker"], 2, "1", "/c") { GatherTreeBlocks = 64, GatherTreeTimeoutSeconds = 2.5 });
        Assert.Equal((64, 2.5), (leader.GatherTreeBlocks, leader.GatherTreeTimeoutSeconds));
        Assert.Equal((0, 600.0), (info2().GatherTreeBlocks, info2().GatherTreeTimeoutSeconds));
        static NodeInfo info2() => RoundTrip(new NodeInfo("node-2", ["worker"], 2, "1", "/c"));
    }

    [Fact]
    public void A_gather_tree_plan_that_does_not_add_up_is_refused_naming_the_field()
    {
        Assert.Contains("FanIn is 1", Assert.Throws<ArgumentOutOfRangeException>(() => NodeGatherTree.For(["a", "b"], 1, TimeSpan.FromSeconds(1))).Message);
        Assert.Contains("2 leaf counts for 3 nodes",
            Assert.Throws<ArgumentException>(() => new NodeGatherTree(["a", "b", "c"], 2, [1, 1], 1000).Validate()).Message);
        Assert.Contains("appears twice", Assert.Throws<ArgumentException>(() => new NodeGatherTree(["a", "a"], 2, [1, 1], 1000).Validate()).Message);
        Assert.Contains("timeout", Assert.Throws<ArgumentOutOfRangeException>(() => new NodeGatherTree(["a"], 2, [1], 0).Validate()).Message);
        // A plan decoded from the wire is checked too: a corrupt one is a format error, not a tree with a hole.
        using var writer = new WireWriter(64, new FakeRefs());
        GatherTreeWire.WritePlan(new NodeGatherTree(["a", "b"], 8, [1], 1000), writer);
        var bytes = writer.ToArray();
        Assert.Throws<WireFormatException>(() => Registry.Decode(GatherTreeWire.Ids.NodeGatherTree, 1, bytes, new FakeRefs()));
    }

    [Fact]
    public void Every_protocol_message_type_has_a_contract_with_a_unique_id_in_the_simulation_range()
    {
        Type[] protocol =
        [
            typeof(ConnectBlock), typeof(ReportBounds), typeof(Halo), typeof(BlockBounds), typeof(RunStep), typeof(StepDone),
            typeof(RequestSnapshot), typeof(BlockSnapshot), typeof(StartRun), typeof(StopRun), typeof(OutputRow), typeof(WriteField),
            typeof(CloseOutput), typeof(OutputClosed), typeof(RunProgress), typeof(RunCompleted), typeof(NodeInfoRequest), typeof(NodeInfo),
            typeof(SubmitRun), typeof(RunAccepted), typeof(BeginRun), typeof(CreateBlocks), typeof(BlocksCreated), typeof(ReleaseRun),
            typeof(BlockFailed), typeof(RunFailed), typeof(AbortRun), typeof(BlockFanout), typeof(BlockRound), typeof(BlockReply),
            typeof(SaveBlockState), typeof(BlockStateSaved), typeof(RestoreBlock), typeof(BuddyCopy), typeof(CheckpointCommitted),
            typeof(CheckpointInventoryRequest), typeof(CheckpointInventory), typeof(SendBlockState), typeof(RestoreBlockState), typeof(BlockRestored),
            typeof(NodeLeaving), typeof(HandOverDeclined), typeof(HandOverAccepted),
            typeof(MoveBlocks), typeof(BlocksMoved), typeof(MoveDeclined), typeof(HandBlockOver),
            typeof(DriveRun), typeof(DriveQuery), typeof(DrivenRunStatus), typeof(FetchOutput), typeof(OutputChunk),
            typeof(TreeBroadcast), typeof(Gathered), typeof(GatherFailed), typeof(NodeGatherTree),
        ];
        var contracts = protocol.Select(Registry.ForType).ToArray();
        Assert.All(contracts, c => Assert.InRange(c.Id, 100, 9999));
        Assert.Equal(contracts.Length, contracts.Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public void Halo_doubles_travel_as_raw_little_endian_bytes()
    {
        double[] data = [1.5, -2.25];
        using var writer = new WireWriter();
        Registry.Encode(new Halo(1, 0, 0, data), writer);
        var bytes = writer.WrittenSpan.ToArray();
        var raw = data.SelectMany(BitConverter.GetBytes).ToArray(); // little-endian on every supported platform
        Assert.True(bytes.AsSpan().IndexOf(raw) >= 0, "the 16 bytes of the two doubles appear verbatim in the payload");
    }

    [Fact]
    public void A_newer_version_of_a_protocol_message_is_rejected_clearly()
    {
        using var writer = new WireWriter();
        var contract = Registry.Encode(new RequestSnapshot(1), writer);
        var error = Assert.Throws<WireContractException>(() => Registry.Decode(contract.Id, contract.Version + 1, writer.WrittenSpan));
        Assert.Contains("only knows versions up to", error.Message);
    }
}
