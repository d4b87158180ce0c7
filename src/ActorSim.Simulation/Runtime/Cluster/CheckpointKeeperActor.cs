using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using ActorSim.Actors;
using Microsoft.Extensions.Logging;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// A node's keeper of one run's node-local checkpoints (a child of the <see cref="NodeActor"/>, outliving the run's
/// epochs): it keeps in memory the block states its buddies send (<see cref="BuddyCopy"/>, verified against their
/// SHA-256, answered to the coordinator with <see cref="BlockStateSaved"/>) until a newer checkpoint is complete; writes
/// each complete checkpoint's manifest (<see cref="CheckpointCommitted"/>) into the node's own checkpoint folder and
/// prunes older ones; tells a recovering run what it holds (<see cref="CheckpointInventory"/>: manifests, its own block
/// files, its in-memory copies) and sends a block's state to the block's new actor (<see cref="SendBlockState"/>).
/// </summary>
internal sealed class CheckpointKeeperActor(string runId, string nodeId, string nodeCheckpointDirectory) : Actor
{
    private const string BlockFilePrefix = "block-";

    /// <summary>In-memory copies by (step, block): the newest complete checkpoint's and any newer one being taken.</summary>
    private readonly Dictionary<(long Step, int Block), (CheckpointBlockFile File, double[] State)> _copies = new();
    private long _committed = -1;
    private string? _committedManifest;

    /// <summary>The run's checkpoint directory on this node (a relative one lies under the node's checkpoint_dir).</summary>
    public static string RunDirectory(string nodeCheckpointDirectory, string directory) => Path.Combine(nodeCheckpointDirectory, directory);

    protected override void Receive(object message)
    {
        switch (message)
        {
            case BuddyCopy copy:
                OnCopy(copy);
                break;
            case CheckpointCommitted committed:
                OnCommitted(committed);
                break;
            case CheckpointInventoryRequest request:
                Sender.Tell(Inventory(request.Directory), Self);
                break;
            case SendBlockState send:
                OnSend(send);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnCopy(BuddyCopy copy)
    {
        var bytes = MemoryMarshal.AsBytes(copy.State.AsSpan());
        if (bytes.Length != copy.File.Length || Convert.ToHexStringLower(SHA256.HashData(bytes)) != copy.File.Sha256)
            Log.LogError("Node '{Node}': run {Run}: the buddy copy of block {Block} at step {Step} does not match its checksum; not kept (the block's own file remains)",
                nodeId, runId, copy.File.Block, copy.Step);
        else if (copy.Step > _committed) _copies[(copy.Step, copy.File.Block)] = (copy.File, copy.State);
        // Answered in any case: the coordinator waits for every block, and the block's own node has its file.
        copy.Coordinator.Tell(new BlockStateSaved(copy.Step, copy.File.Block, copy.File), Self);
    }

    private void OnCommitted(CheckpointCommitted committed)
    {
        if (committed.Step > _committed)
        {
            _committed = committed.Step;
            _committedManifest = committed.ManifestJson;
            foreach (var key in _copies.Keys.Where(k => k.Step < committed.Step).ToArray()) _copies.Remove(key);
        }
        string directory = RunDirectory(nodeCheckpointDirectory, committed.Directory);
        try
        {
            string folder = CheckpointStore.FolderFor(directory, committed.Step);
            Directory.CreateDirectory(folder);
            string manifest = Path.Combine(folder, CheckpointStore.ManifestName);
            if (!File.Exists(manifest)) CheckpointStore.WriteAtomically(manifest, Encoding.UTF8.GetBytes(committed.ManifestJson));
            CheckpointStore.Prune(directory);
        }
        catch (Exception e) when (e is CheckpointException or IOException or UnauthorizedAccessException)
        {
            Log.LogWarning("Node '{Node}': run {Run}: cannot keep the manifest of the checkpoint at step {Step} in {Directory}: {Error} (it stays in memory)",
                nodeId, runId, committed.Step, directory, e.Message);
        }
    }

    /// <summary>The manifests (in memory and in the node's checkpoint folders) and block states this node holds.</summary>
    private CheckpointInventory Inventory(string runDirectory)
    {
        var manifests = new List<string>();
        if (_committedManifest is not null) manifests.Add(_committedManifest);
        var held = _copies.Select(c => new HeldBlock(c.Key.Step, c.Key.Block, c.Value.File.Length, InMemory: true)).ToList();
        string directory = RunDirectory(nodeCheckpointDirectory, runDirectory);
        try
        {
            if (Directory.Exists(directory))
            {
                foreach (var folder in Directory.EnumerateDirectories(directory))
                {
                    if (CheckpointStore.StepOf(folder) is not { } step) continue;
                    string manifest = Path.Combine(folder, CheckpointStore.ManifestName);
                    if (File.Exists(manifest))
                    {
                        string text = File.ReadAllText(manifest);
                        if (!manifests.Contains(text)) manifests.Add(text);
                    }
                    foreach (var file in Directory.EnumerateFiles(folder, BlockFilePrefix + "*.bin"))
                    {
                        string name = Path.GetFileNameWithoutExtension(file);
                        if (int.TryParse(name[BlockFilePrefix.Length..], out int block) && name == Path.GetFileNameWithoutExtension(CheckpointStore.BlockFileName(block)))
                            held.Add(new HeldBlock(step, block, new FileInfo(file).Length, InMemory: false));
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.LogWarning("Node '{Node}': run {Run}: cannot list the checkpoints in {Directory}: {Error}", nodeId, runId, directory, e.Message);
        }
        return new CheckpointInventory(nodeId, manifests, held);
    }

    private void OnSend(SendBlockState send)
    {
        int block = send.File.Block;
        double[] state;
        if (_copies.TryGetValue((send.Step, block), out var copy) && copy.File.Sha256 == send.File.Sha256)
            state = copy.State; // verified when it arrived
        else
        {
            try
            {
                state = CheckpointStore.ReadBlock(CheckpointStore.FolderFor(RunDirectory(nodeCheckpointDirectory, send.Directory), send.Step), send.File);
            }
            catch (Exception e) when (e is CheckpointException or IOException or UnauthorizedAccessException)
            {
                send.ReplyTo.Tell(new BlockRestored(block, send.Step, $"node '{nodeId}' could not send the state of block {block} at step {send.Step}: {e.Message}"), Self);
                return;
            }
        }
        send.Target.Tell(new RestoreBlockState(send.Step, send.File, state, send.ReplyTo), Self);
    }
}
