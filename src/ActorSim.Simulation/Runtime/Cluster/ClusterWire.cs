using ActorSim.Actors;
using Akka.Actor;
using ActorSim.Actors.Remote.Wire;
using ActorSim.Simulation.Subdomains;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>Wire contracts (ids 140–159) of run submission, placement and block hosting.</summary>
public static class ClusterWire
{
    /// <summary>The contract ids.</summary>
    public static class Ids
    {
        public const int NodeInfoRequest = 140;
        public const int NodeInfo = 141;
        public const int SubmitRun = 142;
        public const int RunAccepted = 143;
        public const int BeginRun = 144;
        public const int CreateBlocks = 145;
        public const int BlocksCreated = 146;
        public const int ReleaseRun = 147;
        public const int BlockFailed = 148;
        public const int RunFailed = 149;
        public const int AbortRun = 150;
        public const int BlockFanout = 151;
    }

    /// <summary>Registers the cluster-run contracts.</summary>
    public static void Register(WireRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register<NodeInfoRequest>(Ids.NodeInfoRequest, 1, static (_, _) => { }, static (ref WireReader r, int _) =>
        {
            while (r.NextField()) r.SkipField();
            return new NodeInfoRequest();
        });
        registry.Register<NodeInfo>(Ids.NodeInfo, 1, static (m, w) =>
        {
            w.WriteString(1, m.NodeId);
            foreach (var role in m.Roles) w.WriteString(2, role);
            w.WriteInt32(3, m.Processors);
            w.WriteString(4, m.Version);
            w.WriteString(5, m.CheckpointDirectory);
            w.WriteInt32(6, m.GatherTreeBlocks);
            w.WriteDouble(7, m.GatherTreeTimeoutSeconds);
        }, DecodeNodeInfo);
        registry.Register<SubmitRun>(Ids.SubmitRun, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            w.WriteString(2, m.ScenarioFile);
            w.WriteString(3, m.ScenarioText);
            w.WriteString(4, m.SubmitterNode);
            w.WriteInt32(5, m.MinWorkers);
            w.WriteInt64(6, m.WaitMilliseconds);
            w.WriteInt32(7, m.Epoch);
            w.WriteString(8, m.CheckpointDirectory);
            foreach (var node in m.Exclude) w.WriteString(9, node);
            w.WriteBool(10, m.NodeLocalCheckpoints);
            w.WriteString(11, m.EpochReason);
            foreach (var node in m.Placement) w.WriteString(12, node);
        }, DecodeSubmitRun);
        registry.Register<RunAccepted>(Ids.RunAccepted, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            w.WriteActorRef(2, m.Run);
            w.WriteString(3, m.CoordinatorNode);
            foreach (var node in m.Placement) w.WriteString(4, node);
            foreach (var node in m.Workers) w.WriteString(5, node);
            foreach (var column in m.Columns) w.WriteString(6, column);
            w.WriteString(7, m.AnalysisJson);
            w.WriteInt32(8, m.Epoch);
            if (m.Resume is { } p)
            {
                w.WriteString(9, p.Folder);
                w.WriteInt64(10, p.Step);
                w.WriteDouble(11, p.T);
                w.WriteInt64(12, p.Rows);
                foreach (var name in p.FieldNames) w.WriteString(13, name);
                if (p.BlockBytes.Count > 0) w.WriteInt64s(18, p.BlockBytes.ToArray());
            }
            foreach (var warning in m.Warnings) w.WriteString(14, warning);
            foreach (var source in m.RestoredFrom) w.WriteString(15, source);
            w.WriteInt64(16, m.RestoreMilliseconds);
            if (m.SteppingNode.Length > 0) w.WriteString(17, m.SteppingNode);
        }, DecodeRunAccepted);
        registry.Register<BeginRun>(Ids.BeginRun, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            w.WriteActorRef(2, m.Writer);
            w.WriteActorRef(3, m.Listener);
        }, DecodeBeginRun);
        registry.Register<CreateBlocks>(Ids.CreateBlocks, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            w.WriteString(2, m.ScenarioFile);
            w.WriteString(3, m.ScenarioText);
            w.WriteInt32s(4, m.Blocks);
            w.WriteActorRef(5, m.Run);
            w.WriteString(6, m.CoordinatorNode);
            w.WriteInt32(7, m.Epoch);
            w.WriteString(8, m.NodeLocalDirectory);
            w.WriteString(9, m.BuddyNode);
            w.WriteBool(10, m.ForRestore);
            if (m.Tree is { } tree) w.WriteNested(11, tree, GatherTreeWire.WritePlan);
            w.WriteBool(12, m.Adding);
        }, DecodeCreateBlocks);
        registry.Register<BlocksCreated>(Ids.BlocksCreated, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            w.WriteString(2, m.NodeId);
            w.WriteInt32s(3, m.Blocks);
            foreach (var actor in m.Refs) w.WriteActorRef(4, actor);
            w.WriteActorRef(5, m.Host);
        }, DecodeBlocksCreated);
        registry.Register<BlockFanout>(Ids.BlockFanout, 1, (m, w) =>
        {
            // The inner message with its own contract, nested (as Status.Success carries its value).
            var inner = registry.ForType(m.Message.GetType());
            w.WriteString(1, m.RunId);
            w.WriteUInt64(2, (ulong)inner.Id);
            w.WriteUInt64(3, (ulong)inner.Version);
            w.WriteNested(4, (inner, m.Message), static (s, x) => s.inner.EncodeObject(s.Message, x));
        }, (ref WireReader r, int _) =>
        {
            string run = "";
            int id = 0, version = 0;
            ReadOnlySpan<byte> payload = default;
            bool hasPayload = false;
            while (r.NextField())
            {
                switch (r.Field)
                {
                    case 1: run = r.ReadString(); break;
                    case 2: id = checked((int)r.ReadUInt64()); break;
                    case 3: version = checked((int)r.ReadUInt64()); break;
                    case 4: payload = r.ReadBytesSpan(); hasPayload = true; break;
                    default: r.SkipField(); break;
                }
            }
            if (!hasPayload) throw new WireFormatException("BlockFanout without a message.");
            if (id == Ids.BlockFanout) throw new WireFormatException("BlockFanout cannot carry another BlockFanout.");
            return new BlockFanout(run, registry.Decode(id, version, payload, r.Refs));
        });
        registry.Register<ReleaseRun>(Ids.ReleaseRun, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            w.WriteString(2, m.Reason);
            w.WriteInt32(3, m.Epoch);
            w.WriteBool(4, m.Final);
        }, static (ref WireReader r, int _) =>
        {
            string run = "", reason = "";
            int epoch = 0;
            bool final = false;
            while (r.NextField())
            {
                switch (r.Field)
                {
                    case 1: run = r.ReadString(); break;
                    case 2: reason = r.ReadString(); break;
                    case 3: epoch = r.ReadInt32(); break;
                    case 4: final = r.ReadBool(); break;
                    default: r.SkipField(); break;
                }
            }
            return new ReleaseRun(run, reason) { Epoch = epoch, Final = final };
        });
        registry.Register<BlockFailed>(Ids.BlockFailed, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            w.WriteString(2, m.NodeId);
            w.WriteString(3, m.Error);
        }, DecodeBlockFailed);
        registry.Register<RunFailed>(Ids.RunFailed, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            w.WriteString(2, m.Error);
            w.WriteBool(3, m.Recoverable);
            w.WriteString(4, m.Node);
            w.WriteInt64(5, m.DetectionMilliseconds);
        }, static (ref WireReader r, int _) =>
        {
            string run = "", error = "", node = "";
            bool recoverable = false;
            long detection = 0;
            while (r.NextField())
            {
                switch (r.Field)
                {
                    case 1: run = r.ReadString(); break;
                    case 2: error = r.ReadString(); break;
                    case 3: recoverable = r.ReadBool(); break;
                    case 4: node = r.ReadString(); break;
                    case 5: detection = r.ReadInt64(); break;
                    default: r.SkipField(); break;
                }
            }
            return new RunFailed(run, error, recoverable) { Node = node, DetectionMilliseconds = detection };
        });
        registry.Register<AbortRun>(Ids.AbortRun, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            w.WriteString(2, m.Reason);
        }, static (ref WireReader r, int _) => { var (a, b) = TwoStrings(ref r); return new AbortRun(a, b); });
    }

    /// <summary>Fields 1 and 2 of a message that holds two strings (unknown fields skipped).</summary>
    internal static (string, string) TwoStrings(ref WireReader r)
    {
        string a = "", b = "";
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: a = r.ReadString(); break;
                case 2: b = r.ReadString(); break;
                default: r.SkipField(); break;
            }
        }
        return (a, b);
    }

    private static NodeInfo DecodeNodeInfo(ref WireReader r, int version)
    {
        string node = "", software = "", checkpoints = "";
        var roles = new List<string>();
        int processors = 0, treeBlocks = 0;
        double treeTimeout = ClusterSettings.DefaultGatherTreeTimeoutSeconds;
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: node = r.ReadString(); break;
                case 2: roles.Add(r.ReadString()); break;
                case 3: processors = r.ReadInt32(); break;
                case 4: software = r.ReadString(); break;
                case 5: checkpoints = r.ReadString(); break;
                case 6: treeBlocks = r.ReadInt32(); break;
                case 7: treeTimeout = r.ReadDouble(); break;
                default: r.SkipField(); break;
            }
        }
        return new NodeInfo(node, roles, processors, software, checkpoints) { GatherTreeBlocks = treeBlocks, GatherTreeTimeoutSeconds = treeTimeout };
    }

    private static SubmitRun DecodeSubmitRun(ref WireReader r, int version)
    {
        string run = "", file = "", text = "", submitter = "", checkpoints = "", reason = "";
        var exclude = new List<string>();
        var placement = new List<string>();
        int min = 1, epoch = 0;
        long wait = 0;
        bool nodeLocal = false;
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: run = r.ReadString(); break;
                case 2: file = r.ReadString(); break;
                case 3: text = r.ReadString(); break;
                case 4: submitter = r.ReadString(); break;
                case 5: min = r.ReadInt32(); break;
                case 6: wait = r.ReadInt64(); break;
                case 7: epoch = r.ReadInt32(); break;
                case 8: checkpoints = r.ReadString(); break;
                case 9: exclude.Add(r.ReadString()); break;
                case 10: nodeLocal = r.ReadBool(); break;
                case 11: reason = r.ReadString(); break;
                case 12: placement.Add(r.ReadString()); break;
                default: r.SkipField(); break;
            }
        }
        return new SubmitRun(run, file, text, submitter, min, wait)
        {
            Epoch = epoch, CheckpointDirectory = checkpoints, Exclude = exclude, NodeLocalCheckpoints = nodeLocal, EpochReason = reason, Placement = placement,
        };
    }

    private static RunAccepted DecodeRunAccepted(ref WireReader r, int version)
    {
        string run = "", coordinator = "", analysis = "", stepping = "";
        IActorRef? runRef = null;
        List<string> placement = [], workers = [], columns = [], fieldNames = [], warnings = [], restoredFrom = [];
        int epoch = 0;
        string? folder = null;
        long step = 0, rows = 0, restoreMs = 0;
        long[] blockBytes = [];
        double t = 0;
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: run = r.ReadString(); break;
                case 2: runRef = r.ReadActorRef(); break;
                case 3: coordinator = r.ReadString(); break;
                case 4: placement.Add(r.ReadString()); break;
                case 5: workers.Add(r.ReadString()); break;
                case 6: columns.Add(r.ReadString()); break;
                case 7: analysis = r.ReadString(); break;
                case 8: epoch = r.ReadInt32(); break;
                case 9: folder = r.ReadString(); break;
                case 10: step = r.ReadInt64(); break;
                case 11: t = r.ReadDouble(); break;
                case 12: rows = r.ReadInt64(); break;
                case 13: fieldNames.Add(r.ReadString()); break;
                case 14: warnings.Add(r.ReadString()); break;
                case 15: restoredFrom.Add(r.ReadString()); break;
                case 16: restoreMs = r.ReadInt64(); break;
                case 17: stepping = r.ReadString(); break;
                case 18: blockBytes = r.ReadInt64s(); break;
                default: r.SkipField(); break;
            }
        }
        return new RunAccepted(run, runRef ?? throw new WireFormatException("RunAccepted without the run's actor."), coordinator, placement, workers, columns, analysis)
        {
            Epoch = epoch,
            Resume = folder is null ? null : new ResumePoint(folder, step, t, rows, fieldNames) { BlockBytes = blockBytes },
            Warnings = warnings,
            RestoredFrom = restoredFrom,
            RestoreMilliseconds = restoreMs,
            SteppingNode = stepping,
        };
    }

    private static BeginRun DecodeBeginRun(ref WireReader r, int version)
    {
        string run = "";
        IActorRef? writer = null, listener = null;
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: run = r.ReadString(); break;
                case 2: writer = r.ReadActorRef(); break;
                case 3: listener = r.ReadActorRef(); break;
                default: r.SkipField(); break;
            }
        }
        if (writer is null || listener is null) throw new WireFormatException("BeginRun needs the writer and the listener.");
        return new BeginRun(run, writer, listener);
    }

    private static CreateBlocks DecodeCreateBlocks(ref WireReader r, int version)
    {
        string run = "", file = "", text = "", coordinator = "", nodeLocal = "", buddy = "";
        int[] blocks = [];
        int epoch = 0;
        bool forRestore = false, adding = false;
        IActorRef? runRef = null;
        NodeGatherTree? tree = null;
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: run = r.ReadString(); break;
                case 2: file = r.ReadString(); break;
                case 3: text = r.ReadString(); break;
                case 4: blocks = r.ReadInt32s(); break;
                case 5: runRef = r.ReadActorRef(); break;
                case 6: coordinator = r.ReadString(); break;
                case 7: epoch = r.ReadInt32(); break;
                case 8: nodeLocal = r.ReadString(); break;
                case 9: buddy = r.ReadString(); break;
                case 10: forRestore = r.ReadBool(); break;
                case 11:
                    var nested = r.ReadNested();
                    tree = GatherTreeWire.ReadPlan(ref nested, version);
                    break;
                case 12: adding = r.ReadBool(); break;
                default: r.SkipField(); break;
            }
        }
        return new CreateBlocks(run, file, text, blocks, runRef ?? throw new WireFormatException("CreateBlocks without the run's actor."), coordinator)
        {
            Epoch = epoch, NodeLocalDirectory = nodeLocal, BuddyNode = buddy, ForRestore = forRestore, Tree = tree, Adding = adding,
        };
    }

    private static BlocksCreated DecodeBlocksCreated(ref WireReader r, int version)
    {
        string run = "", node = "";
        int[] blocks = [];
        var refs = new List<IActorRef>();
        IActorRef? host = null;
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: run = r.ReadString(); break;
                case 2: node = r.ReadString(); break;
                case 3: blocks = r.ReadInt32s(); break;
                case 4: refs.Add(r.ReadActorRef()); break;
                case 5: host = r.ReadActorRef(); break;
                default: r.SkipField(); break;
            }
        }
        if (refs.Count != blocks.Length) throw new WireFormatException($"BlocksCreated lists {blocks.Length} blocks but {refs.Count} actors.");
        return new BlocksCreated(run, node, blocks, refs, host ?? throw new WireFormatException("BlocksCreated without the host actor."));
    }

    private static BlockFailed DecodeBlockFailed(ref WireReader r, int version)
    {
        string run = "", node = "", error = "";
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: run = r.ReadString(); break;
                case 2: node = r.ReadString(); break;
                case 3: error = r.ReadString(); break;
                default: r.SkipField(); break;
            }
        }
        return new BlockFailed(run, node, error);
    }
}

/// <summary>The wire registry of a simulation node: the runtime's built-in contracts plus every simulation contract.</summary>
public static class SimulationWire
{
    /// <summary>A registry with the built-in, subdomain and particle-block protocol, run-level, checkpoint and cluster-run contracts.</summary>
    public static WireRegistry CreateRegistry()
    {
        var registry = WireRegistry.CreateDefault();
        SubdomainWire.Register(registry);
        ParticleWire.Register(registry);
        RuntimeWire.Register(registry);
        CheckpointWire.Register(registry);
        BuddyWire.Register(registry);
        ClusterWire.Register(registry);
        GatherTreeWire.Register(registry);
        CoordinatorBesideBlocksWire.Register(registry);
        HandOverWire.Register(registry);
        LiveMoveWire.Register(registry);
        DriveWire.Register(registry);
        MonitoringWire.Register(registry);
        return registry;
    }
}
