using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorSim.Actors.Remote.Wire;
using ActorSim.Simulation.Monitoring;
using ActorSim.Simulation.Particles;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Runtime.Cluster;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Subdomains;
using ActorSim.Simulation.Tests.Cluster;
using ActorSim.Simulation.Tests.Output;

namespace ActorSim.Simulation.Tests.Monitoring;

/// <summary>The run monitor (bounded history, events, subscribers, seeding), the monitoring wire contracts, monitor.jsonl,
/// the metrics meter, and the cluster's node and run status seen by a watching client.</summary>
public sealed class MonitoringTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static RunInfo Info(string id = "run-1") => new(id, "heat", "heat.json", 10, 4, "in-process");

    private static StepRecord Record(long step, double wall) => new()
    {
        Step = step, T = step * 0.1, TEnd = 10, Dt = 0.1, Progress = step / 100.0, WallS = wall, EtaS = 5, StepsPerS = 100, AtOutput = step % 10 == 0,
        StateT = step * 0.1, State = new Dictionary<string, double> { ["y"] = step, ["ydot"] = -1 }, Diagnostics = new Dictionary<string, double> { ["energy"] = 0.5 },
        StepWallS = 0.01, ComputeS = 0.008, HaloWaitS = 0.001, ReductionS = 0.0005, CoordinatorS = 0.0001, SlowestBlock = 2, Imbalance = 1.25, Blocks = 4,
        HeartbeatAgeS = 0.2, LastCheckpointStep = 50, LastCheckpointAgeS = 3,
    };

    [Fact]
    public void The_history_is_bounded_keeps_the_newest_records_and_still_reaches_back_to_the_start()
    {
        var monitor = new RunMonitor(Info(), capacity: 100);
        for (int i = 1; i <= 10_000; i++) monitor.Add(Record(i, i * 0.1));
        var snapshot = monitor.Snapshot();
        Assert.InRange(snapshot.History.Count, 50, 100);
        Assert.Equal(10_000, snapshot.Latest!.Step);
        Assert.Equal(snapshot.History.OrderBy(r => r.Step).Select(r => r.Step), snapshot.History.Select(r => r.Step)); // in order
        Assert.Equal(1, snapshot.History[0].Step); // thinning keeps the first record and the early past at a coarser resolution
        Assert.True(snapshot.History[1].Step < 2000, $"the second kept record is step {snapshot.History[1].Step}");
        var newest = snapshot.History.TakeLast(20).Select(r => r.Step).ToArray();
        Assert.Equal(Enumerable.Range(9_981, 20).Select(i => (long)i), newest); // the recent past at full resolution
        Assert.All(snapshot.History, r => Assert.Equal("run-1", r.RunId));
        Assert.Equal(5, monitor.Snapshot(maxRecords: 5).History.Count);
    }

    [Fact]
    public void Subscribers_see_records_events_and_fields_and_events_set_the_status()
    {
        var monitor = new RunMonitor(Info(), eventCapacity: 3);
        var seen = new List<object>();
        var subscription = monitor.Subscribe(seen.Add);
        monitor.Add(Record(1, 0.1));
        monitor.AddEvent(new RunEvent(RunEventKinds.Checkpoint, DateTimeOffset.UtcNow, 1, 0.1, "checkpoint"));
        monitor.SetField(FieldPreview.Downsample("u", 0.1, new double[1000], [1000]));
        Assert.Equal(RunStates.Running, monitor.Status);
        monitor.AddEvent(new RunEvent(RunEventKinds.Completed, DateTimeOffset.UtcNow, 1, 0.1, "done"));
        Assert.Equal(RunStates.Completed, monitor.Status);
        subscription.Dispose();
        monitor.Add(Record(2, 0.2));
        Assert.Equal(4, seen.Count);
        Assert.IsType<StepRecord>(seen[0]);
        Assert.Equal("run-1", ((RunEvent)seen[1]).RunId);
        Assert.Equal([250], ((FieldPreview)seen[2]).Shape); // 1000 values averaged by 4, to at most 256
        for (int i = 0; i < 5; i++) monitor.AddEvent(new RunEvent("output", DateTimeOffset.UtcNow, i, i, ""));
        Assert.Equal(3, monitor.Snapshot().Events.Count);
        // A run that goes again (a resumed run's next epoch, a recovery, a planned move of its blocks) is running again.
        foreach (var again in new[] { RunEventKinds.Move, RunEventKinds.Recovery, RunEventKinds.Started })
        {
            monitor.AddEvent(new RunEvent(RunEventKinds.Cancelled, DateTimeOffset.UtcNow, 1, 0.1, "stopped"));
            Assert.Equal(RunStates.Cancelled, monitor.Status);
            monitor.AddEvent(new RunEvent(again, DateTimeOffset.UtcNow, 1, 0.1, "going on"));
            Assert.Equal(RunStates.Running, monitor.Status);
        }
    }

    [Fact]
    public void A_monitor_can_be_seeded_with_an_earlier_history()
    {
        var monitor = new RunMonitor(Info());
        monitor.Add(Record(30, 3.0));
        monitor.Seed([Record(10, 1.0), Record(20, 2.0), Record(30, 3.0)], [new RunEvent(RunEventKinds.Started, DateTimeOffset.UnixEpoch, 0, 0, "s")]);
        Assert.Equal([10L, 20, 30], monitor.Snapshot().History.Select(r => r.Step));
        Assert.Single(monitor.Snapshot().Events);
    }

    [Fact]
    public void A_2D_field_is_averaged_down_to_at_most_64_by_64()
    {
        var values = Enumerable.Range(0, 200 * 130).Select(i => (double)(i / 130)).ToArray(); // value = row index
        var preview = FieldPreview.Downsample("u", 1, values, [200, 130]);
        Assert.Equal([50, 44], preview.Shape); // 4 rows x 3 columns per value
        Assert.Equal(1.5, preview.Values[0]); // rows 0..3 averaged
        Assert.Equal([200, 130], preview.FullShape);
    }

    [Fact]
    public void Source_generated_monitor_contracts_write_what_reflection_wrote()
    {
        // MonitorJson.Options takes the records' contracts from MonitorJsonContext (start-up, issue 14); the lines of
        // monitor.jsonl and the dashboard's JSON must stay what the reflection-based contracts wrote before.
        var reflection = new JsonSerializerOptions(MonitorJson.Options) { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() };
        void Same(object o) => Assert.Equal(JsonSerializer.Serialize(o, o.GetType(), reflection), JsonSerializer.Serialize(o, o.GetType(), MonitorJson.Options));
        var full = Record(42, 4.2) with { RunId = "r", EtaS = double.PositiveInfinity };
        Same(full);
        Same(new StepRecord { RunId = "r", Step = 1 });
        var e = new RunEvent(RunEventKinds.Recovery, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), null, 1.5, "recovered") { RunId = "r" };
        Same(e);
        var field = FieldPreview.Downsample("rho", 2, [1, 2, 3, 4], [2, 2]) with { RunId = "r" };
        Same(field);
        var monitor = new RunMonitor(Info("r") with { Placement = ["n1", "n2"] });
        monitor.Add(full);
        monitor.AddEvent(e);
        monitor.SetField(field);
        Same(monitor.Info);
        Same(monitor.Snapshot());
        Assert.Contains("\"wall_s\":", JsonSerializer.Serialize(full, MonitorJson.Options));
        Assert.Contains("\"slowest_block\":null", JsonSerializer.Serialize(new StepRecord(), MonitorJson.Options));
    }

    [Fact]
    public void Monitoring_messages_round_trip_through_their_wire_contracts()
    {
        var registry = SimulationWire.CreateRegistry();
        T RoundTrip<T>(T message) where T : notnull
        {
            using var writer = new WireWriter(256);
            var contract = registry.Encode(message, writer);
            if (message.GetType().Namespace!.EndsWith("Monitoring") || message.GetType().Name.Contains("Status")) Assert.InRange(contract.Id, 160, 169);
            return (T)registry.Decode(contract.Id, contract.Version, writer.WrittenSpan, null);
        }
        string Json(object o) => JsonSerializer.Serialize(o, o.GetType(), MonitorJson.Options);

        var full = Record(42, 4.2) with { RunId = "r" };
        Assert.Equal(Json(full), Json(RoundTrip(full)));
        var empty = new StepRecord { RunId = "r", Step = 1 }; // every nullable absent
        Assert.Equal(Json(empty), Json(RoundTrip(empty)));
        var e = new RunEvent(RunEventKinds.Recovery, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), null, 1.5, "recovered") { RunId = "r" };
        Assert.Equal(e, RoundTrip(e));
        var field = FieldPreview.Downsample("rho", 2, [1, 2, 3, 4], [2, 2]) with { RunId = "r" };
        Assert.Equal(Json(field), Json(RoundTrip(field)));
        var node = new NodeStatus("n1", ["coordinator", "worker"], true, 8, "0.1.0", 12.5, 1 << 30, ["r"], [new HostedRun("r", [0, 3])]) { HeartbeatAgeS = 0.25 };
        Assert.Equal(Json(node), Json(RoundTrip(node)));
        Assert.Equal(new RunStatusRequest(7), RoundTrip(new RunStatusRequest(7)));
        Assert.IsType<NodeStatusRequest>(RoundTrip(new NodeStatusRequest()));
        var monitor = new RunMonitor(Info("r") with { Runtime = "cluster", Placement = ["n1", "n2", "n1", "n2"] });
        monitor.Add(full);
        monitor.AddEvent(e);
        monitor.SetField(field);
        var reply = new RunStatusReply("n1", [monitor.Snapshot()]);
        Assert.Equal(Json(reply), Json(RoundTrip(reply)));

        // The blocks' timings ride on their existing replies (fields older readers skip).
        var bounds = RoundTrip(new BlockBounds(3, 1, [1.0]) { ComputeSeconds = 0.25, HaloWaitSeconds = 0.125 });
        Assert.Equal((0.25, 0.125), (bounds.ComputeSeconds, bounds.HaloWaitSeconds));
        Assert.Equal(0.5, RoundTrip(new BlockReply(9, 2, [1.0]) { ComputeSeconds = 0.5 }).ComputeSeconds);
    }

    [Fact]
    public async Task An_in_process_run_writes_monitor_jsonl_with_records_events_and_the_time_split()
    {
        var text = HeatDefinition.Scenario(cells: 40, blocks: 4, end: 0.05, interval: 0.01);
        var scenario = ScenarioLoader.Parse(text, "heat.json", HeatDefinition.Catalog);
        var model = HeatDefinition.Catalog.Single(m => m.Name == scenario.Model).Create(scenario);
        var monitor = LocalRunner.CreateMonitor(scenario);
        var records = new List<StepRecord>();
        using var _ = monitor.Subscribe(u => { if (u is StepRecord r) lock (records) records.Add(r); });
        OutputDirectory.Prepare(_dir.Path, false);
        await LocalRunner.RunModelAsync(scenario, model, new RunOptions(_dir.Path) { Monitor = monitor });

        var snapshot = MonitorLog.Read(_dir.File(MonitorLog.FileName));
        Assert.Equal(monitor.RunId, snapshot.Info.RunId);
        Assert.Equal(4, snapshot.Info.Blocks);
        Assert.Equal(RunStates.Completed, snapshot.Status);
        Assert.Equal([RunEventKinds.Started, RunEventKinds.Completed], snapshot.Events.Select(e => e.Kind));
        Assert.Equal(6, snapshot.History.Count(r => r.AtOutput)); // t = 0, 0.01, ..., 0.05
        var last = snapshot.Latest!;
        Assert.Equal(1.0, last.Progress);
        Assert.Equal(0.05, last.T, 12);
        Assert.NotEmpty(last.State);
        var timed = records.Where(r => r.ComputeS is not null).ToArray();
        Assert.NotEmpty(timed);
        Assert.All(timed, r =>
        {
            Assert.Equal(4, r.Blocks);
            Assert.InRange(r.SlowestBlock!.Value, 0, 3);
            Assert.True(r.Imbalance >= 1.0, $"imbalance {r.Imbalance}");
            Assert.True(r.ComputeS > 0 && r.HaloWaitS >= 0 && r.ReductionS >= 0 && r.CoordinatorS > 0);
        });
        Assert.Contains(MonitorLog.FileName, OutputDirectory.RunOutputs); // --force clears it with the other outputs
    }

    [Fact]
    public void The_meter_publishes_the_newest_record_of_every_tracked_run()
    {
        using var metrics = new RunMetrics();
        var monitor = new RunMonitor(Info());
        using var tracked = metrics.Track(monitor);
        monitor.Add(Record(7, 1.0));
        var seen = new Dictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) => { if (i.Meter.Name == RunMetrics.MeterName) l.EnableMeasurementEvents(i); };
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) =>
        {
            string key = i.Name;
            foreach (var t in tags) if (t.Key == "variable") key += "/" + t.Value;
            lock (seen) seen[key] = v;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        Assert.Equal(0.07, seen["actorsim.run.progress"]);
        Assert.Equal(1.25, seen["actorsim.run.imbalance"]);
        Assert.Equal(7, seen["actorsim.run.state/y"]);
        Assert.Equal(0.5, seen["actorsim.run.diagnostic/energy"]);
    }

    [Fact]
    public async Task A_watching_client_sees_every_node_and_the_running_run_on_the_leader()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var text = HeatDefinition.Scenario(cells: 60, blocks: 6, end: 1e6, interval: 1e5); // far too long to finish
        using var stop = new CancellationTokenSource();
        var run = ClusterRunner.RunAsync(ScenarioLoader.Parse(text, "heat.json", HeatDefinition.Catalog), text, cluster.RunOptions(_dir.File("out"), 3), cancellation: stop.Token);

        var options = new ClusterRunOptions("", cluster.ClusterId, InProcessCluster.Secret, () => cluster.Network.CreateTransport());
        await using var client = await ClusterMonitorClient.ConnectAsync(options, TimeSpan.FromSeconds(5));
        ClusterView? view = null;
        for (int i = 0; i < 100; i++)
        {
            view = await client.QueryAsync(0);
            if (view.Runs.Any(r => r.History.Count(x => x.Step > 0) >= 2) && view.Nodes.Count(n => n.HostedRuns.Count > 0) == 3) break;
            await Task.Delay(100);
        }
        stop.Cancel();
        await run;

        Assert.NotNull(view);
        Assert.Equal(["node-1", "node-2", "node-3"], view!.Nodes.Select(n => n.NodeId));
        Assert.Equal("node-1", view.Leader);
        Assert.True(view.Nodes.Single(n => n.NodeId == "node-1").IsLeader);
        Assert.All(view.Nodes, n => Assert.NotNull(n.HeartbeatAgeS));
        Assert.Equal(6, view.Nodes.SelectMany(n => n.HostedRuns).SelectMany(h => h.Blocks).Distinct().Count());
        var snapshot = Assert.Single(view.Runs);
        Assert.Equal("cluster", snapshot.Info.Runtime);
        Assert.Equal(6, snapshot.Info.Placement!.Count);
        Assert.Equal(RunEventKinds.Started, snapshot.Events[0].Kind);
        var latest = snapshot.History.Last(r => r.Step > 0);
        Assert.Equal(6, latest.Blocks);
        Assert.NotNull(latest.HeartbeatAgeS);
        Assert.NotNull(latest.ComputeS);
        Assert.NotNull(latest.ReductionS);
    }
}
