using ActorSim.Actors.Remote;
using ActorSim.Actors.Remote.Membership;
using ActorSim.Actors.Remote.Transport;
using ActorSim.Actors.Remote.Wire;
using ActorSim.Actors.TestKit;

using Akka.Actor;
using Akka.TestKit;

namespace ActorSim.Actors.Tests.Remote;

/// <summary>One node of a <see cref="TestCluster"/>: its actor system, cluster node, captured logs and a probe subscribed to membership events.</summary>
public sealed class TestNode
{
    public required string Id { get; init; }
    public required ActorSystem System { get; init; }
    public required ClusterNode Cluster { get; init; }
    public required CapturingLoggerFactory Logs { get; init; }
    public required TestProbe Events { get; init; }

    /// <summary>The actor at <paramref name="path"/> on <paramref name="node"/>, as seen from this node.</summary>
    public IActorRef Ref(string node, string path) => Cluster.ActorFor(node, path);

    /// <summary>Consumes membership events until one of type <typeparamref name="T"/> matches.</summary>
    public T ExpectEvent<T>(Func<T, bool>? predicate = null, TimeSpan? timeout = null) where T : ClusterEvent =>
        Events.FishFor(predicate, timeout ?? TimeSpan.FromSeconds(10));

    /// <summary>Returns the leader this node knows once it satisfies <paramref name="predicate"/> (consuming events while waiting).</summary>
    public string? ExpectLeader(Func<string?, bool> predicate, TimeSpan? timeout = null)
    {
        var leader = Cluster.Leader;
        if (predicate(leader)) return leader;
        return ExpectEvent<LeaderChanged>(l => predicate(l.LeaderNodeId), timeout).LeaderNodeId;
    }

    /// <summary>Consumes membership events until this node sees exactly <paramref name="members"/>.</summary>
    public void ExpectMembers(IReadOnlyCollection<string> members, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        var seen = new HashSet<string>(Cluster.Members.Select(m => m.NodeId));
        while (!seen.SetEquals(members))
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new ExpectationFailedException($"Node '{Id}' sees [{string.Join(", ", seen.Order())}], expected [{string.Join(", ", members.Order())}].");
            switch (Events.ExpectMsg<ClusterEvent>(left))
            {
                case CurrentClusterState s: seen = new HashSet<string>(s.Members); break;
                case MemberJoined j: seen.Add(j.NodeId); break;
                case MemberLeft l: seen.Remove(l.NodeId); break;
                case MemberCrashed c: seen.Remove(c.NodeId); break;
            }
        }
    }
}

/// <summary>Nodes in one test process forming a cluster over a given transport.</summary>
public sealed class TestCluster : IAsyncDisposable
{
    public static readonly ClusterSecret Secret = ClusterSecret.FromString("test-cluster-secret-0123456789");

    private readonly Func<IClusterTransport> _transports;

    private readonly TestKitBase _probes;

    public TestCluster(Func<IClusterTransport> transports, TestKitBase probes, string? clusterId = null)
    {
        _transports = transports;
        _probes = probes;
        ClusterId = clusterId ?? "t" + Guid.NewGuid().ToString("N")[..10];
    }

    public string ClusterId { get; }
    public List<TestNode> Nodes { get; } = new();
    public TestNode this[string id] => Nodes.Single(n => n.Id == id);

    /// <summary>Starts a node (without waiting for the others to see it).</summary>
    public async Task<TestNode> StartNodeAsync(string id, Func<ClusterOptions, ClusterOptions>? configure = null,
        ClusterSecret? secret = null, WireRegistry? registry = null)
    {
        var logs = new CapturingLoggerFactory();
        var system = ActorRuntime.CreateLocal("node-" + id, logs);
        var options = new ClusterOptions(ClusterId, id, secret ?? Secret);
        if (configure is not null) options = configure(options);
        ClusterNode cluster;
        try
        {
            cluster = await ClusterNode.StartAsync(system, options, _transports(), registry ?? RemoteTestContracts.CreateRegistry());
        }
        catch
        {
            await system.ShutdownAsync(TimeSpan.FromSeconds(10));
            throw;
        }
        var events = _probes.CreateTestProbe(system, $"events-{id}");
        cluster.Subscribe(events.Ref);
        var node = new TestNode { Id = id, System = system, Cluster = cluster, Logs = logs, Events = events };
        Nodes.Add(node);
        return node;
    }

    /// <summary>Starts the nodes one after the other and waits until every node sees all of them.</summary>
    public async Task StartAsync(IEnumerable<string> ids, Func<ClusterOptions, ClusterOptions>? configure = null)
    {
        foreach (var id in ids) await StartNodeAsync(id, configure);
        var all = Nodes.Select(n => n.Id).ToArray();
        foreach (var node in Nodes) node.ExpectMembers(all);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes) await node.Cluster.DisposeAsync();
        foreach (var node in Nodes) await node.System.ShutdownAsync(TimeSpan.FromSeconds(10));
    }
}
