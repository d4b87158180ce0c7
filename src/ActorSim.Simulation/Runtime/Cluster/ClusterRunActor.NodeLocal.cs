using ActorSim.Actors.Remote;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// Node-local ("buddy") checkpoints of a cluster run (<see cref="SubmitRun.NodeLocalCheckpoints"/>): no directory is shared.
/// Each worker writes its blocks' files into its own checkpoint directory, and each block's state also goes to the
/// <see cref="CheckpointKeeperActor"/> of its buddy node (the next node holding blocks, in node-id order), which keeps it in
/// memory and only then answers the coordinator, so a complete checkpoint is on two nodes. Once the coordinator wrote a
/// manifest (into this node's directory), this actor sends it to every node (<see cref="CheckpointCommitted"/>). A recovery
/// asks every node what it holds (<see cref="CheckpointInventory"/>), takes the newest checkpoint with a manifest and a holder
/// for every block, and — after the blocks are created — has a holder of each block send its state to the block's new
/// actor (its own node's file or memory first, then a buddy's memory, then another node's file), before the coordinator
/// starts. All blocks restore the same step. Lost for good: a block whose node and buddy node fail together.
/// </summary>
internal sealed partial class ClusterRunActor
{
    private static readonly TimeSpan RestoreTimeout = TimeSpan.FromSeconds(120);

    private sealed record Inventoried(CheckpointInventory[] Inventories);
    private sealed record RestoreTimedOut;

    /// <summary>The holders of each block's state of the checkpoint resumed from (node, in memory), null when the blocks restore themselves.</summary>
    private List<(string Node, bool InMemory)>[]? _holders;
    private string[] _restoredFrom = [];
    private int _restored;
    private long _restoreStarted, _restoreMilliseconds;

    /// <summary>The nodes known to run ActorSim's node actor (they answered <see cref="NodeInfoRequest"/> or an inventory request), this one included.</summary>
    private readonly HashSet<string> _simulationNodes = new(StringComparer.Ordinal);

    /// <summary>The run takes node-local checkpoints (a scenario without <c>run.checkpoint</c> takes none).</summary>
    private bool NodeLocal => _submit.NodeLocalCheckpoints && _submit.CheckpointDirectory.Length > 0;

    /// <summary>The run's checkpoint directory on this (the coordinator's) node.</summary>
    private string LocalRunDirectory => CheckpointKeeperActor.RunDirectory(_self.CheckpointDirectory, _submit.CheckpointDirectory);

    /// <summary>The nodes that may hold the run's checkpoints: every member but the submitter and the nodes it saw lost.</summary>
    private IEnumerable<string> CheckpointNodes(ClusterNode cluster) =>
        cluster.Members.Select(m => m.NodeId).Where(n => n != _submit.SubmitterNode && !_submit.Exclude.Contains(n)).Distinct();

    /// <summary>Where manifests and the run's end go: the members known to be simulation nodes (not other submitters).</summary>
    private IEnumerable<string> KeeperNodes(ClusterNode cluster)
    {
        _simulationNodes.Add(_self.NodeId);
        return CheckpointNodes(cluster).Where(_simulationNodes.Contains);
    }

    /// <summary>The node keeping copies of <paramref name="node"/>'s blocks: the next node holding blocks, in node-id order (none with one node).</summary>
    private string BuddyOf(string node)
    {
        var nodes = _placement.Distinct().Order(StringComparer.Ordinal).ToArray();
        if (nodes.Length < 2) return "";
        return nodes[(Array.IndexOf(nodes, node) + 1) % nodes.Length];
    }

    private void GatherInventories()
    {
        _phase = Phase.Inventory;
        var cluster = Cluster;
        var self = Self;
        var request = new CheckpointInventoryRequest(RunId, _submit.CheckpointDirectory);
        var asks = CheckpointNodes(cluster).Select(async node =>
        {
            try
            {
                return await cluster.ActorFor(node, NodeActor.Path).Ask<CheckpointInventory>(request, InfoTimeout).ConfigureAwait(false);
            }
            catch (Exception)
            {
                return null; // gone, or not a simulation node
            }
        }).ToArray();
        Task.WhenAll(asks).ContinueWith(t => self.Tell(new Inventoried(t.Result.OfType<CheckpointInventory>().ToArray())), TaskScheduler.Default);
    }

    /// <summary>The newest checkpoint with a valid manifest and a holder for every block's state (of the manifest's length); none: start over.</summary>
    private void ChooseCheckpoint(CheckpointInventory[] inventories)
    {
        foreach (var inventory in inventories) _simulationNodes.Add(inventory.NodeId);
        int blocks = BlockModels.BlockCount(_model) ?? 0;
        var manifests = new SortedDictionary<long, CheckpointManifest>(Comparer<long>.Create((a, b) => b.CompareTo(a)));
        foreach (var inventory in inventories)
        {
            foreach (var text in inventory.Manifests)
            {
                try
                {
                    var m = CheckpointStore.ParseManifest(text, $"a manifest on node '{inventory.NodeId}'");
                    if (m.Model != _model.GetType().Name) throw new CheckpointException($"{m.Model} wrote it, not {_model.GetType().Name}");
                    if (m.Blocks.Count != blocks) throw new CheckpointException($"it has {m.Blocks.Count} blocks, the run {blocks}");
                    manifests.TryAdd(m.Step, m);
                }
                catch (CheckpointException e)
                {
                    Warn($"a checkpoint manifest on node '{inventory.NodeId}' is not usable: {e.Message}");
                }
            }
        }
        foreach (var (step, m) in manifests)
        {
            var holders = new List<(string Node, bool InMemory)>[blocks];
            var missing = new List<int>();
            foreach (var f in m.Blocks)
            {
                holders[f.Block] = inventories.OrderBy(i => i.NodeId, StringComparer.Ordinal)
                    .SelectMany(i => i.Blocks.Where(h => h.Step == step && h.Block == f.Block && h.Length == f.Length).Select(h => (i.NodeId, h.InMemory)))
                    .Distinct().ToList();
                if (holders[f.Block].Count == 0) missing.Add(f.Block);
            }
            if (missing.Count > 0)
            {
                Warn($"the checkpoint at step {step} cannot be used: no surviving node holds the state of block{Plural(missing.Count)} {string.Join(", ", missing)} " +
                     "(the node that held them and its buddy are both gone); trying the previous one");
                continue;
            }
            _resume = new LoadedCheckpoint(CheckpointStore.FolderFor(LocalRunDirectory, step), m) { BlocksRestored = blocks > 0 };
            _holders = blocks > 0 ? holders : null;
            Log.LogInformation("Run {Run} epoch {Epoch}: continuing from the node-local checkpoint at step {Step} (manifests from {Nodes} nodes)",
                RunId, Epoch, step, inventories.Length);
            return;
        }
        Warn(manifests.Count == 0 ? "no node holds a complete checkpoint of the run; the run starts over" : "no complete checkpoint survived; the run starts over");
    }

    private void Warn(string warning)
    {
        _warnings.Add(warning);
        Log.LogWarning("Run {Run} epoch {Epoch}: {Warning}", RunId, Epoch, warning);
    }

    /// <summary>Each block's state goes from one of its holders to the block's new actor: its own node first, then a copy in memory, then a file elsewhere.</summary>
    private void StartRestore()
    {
        _phase = Phase.Restoring;
        _restored = 0;
        _restoreStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        _restoredFrom = new string[_blocks.Length];
        var cluster = Cluster;
        var m = _resume!.Manifest;
        foreach (var f in m.Blocks)
        {
            var holders = _holders![f.Block];
            var (node, memory) = holders.Where(h => h.Node == _placement[f.Block]).Concat(holders.Where(h => h.InMemory)).Concat(holders).First();
            _restoredFrom[f.Block] = $"{node} {(memory ? "memory" : "file")}";
            cluster.ActorFor(node, NodeActor.Path).Tell(new SendBlockState(RunId, _submit.CheckpointDirectory, m.Step, f, _blocks[f.Block], Self), Self);
        }
        Log.LogInformation("Run {Run} epoch {Epoch}: restoring the blocks from the checkpoint at step {Step}: {Sources}", RunId, Epoch, m.Step,
            string.Join("; ", _restoredFrom.Select((source, b) => $"block {b} <- {source}")));
        Timers.StartSingleTimer("restore-timeout", new RestoreTimedOut(), RestoreTimeout);
    }

    private void OnRestored(BlockRestored restored)
    {
        if (restored.Error.Length > 0)
        {
            Fail($"run {RunId}: block {restored.Block} could not be restored from the checkpoint at step {restored.Step}: {restored.Error}");
            return;
        }
        if (restored.Step != _resume!.Manifest.Step) return;
        if (++_restored < _blocks.Length) return;
        Timers.Cancel("restore-timeout");
        _restoreMilliseconds = (long)System.Diagnostics.Stopwatch.GetElapsedTime(_restoreStarted).TotalMilliseconds;
        Log.LogInformation("Run {Run} epoch {Epoch}: every block restored from the checkpoint at step {Step} in {Ms} ms", RunId, Epoch,
            _resume.Manifest.Step, _restoreMilliseconds);
        Accept();
    }

    /// <summary>The coordinator completed the checkpoint at <paramref name="step"/> (its manifest is in this node's folder): every node gets the manifest.</summary>
    private void Commit(long step)
    {
        string text;
        string path = Path.Combine(CheckpointStore.FolderFor(LocalRunDirectory, step), CheckpointStore.ManifestName);
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.LogWarning("Run {Run}: cannot read the manifest {Path} to replicate it: {Error}", RunId, path, e.Message);
            return;
        }
        var cluster = Cluster;
        var committed = new CheckpointCommitted(RunId, _submit.CheckpointDirectory, step, text);
        foreach (var node in KeeperNodes(cluster)) cluster.ActorFor(node, NodeActor.Path).Tell(committed, Self);
    }
}
