using System.Collections.Concurrent;
using ActorSim.Actors.Remote.Membership;
using ActorSim.Actors.Remote.Transport;
using ActorSim.Actors.Remote.Wire;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorSim.Actors.Remote;

/// <summary>
/// Connects an <see cref="ActorSystem"/> to a cluster through a transport: actors on other nodes become
/// reachable through <see cref="RemoteActorRef"/>s (<see cref="ActorFor"/>), <see cref="ActorSystem.Ask{T}"/> works
/// across nodes, <see cref="Broadcast"/> reaches a path on every node, and membership events (join, leave,
/// crash, leader) go to subscribers. Without a ClusterNode an ActorSystem stays purely in-process.
/// </summary>
/// <remarks>
/// Every message between nodes is a frame: its wire contract (see <see cref="WireRegistry"/>), the cluster id,
/// run id, epoch, sender and target, signed with HMAC-SHA256 over the cluster secret. Frames with a wrong HMAC,
/// another cluster id, an unknown contract or a newer contract version are dropped and logged. Messages between
/// actors of the same node never leave the process. Dispose the node before shutting the system down.
/// </remarks>
public sealed partial class ClusterNode : IWireRefContext, IAsyncDisposable
{
    private readonly ClusterOptions _options;
    private readonly IClusterTransport _transport;
    private readonly WireRegistry _registry;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<RemoteAddress, IActorRef> _refs = new();
    private readonly ClusterMembership _membership;
    private long _epoch;
    private long _correlation;
    private long _rejectedFrames, _droppedFrames;
    private int _state; // 0 starting, 1 running, 2 stopped

    private ClusterNode(ActorSystem system, ClusterOptions options, IClusterTransport transport, WireRegistry registry)
    {
        System = system;
        _options = options;
        _transport = transport;
        _registry = registry;
        var logs = ActorRuntime.LoggerFactoryOf(system);
        _log = logs.CreateLogger("ActorSim.Actors.Remote.ClusterNode");
        _membership = new ClusterMembership(this, options, transport, logs.CreateLogger("ActorSim.Actors.Remote.Membership"));
        Provider = ((ExtendedActorSystem)system).Provider;
    }

    /// <summary>
    /// Connects <paramref name="system"/> to the cluster: starts the transport, announces this node and starts the
    /// heartbeat and failure detection. <see cref="Of"/> then finds the node from the system.
    /// </summary>
    /// <param name="system">The actor system of this node.</param>
    /// <param name="options">Cluster id, node id, secret and timings.</param>
    /// <param name="transport">How frames travel (in-process network or RabbitMQ); owned by the node from now on.</param>
    /// <param name="registry">The message contracts; default <see cref="WireRegistry.CreateDefault"/>. Register your
    /// contracts on a registry created by <see cref="WireRegistry.CreateDefault"/>.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <exception cref="ClusterConfigurationException">Invalid options, node id in use, or the transport cannot connect.</exception>
    public static async Task<ClusterNode> StartAsync(ActorSystem system, ClusterOptions options, IClusterTransport transport,
        WireRegistry? registry = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(transport);
        options.Validate();
        registry ??= WireRegistry.CreateDefault();
        if (registry.ForId(BuiltInContracts.Ids.MembershipAnnouncement) is null)
            throw new ClusterConfigurationException(
                "The wire registry lacks the built-in contracts: create it with WireRegistry.CreateDefault() and register your contracts on it.");
        var state = ActorRuntime.StateOf(system);
        if (state.Cluster is ClusterNode existing)
            throw new InvalidOperationException($"Actor system '{system.Name}' is already connected as node '{existing.NodeId}'.");
        if (system.WhenTerminated.IsCompleted)
            throw new InvalidOperationException($"Actor system '{system.Name}' has been shut down.");

        var node = new ClusterNode(system, options, transport, registry);
        state.Cluster = node;
        try
        {
            await transport.StartAsync(new TransportContext(options.ClusterId, options.NodeId, ActorRuntime.LoggerFactoryOf(system),
                node.OnFrame, node.OnUndeliverable, options.LeaderCandidate, node._membership.OnOwnLeadership)
            {
                Secret = options.Secret,
            }, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref node._state, 1);
            node._membership.Start();
        }
        catch
        {
            state.Cluster = null;
            Volatile.Write(ref node._state, 2);
            await transport.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        node._log.LogInformation("Node '{NodeId}' joined cluster '{ClusterId}' over the {Transport} transport (incarnation {Incarnation})",
            options.NodeId, options.ClusterId, transport.Name, node._membership.Incarnation);
        return node;
    }

    /// <summary>The actor system of this node.</summary>
    public ActorSystem System { get; }

    internal IActorRefProvider Provider { get; }

    /// <summary>The cluster node <paramref name="system"/> is connected as, or null.</summary>
    public static ClusterNode? Of(ActorSystem system) => ActorRuntime.StateOf(system).Cluster as ClusterNode;

    private void Detach()
    {
        var state = ActorRuntime.StateOf(System);
        if (state.Cluster == this) state.Cluster = null;
    }

    /// <summary>
    /// Publishes an undeliverable message to the system's dead letters. When its sender is an Ask of this node (a
    /// temporary actor), the Ask fails at once with <paramref name="reason"/> instead of waiting for its timeout.
    /// </summary>
    internal void PublishDeadLetter(object message, IActorRef? sender, IActorRef recipient, string? reason = null)
    {
        System.DeadLetters.Tell(new Akka.Event.DeadLetter(message, sender ?? System.DeadLetters, recipient), sender ?? ActorRefs.NoSender);
        if (sender is not (null or RemoteActorRef or LocalPathRef) && !sender.IsNobody() && sender.Path.Elements is ["temp", ..])
            sender.Tell(new Status.Failure(new InvalidOperationException(
                $"{TypeNames.Of(message.GetType())} could not be delivered to {recipient.Path}" + (reason is null ? "" : $": {reason}"))));
    }

    /// <summary>This node's id.</summary>
    public string NodeId => _options.NodeId;

    /// <summary>The cluster's id.</summary>
    public string ClusterId => _options.ClusterId;

    /// <summary>The run id stamped on outgoing messages.</summary>
    public string RunId => _options.RunId;

    /// <summary>The transport's name ("in-process", "rabbitmq").</summary>
    public string TransportName => _transport.Name;

    /// <summary>
    /// The recovery epoch stamped on outgoing messages; inbound user messages of an older epoch are dropped.
    /// Can only grow.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Setting a smaller value.</exception>
    public long Epoch
    {
        get => Interlocked.Read(ref _epoch);
        set
        {
            long current;
            do
            {
                current = Interlocked.Read(ref _epoch);
                if (value < current) throw new ArgumentOutOfRangeException(nameof(value), value, $"The epoch can only grow (it is {current}).");
            } while (Interlocked.CompareExchange(ref _epoch, value, current) != current);
        }
    }

    /// <summary>The live members (this node included), as this node sees them.</summary>
    public IReadOnlyList<MemberInfo> Members => _membership.Snapshot();

    /// <summary>The current leader's node id, or null while none is known.</summary>
    public string? Leader => _membership.Leader;

    /// <summary>Whether this node holds the cluster's leadership.</summary>
    public bool IsLeader => _membership.IsSelfLeader;

    /// <summary>This node's incarnation (a random id of this run of the node).</summary>
    public long Incarnation => _membership.Incarnation;

    /// <summary>Frames dropped because their HMAC did not match (forged, or another secret).</summary>
    public long RejectedFrameCount => Interlocked.Read(ref _rejectedFrames);

    /// <summary>Frames dropped for any other reason (malformed, unknown contract, newer version, other cluster, old epoch).</summary>
    public long DroppedFrameCount => Interlocked.Read(ref _droppedFrames);

    /// <summary>
    /// A reference to the actor at <paramref name="path"/> on node <paramref name="nodeId"/>: a
    /// <see cref="RemoteActorRef"/> for another node, an in-process reference (resolved by path at every Tell) for this one.
    /// </summary>
    public IActorRef ActorFor(string nodeId, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!path.StartsWith('/')) throw new ArgumentException($"Actor paths start with '/', e.g. /user/coordinator (got '{path}').", nameof(path));
        return Resolve(new RemoteAddress(nodeId, path));
    }

    /// <summary>Sends <see cref="Membership.ClusterEvent"/>s to <paramref name="subscriber"/>, starting with a <see cref="CurrentClusterState"/>.</summary>
    public void Subscribe(IActorRef subscriber) => _membership.Subscribe(subscriber ?? throw new ArgumentNullException(nameof(subscriber)));

    /// <summary>Stops sending membership events to <paramref name="subscriber"/>.</summary>
    public void Unsubscribe(IActorRef subscriber) => _membership.Unsubscribe(subscriber);

    /// <summary>Completes when every message sent so far has been handed over to the transport.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => _transport.FlushAsync(cancellationToken);

    /// <summary>
    /// Leaves the cluster in an orderly way: announces the leave, sends what is queued, hands on the leadership and
    /// disconnects. The actor system keeps running in-process. Idempotent.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2) return;
        await _membership.StopAsync(announceLeave: true).ConfigureAwait(false);
        try
        {
            await _transport.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _log.LogWarning("Node '{NodeId}': queued messages not confirmed within 10 s while leaving", NodeId);
        }
        await _transport.DisposeAsync().ConfigureAwait(false);
        Detach();
        _log.LogInformation("Node '{NodeId}' left cluster '{ClusterId}'", NodeId, ClusterId);
    }

    /// <summary>
    /// For tests of failure handling: stops heartbeats and disconnects without a leave announcement, as if the
    /// process had died (the transport's own abort is used when it has one).
    /// </summary>
    internal async Task SimulateCrashAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2) return;
        await _membership.StopAsync(announceLeave: false).ConfigureAwait(false);
        switch (_transport)
        {
            case InProcess.InProcessTransport inProcess: await inProcess.CrashAsync().ConfigureAwait(false); break;
            case Fabric.AkkaClusterTransport akka: await akka.CrashAsync().ConfigureAwait(false); break;
            default: await _transport.DisposeAsync().ConfigureAwait(false); break;
        }
        Detach();
    }

    /// <summary>
    /// For tests of failure detection: stops this node's heartbeats while it stays connected, as if it hung.
    /// </summary>
    internal Task SimulateHangAsync() => _membership.StopAsync(announceLeave: false);

    /// <inheritdoc />
    public override string ToString() => $"ClusterNode({ClusterId}/{NodeId})";

    // ---- IWireRefContext ----------------------------------------------------------------------------

    /// <inheritdoc />
    public RemoteAddress Export(IActorRef actor) => actor switch
    {
        RemoteActorRef remote => remote.Address,
        LocalPathRef local => new RemoteAddress(NodeId, local.LocalPath),
        _ when actor.Path.Address.HasLocalScope && actor.Path.Address.Protocol == "akka" => new RemoteAddress(NodeId, actor.Path.ToStringWithoutAddress()),
        _ => throw new InvalidOperationException($"{actor.Path} is neither an actor of this node nor a cluster reference"),
    };

    /// <inheritdoc />
    public IActorRef Resolve(RemoteAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Path.StartsWith("/temp/", StringComparison.Ordinal))
        {
            // Reply addresses (Ask) are short-lived: not cached.
            if (address.NodeId != NodeId) return new RemoteActorRef(this, address);
            return ResolveLocalTarget(address.Path) ?? new LocalPathRef(this, address.Path);
        }
        return _refs.GetOrAdd(address, static (a, node) => a.NodeId == node.NodeId
            ? new LocalPathRef(node, a.Path)
            : new RemoteActorRef(node, a), this);
    }

    /// <summary>The live local actor at <paramref name="path"/> (under /user, /system or /temp), or null.</summary>
    internal IActorRef? ResolveLocalTarget(string path)
    {
        // Frames name their target by path; resolving parses it and walks the actor tree, so live actors outside /temp
        // (an Ask's one-shot actors) are remembered. A remembered actor that stopped is resolved anew.
        if (_resolved.TryGetValue(path, out var known))
        {
            if (known is Akka.Actor.IInternalActorRef { IsTerminated: false }) return known;
            _resolved.TryRemove(path, out _);
        }
        var resolved = Resolve(path);
        if (resolved is not null && !path.StartsWith("/temp/", StringComparison.Ordinal))
        {
            if (_resolved.Count >= 4096) _resolved.Clear(); // actors of runs long gone, never asked for again
            _resolved[path] = resolved;
        }
        return resolved;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IActorRef> _resolved = new(StringComparer.Ordinal);

    private IActorRef? Resolve(string path)
    {
        IActorRef found;
        try
        {
            found = Provider.ResolveActorRef(Provider.RootPath.Address + path);
        }
        catch (Exception ex) when (ex is ArgumentException or UriFormatException or FormatException)
        {
            return null;
        }
        return found is null || found.IsNobody() || found is EmptyLocalActorRef || found.Equals(System.DeadLetters) ? null : found;
    }

}
