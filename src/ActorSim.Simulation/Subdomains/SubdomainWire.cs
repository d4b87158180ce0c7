using ActorSim.Actors;
using Akka.Actor;
using ActorSim.Actors.Remote.Wire;

namespace ActorSim.Simulation.Subdomains;

/// <summary>
/// Wire contracts (ids 100–119) of the subdomain step protocol, so that blocks, neighbours and the
/// coordinator can live on different nodes. Arrays of doubles travel as raw little-endian bytes; every
/// decoder skips unknown fields and reads version 1.
/// </summary>
public static class SubdomainWire
{
    /// <summary>The contract ids.</summary>
    public static class Ids
    {
        public const int ConnectBlock = 100;
        public const int ReportBounds = 101;
        public const int Halo = 102;
        public const int BlockBounds = 103;
        public const int RunStep = 104;
        public const int StepDone = 105;
        public const int RequestSnapshot = 106;
        public const int BlockSnapshot = 107;
        public const int PeerBounds = 108;
        public const int ExtendLease = 109;
    }

    /// <summary>Registers every contract of the step protocol.</summary>
    public static void Register(WireRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register<ConnectBlock>(Ids.ConnectBlock, 1, EncodeConnect, DecodeConnect);
        registry.Register<ReportBounds>(Ids.ReportBounds, 1, static (m, w) => w.WriteInt64(1, m.Step), DecodeReportBounds);
        registry.Register<Halo>(Ids.Halo, 1, static (m, w) =>
        {
            w.WriteInt64(1, m.Step);
            w.WriteInt32(2, m.Exchange);
            w.WriteInt32(3, m.Port);
            w.WriteDoubles(4, m.Data);
        }, DecodeHalo);
        registry.Register<BlockBounds>(Ids.BlockBounds, 1, static (m, w) =>
        {
            w.WriteInt64(1, m.Step);
            w.WriteInt32(2, m.Block);
            w.WriteDoubles(3, m.Bounds);
            w.WriteDouble(4, m.ComputeSeconds);   // monitoring; older readers skip fields 4 and 5
            w.WriteDouble(5, m.HaloWaitSeconds);
        }, DecodeBlockBounds);
        registry.Register<RunStep>(Ids.RunStep, 1, static (m, w) =>
        {
            w.WriteNested(1, m.Order, EncodeOrder);
            if (m.LeaseUntil > 0)
            {
                w.WriteInt64(2, m.LeaseUntil);   // leased steps; older readers skip fields 2 and 3
                w.WriteDouble(3, m.LeaseTEnd);
            }
        }, DecodeRunStep);
        registry.Register<PeerBounds>(Ids.PeerBounds, 1, static (m, w) =>
        {
            w.WriteInt64(1, m.Step);
            w.WriteInt32(2, m.Block);
            w.WriteDoubles(3, m.Bounds);
        }, DecodePeerBounds);
        registry.Register<ExtendLease>(Ids.ExtendLease, 1, static (m, w) => w.WriteInt64(1, m.UntilStep), DecodeExtendLease);
        registry.Register<StepDone>(Ids.StepDone, 1, static (m, w) =>
        {
            w.WriteInt64(1, m.Step);
            w.WriteInt32(2, m.Block);
        }, DecodeStepDone);
        registry.Register<RequestSnapshot>(Ids.RequestSnapshot, 1, static (m, w) => w.WriteInt32(1, m.Index), DecodeRequestSnapshot);
        registry.Register<BlockSnapshot>(Ids.BlockSnapshot, 1, static (m, w) =>
        {
            w.WriteInt32(1, m.Index);
            w.WriteInt32(2, m.Block);
            w.WriteDoubles(3, m.Data);
        }, DecodeBlockSnapshot);
    }

    private static void EncodeConnect(ConnectBlock m, WireWriter w)
    {
        foreach (var (block, actor) in m.Neighbours.OrderBy(kv => kv.Key))
            w.WriteNested(1, (block, actor), static (s, x) =>
            {
                x.WriteInt32(1, s.block);
                x.WriteActorRef(2, s.actor);
            });
        if (m.Peers is { } peers) // every block in block order (leased steps); older readers skip field 2
            for (int b = 0; b < peers.Count; b++)
                w.WriteNested(2, (b, peers[b]), static (s, x) =>
                {
                    x.WriteInt32(1, s.b);
                    x.WriteActorRef(2, s.Item2);
                });
    }

    private static ConnectBlock DecodeConnect(ref WireReader r, int version)
    {
        var neighbours = new Dictionary<int, IActorRef>();
        List<IActorRef>? peers = null;
        while (r.NextField())
        {
            if (r.Field != 1 && r.Field != 2)
            {
                r.SkipField();
                continue;
            }
            bool peer = r.Field == 2;
            var entry = r.ReadNested();
            int block = -1;
            IActorRef? actor = null;
            while (entry.NextField())
            {
                switch (entry.Field)
                {
                    case 1: block = entry.ReadInt32(); break;
                    case 2: actor = entry.ReadActorRef(); break;
                    default: entry.SkipField(); break;
                }
            }
            if (block < 0 || actor is null) throw new WireFormatException("ConnectBlock: a neighbour or peer entry needs a block index and an actor ref.");
            if (peer)
            {
                peers ??= new List<IActorRef>();
                if (block != peers.Count) throw new WireFormatException($"ConnectBlock: peer {block} out of block order (expected {peers.Count}).");
                peers.Add(actor);
            }
            else if (!neighbours.TryAdd(block, actor)) throw new WireFormatException($"ConnectBlock: block {block} is listed twice.");
        }
        return new ConnectBlock(neighbours) { Peers = peers };
    }

    private static PeerBounds DecodePeerBounds(ref WireReader r, int version)
    {
        long step = 0;
        int block = 0;
        double[] bounds = [];
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: step = r.ReadInt64(); break;
                case 2: block = r.ReadInt32(); break;
                case 3: bounds = r.ReadDoubles(); break;
                default: r.SkipField(); break;
            }
        }
        return new PeerBounds(step, block, bounds);
    }

    private static ExtendLease DecodeExtendLease(ref WireReader r, int version)
    {
        long until = 0;
        while (r.NextField())
        {
            if (r.Field == 1) until = r.ReadInt64();
            else r.SkipField();
        }
        return new ExtendLease(until);
    }

    private static ReportBounds DecodeReportBounds(ref WireReader r, int version)
    {
        long step = 0;
        while (r.NextField())
        {
            if (r.Field == 1) step = r.ReadInt64();
            else r.SkipField();
        }
        return new ReportBounds(step);
    }

    private static Halo DecodeHalo(ref WireReader r, int version)
    {
        long step = 0;
        int exchange = 0, port = 0;
        double[] data = [];
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: step = r.ReadInt64(); break;
                case 2: exchange = r.ReadInt32(); break;
                case 3: port = r.ReadInt32(); break;
                case 4: data = r.ReadDoubles(); break;
                default: r.SkipField(); break;
            }
        }
        return new Halo(step, exchange, port, data);
    }

    private static BlockBounds DecodeBlockBounds(ref WireReader r, int version)
    {
        long step = 0;
        int block = 0;
        double[] bounds = [];
        double compute = 0, haloWait = 0;
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: step = r.ReadInt64(); break;
                case 2: block = r.ReadInt32(); break;
                case 3: bounds = r.ReadDoubles(); break;
                case 4: compute = r.ReadDouble(); break;
                case 5: haloWait = r.ReadDouble(); break;
                default: r.SkipField(); break;
            }
        }
        return new BlockBounds(step, block, bounds) { ComputeSeconds = compute, HaloWaitSeconds = haloWait };
    }

    private static void EncodeOrder(StepOrder o, WireWriter w)
    {
        w.WriteInt64(1, o.Step);
        w.WriteDouble(2, o.T);
        w.WriteDouble(3, o.Dt);
        w.WriteDouble(4, o.TNext);
        w.WriteInt32(5, o.Stages);
        if (o.Detail is { } detail)
        {
            w.WriteBool(6, true);
            w.WriteInt32s(7, detail);
        }
    }

    private static RunStep DecodeRunStep(ref WireReader r, int version)
    {
        StepOrder? order = null;
        long leaseUntil = 0;
        double leaseTEnd = 0;
        while (r.NextField())
        {
            if (r.Field == 2) { leaseUntil = r.ReadInt64(); continue; }
            if (r.Field == 3) { leaseTEnd = r.ReadDouble(); continue; }
            if (r.Field != 1)
            {
                r.SkipField();
                continue;
            }
            var o = r.ReadNested();
            long step = 0;
            double t = 0, dt = 0, tNext = 0;
            int stages = 0;
            bool hasDetail = false;
            int[] detail = [];
            while (o.NextField())
            {
                switch (o.Field)
                {
                    case 1: step = o.ReadInt64(); break;
                    case 2: t = o.ReadDouble(); break;
                    case 3: dt = o.ReadDouble(); break;
                    case 4: tNext = o.ReadDouble(); break;
                    case 5: stages = o.ReadInt32(); break;
                    case 6: hasDetail = o.ReadBool(); break;
                    case 7: detail = o.ReadInt32s(); break;
                    default: o.SkipField(); break;
                }
            }
            order = new StepOrder(step, t, dt, tNext, stages, hasDetail ? detail : null);
        }
        return new RunStep(order ?? throw new WireFormatException("RunStep without a step order.")) { LeaseUntil = leaseUntil, LeaseTEnd = leaseTEnd };
    }

    private static StepDone DecodeStepDone(ref WireReader r, int version)
    {
        long step = 0;
        int block = 0;
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: step = r.ReadInt64(); break;
                case 2: block = r.ReadInt32(); break;
                default: r.SkipField(); break;
            }
        }
        return new StepDone(step, block);
    }

    private static RequestSnapshot DecodeRequestSnapshot(ref WireReader r, int version)
    {
        int index = 0;
        while (r.NextField())
        {
            if (r.Field == 1) index = r.ReadInt32();
            else r.SkipField();
        }
        return new RequestSnapshot(index);
    }

    private static BlockSnapshot DecodeBlockSnapshot(ref WireReader r, int version)
    {
        int index = 0, block = 0;
        double[] data = [];
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: index = r.ReadInt32(); break;
                case 2: block = r.ReadInt32(); break;
                case 3: data = r.ReadDoubles(); break;
                default: r.SkipField(); break;
            }
        }
        return new BlockSnapshot(index, block, data);
    }
}
