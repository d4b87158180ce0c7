using ActorSim.Actors.Remote.Wire;
using Akka.Actor;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// Wire contracts (ids 185–191) of node-local ("buddy") checkpoints (BuddyCheckpointMessages.cs): block states travel as
/// packed doubles, so one copy must fit in a frame (64 MB on the Akka.NET fabric: 8 million doubles). Every decoder skips
/// unknown fields and reads version 1.
/// </summary>
public static class BuddyWire
{
    /// <summary>The contract ids.</summary>
    public static class Ids
    {
        public const int BuddyCopy = 185;
        public const int CheckpointCommitted = 186;
        public const int CheckpointInventoryRequest = 187;
        public const int CheckpointInventory = 188;
        public const int SendBlockState = 189;
        public const int RestoreBlockState = 190;
        public const int BlockRestored = 191;
    }

    /// <summary>Registers the buddy-checkpoint contracts.</summary>
    public static void Register(WireRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register<BuddyCopy>(Ids.BuddyCopy, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            w.WriteString(2, m.Directory);
            w.WriteInt64(3, m.Step);
            w.WriteNested(4, m.File, CheckpointWire.EncodeFile);
            w.WriteDoubles(5, m.State);
            w.WriteActorRef(6, m.Coordinator);
        }, static (ref WireReader r, int _) =>
        {
            string run = "", directory = "";
            long step = 0;
            CheckpointBlockFile? file = null;
            double[] state = [];
            IActorRef? coordinator = null;
            while (r.NextField())
            {
                switch (r.Field)
                {
                    case 1: run = r.ReadString(); break;
                    case 2: directory = r.ReadString(); break;
                    case 3: step = r.ReadInt64(); break;
                    case 4: file = CheckpointWire.DecodeFile(r.ReadNested()); break;
                    case 5: state = r.ReadDoubles(); break;
                    case 6: coordinator = r.ReadActorRef(); break;
                    default: r.SkipField(); break;
                }
            }
            return new BuddyCopy(run, directory, step, file ?? throw new WireFormatException("BuddyCopy without a file entry."), state,
                coordinator ?? throw new WireFormatException("BuddyCopy without the coordinator."));
        });
        registry.Register<CheckpointCommitted>(Ids.CheckpointCommitted, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            w.WriteString(2, m.Directory);
            w.WriteInt64(3, m.Step);
            w.WriteString(4, m.ManifestJson);
        }, static (ref WireReader r, int _) =>
        {
            string run = "", directory = "", manifest = "";
            long step = 0;
            while (r.NextField())
            {
                switch (r.Field)
                {
                    case 1: run = r.ReadString(); break;
                    case 2: directory = r.ReadString(); break;
                    case 3: step = r.ReadInt64(); break;
                    case 4: manifest = r.ReadString(); break;
                    default: r.SkipField(); break;
                }
            }
            return new CheckpointCommitted(run, directory, step, manifest);
        });
        registry.Register<CheckpointInventoryRequest>(Ids.CheckpointInventoryRequest, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            w.WriteString(2, m.Directory);
        }, static (ref WireReader r, int _) =>
        {
            string run = "", directory = "";
            while (r.NextField())
            {
                switch (r.Field)
                {
                    case 1: run = r.ReadString(); break;
                    case 2: directory = r.ReadString(); break;
                    default: r.SkipField(); break;
                }
            }
            return new CheckpointInventoryRequest(run, directory);
        });
        registry.Register<CheckpointInventory>(Ids.CheckpointInventory, 1, static (m, w) =>
        {
            w.WriteString(1, m.NodeId);
            foreach (var manifest in m.Manifests) w.WriteString(2, manifest);
            foreach (var held in m.Blocks)
                w.WriteNested(3, held, static (h, w2) =>
                {
                    w2.WriteInt64(1, h.Step);
                    w2.WriteInt32(2, h.Block);
                    w2.WriteInt64(3, h.Length);
                    w2.WriteBool(4, h.InMemory);
                });
        }, static (ref WireReader r, int _) =>
        {
            string node = "";
            var manifests = new List<string>();
            var blocks = new List<HeldBlock>();
            while (r.NextField())
            {
                switch (r.Field)
                {
                    case 1: node = r.ReadString(); break;
                    case 2: manifests.Add(r.ReadString()); break;
                    case 3: blocks.Add(DecodeHeld(r.ReadNested())); break;
                    default: r.SkipField(); break;
                }
            }
            return new CheckpointInventory(node, manifests, blocks);
        });
        registry.Register<SendBlockState>(Ids.SendBlockState, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            w.WriteString(2, m.Directory);
            w.WriteInt64(3, m.Step);
            w.WriteNested(4, m.File, CheckpointWire.EncodeFile);
            w.WriteActorRef(5, m.Target);
            w.WriteActorRef(6, m.ReplyTo);
        }, static (ref WireReader r, int _) =>
        {
            string run = "", directory = "";
            long step = 0;
            CheckpointBlockFile? file = null;
            IActorRef? target = null, replyTo = null;
            while (r.NextField())
            {
                switch (r.Field)
                {
                    case 1: run = r.ReadString(); break;
                    case 2: directory = r.ReadString(); break;
                    case 3: step = r.ReadInt64(); break;
                    case 4: file = CheckpointWire.DecodeFile(r.ReadNested()); break;
                    case 5: target = r.ReadActorRef(); break;
                    case 6: replyTo = r.ReadActorRef(); break;
                    default: r.SkipField(); break;
                }
            }
            if (file is null || target is null || replyTo is null) throw new WireFormatException("SendBlockState needs a file entry, a target and a reply-to actor.");
            return new SendBlockState(run, directory, step, file, target, replyTo);
        });
        registry.Register<RestoreBlockState>(Ids.RestoreBlockState, 1, static (m, w) =>
        {
            w.WriteInt64(1, m.Step);
            w.WriteNested(2, m.File, CheckpointWire.EncodeFile);
            w.WriteDoubles(3, m.State);
            w.WriteActorRef(4, m.ReplyTo);
        }, static (ref WireReader r, int _) =>
        {
            long step = 0;
            CheckpointBlockFile? file = null;
            double[] state = [];
            IActorRef? replyTo = null;
            while (r.NextField())
            {
                switch (r.Field)
                {
                    case 1: step = r.ReadInt64(); break;
                    case 2: file = CheckpointWire.DecodeFile(r.ReadNested()); break;
                    case 3: state = r.ReadDoubles(); break;
                    case 4: replyTo = r.ReadActorRef(); break;
                    default: r.SkipField(); break;
                }
            }
            if (file is null || replyTo is null) throw new WireFormatException("RestoreBlockState needs a file entry and a reply-to actor.");
            return new RestoreBlockState(step, file, state, replyTo);
        });
        registry.Register<BlockRestored>(Ids.BlockRestored, 1, static (m, w) =>
        {
            w.WriteInt32(1, m.Block);
            w.WriteInt64(2, m.Step);
            w.WriteString(3, m.Error);
            w.WriteInt64(4, m.Bytes);
        }, static (ref WireReader r, int _) =>
        {
            int block = -1;
            long step = 0, bytes = 0;
            string error = "";
            while (r.NextField())
            {
                switch (r.Field)
                {
                    case 1: block = r.ReadInt32(); break;
                    case 2: step = r.ReadInt64(); break;
                    case 3: error = r.ReadString(); break;
                    case 4: bytes = r.ReadInt64(); break;
                    default: r.SkipField(); break;
                }
            }
            return new BlockRestored(block, step, error) { Bytes = bytes };
        });
    }

    private static HeldBlock DecodeHeld(WireReader r)
    {
        long step = 0, length = 0;
        int block = -1;
        bool memory = false;
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: step = r.ReadInt64(); break;
                case 2: block = r.ReadInt32(); break;
                case 3: length = r.ReadInt64(); break;
                case 4: memory = r.ReadBool(); break;
                default: r.SkipField(); break;
            }
        }
        return new HeldBlock(step, block, length, memory);
    }
}
