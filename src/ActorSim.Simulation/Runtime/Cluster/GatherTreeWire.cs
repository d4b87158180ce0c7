using ActorSim.Actors.Remote.Wire;
using ActorSim.Actors.Trees;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// Wire contracts (ids 170–173) of the broadcast/gather tree over worker nodes (<see cref="NodeGatherTree"/>):
/// <see cref="TreeBroadcast"/> with its round's message nested under that message's own contract,
/// <see cref="Gathered"/> with each part nested the same way (parts travel unchanged, so the coordinator's block-order
/// sum keeps its bits), <see cref="GatherFailed"/>, and the tree's plan, which travels inside
/// <see cref="CreateBlocks"/> (field 11) and has a contract of its own.
/// </summary>
public static class GatherTreeWire
{
    /// <summary>The contract ids.</summary>
    public static class Ids
    {
        public const int TreeBroadcast = 170;
        public const int Gathered = 171;
        public const int GatherFailed = 172;
        public const int NodeGatherTree = 173;
    }

    /// <summary>Registers the tree contracts.</summary>
    public static void Register(WireRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register<TreeBroadcast>(Ids.TreeBroadcast, 1, (m, w) =>
        {
            w.WriteInt64(1, m.Round);
            WriteInner(registry, w, 2, m.Message);
            w.WriteActorRef(3, m.ReplyTo);
        }, (ref WireReader r, int _) =>
        {
            long round = 0;
            object? message = null;
            Akka.Actor.IActorRef? replyTo = null;
            while (r.NextField())
            {
                switch (r.Field)
                {
                    case 1: round = r.ReadInt64(); break;
                    case 2: message = ReadInner(registry, ref r, "TreeBroadcast"); break;
                    case 3: replyTo = r.ReadActorRef(); break;
                    default: r.SkipField(); break;
                }
            }
            return new TreeBroadcast(round, message ?? throw new WireFormatException("TreeBroadcast without a message."), replyTo);
        });
        registry.Register<Gathered>(Ids.Gathered, 1, (m, w) =>
        {
            if (m.Indices.Length != m.Parts.Length)
                throw new InvalidOperationException($"gathered round {m.Round} has {m.Indices.Length} indices for {m.Parts.Length} parts");
            w.WriteInt64(1, m.Round);
            w.WriteInt32(2, m.Node);
            w.WriteInt32s(3, m.Indices);
            foreach (var part in m.Parts) WriteInner(registry, w, 4, part);
        }, (ref WireReader r, int _) =>
        {
            long round = 0;
            int node = 0;
            int[] indices = [];
            var parts = new List<object>();
            while (r.NextField())
            {
                switch (r.Field)
                {
                    case 1: round = r.ReadInt64(); break;
                    case 2: node = r.ReadInt32(); break;
                    case 3: indices = r.ReadInt32s(); break;
                    case 4: parts.Add(ReadInner(registry, ref r, "Gathered")); break;
                    default: r.SkipField(); break;
                }
            }
            if (indices.Length != parts.Count)
                throw new WireFormatException($"Gathered round {round} from tree node {node}: {indices.Length} indices for {parts.Count} parts.");
            return new Gathered(round, node, indices, parts.ToArray());
        });
        registry.Register<GatherFailed>(Ids.GatherFailed, 1, static (m, w) =>
        {
            w.WriteInt64(1, m.Round);
            w.WriteInt32(2, m.Node);
            w.WriteString(3, m.Reason);
            w.WriteInt32s(4, m.Silent);
        }, static (ref WireReader r, int _) =>
        {
            long round = 0;
            int node = 0;
            string reason = "";
            int[] silent = [];
            while (r.NextField())
            {
                switch (r.Field)
                {
                    case 1: round = r.ReadInt64(); break;
                    case 2: node = r.ReadInt32(); break;
                    case 3: reason = r.ReadString(); break;
                    case 4: silent = r.ReadInt32s(); break;
                    default: r.SkipField(); break;
                }
            }
            return new GatherFailed(round, node, reason) { Silent = silent };
        });
        registry.Register<NodeGatherTree>(Ids.NodeGatherTree, 1, WritePlan, ReadPlan);
    }

    /// <summary>Writes a tree plan's fields (its contract, and nested in <see cref="CreateBlocks"/>).</summary>
    public static void WritePlan(NodeGatherTree m, WireWriter w)
    {
        foreach (var node in m.Nodes) w.WriteString(1, node);
        w.WriteInt32(2, m.FanIn);
        w.WriteInt32s(3, m.Leaves);
        w.WriteInt64(4, m.TimeoutMilliseconds);
    }

    /// <summary>Reads a tree plan written by <see cref="WritePlan"/>; an inconsistent plan is a format error.</summary>
    public static NodeGatherTree ReadPlan(ref WireReader r, int version)
    {
        var nodes = new List<string>();
        int fanIn = 0;
        int[] leaves = [];
        long timeout = 0;
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: nodes.Add(r.ReadString()); break;
                case 2: fanIn = r.ReadInt32(); break;
                case 3: leaves = r.ReadInt32s(); break;
                case 4: timeout = r.ReadInt64(); break;
                default: r.SkipField(); break;
            }
        }
        var plan = new NodeGatherTree(nodes, fanIn, leaves, timeout);
        try
        {
            plan.Validate();
        }
        catch (ArgumentException e)
        {
            throw new WireFormatException($"NodeGatherTree: {e.Message}", e);
        }
        return plan;
    }

    /// <summary>A message under its own contract, nested: (1) contract id, (2) version, (3) payload.</summary>
    private static void WriteInner(WireRegistry registry, WireWriter w, int field, object message)
    {
        var inner = registry.ForType(message.GetType());
        w.WriteNested(field, (inner, message), static (s, x) =>
        {
            x.WriteUInt64(1, (ulong)s.inner.Id);
            x.WriteUInt64(2, (ulong)s.inner.Version);
            x.WriteNested(3, (s.inner, s.message), static (t, y) => t.inner.EncodeObject(t.message, y));
        });
    }

    private static object ReadInner(WireRegistry registry, ref WireReader r, string what)
    {
        var nested = r.ReadNested();
        int id = 0, version = 0;
        ReadOnlySpan<byte> payload = default;
        bool hasPayload = false;
        while (nested.NextField())
        {
            switch (nested.Field)
            {
                case 1: id = checked((int)nested.ReadUInt64()); break;
                case 2: version = checked((int)nested.ReadUInt64()); break;
                case 3: payload = nested.ReadBytesSpan(); hasPayload = true; break;
                default: nested.SkipField(); break;
            }
        }
        if (!hasPayload) throw new WireFormatException($"{what}: a nested message without its payload.");
        if (id is Ids.TreeBroadcast or Ids.Gathered)
            throw new WireFormatException($"{what} cannot carry a {(id == Ids.Gathered ? "Gathered" : "TreeBroadcast")} inside.");
        return registry.Decode(id, version, payload, r.Refs);
    }
}
