using ActorSim.Actors.Remote.Wire;
using ActorSim.Simulation.Monitoring;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// Wire contracts (ids 160–169) of monitoring: <see cref="StepRecord"/>, <see cref="RunEvent"/>,
/// <see cref="FieldPreview"/>, node status and run status. A nullable value is written only when it is set (absent
/// reads back as null); dictionaries travel as a repeated name and a packed array of values. Decoders skip unknown
/// fields and read version 1.
/// </summary>
public static class MonitoringWire
{
    /// <summary>The contract ids.</summary>
    public static class Ids
    {
        public const int StepRecord = 160;
        public const int RunEvent = 161;
        public const int FieldPreview = 162;
        public const int NodeStatusRequest = 163;
        public const int NodeStatus = 164;
        public const int RunStatusRequest = 165;
        public const int RunStatusReply = 166;
        public const int SeedRunHistory = 167;
    }

    /// <summary>Registers the monitoring contracts.</summary>
    public static void Register(WireRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register<StepRecord>(Ids.StepRecord, 1, EncodeRecord, static (ref WireReader r, int _) => DecodeRecord(ref r));
        registry.Register<RunEvent>(Ids.RunEvent, 1, EncodeEvent, static (ref WireReader r, int _) => DecodeEvent(ref r));
        registry.Register<FieldPreview>(Ids.FieldPreview, 1, EncodeField, static (ref WireReader r, int _) => DecodeField(ref r));
        registry.Register<NodeStatusRequest>(Ids.NodeStatusRequest, 1, static (_, _) => { }, static (ref WireReader r, int _) =>
        {
            while (r.NextField()) r.SkipField();
            return new NodeStatusRequest();
        });
        registry.Register<NodeStatus>(Ids.NodeStatus, 1, EncodeNodeStatus, static (ref WireReader r, int _) => DecodeNodeStatus(ref r));
        registry.Register<RunStatusRequest>(Ids.RunStatusRequest, 1, static (m, w) => w.WriteInt32(1, m.MaxRecords), static (ref WireReader r, int _) =>
        {
            int max = 0;
            while (r.NextField())
            {
                if (r.Field == 1) max = r.ReadInt32();
                else r.SkipField();
            }
            return new RunStatusRequest(max);
        });
        registry.Register<RunStatusReply>(Ids.RunStatusReply, 1, EncodeRunStatus, static (ref WireReader r, int _) => DecodeRunStatus(ref r));
        registry.Register<SeedRunHistory>(Ids.SeedRunHistory, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            w.WriteNested(2, new RunStatusReply("", [m.Snapshot]), EncodeRunStatus);
        }, static (ref WireReader r, int _) =>
        {
            string run = "";
            RunMonitorSnapshot? snapshot = null;
            while (r.NextField())
            {
                switch (r.Field)
                {
                    case 1: run = r.ReadString(); break;
                    case 2: { var n = r.ReadNested(); snapshot = DecodeRunStatus(ref n).Runs.SingleOrDefault(); break; }
                    default: r.SkipField(); break;
                }
            }
            return new SeedRunHistory(run, snapshot ?? throw new WireFormatException("SeedRunHistory without a history."));
        });
    }

    // ---- StepRecord -------------------------------------------------------------------------------------------

    private static void Opt(WireWriter w, int field, double? value)
    {
        if (value is { } v) w.WriteDouble(field, v);
    }

    private static void WriteMap(WireWriter w, int namesField, int valuesField, IReadOnlyDictionary<string, double> map)
    {
        var values = new double[map.Count];
        int i = 0;
        foreach (var (name, value) in map)
        {
            w.WriteString(namesField, name);
            values[i++] = value;
        }
        w.WriteDoubles(valuesField, values);
    }

    private static Dictionary<string, double> Map(List<string> names, double[] values)
    {
        if (names.Count != values.Length) throw new WireFormatException($"StepRecord: {names.Count} names but {values.Length} values.");
        var map = new Dictionary<string, double>(names.Count, StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++) map[names[i]] = values[i];
        return map;
    }

    private static void EncodeRecord(StepRecord m, WireWriter w)
    {
        w.WriteString(1, m.RunId);
        w.WriteInt64(2, m.Step);
        w.WriteDouble(3, m.T);
        w.WriteDouble(4, m.TEnd);
        Opt(w, 5, m.Dt);
        w.WriteDouble(6, m.Progress);
        w.WriteDouble(7, m.WallS);
        Opt(w, 8, m.EtaS);
        Opt(w, 9, m.StepsPerS);
        w.WriteBool(10, m.AtOutput);
        Opt(w, 11, m.StateT);
        WriteMap(w, 12, 13, m.State);
        WriteMap(w, 14, 15, m.Diagnostics);
        Opt(w, 16, m.StepWallS);
        Opt(w, 17, m.ComputeS);
        Opt(w, 18, m.HaloWaitS);
        Opt(w, 19, m.ReductionS);
        Opt(w, 20, m.CoordinatorS);
        if (m.SlowestBlock is { } slowest) w.WriteInt32(21, slowest);
        Opt(w, 22, m.Imbalance);
        if (m.Blocks is { } blocks) w.WriteInt32(23, blocks);
        Opt(w, 24, m.HeartbeatAgeS);
        if (m.LastCheckpointStep is { } ckpt) w.WriteInt64(25, ckpt);
        Opt(w, 26, m.LastCheckpointAgeS);
        if (m.BlockComputeS is { } perBlock) w.WriteDoubles(27, perBlock as double[] ?? perBlock.ToArray());
    }

    private static StepRecord DecodeRecord(ref WireReader r)
    {
        var x = new StepRecord();
        List<string> stateNames = [], diagNames = [];
        double[] stateValues = [], diagValues = [];
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: x = x with { RunId = r.ReadString() }; break;
                case 2: x = x with { Step = r.ReadInt64() }; break;
                case 3: x = x with { T = r.ReadDouble() }; break;
                case 4: x = x with { TEnd = r.ReadDouble() }; break;
                case 5: x = x with { Dt = r.ReadDouble() }; break;
                case 6: x = x with { Progress = r.ReadDouble() }; break;
                case 7: x = x with { WallS = r.ReadDouble() }; break;
                case 8: x = x with { EtaS = r.ReadDouble() }; break;
                case 9: x = x with { StepsPerS = r.ReadDouble() }; break;
                case 10: x = x with { AtOutput = r.ReadBool() }; break;
                case 11: x = x with { StateT = r.ReadDouble() }; break;
                case 12: stateNames.Add(r.ReadString()); break;
                case 13: stateValues = r.ReadDoubles(); break;
                case 14: diagNames.Add(r.ReadString()); break;
                case 15: diagValues = r.ReadDoubles(); break;
                case 16: x = x with { StepWallS = r.ReadDouble() }; break;
                case 17: x = x with { ComputeS = r.ReadDouble() }; break;
                case 18: x = x with { HaloWaitS = r.ReadDouble() }; break;
                case 19: x = x with { ReductionS = r.ReadDouble() }; break;
                case 20: x = x with { CoordinatorS = r.ReadDouble() }; break;
                case 21: x = x with { SlowestBlock = r.ReadInt32() }; break;
                case 22: x = x with { Imbalance = r.ReadDouble() }; break;
                case 23: x = x with { Blocks = r.ReadInt32() }; break;
                case 24: x = x with { HeartbeatAgeS = r.ReadDouble() }; break;
                case 25: x = x with { LastCheckpointStep = r.ReadInt64() }; break;
                case 26: x = x with { LastCheckpointAgeS = r.ReadDouble() }; break;
                case 27: x = x with { BlockComputeS = r.ReadDoubles() }; break;
                default: r.SkipField(); break;
            }
        }
        return x with { State = Map(stateNames, stateValues), Diagnostics = Map(diagNames, diagValues) };
    }

    // ---- RunEvent, FieldPreview, RunInfo ------------------------------------------------------------------------

    private static void EncodeEvent(RunEvent m, WireWriter w)
    {
        w.WriteString(1, m.RunId);
        w.WriteString(2, m.Kind);
        w.WriteInt64(3, m.TimeUtc.UtcTicks);
        if (m.Step is { } step) w.WriteInt64(4, step);
        Opt(w, 5, m.T);
        w.WriteString(6, m.Text);
    }

    private static RunEvent DecodeEvent(ref WireReader r)
    {
        string run = "", kind = "", text = "";
        long ticks = 0;
        long? step = null;
        double? t = null;
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: run = r.ReadString(); break;
                case 2: kind = r.ReadString(); break;
                case 3: ticks = r.ReadInt64(); break;
                case 4: step = r.ReadInt64(); break;
                case 5: t = r.ReadDouble(); break;
                case 6: text = r.ReadString(); break;
                default: r.SkipField(); break;
            }
        }
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks) throw new WireFormatException($"RunEvent: time {ticks} is out of range.");
        return new RunEvent(kind, new DateTimeOffset(ticks, TimeSpan.Zero), step, t, text) { RunId = run };
    }

    private static void EncodeField(FieldPreview m, WireWriter w)
    {
        w.WriteString(1, m.RunId);
        w.WriteString(2, m.Name);
        w.WriteDouble(3, m.T);
        w.WriteInt32s(4, m.Shape);
        w.WriteDoubles(5, m.Values);
        w.WriteInt32s(6, m.FullShape);
    }

    private static FieldPreview DecodeField(ref WireReader r)
    {
        string run = "", name = "";
        double t = 0;
        int[] shape = [], full = [];
        double[] values = [];
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: run = r.ReadString(); break;
                case 2: name = r.ReadString(); break;
                case 3: t = r.ReadDouble(); break;
                case 4: shape = r.ReadInt32s(); break;
                case 5: values = r.ReadDoubles(); break;
                case 6: full = r.ReadInt32s(); break;
                default: r.SkipField(); break;
            }
        }
        return new FieldPreview(name, t, shape, values, full) { RunId = run };
    }

    private static void EncodeInfo(RunInfo m, WireWriter w)
    {
        w.WriteString(1, m.RunId);
        w.WriteString(2, m.Model);
        w.WriteString(3, m.Scenario);
        w.WriteDouble(4, m.TEnd);
        if (m.Blocks is { } blocks) w.WriteInt32(5, blocks);
        w.WriteString(6, m.Runtime);
        if (m.Placement is { } placement)
        {
            w.WriteBool(7, true);
            foreach (var node in placement) w.WriteString(8, node);
        }
    }

    private static RunInfo DecodeInfo(ref WireReader r)
    {
        string run = "", model = "", scenario = "", runtime = "";
        double end = 0;
        int? blocks = null;
        bool hasPlacement = false;
        var placement = new List<string>();
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: run = r.ReadString(); break;
                case 2: model = r.ReadString(); break;
                case 3: scenario = r.ReadString(); break;
                case 4: end = r.ReadDouble(); break;
                case 5: blocks = r.ReadInt32(); break;
                case 6: runtime = r.ReadString(); break;
                case 7: hasPlacement = r.ReadBool(); break;
                case 8: placement.Add(r.ReadString()); break;
                default: r.SkipField(); break;
            }
        }
        return new RunInfo(run, model, scenario, end, blocks, runtime, hasPlacement ? placement : null);
    }

    // ---- Node and run status ------------------------------------------------------------------------------------

    private static void EncodeNodeStatus(NodeStatus m, WireWriter w)
    {
        w.WriteString(1, m.NodeId);
        foreach (var role in m.Roles) w.WriteString(2, role);
        w.WriteBool(3, m.IsLeader);
        w.WriteInt32(4, m.Processors);
        w.WriteString(5, m.Version);
        w.WriteDouble(6, m.CpuPercent);
        w.WriteInt64(7, m.WorkingSetBytes);
        foreach (var run in m.CoordinatedRuns) w.WriteString(8, run);
        foreach (var hosted in m.HostedRuns)
            w.WriteNested(9, hosted, static (h, x) =>
            {
                x.WriteString(1, h.RunId);
                x.WriteInt32s(2, h.Blocks);
            });
        Opt(w, 10, m.HeartbeatAgeS);
        foreach (var run in m.DrivenRuns) w.WriteString(11, run);
    }

    private static NodeStatus DecodeNodeStatus(ref WireReader r)
    {
        string node = "", version = "";
        var roles = new List<string>();
        var runs = new List<string>();
        var hosted = new List<HostedRun>();
        var driven = new List<string>();
        bool leader = false;
        int processors = 0;
        double cpu = 0;
        long workingSet = 0;
        double? age = null;
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: node = r.ReadString(); break;
                case 2: roles.Add(r.ReadString()); break;
                case 3: leader = r.ReadBool(); break;
                case 4: processors = r.ReadInt32(); break;
                case 5: version = r.ReadString(); break;
                case 6: cpu = r.ReadDouble(); break;
                case 7: workingSet = r.ReadInt64(); break;
                case 8: runs.Add(r.ReadString()); break;
                case 9:
                {
                    var h = r.ReadNested();
                    string run = "";
                    int[] blocks = [];
                    while (h.NextField())
                    {
                        switch (h.Field)
                        {
                            case 1: run = h.ReadString(); break;
                            case 2: blocks = h.ReadInt32s(); break;
                            default: h.SkipField(); break;
                        }
                    }
                    hosted.Add(new HostedRun(run, blocks));
                    break;
                }
                case 10: age = r.ReadDouble(); break;
                case 11: driven.Add(r.ReadString()); break;
                default: r.SkipField(); break;
            }
        }
        return new NodeStatus(node, roles, leader, processors, version, cpu, workingSet, runs, hosted) { HeartbeatAgeS = age, DrivenRuns = driven };
    }

    private static void EncodeRunStatus(RunStatusReply m, WireWriter w)
    {
        w.WriteString(1, m.NodeId);
        foreach (var run in m.Runs)
            w.WriteNested(2, run, static (s, x) =>
            {
                x.WriteNested(1, s.Info, EncodeInfo);
                x.WriteString(2, s.Status);
                foreach (var record in s.History) x.WriteNested(3, record, EncodeRecord);
                foreach (var e in s.Events) x.WriteNested(4, e, EncodeEvent);
                if (s.Field is { } field) x.WriteNested(5, field, EncodeField);
            });
    }

    private static RunStatusReply DecodeRunStatus(ref WireReader r)
    {
        string node = "";
        var runs = new List<RunMonitorSnapshot>();
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: node = r.ReadString(); break;
                case 2:
                {
                    var s = r.ReadNested();
                    RunInfo? info = null;
                    string status = "";
                    var history = new List<StepRecord>();
                    var events = new List<RunEvent>();
                    FieldPreview? field = null;
                    while (s.NextField())
                    {
                        switch (s.Field)
                        {
                            case 1: { var n = s.ReadNested(); info = DecodeInfo(ref n); break; }
                            case 2: status = s.ReadString(); break;
                            case 3: { var n = s.ReadNested(); history.Add(DecodeRecord(ref n)); break; }
                            case 4: { var n = s.ReadNested(); events.Add(DecodeEvent(ref n)); break; }
                            case 5: { var n = s.ReadNested(); field = DecodeField(ref n); break; }
                            default: s.SkipField(); break;
                        }
                    }
                    if (info is null) throw new WireFormatException("RunStatus: a run without its description.");
                    runs.Add(new RunMonitorSnapshot(info, status, history.Count == 0 ? null : history[^1], history, events, field));
                    break;
                }
                default: r.SkipField(); break;
            }
        }
        return new RunStatusReply(node, runs);
    }
}
