using System.Collections.Concurrent;
using ActorSim.Actors.Remote.Membership;
using ActorSim.Actors.Remote.Transport;
using ActorSim.Actors.Remote.Wire;
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
    private readonly ExportedRefs _exported = new();
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
        _log = system.LoggerFactory.CreateLogger("ActorSim.Actors.Remote.ClusterNode");
        _membership = new ClusterMembership(this, options, transport, system.LoggerFactory.CreateLogger("ActorSim.Actors.Remote.Membership"));
    }

    /// <summary>
    /// Connects <paramref name="system"/> to the cluster: starts the transport, announces this node and starts the
    /// heartbeat and failure detection. Sets <see cref="ActorSystem.Cluster"/>.
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
        if (system.Cluster is not null)
            throw new InvalidOperationException($"Actor system '{system.Name}' is already connected as node '{system.Cluster.NodeId}'.");
        if (system.IsShutdownRequested)
            throw new InvalidOperationException($"Actor system '{system.Name}' has been shut down.");

        var node = new ClusterNode(system, options, transport, registry);
        system.Cluster = node;
        try
        {
            await transport.StartAsync(new TransportContext(options.ClusterId, options.NodeId, system.LoggerFactory,
                node.OnFrame, node.OnUndeliverable, options.LeaderCandidate, node._membership.OnOwnLeadership)
            {
                Secret = options.Secret,
            }, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref node._state, 1);
            node._membership.Start();
        }
        catch
        {
            system.Cluster = null;
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
        if (System.Cluster == this) System.Cluster = null;
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
        if (System.Cluster == this) System.Cluster = null;
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
        LocalActorRef local when local.Cell.System == System => new RemoteAddress(NodeId, local.Path.Value),
        _ => new RemoteAddress(NodeId, _exported.Export(actor)),
    };

    /// <inheritdoc />
    public IActorRef Resolve(RemoteAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Path.StartsWith("/temp/", StringComparison.Ordinal))
        {
            // Reply addresses are short-lived: not cached.
            if (address.NodeId != NodeId) return new RemoteActorRef(this, address);
            if (_exported.TryGet(address.Path) is { } exported) return exported;
        }
        return _refs.GetOrAdd(address, static (a, node) => a.NodeId == node.NodeId
            ? new LocalPathRef(node, a.Path)
            : new RemoteActorRef(node, a), this);
    }

    /// <summary>The local actor or exported ref at <paramref name="path"/>, or null.</summary>
    internal IActorRef? ResolveLocalTarget(string path) =>
        path.StartsWith("/temp/", StringComparison.Ordinal) ? _exported.TryGet(path) : System.TryResolveLocal(path);

    internal int ExportedRefCount => _exported.Count;
}
