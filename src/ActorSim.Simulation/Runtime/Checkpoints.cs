using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorSim.Simulation.Runtime;

/// <summary>A checkpoint could not be written (e.g. a read-only or full checkpoint directory) or no valid one could be read.</summary>
public sealed class CheckpointException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>One block's file of a checkpoint: its name in the checkpoint's folder, its length in bytes and its SHA-256.</summary>
public sealed record CheckpointBlockFile(int Block, string File, long Length, string Sha256);

/// <summary>
/// The manifest of a complete checkpoint: the coordinator's state at a step barrier (step, t, epoch, next
/// output index, the last written row, and the model's own coordinator state, see <see cref="ICheckpointableModel"/>),
/// what the output writer had written and flushed (time-series rows and the field names of each output, in the
/// order hashed), and the blocks' files with their checksums. <see cref="Epoch"/> is set by the caller (0 for an
/// in-process run; a cluster recovery bumps it).
/// </summary>
public sealed record CheckpointManifest(
    string Model, int Epoch, long Step, double T, int OutputIndex, long TimeseriesRows,
    IReadOnlyList<string> FieldNames, double[] LastRow, IReadOnlyList<CheckpointBlockFile> Blocks, double[] CoordinatorState);

/// <summary>A valid checkpoint (manifest and every block file verified): its folder and manifest. The blocks read their own files on resume (<see cref="RestoreBlock"/>).</summary>
public sealed record LoadedCheckpoint(string Folder, CheckpointManifest Manifest)
{
    /// <summary>The blocks already hold this checkpoint's state (a node-local cluster checkpoint restored from its holders before the
    /// coordinator starts): the coordinator sends them no <see cref="RestoreBlock"/>.</summary>
    public bool BlocksRestored { get; init; }
}

/// <summary>
/// Checkpoint files on disk. A checkpoint is a folder <c>ckpt-&lt;step&gt;</c> in the checkpoint directory with one
/// <c>block-&lt;b&gt;.bin</c> per block (raw little-endian doubles) and, written last, <c>manifest.json</c>, which
/// carries its own SHA-256, those of the block files and the coordinator's state (format 2; format 1, without
/// coordinator state, is still read). Every file is written atomically (temporary
/// file, flush to disk, rename); a folder without a valid manifest is incomplete and ignored.
/// </summary>
public static class CheckpointStore
{
    public const string ManifestName = "manifest.json";
    private const string Prefix = "ckpt-";

    public static string FolderFor(string directory, long step) => Path.Combine(directory, $"{Prefix}{step:D12}");

    public static string BlockFileName(int block) => $"block-{block:D4}.bin";

    /// <summary>Creates the folder of the checkpoint at <paramref name="step"/>, with a clear error naming the directory when it cannot.</summary>
    public static string CreateFolder(string directory, long step)
    {
        string folder = FolderFor(directory, step);
        try
        {
            Directory.CreateDirectory(folder);
            // Probe: creating a folder can succeed where writing files cannot.
            string probe = Path.Combine(folder, ".probe");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return folder;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"cannot write checkpoints to the checkpoint directory {directory}: {e.Message}", e);
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically (temporary file, flush to disk, rename); returns the SHA-256 (hex).</summary>
    public static string WriteAtomically(string path, ReadOnlySpan<byte> bytes)
    {
        string tmp = Output.AtomicFile.TemporaryPath(path);
        try
        {
            using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                f.Write(bytes);
                f.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
            DirectorySync.Flush(Path.GetDirectoryName(Path.GetFullPath(path))!); // the rename itself reaches the disk
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(tmp); } catch (Exception) { /* best effort */ }
            throw new CheckpointException($"cannot write the checkpoint file {path} (checkpoint directory {Path.GetDirectoryName(Path.GetDirectoryName(path))}): {e.Message}", e);
        }
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>Writes one block's state; returns its file entry.</summary>
    public static CheckpointBlockFile WriteBlock(string folder, int block, ReadOnlySpan<double> state)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("checkpoints are written on little-endian machines only");
        var bytes = MemoryMarshal.AsBytes(state);
        string name = BlockFileName(block);
        string sha = WriteAtomically(Path.Combine(folder, name), bytes);
        return new CheckpointBlockFile(block, name, bytes.Length, sha);
    }

    /// <summary>
    /// Writes the manifest (last, making the checkpoint complete) and, unless <paramref name="prune"/> is false (the caller
    /// then calls <see cref="Prune"/> itself, e.g. off its critical path), removes all but the newest <paramref name="keep"/>
    /// complete checkpoints and any older incomplete ones.
    /// </summary>
    public static void WriteManifest(string folder, CheckpointManifest m, int keep = 2, bool prune = true)
    {
        var body = new JsonObject
        {
            ["format"] = 2,
            ["model"] = m.Model,
            ["epoch"] = m.Epoch,
            ["step"] = m.Step,
            ["t"] = m.T,
            ["t_bits"] = BitConverter.DoubleToInt64Bits(m.T),
            ["output_index"] = m.OutputIndex,
            ["timeseries_rows"] = m.TimeseriesRows,
            ["field_names"] = new JsonArray(m.FieldNames.Select(n => (JsonNode?)n).ToArray()),
            ["last_row_bits"] = new JsonArray(m.LastRow.Select(v => (JsonNode?)BitConverter.DoubleToInt64Bits(v)).ToArray()),
            ["coordinator_state_bits"] = new JsonArray(m.CoordinatorState.Select(v => (JsonNode?)BitConverter.DoubleToInt64Bits(v)).ToArray()),
            ["blocks"] = new JsonArray(m.Blocks.Select(b => (JsonNode?)new JsonObject
            {
                ["block"] = b.Block, ["file"] = b.File, ["length"] = b.Length, ["sha256"] = b.Sha256,
            }).ToArray()),
        };
        string bodyText = body.ToJsonString();
        var doc = new JsonObject { ["manifest"] = JsonNode.Parse(bodyText), ["sha256"] = Sha(bodyText) };
        WriteAtomically(Path.Combine(folder, ManifestName), Encoding.UTF8.GetBytes(doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n"));
        if (prune) Prune(Path.GetDirectoryName(folder)!, keep);
    }

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static IEnumerable<(long Step, string Folder)> Folders(string directory) =>
        !Directory.Exists(directory) ? [] :
        Directory.EnumerateDirectories(directory, Prefix + "*")
            .Select(d => (Ok: long.TryParse(Path.GetFileName(d)[Prefix.Length..], out long s), Step: s, Folder: d))
            .Where(x => x.Ok).Select(x => (x.Step, x.Folder)).OrderByDescending(x => x.Step);

    /// <summary>Removes all but the newest <paramref name="keep"/> complete checkpoints in <paramref name="directory"/> and any incomplete ones older than the newest complete one.</summary>
    public static void Prune(string directory, int keep = 2)
    {
        int complete = 0;
        foreach (var (_, folder) in Folders(directory))
        {
            bool isComplete = File.Exists(Path.Combine(folder, ManifestName));
            if (isComplete && complete < keep) { complete++; continue; }
            if (!isComplete && complete == 0) continue; // newer than every complete one: possibly being written
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { /* best effort */ }
        }
    }

    /// <summary>
    /// The newest valid checkpoint in <paramref name="directory"/>: its manifest and every block file are
    /// checked (present, length, SHA-256); <paramref name="check"/> may reject it further (e.g. outputs
    /// missing). A rejected checkpoint is reported through <paramref name="warn"/>, naming the file, and the
    /// previous one is tried.
    /// </summary>
    public static LoadedCheckpoint LoadLatest(string directory, Action<string> warn, Func<CheckpointManifest, string?>? check = null)
    {
        if (!Directory.Exists(directory)) throw new CheckpointException($"no checkpoint directory {directory}: the run wrote no checkpoints (set run.checkpoint in the scenario)");
        foreach (var (_, folder) in Folders(directory))
        {
            try
            {
                var loaded = Load(folder);
                if (check?.Invoke(loaded.Manifest) is { } problem) throw new CheckpointException(problem);
                return loaded;
            }
            catch (CheckpointException e)
            {
                warn($"checkpoint {folder} is not usable, trying the previous one: {e.Message}");
            }
        }
        throw new CheckpointException($"no valid checkpoint in {directory}");
    }

    /// <summary>Reads and verifies one checkpoint folder: the manifest's checksum, then every block file's presence, length and SHA-256.</summary>
    public static LoadedCheckpoint Load(string folder)
    {
        string manifestPath = Path.Combine(folder, ManifestName);
        if (!File.Exists(manifestPath)) throw new CheckpointException($"{manifestPath} is missing (the checkpoint is incomplete)");
        var m = ParseManifest(File.ReadAllText(manifestPath), manifestPath);
        var seen = new bool[m.Blocks.Count];
        foreach (var b in m.Blocks)
        {
            if (b.Block < 0 || b.Block >= seen.Length || seen[b.Block]) throw new CheckpointException($"{manifestPath}: bad block entry {b.Block}");
            seen[b.Block] = true;
            Verify(folder, b);
        }
        return new LoadedCheckpoint(folder, m);
    }

    /// <summary>
    /// Parses and checks a manifest's text (its own checksum and format); <paramref name="where"/> names it in errors.
    /// The block files are not looked at (node-local checkpoints keep them on several nodes).
    /// </summary>
    public static CheckpointManifest ParseManifest(string text, string where)
    {
        try
        {
            var doc = JsonNode.Parse(text)!.AsObject();
            var body = doc["manifest"]!.AsObject();
            if (Sha(body.ToJsonString()) != (string?)doc["sha256"]) throw new CheckpointException($"{where}: checksum mismatch");
            int format = (int)body["format"]!;
            if (format is not (1 or 2)) throw new CheckpointException($"{where}: format {format} is not known (1 and 2 are)");
            return new CheckpointManifest(
                (string)body["model"]!, (int)body["epoch"]!, (long)body["step"]!, BitConverter.Int64BitsToDouble((long)body["t_bits"]!),
                (int)body["output_index"]!, (long)body["timeseries_rows"]!,
                body["field_names"]!.AsArray().Select(n => (string)n!).ToArray(),
                Bits(body["last_row_bits"]!),
                body["blocks"]!.AsArray().Select(n => new CheckpointBlockFile((int)n!["block"]!, (string)n["file"]!, (long)n["length"]!, (string)n["sha256"]!)).ToArray(),
                format >= 2 ? Bits(body["coordinator_state_bits"]!) : []);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException or KeyNotFoundException)
        {
            throw new CheckpointException($"{where}: unreadable ({e.Message})", e);
        }
    }

    /// <summary>The step of a checkpoint folder's name (<c>ckpt-&lt;step&gt;</c>), or null for another name.</summary>
    public static long? StepOf(string folder) =>
        Path.GetFileName(folder) is { } name && name.StartsWith(Prefix, StringComparison.Ordinal) && long.TryParse(name[Prefix.Length..], out long s) ? s : null;

    private static double[] Bits(JsonNode node) => node.AsArray().Select(n => BitConverter.Int64BitsToDouble((long)n!)).ToArray();

    /// <summary>Checks one block file (present, length, SHA-256) without keeping it in memory.</summary>
    private static void Verify(string folder, CheckpointBlockFile b)
    {
        using var f = OpenBlock(folder, b, out string path);
        if (Convert.ToHexStringLower(SHA256.HashData(f)) != b.Sha256) throw new CheckpointException($"{path}: checksum mismatch (corrupted)");
    }

    /// <summary>Reads one block's state from <paramref name="folder"/> after checking its length and SHA-256 against the manifest entry.</summary>
    public static double[] ReadBlock(string folder, CheckpointBlockFile b)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("checkpoints are read on little-endian machines only");
        if (b.Length % 8 != 0) throw new CheckpointException($"{Path.Combine(folder, b.File)}: the manifest's length {b.Length} is not a whole number of doubles");
        var state = new double[b.Length / 8];
        var bytes = MemoryMarshal.AsBytes(state.AsSpan());
        string path;
        using (var f = OpenBlock(folder, b, out path)) f.ReadExactly(bytes);
        if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != b.Sha256) throw new CheckpointException($"{path}: checksum mismatch (corrupted)");
        return state;
    }

    /// <summary>Opens a block file for reading after checking that it is there with the manifest's length.</summary>
    private static FileStream OpenBlock(string folder, CheckpointBlockFile b, out string path)
    {
        path = Path.Combine(folder, b.File);
        if (!File.Exists(path)) throw new CheckpointException($"{path} is missing");
        var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        if (f.Length == b.Length) return f;
        long length = f.Length;
        f.Dispose();
        throw new CheckpointException($"{path}: {length} bytes, the manifest says {b.Length} (truncated?)");
    }
}
