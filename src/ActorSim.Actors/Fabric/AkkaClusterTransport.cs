using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ActorSim.Actors.Remote;
using ActorSim.Actors.Remote.Transport;
using ActorSim.Actors.Remote.Wire;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.Singleton;
using Microsoft.Extensions.Logging;

namespace ActorSim.Actors.Fabric;

using AkkaCluster = Akka.Cluster.Cluster;
using IActorRef = Akka.Actor.IActorRef;
using Props = Akka.Actor.Props;

/// <summary>
/// The cluster transport on Akka.NET: every node is an Akka.Cluster member (seed nodes, gossip, phi-accrual failure
/// detection, the split brain resolver, optional mutual TLS — see <see cref="FabricConfig"/>), frames travel directly
/// between the two nodes concerned over Akka.Remote (no broker, no third party), and the leadership is a cluster
/// singleton on the coordinator nodes, so there is never more than one leader on the majority side of a partition.
/// </summary>
/// <remarks>
/// Presence (<see cref="IsNodePresentAsync"/>) is Akka's view: a node is present while it is an Up member that the failure
/// detector considers reachable. A killed process is unreachable after about <see cref="FabricSettings.AcceptableHeartbeatPause"/>,
/// and so is a frozen one (SIGSTOP); the resolver then downs it, and the singleton moves to the oldest remaining
/// coordinator node. Members of another cluster id or secret carry another fingerprint role and are ignored: they never
/// count as present, never lead and receive no frames.
/// </remarks>
public sealed class AkkaClusterTransport : IClusterTransport
{
    /// <summary>The role every <c>actorsim node</c> carries; the split brain resolver counts only these.</summary>
    public const string NodeRole = "actorsim-node";

    /// <summary>The role of a submitter (<c>actorsim run --cluster</c>): a member that hosts nothing and never leads.</summary>
    public const string SubmitterRole = "submitter";

    private const string InboxName = "actorsim-frames";
    private const string LeaderName = "actorsim-leader";

    private readonly FabricSettings _settings;
    private readonly TimeSpan _joinTimeout;
    private readonly ConcurrentDictionary<string, Peer> _peers = new(StringComparer.Ordinal);
    private string _fingerprint = "";
    private Akka.Actor.ActorSystem? _system;
    private TransportContext? _context;
    private ILogger? _log;
    private int _stopped;
    private FrameLinks? _links;
    private readonly object _deliverGate = new();

    /// <param name="settings">Where this node listens and which seeds it joins. Its roles are completed here: the node
    /// role (or the submitter role), the cluster fingerprint and, for a leader candidate, the coordinator role.</param>
    /// <param name="submitter">A submitter: never leads, is not counted by the split brain resolver.</param>
    /// <param name="joinTimeout">How long <see cref="StartAsync"/> waits to become Up (default 30 s).</param>
    public AkkaClusterTransport(FabricSettings settings, bool submitter = false, TimeSpan? joinTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        IsSubmitter = submitter;
        _joinTimeout = joinTimeout ?? TimeSpan.FromSeconds(30);
    }

    /// <inheritdoc />
    public string Name => _settings.Tls is null ? "akka" : "akka-tls";

    /// <summary>Whether this node is a submitter.</summary>
    public bool IsSubmitter { get; }

    /// <summary>The Akka actor system (after <see cref="StartAsync"/>).</summary>
    public Akka.Actor.ActorSystem? System => _system;

    /// <summary>This node's Akka address, e.g. <c>akka.tcp://actorsim@127.0.0.1:4053</c> (after <see cref="StartAsync"/>).</summary>
    public string? SelfAddress => _system is null ? null : AkkaCluster.Get(_system).SelfAddress.ToString();

    /// <summary>Completes when this node's actor system has stopped: after <see cref="StopAsync"/>, or when the cluster downed
    /// this node (it was frozen or cut off for longer than the others waited; it must be restarted to rejoin).</summary>
    public Task Terminated => _system?.WhenTerminated ?? Task.CompletedTask;

    /// <summary>Why the node stopped when the cluster removed it, or null.</summary>
    public string? DownedReason { get; private set; }

    /// <summary>The fingerprint role of a cluster: nodes agree on it only with the same cluster id and secret.</summary>
    public static string Fingerprint(ClusterSecret secret, string clusterId)
    {
        Span<byte> mac = stackalloc byte[32];
        secret.ComputeMac(Encoding.UTF8.GetBytes("actorsim-cluster-fingerprint:" + clusterId), mac);
        return "fp:" + Convert.ToHexStringLower(mac[..8]);
    }

    /// <inheritdoc />
    public async Task StartAsync(TransportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_context is not null) throw new InvalidOperationException("The transport has already been started.");
        _context = context;
        _log = context.LoggerFactory.CreateLogger("ActorSim.Actors.Fabric.AkkaClusterTransport");
        // The cluster secret and id give the fingerprint role that keeps clusters apart.
        var fingerprint = Fingerprint(context.Secret ?? throw new ClusterConfigurationException("the Akka transport needs the cluster secret"), context.ClusterId);
        _fingerprint = fingerprint;
        string coordinatorRole = CoordinatorRoleFor(fingerprint);
        bool candidate = context.LeaderCandidate && !IsSubmitter;
        var roles = new List<string> { IsSubmitter ? SubmitterRole : NodeRole, fingerprint };
        if (candidate) roles.Add(coordinatorRole);
        roles.AddRange(_settings.Roles);
        var settings = _settings with { NodeId = context.NodeId, Roles = roles.Distinct().ToArray(), MajorityRole = NodeRole };
        Akka.Actor.ActorSystem system;
        try
        {
            if (_settings.DirectFrameLinks)
            {
                // Frames go over direct TCP links; the port is chosen now and advertised in the member's roles.
                _links = new FrameLinks(context.NodeId, settings.Host, settings.FramesPort, settings.Tls, context.Secret, settings.MaximumFrameSize,
                    (bytes, source, peer) => DeliverFromLink(context, bytes, source, peer), _log, settings.InlineFrameSends);
                settings = settings with { Roles = settings.Roles.Append(FrameLinks.RolePrefix + _links.Port).ToArray() };
            }
            system = FabricSystem.CreateClusterNode(settings);
        }
        catch (Exception e) when (e is FabricConfigurationException or Akka.Configuration.ConfigurationException or Akka.Remote.RemoteTransportException
                                      or global::System.Net.Sockets.SocketException or AggregateException or FormatException)
        {
            _links?.Abort();
            throw new ClusterConfigurationException($"node '{context.NodeId}' cannot start its cluster endpoint on {settings.Host}:{settings.Port}: {Innermost(e).Message}", e);
        }
        _system = system;
        var selfAddress = AkkaCluster.Get(system).SelfUniqueAddress;
        _links?.Start($"{selfAddress.Address}#{selfAddress.Uid}");
        system.ActorOf(Props.Create(() => new Inbox(this, context)), InboxName);
        system.ActorOf(Props.Create(() => new PeerWatcher(this)), "actorsim-peers");
        try
        {
            await FabricSystem.WhenUp(system, _joinTimeout).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await system.Terminate().ConfigureAwait(false);
            throw new ClusterConfigurationException(
                $"node '{context.NodeId}' could not join a cluster within {_joinTimeout.TotalSeconds:0} s through the seed nodes " +
                $"{string.Join(", ", _settings.SeedNodes.DefaultIfEmpty("(none)"))}: start a seed node first, check host and port, " +
                "and that every node uses the same TLS CA");
        }
        catch (OperationCanceledException)
        {
            await system.Terminate().ConfigureAwait(false);
            throw;
        }
        // A node id must be unique among the members of this cluster.
        var self = AkkaCluster.Get(system).SelfMember;
        var clash = AkkaCluster.Get(system).State.Members.FirstOrDefault(m => m.Address != self.Address && m.Roles.Contains(fingerprint)
            && NodeIdentity.Of(m.Roles) == context.NodeId && IsLive(m));
        if (clash is not null)
        {
            await AkkaCluster.Get(system).LeaveAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            await system.Terminate().ConfigureAwait(false);
            throw new ClusterConfigurationException($"Node id '{context.NodeId}' is already in use in cluster '{context.ClusterId}' (by {clash.Address}); give every node its own name");
        }
        if (candidate)
            system.ActorOf(ClusterSingletonManager.Props(Props.Create(() => new LeaderToken(context.OnLeadershipChanged)), PoisonPill.Instance,
                ClusterSingletonManagerSettings.Create(system).WithRole(coordinatorRole).WithSingletonName("leader")), LeaderName);
        AkkaCluster.Get(system).RegisterOnMemberRemoved(() =>
        {
            if (Volatile.Read(ref _stopped) == 0)
            {
                DownedReason = "the cluster removed this node (it was unreachable for too long, or it was downed)";
                _log.LogError("Node '{NodeId}': {Reason}; its actor system stops, restart the node to rejoin", context.NodeId, DownedReason);
            }
        });
        _log.LogInformation("Node '{NodeId}' is up in cluster '{ClusterId}' at {Address}", context.NodeId, context.ClusterId, SelfAddress);
    }

    /// <summary>The role of the nodes that may hold the leadership of the cluster with <paramref name="fingerprint"/>.</summary>
    private static string CoordinatorRoleFor(string fingerprint) => "coordinator-" + fingerprint[3..];

    /// <inheritdoc />
    public void Send(OutboundFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var context = _context ?? throw new InvalidOperationException("The transport has not been started.");
        bool handedOver = false;
        try
        {
            if (Volatile.Read(ref _stopped) != 0 || _system is null)
            {
                context.OnUndeliverable(frame, "this node's transport is stopped");
                return;
            }
            if (frame.IsBroadcast)
            {
                var bytes = frame.Bytes.ToArray();
                foreach (var (id, peer) in _peers) SendTo(id, peer, bytes, null);
                return;
            }
            if (!_peers.TryGetValue(frame.TargetNode, out var target) && !TryLearnPeer(frame.TargetNode, out target))
            {
                context.OnUndeliverable(frame, $"node '{frame.TargetNode}' is not a member of this cluster");
                return;
            }
            // Over a direct link the frame's own buffer is written out (and then disposed): no copy.
            handedOver = SendTo(frame.TargetNode, target, frame.Bytes, frame);
        }
        finally
        {
            if (!handedOver) frame.Dispose();
        }
    }

    /// <summary>A member that counts: joining, weakly up or up (not leaving, exiting, down or removed).</summary>
    private static bool IsLive(Member m) => m.Status is MemberStatus.Up or MemberStatus.Joining or MemberStatus.WeaklyUp;

    /// <summary>
    /// A member the peer watcher has not been told about yet (its events are handled one after the other, while a new
    /// member's first frame — its greeting — can arrive before them): looked up in the cluster state itself, and learnt.
    /// </summary>
    private bool LearnFromClusterState(Func<Member, bool> match)
    {
        if (_system is null) return false;
        var state = AkkaCluster.Get(_system).State;
        foreach (var m in state.Members)
            if (IsLive(m) && m.Roles.Contains(_fingerprint) && match(m))
            {
                OnMember(m, true, !state.Unreachable.Contains(m));
                return true;
            }
        return false;
    }

    private bool TryLearnPeer(string id, [global::System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Peer? peer)
    {
        peer = null;
        return LearnFromClusterState(m => NodeIdentity.Of(m.Roles) == id) && _peers.TryGetValue(id, out peer);
    }

    /// <summary>Sends to one peer; returns whether <paramref name="owner"/> was handed over (disposed later by the link).</summary>
    private bool SendTo(string id, Peer peer, ReadOnlyMemory<byte> bytes, IDisposable? owner)
    {
        if (_links is not null && peer.FramesPort is int port && peer.Address.Host is { } host)
        {
            _links.Send(id, host, port, bytes, owner);
            return true;
        }
        // Akka.Remote does not authenticate the frame's sender to ActorSim: an unsigned frame gets its HMAC here.
        peer.Inbox.Tell(new FrameMessage(FrameCodec.SignedCopy(bytes.Span, _context!.Secret!)), ActorRefs.NoSender);
        return false;
    }

    /// <inheritdoc />
    public bool AuthenticatesLinks => _links is { Trusted: true } && !_settings.SignFramesOnLinks;

    /// <summary>
    /// A frame from a direct link: delivered only while the member that opened the link (its greeting: Akka address and
    /// uid) is a current member of this cluster — a node that was downed (frozen too long, cut off) and comes back keeps
    /// its TCP links but is no member any more, and Akka.Remote would quarantine it: its frames are dropped too.
    /// </summary>
    private void DeliverFromLink(TransportContext context, ReadOnlyMemory<byte> bytes, string source, string peer)
    {
        if (!IsCurrentMember(peer))
        {
            if (_refusedLinks.TryAdd(peer, 0))
                _log?.LogWarning("Node '{NodeId}': dropping frames from {Peer} ({Source}): it is not a member of this cluster (any more)",
                    context.NodeId, peer, source);
            return;
        }
        Deliver(context, bytes, source, authenticatedLink: _links!.Trusted);
    }

    private readonly ConcurrentDictionary<string, byte> _refusedLinks = new(StringComparer.Ordinal);

    private bool IsCurrentMember(string peer)
    {
        int hash = peer.LastIndexOf('#');
        if (hash < 0 || !long.TryParse(peer.AsSpan(hash + 1), out long uid)) return false;
        foreach (var p in _peers.Values)
            if (p.Uid == uid) return true;
        return LearnFromClusterState(m => m.UniqueAddress.Uid == uid);
    }

    /// <summary>Hands one inbound frame to the node; frames from all links and the Akka inbox one at a time. Never throws.</summary>
    private void Deliver(TransportContext context, ReadOnlyMemory<byte> bytes, string source, bool authenticatedLink = false)
    {
        try
        {
            lock (_deliverGate) context.OnFrame(new InboundFrame(bytes, source, Redelivered: false, authenticatedLink));
        }
        catch (Exception ex)
        {
            _log?.LogError(ex, "Node '{NodeId}' failed to handle a frame from {Source}; dropped", context.NodeId, source);
        }
    }

    /// <summary>Akka's failure detector has already weighed the silence (phi accrual over the heartbeat history): one check suffices.</summary>
    public int AbsencesBeforeCrash => 1;

    /// <inheritdoc />
    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask; // handed to Akka.Remote on Send

    /// <inheritdoc />
    public Task<bool> IsNodePresentAsync(string nodeId, CancellationToken cancellationToken) =>
        Task.FromResult(_peers.TryGetValue(nodeId, out var peer) && peer.Reachable && peer.Connected);

    /// <inheritdoc />
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0 || _system is null) return;
        if (_links is not null) await _links.DisposeAsync().ConfigureAwait(false); // what is queued goes out first
        var cluster = AkkaCluster.Get(_system);
        try
        {
            if (!_system.WhenTerminated.IsCompleted)
                await cluster.LeaveAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _log?.LogWarning("Node '{NodeId}' did not finish leaving the cluster within 10 s; stopping anyway", _context?.NodeId);
        }
        await _system.Terminate().WaitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
    }

    /// <summary>Stops at once without leaving, as a killed process would (for failure tests in one process).</summary>
    public async Task CrashAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0 || _system is null) return;
        _links?.Abort();
        await _system.Terminate().WaitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(StopAsync());

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    // ---- Peers ---------------------------------------------------------------------------------------------

    /// <summary>A member of this cluster: <paramref name="Reachable"/> is the failure detector's view (from member events),
    /// <paramref name="Connected"/> whether the connection to it is up (from the remoting's association events). The two
    /// are kept apart so that a late member event cannot undo a dropped connection.</summary>
    private sealed record Peer(Address Address, long Uid, IActorRef Inbox, bool Reachable, bool Connected, int? FramesPort);

    private void OnMember(Member member, bool up, bool reachable)
    {
        if (_system is null || !member.Roles.Contains(_fingerprint) || NodeIdentity.Of(member.Roles) is not { } id) return;
        if (member.Address == AkkaCluster.Get(_system).SelfAddress) return;
        if (!up)
        {
            if (_peers.TryGetValue(id, out var gone) && gone.Address == member.Address)
            {
                _peers.TryRemove(id, out _);
                _links?.Forget(id);
            }
            return;
        }
        // The first member with an id keeps it: a second node started with the same id is refused (and leaves).
        if (_peers.TryGetValue(id, out var known) && known.Address != member.Address) return;
        var inbox = known?.Inbox ?? ((ExtendedActorSystem)_system).Provider.ResolveActorRef(new RootActorPath(member.Address) / "user" / InboxName);
        _peers[id] = new Peer(member.Address, member.UniqueAddress.Uid, inbox, reachable, known?.Connected ?? true, FrameLinks.PortOf(member.Roles));
    }

    private void OnConnection(Address address, bool connected)
    {
        foreach (var (id, peer) in _peers)
            if (peer.Address == address) _peers[id] = peer with { Connected = connected };
    }

    /// <summary>Keeps <see cref="_peers"/> in step with the cluster's members.</summary>
    private sealed class PeerWatcher : ReceiveActor
    {
        private readonly AkkaClusterTransport _transport;

        public PeerWatcher(AkkaClusterTransport transport)
        {
            _transport = transport;
            // A joining member can already receive messages: it may greet us before the gossip has marked it Up here.
            Receive<ClusterEvent.CurrentClusterState>(s =>
            {
                foreach (var m in s.Members.Where(IsLive))
                    _transport.OnMember(m, true, !s.Unreachable.Contains(m));
            });
            Receive<ClusterEvent.MemberJoined>(e => _transport.OnMember(e.Member, true, true));
            Receive<ClusterEvent.MemberWeaklyUp>(e => _transport.OnMember(e.Member, true, true));
            Receive<ClusterEvent.MemberUp>(e => _transport.OnMember(e.Member, true, true));
            Receive<ClusterEvent.UnreachableMember>(e => { if (IsLive(e.Member)) _transport.OnMember(e.Member, true, false); });
            Receive<ClusterEvent.ReachableMember>(e => { if (IsLive(e.Member)) _transport.OnMember(e.Member, true, true); });
            Receive<ClusterEvent.MemberRemoved>(e => _transport.OnMember(e.Member, false, false));
            Receive<ClusterEvent.MemberExited>(e => _transport.OnMember(e.Member, false, false));
            Receive<ClusterEvent.MemberDowned>(e => _transport.OnMember(e.Member, false, false));
            Receive<ClusterEvent.IMemberEvent>(_ => { });
            Receive<ClusterEvent.IReachabilityEvent>(_ => { });
            // A killed process drops its connections at once: that is known long before the failure detector's
            // verdict, so the node counts as absent right away (a frozen process keeps its connections and is left to
            // the detector). A connection that comes back while the member is still reachable restores it.
            Receive<Akka.Remote.DisassociatedEvent>(e => _transport.OnConnection(e.RemoteAddress, connected: false));
            Receive<Akka.Remote.AssociatedEvent>(e => _transport.OnConnection(e.RemoteAddress, connected: true));
        }

        protected override void PreStart()
        {
            AkkaCluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
                typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
            Context.System.EventStream.Subscribe(Self, typeof(Akka.Remote.DisassociatedEvent));
            Context.System.EventStream.Subscribe(Self, typeof(Akka.Remote.AssociatedEvent));
        }

        protected override void PostStop()
        {
            AkkaCluster.Get(Context.System).Unsubscribe(Self);
            Context.System.EventStream.Unsubscribe(Self);
        }
    }

    /// <summary>Hands inbound frames to the node, one at a time, in arrival order.</summary>
    private sealed class Inbox : ReceiveActor
    {
        public Inbox(AkkaClusterTransport transport, TransportContext context) =>
            Receive<FrameMessage>(f => transport.Deliver(context, f.Bytes, $"akka {Sender.Path.Address}"));
    }

    /// <summary>The cluster singleton that is the leadership: alive on exactly one coordinator node of the majority.</summary>
    private sealed class LeaderToken : ReceiveActor
    {
        private readonly Action<bool> _onLeadership;

        public LeaderToken(Action<bool> onLeadership)
        {
            _onLeadership = onLeadership;
            ReceiveAny(_ => { });
        }

        protected override void PreStart() => _onLeadership(true);

        protected override void PostStop() => _onLeadership(false);
    }
}
