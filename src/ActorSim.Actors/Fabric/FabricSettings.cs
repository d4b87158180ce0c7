namespace ActorSim.Actors.Fabric;

/// <summary>
/// How one node joins the Akka.NET cluster: where it listens, which seed nodes it contacts, its roles and
/// identity, how fast failures are detected and downed, and its TLS material. Everything has a default that
/// suits a cluster on one machine or a LAN; <see cref="FabricConfig.Cluster"/> turns it into HOCON.
/// </summary>
/// <param name="NodeId">The node's name in ActorSim (logs, placement, run.json); carried as the role <c>id:NAME</c>.</param>
/// <param name="Host">The address to bind and advertise; default loopback.</param>
/// <param name="Port">The TCP port (0: any free port — fine for every node but a seed).</param>
/// <param name="SeedNodes">Seed node addresses, <c>host:port</c> each (empty: this node founds a cluster by joining itself).</param>
/// <param name="Roles">The node's roles, e.g. <c>coordinator</c>, <c>worker</c>, <c>submitter</c>.</param>
public sealed record FabricSettings(string NodeId, string Host, int Port, IReadOnlyList<string> SeedNodes, IReadOnlyList<string> Roles)
{
    /// <summary>The actor system's name: the same on every node of a cluster.</summary>
    public string SystemName { get; init; } = FabricConfig.SystemName;

    /// <summary>The address other nodes use to reach this one, if it differs from <see cref="Host"/> (NAT, docker).</summary>
    public string? PublicHost { get; init; }

    /// <summary>
    /// Akka.Cluster's gossip and leader-action interval: how fast a joining member becomes Up and a leaving one is
    /// removed (a few rounds each). Default 100 ms (Akka's default is 1 s; a submitter joins and leaves once per run).
    /// </summary>
    public TimeSpan GossipInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often a node sends heartbeats to the nodes that monitor it. Default 250 ms.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The phi-accrual detector's tolerated silence beyond the usual heartbeat rhythm. A process that is killed drops
    /// its TCP connections and is noticed at once by the remoting layer; a frozen one (SIGSTOP, a long GC) is marked
    /// unreachable after about this long. Default 1.5 s.
    /// </summary>
    public TimeSpan AcceptableHeartbeatPause { get; init; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>
    /// Split brain resolver: how long the set of unreachable members must be stable before the resolver decides
    /// (downs the minority side, see <see cref="FabricConfig"/>). Default 2 s.
    /// </summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The split brain resolver counts only members with this role when it looks for the majority (null: all members).
    /// ActorSim counts its nodes and leaves out submitters, which come and go with each run.
    /// </summary>
    public string? MajorityRole { get; init; }

    /// <summary>Mutual TLS between nodes; null: plain TCP (loopback clusters and tests only).</summary>
    public TlsSettings? Tls { get; init; }

    /// <summary>The largest message a node sends or accepts. Default 64 MiB (a whole-field snapshot of a large grid).</summary>
    public long MaximumFrameSize { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Whether ActorSim's frames travel over direct TCP links between members (<c>FrameLinks</c>; default) instead of
    /// Akka.Remote. Both keep the order of frames from one node to another; the links are several times faster for bulk
    /// data and halos. Akka.Remote still carries the cluster's gossip, heartbeats and the singleton either way.
    /// </summary>
    public bool DirectFrameLinks { get; init; } = true;

    /// <summary>
    /// Sign every frame with the cluster secret's HMAC even on links that authenticate both ends (mutual TLS, or loopback
    /// links opened with the secret's challenge), where the HMAC is redundant. Off by default; for comparison benchmarks.
    /// Links between hosts without TLS always carry signed frames.
    /// </summary>
    public bool SignFramesOnLinks { get; init; }

    /// <summary>
    /// On plain TCP links, a small frame that finds its link idle is written by the sending thread itself (without
    /// blocking) instead of by the link's drain task: one thread hop less per message, but the sender then carries the
    /// kernel's loopback delivery itself, one link after the other. Measured on 2 cores (bench <c>cluster</c>, fabric
    /// <c>akka-inline</c> against <c>akka</c>, alternating) the coordinator's broadcast to several nodes was slower so
    /// (4 blocks: p50 155 against 109 µs): default off.
    /// </summary>
    public bool InlineFrameSends { get; init; }

    /// <summary>The TCP port of this node's frame links (on <see cref="Host"/>); 0 picks a free one. Members learn it from
    /// each other's roles (<c>frames:PORT</c>), so only a firewall needs it fixed.</summary>
    public int FramesPort { get; init; }

    /// <summary>Akka.Remote's protocol: <c>akka.ssl.tcp</c> with TLS, <c>akka.tcp</c> without.</summary>
    public string Protocol => Tls is null ? "akka.tcp" : "akka.ssl.tcp";

    /// <summary>The role that carries <see cref="NodeId"/>.</summary>
    public string IdentityRole => NodeIdentity.Role(NodeId);
}

/// <summary>
/// Mutual TLS between cluster nodes: this node's certificate (PKCS#12 with its private key, allowed for server and
/// client authentication) and the cluster CA's certificate (PEM or DER) that every peer's certificate must chain to.
/// </summary>
public sealed record TlsSettings(string CertificatePath, string CertificatePassword, string CaCertificatePath);

/// <summary>A node's ActorSim identity travels as a cluster role <c>id:NAME</c>, so every member event names the node.</summary>
public static class NodeIdentity
{
    public const string Prefix = "id:";

    public static string Role(string nodeId) => Prefix + nodeId;

    /// <summary>The node id among <paramref name="roles"/>, or null if the member carries none.</summary>
    public static string? Of(IEnumerable<string> roles) =>
        roles.FirstOrDefault(r => r.StartsWith(Prefix, StringComparison.Ordinal)) is { } r ? r[Prefix.Length..] : null;
}
