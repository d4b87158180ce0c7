using ActorSim.Actors.Remote.Wire;
using ActorSim.Simulation.Particles;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// Wire contracts (ids 110–119) of the particle-block protocol: <see cref="BlockRound"/> (the round's kind, header and
/// bulk arrays) and <see cref="BlockReply"/>, every array as raw little-endian doubles. A round is encoded when it is
/// sent, so the coordinator may reuse its buffers afterwards exactly as in process.
/// </summary>
public static class ParticleWire
{
    /// <summary>The contract ids.</summary>
    public static class Ids
    {
        public const int BlockRound = 110;
        public const int BlockReply = 111;
    }

    /// <summary>Registers the particle-block contracts.</summary>
    public static void Register(WireRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register<BlockRound>(Ids.BlockRound, 1, EncodeRound, DecodeRound);
        registry.Register<BlockReply>(Ids.BlockReply, 1, static (m, w) =>
        {
            w.WriteInt64(1, m.Seq);
            w.WriteInt32(2, m.Block);
            w.WriteDoubles(3, m.Data);
            w.WriteDouble(4, m.ComputeSeconds); // monitoring; older readers skip field 4
        }, DecodeReply);
    }

    private static void EncodeRound(BlockRound m, WireWriter w)
    {
        w.WriteInt64(1, m.Seq);
        w.WriteInt32(2, m.Round.Kind);
        w.WriteDoubles(3, m.Round.Header);
        if (m.Round.Bulk is { } bulk)
        {
            w.WriteBool(4, true);
            foreach (var array in bulk) w.WriteDoubles(5, array);
        }
    }

    private static BlockRound DecodeRound(ref WireReader r, int version)
    {
        long seq = 0;
        int kind = 0;
        double[] header = [];
        bool hasBulk = false;
        var bulk = new List<double[]>();
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: seq = r.ReadInt64(); break;
                case 2: kind = r.ReadInt32(); break;
                case 3: header = r.ReadDoubles(); break;
                case 4: hasBulk = r.ReadBool(); break;
                case 5: bulk.Add(r.ReadDoubles()); break;
                default: r.SkipField(); break;
            }
        }
        return new BlockRound(seq, new ParticleRound(kind, header, hasBulk ? bulk.ToArray() : null));
    }

    private static BlockReply DecodeReply(ref WireReader r, int version)
    {
        long seq = 0;
        int block = 0;
        double[] data = [];
        double compute = 0;
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: seq = r.ReadInt64(); break;
                case 2: block = r.ReadInt32(); break;
                case 3: data = r.ReadDoubles(); break;
                case 4: compute = r.ReadDouble(); break;
                default: r.SkipField(); break;
            }
        }
        return new BlockReply(seq, block, data) { ComputeSeconds = compute };
    }
}
