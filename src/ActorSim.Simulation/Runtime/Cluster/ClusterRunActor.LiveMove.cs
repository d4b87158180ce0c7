using System.Diagnostics;
using Akka.Actor;
using ActorSim.Actors.Remote;
using Microsoft.Extensions.Logging;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// Live block moves (issue "Elastic cluster", items 1 and 2): the submitter asks for a new placement
/// (<see cref="MoveBlocks"/>: a worker joined, a node is leaving, the load is uneven). For a particle model whose
/// coordinator runs here, the blocks that change node move without a checkpoint and without a new epoch:
/// <list type="number">
/// <item>the new nodes build actors for the moving blocks, made to be restored (no initial sampling), while the run goes on;</item>
/// <item>the coordinator holds at its next step barrier (<see cref="PauseAtBarrier"/>);</item>
/// <item>each moving block sends its state straight to its new actor (<see cref="HandBlockOver"/> →
/// <see cref="RestoreBlockState"/>), which loads it and answers <see cref="BlockRestored"/> to its host (which only now
/// includes it in its fan-out) and the host to this actor; the old actor stops;</item>
/// <item>the coordinator goes on with the new block set (<see cref="ResumeWithBlocks"/>); the submitter hears
/// <see cref="BlocksMoved"/>.</item>
/// </list>
/// Only the moved blocks' states travel, once, node to node. The results are unchanged bit for bit (the same blocks with the
/// same states answer the same rounds). Anything else declines (<see cref="MoveDeclined"/>): subdomain models (neighbours
/// hold each other's references), a coordinator beside its blocks, node-local checkpoints, a gather tree; the submitter
/// then moves the blocks through a checkpoint and the next epoch. A failure during the move (a node lost, a block
/// that cannot load its state, a minute without progress) interrupts the epoch, which recovers from its last checkpoint.
/// </summary>
internal sealed partial class ClusterRunActor
{
    private static readonly TimeSpan LiveMoveTimeout = TimeSpan.FromSeconds(60);

    private sealed record LiveMoveTimedOut;
    private sealed record ResendStates;

    /// <summary>How long a moving block's state may take before its old actor is asked to send it again.</summary>
    private static readonly TimeSpan ResendInterval = TimeSpan.FromSeconds(3);

    private sealed class LiveMove(MoveBlocks request, int[] blocks)
    {
        public MoveBlocks Request { get; } = request;
        public int[] Blocks { get; } = blocks;
        public long Requested { get; } = Stopwatch.GetTimestamp();
        public HashSet<string> Creating { get; } = new(StringComparer.Ordinal);
        public Dictionary<int, IActorRef> NewRefs { get; } = new();
        public Dictionary<string, IActorRef> NewHosts { get; } = new(StringComparer.Ordinal);
        public HashSet<int> Restoring { get; } = new();
        public Dictionary<int, long> Bytes { get; } = new();
        public long Paused { get; set; }
        public PausedAtBarrier? At { get; set; }
    }

    private LiveMove? _move;

    /// <summary>Why this run cannot move its blocks live now, or null.</summary>
    private string? CannotMoveLive(MoveBlocks request)
    {
        if (_phase != Phase.Running || _move is not null) return _move is not null ? "a move is already under way" : "the run is not running";
        if (_model is not Particles.IParticleModel) return "blocks of a subdomain model hold their neighbours' references";
        if (_coordinator is null || !Equals(Context.Child("coordinator"), _coordinator)) return "the coordinator runs beside the blocks";
        if (NodeLocal) return "node-local checkpoints keep each block's files on its node";
        if (_tree is not null) return "the replies are gathered over a tree of the nodes";
        if (request.Placement.Count != _placement.Length) return $"the placement names {request.Placement.Count} blocks, the run has {_placement.Length}";
        return null;
    }

    private void OnMoveBlocks(MoveBlocks request)
    {
        if (CannotMoveLive(request) is { } why)
        {
            Log.LogInformation("Run {Run}: no live move ({Why}); the submitter moves the blocks through a checkpoint", RunId, why);
            _listener?.Tell(new MoveDeclined(RunId, why), Self);
            return;
        }
        var blocks = Enumerable.Range(0, _placement.Length).Where(b => _placement[b] != request.Placement[b]).ToArray();
        if (blocks.Length == 0)
        {
            _listener?.Tell(new BlocksMoved(RunId, _placement, _workers, [], [], 0, 0, 0, 0), Self);
            return;
        }
        var move = new LiveMove(request, blocks);
        _move = move;
        Log.LogInformation("Run {Run}: moving block{S} {Blocks} live ({Why}): {Placement}", RunId, Plural(blocks.Length), string.Join(", ", blocks),
            request.Reason, BlockPlacement.Describe(request.Placement));
        Timers.StartSingleTimer("live-move", new LiveMoveTimedOut(), LiveMoveTimeout);
        // The new actors first, while the run goes on: building them is not part of the pause.
        foreach (var group in blocks.GroupBy(b => request.Placement[b]))
        {
            move.Creating.Add(group.Key);
            AskToCreate(group.Key, new CreateBlocks(RunId, _scenario.SourceFile, _submit.ScenarioText, group.ToArray(), Self, _self.NodeId)
            {
                Epoch = Epoch,
                ForRestore = true,
                Adding = true,
            });
        }
    }

    private void OnMoveCreated(BlocksCreated created)
    {
        var move = _move!;
        if (!move.Creating.Remove(created.NodeId)) return;
        for (int i = 0; i < created.Blocks.Length; i++) move.NewRefs[created.Blocks[i]] = created.Refs[i];
        move.NewHosts[created.NodeId] = created.Host;
        if (move.Creating.Count > 0) return;
        _coordinator!.Tell(new PauseAtBarrier(), Self);
    }

    private void OnPaused(PausedAtBarrier paused)
    {
        var move = _move!;
        move.Paused = Stopwatch.GetTimestamp();
        move.At = paused;
        foreach (int b in move.Blocks) move.Restoring.Add(b);
        SendStates(move);
        Timers.StartPeriodicTimer("move-resend", new ResendStates(), ResendInterval);
    }

    /// <summary>Asks the old actor of each block still moving to send its state to the new one.</summary>
    private void SendStates(LiveMove move)
    {
        foreach (int b in move.Restoring)
        {
            // The new host hears first that the state is loaded (the block joins its fan-out), then passes it on to this actor.
            var newHost = move.NewHosts[move.Request.Placement[b]];
            _hostOf[_placement[b]].Tell(new HandBlockOver(RunId, b, move.At!.Step, move.NewRefs[b], newHost), Self);
        }
    }

    private void OnMoveRestored(BlockRestored restored)
    {
        var move = _move!;
        if (restored.Error.Length > 0)
        {
            Fail($"run {RunId}: block {restored.Block} could not move to node '{move.Request.Placement[restored.Block]}': {restored.Error}", recoverable: true);
            return;
        }
        if (!move.Restoring.Remove(restored.Block)) return;
        move.Bytes[restored.Block] = restored.Bytes;
        if (move.Restoring.Count > 0) return;
        CompleteMove(move);
    }

    private void CompleteMove(LiveMove move)
    {
        Timers.Cancel("live-move");
        Timers.Cancel("move-resend");
        var before = _placement;
        _placement = move.Request.Placement.ToArray();
        foreach (var (b, actor) in move.NewRefs) _blocks[b] = actor;
        foreach (var (node, host) in move.NewHosts)
            if (!_hostOf.ContainsKey(node)) _hostOf[node] = host;
        var cluster = Cluster;
        foreach (var node in before.Distinct().Where(n => Array.IndexOf(_placement, n) < 0).ToArray())
        {
            // No blocks of the run left there: its part of the run is released (a leaving node may go now).
            _hostOf.Remove(node);
            cluster.ActorFor(node, NodeActor.Path).Tell(new ReleaseRun(RunId, "its blocks moved to other nodes") { Epoch = Epoch }, Self);
        }
        _hosts.Clear();
        _hosts.AddRange(_placement.Distinct().Select(n => _hostOf[n]));
        _workers = _workers.Union(_placement).Order(StringComparer.Ordinal).ToArray();
        _coordinator!.Tell(new ResumeWithBlocks(new NodeFanoutBlockSet(RunId, _blocks, _hosts.ToArray())), Self);
        _move = null;

        var at = move.At!;
        double barrier = (move.Paused - move.Requested) / (double)Stopwatch.Frequency;
        double transfer = Stopwatch.GetElapsedTime(move.Paused).TotalSeconds;
        long[] bytes = move.Blocks.Select(b => StateBytes(b)).ToArray();
        Log.LogInformation("Run {Run}: block{S} {Blocks} moved live at step {Step} in {Transfer:0.000} s (waited {Barrier:0.000} s for the step): {Placement}",
            RunId, Plural(move.Blocks.Length), string.Join(", ", move.Blocks), at.Step, transfer, barrier, BlockPlacement.Describe(_placement));
        ToMonitor(new Monitoring.RunInfo(RunId, _scenario.Model, _scenario.SourceFile, _scenario.Time.End, _placement.Length, "cluster", _placement));
        ToMonitor(new Monitoring.RunEvent(Monitoring.RunEventKinds.Move, DateTimeOffset.UtcNow, at.Step, at.T,
            $"block{Plural(move.Blocks.Length)} {string.Join(", ", move.Blocks)} moved live at step {at.Step} ({move.Request.Reason}; " +
            $"{bytes.Sum() / 1e6:0.#} MB node to node in {transfer:0.000} s, no checkpoint, no step repeated): {BlockPlacement.Describe(_placement)}"));
        _listener?.Tell(new BlocksMoved(RunId, _placement, _workers, move.Blocks, bytes, at.Step, at.T, barrier, transfer), Self);

        long StateBytes(int b) => move.Bytes.TryGetValue(b, out long n) ? n : 0;
    }

    /// <summary>A node lost while blocks move to or from it: the move cannot finish; the epoch recovers from its checkpoint.</summary>
    private bool LostDuringMove(string node) => _move is { } move && (move.Creating.Contains(node) || move.NewHosts.ContainsKey(node)
        || move.Blocks.Any(b => _placement[b] == node));
}
