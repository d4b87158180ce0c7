using System.Diagnostics;
using ActorSim.Actors;
using Akka.Actor;
using ActorSim.Actors.Remote;
using ActorSim.Actors.Remote.Membership;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Subdomains;
using Microsoft.Extensions.Logging;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// One submitted run on the leader node: finds the worker nodes (waiting for the submitter's minimum), places the
/// blocks (<see cref="BlockPlacement"/>), has each worker create its blocks, answers the submitter with
/// <see cref="RunAccepted"/>, then, on <see cref="BeginRun"/>, starts the run's coordinator as its child (a
/// <see cref="SubdomainCoordinatorActor"/> or <see cref="Particles.ParticleCoordinatorActor"/> over the remote and local
/// block actors, or a <see cref="CoordinatorActor"/> for a model without blocks) with the submitter's output writer —
/// or, when every block sits on one node, has that node's block host start it there (ClusterRunActor.BesideBlocks.cs).
/// One instance serves one epoch of the run (<see cref="SubmitRun.Epoch"/>): an epoch after a failure continues from the
/// newest valid checkpoint in the run's checkpoint directory. It watches the membership: a node holding blocks that
/// crashes or leaves ends the epoch with a recoverable <see cref="RunFailed"/> naming the node and its blocks (the
/// submitter then starts the next epoch); a failing block or coordinator fails the run. At the end the workers
/// release the blocks.
/// </summary>
internal sealed partial class ClusterRunActor : Actor, IWithTimers
{
    private static readonly TimeSpan InfoTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CreateTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(250);

    private enum Phase { Inventory, Discovering, Creating, Restoring, Accepted, Running, Done }

    private sealed record Discovered(NodeInfo[] Nodes);
    private sealed record RetryDiscovery;
    private sealed record CreateFailed(string Node, int[] Blocks, string Error);

    private readonly SubmitRun _submit;
    private readonly Scenario _scenario;
    private readonly IRunnableModel _model;
    private readonly NodeInfo _self;
    private readonly FailureRelay _relay;
    private Phase _phase = Phase.Discovering;
    private IActorRef? _requester, _listener, _coordinator;
    private long _deadline;
    private string[] _placement = [];
    private string[] _workers = [];
    private IActorRef[] _blocks = [];
    private readonly List<IActorRef> _hosts = new();
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);

    public ClusterRunActor(SubmitRun submit, Scenario scenario, IRunnableModel model, NodeInfo self, FailureRelay relay)
    {
        _submit = submit;
        _scenario = scenario;
        _model = model;
        _self = self;
        _relay = relay;
    }

    public static string ChildName(string runId, int epoch) => epoch == 0 ? $"coord-{runId}" : $"coord-{runId}-e{epoch}";

    /// <summary>Is the actor at <paramref name="path"/> the coordination of an epoch of <paramref name="runId"/> older than <paramref name="epoch"/>?</summary>
    public static bool IsOlderEpoch(string path, string runId, int epoch)
    {
        for (int e = 0; e < epoch; e++)
            if (path.EndsWith("/" + ChildName(runId, e), StringComparison.Ordinal)) return true;
        return false;
    }

    private string RunId => _submit.RunId;

    /// <summary>Akka's timers of this actor (cancelled when it stops).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    private int Epoch => _submit.Epoch;

    private LoadedCheckpoint? _resume;
    private readonly List<string> _warnings = new();

    private ClusterNode Cluster => ClusterNode.Of(Context.System) ?? throw new InvalidOperationException("this node has left the cluster");

    protected override void PreStart()
    {
        _relay.Target = Self;
        Cluster.Subscribe(Self);
    }

    protected override void PostStop()
    {
        ClusterNode.Of(Context.System)?.Unsubscribe(Self);
        if (_phase != Phase.Done) Release("the run's actor stopped");
    }

    protected override void Receive(object message)
    {
        try
        {
            Handle(message);
        }
        catch (Exception ex)
        {
            Fail($"the run's coordination on node '{_self.NodeId}' failed: {ex.Message}");
        }
    }

    private void Handle(object message)
    {
        switch (message)
        {
            case SubmitRun when _requester is null:
                _requester = Sender;
                _deadline = Stopwatch.GetTimestamp() + (long)(Math.Max(0, _submit.WaitMilliseconds) / 1000.0 * Stopwatch.Frequency);
                if (NodeLocal && Epoch > 0) GatherInventories(); // node-local checkpoints: ask every node what it holds first
                else
                {
                    LoadCheckpoint();
                    Proceed();
                }
                break;
            case Inventoried inventoried when _phase == Phase.Inventory:
                ChooseCheckpoint(inventoried.Inventories);
                Proceed();
                break;
            case BlockRestored restored when _phase == Phase.Restoring:
                OnRestored(restored);
                break;
            case RestoreTimedOut when _phase == Phase.Restoring:
                Fail($"run {RunId}: the blocks' checkpoint states did not all arrive within {RestoreTimeout.TotalSeconds:0} s (restored {_restored} of {_blocks.Length})");
                break;
            case Monitoring.RunEvent { Kind: Monitoring.RunEventKinds.Checkpoint, Step: { } step } checkpoint when _phase == Phase.Running:
                if (NodeLocal) Commit(step);
                ForwardMonitoring(checkpoint);
                break;
            case RetryDiscovery when _phase == Phase.Discovering:
                Discover();
                break;
            case Discovered d when _phase == Phase.Discovering:
                OnDiscovered(d.Nodes);
                break;
            case BlocksCreated created when _phase == Phase.Creating && created.RunId == RunId:
                OnCreated(created);
                break;
            // A live block move (ClusterRunActor.LiveMove.cs).
            case MoveBlocks move when move.RunId == RunId:
                OnMoveBlocks(move);
                break;
            case BlocksCreated created when _phase == Phase.Running && _move is not null && created.RunId == RunId:
                OnMoveCreated(created);
                break;
            case CreateFailed f when _phase == Phase.Running && _move is not null:
                Fail($"run {RunId}: node '{f.Node}' could not take the blocks moving to it: {f.Error}", recoverable: true, f.Node);
                break;
            case PausedAtBarrier paused when _phase == Phase.Running && _move is { At: null }:
                OnPaused(paused);
                break;
            case BlockRestored restored when _phase == Phase.Running && _move is not null:
                OnMoveRestored(restored);
                break;
            case ResendStates when _phase == Phase.Running && _move is { At: not null } resending:
                SendStates(resending);
                break;
            case LiveMoveTimedOut when _phase == Phase.Running && _move is not null:
                Fail($"run {RunId}: moving blocks {string.Join(", ", _move.Blocks)} did not finish within {LiveMoveTimeout.TotalSeconds:0} s", recoverable: true);
                break;
            case CreateFailed f when _phase == Phase.Creating:
                Fail($"node '{f.Node}' could not create block{Plural(f.Blocks.Length)} {string.Join(", ", f.Blocks)} of run {RunId}: {f.Error}");
                break;
            case BeginRun begin when _phase == Phase.Accepted && begin.RunId == RunId:
                OnBegin(begin);
                break;
            case RunCompleted completed when _phase == Phase.Running:
                MonitorEnded(completed); // monitoring
                // The model's analysis as it stands after the run (conservation errors, closed-form checks), as in process
                // (a coordinator beside its blocks sends its own model's).
                _listener!.Tell(completed with { AnalysisJson = completed.AnalysisJson ?? _model.Analysis().ToJsonString() }, Self);
                Log.LogInformation("Run {Run} {Status} at t = {T} ({Steps} steps)", RunId, completed.Status, completed.T, completed.Counters.Accepted);
                // A cancelled run may be resumed (`actorsim resume --cluster`): its in-memory checkpoint copies stay.
                Finish($"run {completed.Status.ToString().ToLowerInvariant()}", final: completed.Status == RunStatus.Completed);
                break;
            case RunProgress or Monitoring.StepRecord or Monitoring.RunEvent or Monitoring.FieldPreview:
                ForwardMonitoring(message); // monitoring: the coordinator's progress listener is this actor
                break;
            case StopRun stop when _phase == Phase.Running:
                _coordinator!.Tell(stop, Self);
                break;
            case StopRun stop:
                Fail($"run {RunId} was stopped before it started: {stop.Reason}");
                break;
            case NodeLeaving leaving when leaving.RunId == RunId:
                // A node leaving on purpose: the submitter moves the blocks at the next step (no checkpoints: nothing to move from).
                if (_phase == Phase.Running && _submit.CheckpointDirectory.Length > 0 && _listener is not null && _placement.Contains(leaving.NodeId))
                {
                    _listener.Tell(leaving, Self);
                    Sender?.Tell(new HandOverAccepted(RunId), Self);
                }
                else
                    Sender?.Tell(new HandOverDeclined(RunId, _submit.CheckpointDirectory.Length == 0
                        ? "the run writes no checkpoints, so its blocks cannot move (the run recovers from the start once the node is gone)"
                        : "the run is not running here"), Self);
                break;
            case AbortRun abort when abort.RunId == RunId:
                Log.LogWarning("Run {Run} aborted by its submitter: {Reason}", RunId, abort.Reason);
                Finish($"aborted by the submitter: {abort.Reason}");
                break;
            case BlockFailed failed when failed.RunId == RunId:
                Fail($"run {RunId}: {failed.Error}");
                break;
            case ChildFailure failure when GatherFailedIn(failure.Cause) is { } gather:
                GatherFailed(gather); // ClusterRunActor.Tree.cs
                break;
            case ChildFailure failure:
                Fail($"the coordinator of run {RunId} on node '{_self.NodeId}' failed: {failure.Cause.Message}");
                break;
            case MemberCrashed crashed:
                OnNodeLost(crashed.NodeId, $"crashed ({crashed.Reason})", crashed.SilentFor);
                break;
            case MemberLeft left:
                OnNodeLost(left.NodeId, "left the cluster", TimeSpan.Zero);
                break;
            case ClusterEvent:
            case Inventoried:
            case BlockRestored:
            case RestoreTimedOut:
            case RetryDiscovery:
            case Discovered:
            case BlocksCreated:
            case CreateFailed:
            case BlockFailed:
            case AbortRun:
            case MoveBlocks:
            case PausedAtBarrier:
            case LiveMoveTimedOut:
            case ResendStates:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    // ---- Finding workers and placing blocks -----------------------------------------------------------------

    /// <summary>After the checkpoint to continue from is known: place the blocks, or start the coordinator alone for a model without blocks.</summary>
    private void Proceed()
    {
        _phase = Phase.Discovering;
        if (BlockModels.BlockCount(_model) is not null) Discover();
        else Accept(); // no blocks: the coordinator alone runs the model
    }

    private void Discover()
    {
        var cluster = Cluster;
        var system = Context.System;
        var self = Self;
        var members = cluster.Members.Select(m => m.NodeId).Where(n => n != _submit.SubmitterNode && !_submit.Exclude.Contains(n)).ToArray();
        var asks = members.Select(async node =>
        {
            try
            {
                return await cluster.ActorFor(node, NodeActor.Path).Ask<NodeInfo>(new NodeInfoRequest(), InfoTimeout).ConfigureAwait(false);
            }
            catch (Exception)
            {
                return null; // not a simulation node (e.g. another submitter), or gone
            }
        }).ToArray();
        Task.WhenAll(asks).ContinueWith(t => self.Tell(new Discovered(t.Result.OfType<NodeInfo>().ToArray())), TaskScheduler.Default);
    }

    private void OnDiscovered(NodeInfo[] nodes)
    {
        foreach (var node in nodes) _simulationNodes.Add(node.NodeId);
        var workers = new List<string>();
        foreach (var node in nodes.Where(n => n.IsWorker).OrderBy(n => n.NodeId, StringComparer.Ordinal))
        {
            if (node.Version != _self.Version)
                Log.LogWarning("Run {Run}: worker '{Node}' runs actorsim {Version}, the coordinator {Own}; it gets no blocks (results must come from one version)",
                    RunId, node.NodeId, node.Version, _self.Version);
            else workers.Add(node.NodeId);
        }
        int min = Math.Max(1, _submit.MinWorkers);
        if (workers.Count < min)
        {
            if (Stopwatch.GetTimestamp() < _deadline)
            {
                Timers.StartSingleTimer("retry-discovery", new RetryDiscovery(), RetryInterval);
                return;
            }
            Fail($"cluster '{Cluster.ClusterId}' has {workers.Count} worker node{Plural(workers.Count)}" +
                 (workers.Count > 0 ? $" ({string.Join(", ", workers)})" : "") +
                 $" but the run needs at least {min} (waited {_submit.WaitMilliseconds / 1000.0:0.#} s); start more with 'actorsim node --config <file>' or lower --min-workers");
            return;
        }

        int blockCount = BlockModels.BlockCount(_model)!.Value;
        _workers = workers.ToArray();
        // A load-balancing move names the placement it computed; it is used when every node in it is still a worker here.
        _placement = _submit.Placement.Count == blockCount && _submit.Placement.All(n => Array.IndexOf(_workers, n) >= 0)
            ? _submit.Placement.ToArray()
            : BlockPlacement.Assign(blockCount, _workers);
        _blocks = new IActorRef[blockCount];
        Log.LogInformation("Run {Run}: {Blocks} blocks on {Nodes} worker nodes ({Placement})",
            RunId, blockCount, _workers.Length, BlockPlacement.Describe(_placement));
        _tree = PlanTree(blockCount); // ClusterRunActor.Tree.cs

        _phase = Phase.Creating;
        var self = Self;
        foreach (var node in _placement.Distinct())
        {
            _pending.Add(node);
            int[] blocks = BlockPlacement.BlocksOf(_placement, node);
            var create = new CreateBlocks(RunId, _scenario.SourceFile, _submit.ScenarioText, blocks, self, _self.NodeId)
            {
                Epoch = Epoch,
                NodeLocalDirectory = NodeLocal ? _submit.CheckpointDirectory : "",
                BuddyNode = NodeLocal ? BuddyOf(node) : "",
                ForRestore = _resume is not null,
                Tree = _tree,
            };
            AskToCreate(node, create);
        }
    }

    /// <summary>Asks <paramref name="node"/> to create blocks; this actor gets <see cref="BlocksCreated"/> or <see cref="CreateFailed"/>.</summary>
    private void AskToCreate(string node, CreateBlocks create)
    {
        var self = Self;
        Cluster.ActorFor(node, NodeActor.Path).Ask<BlocksCreated>(create, CreateTimeout).ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully) self.Tell(t.Result);
            else self.Tell(new CreateFailed(node, create.Blocks, t.Exception?.InnerException?.Message ?? "cancelled"));
        }, TaskScheduler.Default);
    }

    private void OnCreated(BlocksCreated created)
    {
        for (int i = 0; i < created.Blocks.Length; i++) _blocks[created.Blocks[i]] = created.Refs[i];
        _hosts.Add(created.Host);
        HostCreated(created); // ClusterRunActor.BesideBlocks.cs
        _pending.Remove(created.NodeId);
        if (_pending.Count > 0) return;
        if (_holders is not null) StartRestore(); // node-local checkpoint: the holders send the blocks their states first
        else Accept();
    }

    private void Accept()
    {
        _phase = Phase.Accepted;
        var resume = _resume is { Manifest: var m }
            ? new ResumePoint(_resume.Folder, m.Step, m.T, m.TimeseriesRows, m.FieldNames.ToArray())
            {
                BlockBytes = m.Blocks.OrderBy(b => b.Block).Select(b => b.Length).ToArray(),
            }
            : null;
        _requester?.Tell(new RunAccepted(RunId, Self, _self.NodeId, _placement, _workers, _model.Columns.ToArray(), _model.Analysis().ToJsonString())
        {
            Epoch = Epoch,
            Resume = resume,
            Warnings = _warnings.ToArray(),
            RestoredFrom = _restoredFrom,
            RestoreMilliseconds = _restoreMilliseconds,
            SteppingNode = SteppingNode,
        }, Self);
    }

    private void OnBegin(BeginRun begin)
    {
        _listener = begin.Listener;
        if (StartBesideBlocks(begin)) return; // every block on one node: the coordinator runs there (ClusterRunActor.BesideBlocks.cs)
        var outputTimes = _scenario.Time.OutputTimes();
        var blocks = WithTree(new NodeFanoutBlockSet(RunId, _blocks, _hosts.ToArray()));
        var checkpoint = _submit.CheckpointDirectory.Length > 0 ? _scenario.Run.Checkpoint : null;
        var directory = checkpoint is null ? null : NodeLocal ? LocalRunDirectory : _submit.CheckpointDirectory;
        var resume = _resume;
        int epoch = Epoch;
        var self = Self; // captured now: Akka's Self inside the factory (run on the child's creation) would be the child's
        Props props = _model switch
        {
            ICoordinatorModel m => ActorFactory.Props(() => new CoordinatorActor(m, outputTimes, begin.Writer, self, checkpoint, directory, resume, epoch)),
            ISubdomainModel m => ActorFactory.Props(() => new SubdomainCoordinatorActor(m, outputTimes, begin.Writer, self, checkpoint, directory, resume, blocks, epoch)),
            Particles.IParticleModel m => ActorFactory.Props(() => new Particles.ParticleCoordinatorActor(m, outputTimes, begin.Writer, self, checkpoint, directory, resume, blocks, epoch)),
            _ => throw new InvalidOperationException($"model type {_model.GetType().Name} has no coordinator"),
        };
        _coordinator = Context.ActorOf(props, "coordinator");
        _phase = Phase.Running;
        MonitorStarted(); // monitoring
        _coordinator.Tell(new StartRun(), Self);
        Log.LogInformation("Run {Run} epoch {Epoch} started (coordinator {Coordinator}){From}", RunId, Epoch, _coordinator.Path.ToStringWithoutAddress(),
            _resume is null ? "" : $" from the checkpoint at step {_resume.Manifest.Step}, t = {_resume.Manifest.T}");
    }

    /// <summary>A recovered run (epoch &gt; 0) continues from the newest valid checkpoint of its directory, or from the start when there is none.</summary>
    private void LoadCheckpoint()
    {
        if (Epoch == 0 || _submit.CheckpointDirectory.Length == 0 || !Directory.Exists(_submit.CheckpointDirectory)) return;
        try
        {
            _resume = CheckpointStore.LoadLatest(_submit.CheckpointDirectory, w =>
            {
                _warnings.Add(w);
                Log.LogWarning("Run {Run}: {Warning}", RunId, w);
            }, m => m.Model != _model.GetType().Name ? $"it was written by model {m.Model}, not {_model.GetType().Name}" : null);
        }
        catch (CheckpointException e)
        {
            Log.LogWarning("Run {Run} epoch {Epoch}: no usable checkpoint ({Error}); starting over from t = 0", RunId, Epoch, e.Message);
            _warnings.Add($"no usable checkpoint ({e.Message}); the run starts over");
        }
    }

    // ---- Failures -----------------------------------------------------------------------------------------

    private void OnNodeLost(string node, string what, TimeSpan silent)
    {
        if (_phase == Phase.Done) return;
        if (node == _submit.SubmitterNode)
        {
            Log.LogWarning("Run {Run}: its submitter '{Node}' {What}; abandoning the run", RunId, node, what);
            Finish($"the submitter {what}");
            return;
        }
        int[] blocks = BlockPlacement.BlocksOf(_placement, node);
        if (_phase == Phase.Restoring && blocks.Length == 0 && _restoredFrom.Any(source => source.StartsWith(node + " ", StringComparison.Ordinal)))
        {
            Fail($"node '{node}' {what} while sending checkpoint states to the blocks of run {RunId}", recoverable: true, node, silent);
            return;
        }
        if (blocks.Length == 0 && LostDuringMove(node))
        {
            Fail($"node '{node}' {what} while blocks of run {RunId} were moving to it", recoverable: true, node, silent);
            return;
        }
        if (blocks.Length == 0) return;
        Fail(NodeLostMessage(RunId, node, what, blocks, coordinator: false), recoverable: true, node, silent);
    }

    /// <summary>The error of a run that lost a node, e.g. "node 'b' crashed (...) while holding blocks 1, 3 of run R; ...".</summary>
    public static string NodeLostMessage(string runId, string node, string what, int[] blocks, bool coordinator)
    {
        string held = blocks.Length > 0 ? $"block{Plural(blocks.Length)} {string.Join(", ", blocks)}" : "no blocks";
        string role = coordinator ? ", the run's coordinator," : "";
        return $"node '{node}'{role} {what} while holding {held} of run {runId}";
    }

    private void Fail(string error, bool recoverable = false, string node = "", TimeSpan silent = default)
    {
        if (_phase == Phase.Done) return;
        if (recoverable) Log.LogWarning("Run {Run} epoch {Epoch} interrupted: {Error}", RunId, Epoch, error);
        else Log.LogError("Run {Run} failed: {Error}", RunId, error);
        MonitorFailed(error, recoverable); // monitoring
        if (_listener is not null) _listener.Tell(new RunFailed(RunId, error, recoverable) { Node = node, DetectionMilliseconds = (long)silent.TotalMilliseconds }, Self);
        else _requester?.Tell(new Status.Failure(new InvalidOperationException(error)), Self);
        // Before the run began, a recovering submitter submits the epoch again (SubmitWithRetriesAsync): the copies must stay.
        Finish(error, final: !recoverable && (_listener is not null || Epoch == 0));
    }

    /// <param name="final">The run is over for good (not an interrupted epoch): the nodes forget its in-memory checkpoint copies too.</param>
    private void Finish(string reason, bool final = false)
    {
        if (_phase == Phase.Done) return;
        _phase = Phase.Done;
        Release(reason, final);
        Context.Stop(Self);
    }

    private void Release(string reason, bool final = false)
    {
        var cluster = ClusterNode.Of(Context.System);
        if (cluster is null) return;
        var nodes = final && NodeLocal ? KeeperNodes(cluster).Union(_placement) : _placement.Distinct();
        if (_move is { } move) nodes = nodes.Union(move.Creating).Union(move.NewHosts.Keys); // blocks built for a move that did not finish
        foreach (var node in nodes)
            cluster.ActorFor(node, NodeActor.Path).Tell(new ReleaseRun(RunId, reason) { Epoch = Epoch, Final = final }, Self);
    }

    private static string Plural(int n) => n == 1 ? "" : "s";
}

/// <summary>The blocks of a cluster run: a message for all of them goes once to each node's block host (<see cref="BlockFanout"/>).</summary>
internal sealed class NodeFanoutBlockSet(string runId, IReadOnlyList<IActorRef> blocks, IReadOnlyList<IActorRef> hosts) : BlockSet(blocks)
{
    public override void TellAll(object message, IActorRef sender)
    {
        var fanout = new BlockFanout(runId, message);
        foreach (var host in hosts) host.Tell(fanout, sender);
    }
}
