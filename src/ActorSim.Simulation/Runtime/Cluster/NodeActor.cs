using ActorSim.Actors;
using Akka.Actor;
using ActorSim.Actors.Remote;
using ActorSim.Actors.Remote.Membership;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Scenarios;
using Microsoft.Extensions.Logging;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// The simulation's actor on every cluster node, at <see cref="Path"/>. It describes the node
/// (<see cref="NodeInfo"/>), accepts runs when the node leads the cluster (a <see cref="ClusterRunActor"/> child per
/// run), hosts blocks of runs when the node is a worker (a <see cref="RunBlocksActor"/> child per run, building the
/// kernels from the scenario JSON that came with <see cref="CreateBlocks"/>), releases them when the run ends, and
/// drops the blocks of runs whose coordinator node left or crashed.
/// </summary>
public sealed partial class NodeActor : Actor, IWithTimers
{
    /// <summary>The actor's timers (hand-over and take-over checks; cancelled when it stops).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The actor's name under /user.</summary>
    public const string Name = "actorsim";

    /// <summary>The actor's path on every node.</summary>
    public const string Path = "/user/" + Name;

    private readonly NodeInfo _info;
    private readonly IReadOnlyList<IModelDefinition> _models;
    private readonly FailureRelay _relay;
    private readonly Dictionary<string, (IActorRef Actor, string CoordinatorNode, int Epoch)> _hosted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IActorRef> _keepers = new(StringComparer.Ordinal);
    private int _keeperCount;

    private readonly RunDriving? _runDriving;

    private NodeActor(NodeInfo info, IReadOnlyList<IModelDefinition> models, FailureRelay relay, RunDriving? driving)
    {
        _info = info;
        _models = models;
        _relay = relay;
        _runDriving = driving;
    }

    /// <summary>Props of the node actor (its children's failures end their run instead of the node).</summary>
    /// <param name="driving">Drives runs handed to the cluster (<see cref="DriveRun"/>) in this process; null: the node refuses them.</param>
    public static Props CreateProps(NodeInfo info, IReadOnlyList<IModelDefinition>? models = null, RunDriving? driving = null)
    {
        var relay = new FailureRelay();
        return ActorFactory.Props(() => new NodeActor(info, models ?? ModelCatalog.All, relay, driving)).WithSupervisorStrategy(relay.Strategy);
    }

    private ClusterNode Cluster => ClusterNode.Of(Context.System)
        ?? throw new InvalidOperationException("The node actor needs an actor system connected to a cluster (ClusterNode.StartAsync).");

    protected override void PreStart()
    {
        _relay.Target = Self;
        Cluster.Subscribe(Self);
    }

    protected override void PostStop() => ClusterNode.Of(Context.System)?.Unsubscribe(Self);

    protected override void Receive(object message)
    {
        switch (message)
        {
            case NodeInfoRequest:
                Sender?.Tell(_info, Self);
                break;
            case HandOverBlocks:
                OnHandOver();
                break;
            case HandOverDeclined declined:
                OnHandOverDeclined(declined);
                break;
            case HandOverAccepted accepted:
                OnHandOverAccepted(accepted);
                break;
            case HandOverCheck:
                OnHandOverCheck();
                break;
            case SubmitRun submit:
                OnSubmit(submit);
                break;
            case CreateBlocks { Adding: true } adding when _hosted.TryGetValue(adding.RunId, out var host) && host.Epoch == adding.Epoch:
                host.Actor.Forward(adding); // a live move brings more blocks of the run to this node
                break;
            case CreateBlocks create:
                OnCreateBlocks(create);
                break;
            case HostedBlocksChanged changed:
                OnHostedBlocksChanged(changed);
                break;
            case ReleaseRun release:
                if (_hosted.TryGetValue(release.RunId, out var hosted) && hosted.Epoch <= release.Epoch)
                {
                    _hosted.Remove(release.RunId);
                    Log.LogInformation("Node '{Node}': releasing the blocks of run {Run} epoch {Epoch} ({Reason})", _info.NodeId, release.RunId, hosted.Epoch, release.Reason);
                    Context.Stop(hosted.Actor);
                    NoLongerHosting(release.RunId);
                }
                if (release.Final && _keepers.Remove(release.RunId, out var keeper)) Context.Stop(keeper);
                break;
            // Node-local checkpoints: to the run's keeper on this node.
            case BuddyCopy copy:
                Keeper(copy.RunId).Forward(copy);
                break;
            case CheckpointCommitted committed:
                Keeper(committed.RunId).Forward(committed);
                break;
            case CheckpointInventoryRequest request:
                Keeper(request.RunId).Forward(request);
                break;
            case SendBlockState send:
                Keeper(send.RunId).Forward(send);
                break;
            case MemberLeft left:
                DropRunsOf(left.NodeId, "left the cluster");
                DrivingNodeLost(left.NodeId);
                break;
            case MemberCrashed crashed:
                DropRunsOf(crashed.NodeId, $"crashed ({crashed.Reason})");
                DrivingNodeLost(crashed.NodeId);
                break;
            // Runs driven by the cluster (NodeActor.Driving.cs).
            case DriveRun drive:
                OnDriveRun(drive);
                break;
            case DriveQuery query:
                OnDriveQuery(query);
                break;
            case DrivenRunStatus news:
                OnDriveNews(news);
                break;
            case FetchOutput fetch:
                OnFetchOutput(fetch);
                break;
            case DriverAccepted driverAccepted:
                OnDriverAccepted(driverAccepted);
                break;
            case DriverProgress progress:
                OnDriverProgress(progress);
                break;
            case DriverEnded ended:
                OnDriverEnded(ended);
                break;
            case TakeOverCheck takeOver:
                OnTakeOverCheck(takeOver);
                break;
            case MemberJoined joined:
                TellNewcomer(joined.NodeId);
                break;
            case ClusterEvent:
                break;
            // Monitoring (NodeActor.Monitoring.cs).
            case NodeStatusRequest:
                OnNodeStatus();
                break;
            case RunStatusRequest request:
                OnRunStatus(request);
                break;
            case MonitorItem item:
                OnMonitorItem(item);
                break;
            case SeedRunHistory history:
                OnSeedMonitor(history);
                break;
            case ChildFailure failure:
                // A run actor or a block host failed in its own code (block failures are reported by the block host).
                Log.LogError(failure.Cause, "Node '{Node}': a run actor failed: {Error}", _info.NodeId, failure.Cause.Message);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnSubmit(SubmitRun submit)
    {
        var cluster = Cluster;
        if (!_info.Roles.Contains(NodeRoles.Coordinator) || !cluster.IsLeader)
        {
            Reply(new InvalidOperationException(
                $"node '{_info.NodeId}' does not lead cluster '{cluster.ClusterId}' (the leader is {(cluster.Leader is { } l ? $"'{l}'" : "not known yet")}); submit to the leader"));
            return;
        }
        if (Context.GetChildren().Any(c => c.Path.ToStringWithoutAddress().EndsWith("/" + ClusterRunActor.ChildName(submit.RunId, submit.Epoch), StringComparison.Ordinal)))
        {
            Reply(new InvalidOperationException($"run id {submit.RunId} epoch {submit.Epoch} is already running on node '{_info.NodeId}'"));
            return;
        }
        // An older epoch of the run still coordinated here (the submitter lost contact and recovers): it goes first.
        foreach (var old in Context.GetChildren().Where(c => ClusterRunActor.IsOlderEpoch(c.Path.ToStringWithoutAddress(), submit.RunId, submit.Epoch)).ToArray())
        {
            Log.LogWarning("Node '{Node}': run {Run} continues in epoch {Epoch}; stopping its older coordination {Old}", _info.NodeId, submit.RunId, submit.Epoch, old.Path.ToStringWithoutAddress());
            Context.Stop(old);
        }
        IRunnableModel model;
        Scenario scenario;
        try
        {
            (scenario, model) = Build(submit.ScenarioFile, submit.ScenarioText);
        }
        catch (Exception ex)
        {
            Reply(ex);
            return;
        }
        var relay = new FailureRelay();
        var props = ActorFactory.Props(() => new ClusterRunActor(submit, scenario, model, _info, relay)).WithSupervisorStrategy(relay.Strategy);
        var run = Context.ActorOf(props, ClusterRunActor.ChildName(submit.RunId, submit.Epoch));
        run.Tell(submit, Sender);
    }

    private void OnCreateBlocks(CreateBlocks create)
    {
        if (!_info.IsWorker)
        {
            Reply(new InvalidOperationException($"node '{_info.NodeId}' is not a worker (roles: {string.Join(", ", _info.Roles)})"));
            return;
        }
        if (_hosted.TryGetValue(create.RunId, out var existing))
        {
            if (existing.Epoch >= create.Epoch)
            {
                Reply(new InvalidOperationException($"node '{_info.NodeId}' already hosts blocks of run {create.RunId} (epoch {existing.Epoch}, asked for epoch {create.Epoch})"));
                return;
            }
            // The run lost a node and continues in a newer epoch: the blocks of the old epoch are stale.
            Log.LogWarning("Node '{Node}': dropping the blocks of run {Run} epoch {Old}: the run continues in epoch {Epoch}",
                _info.NodeId, create.RunId, existing.Epoch, create.Epoch);
            _hosted.Remove(create.RunId);
            Context.Stop(existing.Actor);
        }
        IRunnableModel model;
        Scenario scenario;
        try
        {
            (scenario, model) = Build(create.ScenarioFile, create.ScenarioText);
            int count = BlockModels.BlockCount(model) ?? throw new InvalidOperationException(
                $"the model of {create.ScenarioFile} has no blocks (it runs on the coordinator alone)");
            foreach (int b in create.Blocks)
                if (b < 0 || b >= count) throw new InvalidOperationException($"block {b} does not exist (the run has {count} blocks)");
        }
        catch (Exception ex)
        {
            Reply(ex);
            return;
        }
        var relay = new FailureRelay();
        var replyTo = Sender ?? Context.System.DeadLetters;
        if (create.NodeLocalDirectory.Length > 0) Keeper(create.RunId); // exists before any buddy sends a copy
        var props = ActorFactory.Props(() => new RunBlocksActor(create, _info.NodeId, _info.CheckpointDirectory, scenario, model, replyTo, relay))
            .WithSupervisorStrategy(relay.Strategy);
        // A live move may bring blocks back to a node whose earlier host of the epoch is still stopping: a name of its own.
        var host = Context.ActorOf(props, RunBlocksActor.ChildName(create.RunId, create.Epoch) + (create.Adding ? $"-m{++_addedHosts}" : ""));
        _hosted[create.RunId] = (host, create.CoordinatorNode, create.Epoch);
        _runActors[create.RunId] = create.Run; // told when this node leaves (NodeActor.HandOver.cs)
        _hostedBlocks[create.RunId] = create.Blocks; // monitoring
        Log.LogInformation("Node '{Node}': hosting blocks {Blocks} of run {Run} epoch {Epoch} (coordinator '{Coordinator}')",
            _info.NodeId, string.Join(", ", create.Blocks), create.RunId, create.Epoch, create.CoordinatorNode);
    }

    private int _addedHosts;

    /// <summary>A live move took blocks from this node or brought some (a node left with none is released by the run actor).</summary>
    private void OnHostedBlocksChanged(HostedBlocksChanged changed)
    {
        if (_hosted.TryGetValue(changed.RunId, out var hosted) && Equals(hosted.Actor, Sender)) _hostedBlocks[changed.RunId] = changed.Blocks;
    }

    private void DropRunsOf(string node, string what)
    {
        foreach (var (run, hosted) in _hosted.Where(h => h.Value.CoordinatorNode == node).ToArray())
        {
            Log.LogWarning("Node '{Node}': dropping the blocks of run {Run}: its coordinator node '{Coordinator}' {What}",
                _info.NodeId, run, node, what);
            _hosted.Remove(run);
            Context.Stop(hosted.Actor);
            NoLongerHosting(run);
        }
    }

    /// <summary>The keeper of the run's node-local checkpoints on this node (created on first use; it outlives the run's epochs).</summary>
    private IActorRef Keeper(string runId)
    {
        if (_keepers.TryGetValue(runId, out var keeper)) return keeper;
        keeper = Context.ActorOf(ActorFactory.Props(() => new CheckpointKeeperActor(runId, _info.NodeId, _info.CheckpointDirectory)),
            $"ckpt-{runId}-{++_keeperCount}");
        _keepers[runId] = keeper;
        return keeper;
    }

    private (Scenario, IRunnableModel) Build(string file, string text)
    {
        Scenario scenario;
        try
        {
            scenario = ScenarioLoader.Parse(text, file, _models);
        }
        catch (ScenarioException e)
        {
            throw new InvalidOperationException(
                $"{file}: invalid scenario on node '{_info.NodeId}' ({e.Errors.Count} problem{(e.Errors.Count == 1 ? "" : "s")}): {string.Join("; ", e.Errors)}");
        }
        var definition = _models.First(m => m.Name == scenario.Model);
        return (scenario, definition.Create(scenario));
    }

    private void Reply(Exception error)
    {
        Log.LogWarning("Node '{Node}': refused a request from {Sender}: {Error}", _info.NodeId, Sender?.Path.ToStringWithoutAddress() ?? "?", error.Message);
        Sender?.Tell(new Status.Failure(error), Self);
    }
}
