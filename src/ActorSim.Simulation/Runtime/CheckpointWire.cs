using ActorSim.Actors.Remote.Wire;

namespace ActorSim.Simulation.Runtime;

/// <summary>
/// Wire contracts (ids 180–189) of the coordinated-checkpoint protocol (Runtime/CheckpointMessages.cs), so that
/// the coordinator, blocks on worker nodes and the output writer on the submitting machine can checkpoint a cluster
/// run. Only paths and checksums travel: the states themselves are files in the shared checkpoint directory. Every
/// decoder skips unknown fields and reads version 1.
/// </summary>
public static class CheckpointWire
{
    /// <summary>The contract ids.</summary>
    public static class Ids
    {
        public const int SaveBlockState = 180;
        public const int BlockStateSaved = 181;
        public const int RestoreBlock = 182;
        public const int FlushOutput = 183;
        public const int OutputFlushed = 184;
    }

    /// <summary>Registers the checkpoint contracts.</summary>
    public static void Register(WireRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register<SaveBlockState>(Ids.SaveBlockState, 1, static (m, w) =>
        {
            w.WriteInt64(1, m.Step);
            w.WriteString(2, m.Folder);
        }, DecodeSave);
        registry.Register<BlockStateSaved>(Ids.BlockStateSaved, 1, static (m, w) =>
        {
            w.WriteInt64(1, m.Step);
            w.WriteInt32(2, m.Block);
            w.WriteNested(3, m.File, EncodeFile);
        }, DecodeSaved);
        registry.Register<RestoreBlock>(Ids.RestoreBlock, 1, static (m, w) =>
        {
            w.WriteString(1, m.Folder);
            w.WriteNested(2, m.File, EncodeFile);
        }, DecodeRestore);
        registry.Register<FlushOutput>(Ids.FlushOutput, 1, static (_, _) => { }, static (ref WireReader r, int _) =>
        {
            while (r.NextField()) r.SkipField();
            return new FlushOutput();
        });
        registry.Register<OutputFlushed>(Ids.OutputFlushed, 1, static (m, w) => w.WriteInt64(1, m.Rows), DecodeFlushed);
    }

    internal static void EncodeFile(CheckpointBlockFile f, WireWriter w)
    {
        w.WriteInt32(1, f.Block);
        w.WriteString(2, f.File);
        w.WriteInt64(3, f.Length);
        w.WriteString(4, f.Sha256);
    }

    internal static CheckpointBlockFile DecodeFile(WireReader r)
    {
        int block = -1;
        string file = "", sha = "";
        long length = -1;
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: block = r.ReadInt32(); break;
                case 2: file = r.ReadString(); break;
                case 3: length = r.ReadInt64(); break;
                case 4: sha = r.ReadString(); break;
                default: r.SkipField(); break;
            }
        }
        if (block < 0 || file.Length == 0 || length < 0 || sha.Length == 0)
            throw new WireFormatException("CheckpointBlockFile needs a block index, a file name, a length and a SHA-256.");
        return new CheckpointBlockFile(block, file, length, sha);
    }

    private static SaveBlockState DecodeSave(ref WireReader r, int version)
    {
        long step = 0;
        string folder = "";
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: step = r.ReadInt64(); break;
                case 2: folder = r.ReadString(); break;
                default: r.SkipField(); break;
            }
        }
        if (folder.Length == 0) throw new WireFormatException("SaveBlockState without a folder.");
        return new SaveBlockState(step, folder);
    }

    private static BlockStateSaved DecodeSaved(ref WireReader r, int version)
    {
        long step = 0;
        int block = 0;
        CheckpointBlockFile? file = null;
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: step = r.ReadInt64(); break;
                case 2: block = r.ReadInt32(); break;
                case 3: file = DecodeFile(r.ReadNested()); break;
                default: r.SkipField(); break;
            }
        }
        return new BlockStateSaved(step, block, file ?? throw new WireFormatException("BlockStateSaved without a file."));
    }

    private static RestoreBlock DecodeRestore(ref WireReader r, int version)
    {
        string folder = "";
        CheckpointBlockFile? file = null;
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: folder = r.ReadString(); break;
                case 2: file = DecodeFile(r.ReadNested()); break;
                default: r.SkipField(); break;
            }
        }
        if (folder.Length == 0) throw new WireFormatException("RestoreBlock without a folder.");
        return new RestoreBlock(folder, file ?? throw new WireFormatException("RestoreBlock without a file."));
    }

    private static OutputFlushed DecodeFlushed(ref WireReader r, int version)
    {
        long rows = 0;
        while (r.NextField())
        {
            if (r.Field == 1) rows = r.ReadInt64();
            else r.SkipField();
        }
        return new OutputFlushed(rows);
    }
}
