using Akka.Actor;
using Akka.Cluster;
using AkkaCluster = Akka.Cluster.Cluster;

namespace ActorSim.Actors.Fabric;

using ActorSystem = Akka.Actor.ActorSystem;
using IActorRef = Akka.Actor.IActorRef;
using Props = Akka.Actor.Props;

/// <summary>A membership event as ActorSim sees it: nodes by their ActorSim id (<see cref="NodeIdentity"/>).</summary>
public abstract record NodeEvent(string NodeId, Address Address);

/// <summary>The node is Up (also sent for every member already Up when a subscriber arrives).</summary>
public sealed record NodeUp(string NodeId, Address Address, IReadOnlyList<string> Roles) : NodeEvent(NodeId, Address);

/// <summary>The failure detector lost the node: it crashed, froze, or the network to it broke. Its work must be presumed lost.</summary>
public sealed record NodeUnreachable(string NodeId, Address Address) : NodeEvent(NodeId, Address);

/// <summary>A node that was unreachable answers again before it was downed.</summary>
public sealed record NodeReachable(string NodeId, Address Address) : NodeEvent(NodeId, Address);

/// <summary>The node is out of the cluster: it left, or it was downed (<paramref name="Downed"/>) by the split brain resolver.</summary>
public sealed record NodeRemoved(string NodeId, Address Address, bool Downed) : NodeEvent(NodeId, Address);

/// <summary>Subscribe to <see cref="NodeMembership"/>'s events.</summary>
public sealed record SubscribeNodes(IActorRef Subscriber);

/// <summary>Stop receiving <see cref="NodeMembership"/>'s events.</summary>
public sealed record UnsubscribeNodes(IActorRef Subscriber);

/// <summary>
/// Translates Akka.Cluster's member events into <see cref="NodeEvent"/>s that name nodes by their ActorSim id, and hands
/// them to its subscribers (DeathWatch-backed: a stopped subscriber is forgotten). Members without an id role
/// (foreign tools) are ignored.
/// </summary>
public sealed class NodeMembership : ReceiveActor
{
    /// <summary>The actor's name under /user on every node.</summary>
    public const string Name = "actorsim-membership";

    private readonly HashSet<IActorRef> _subscribers = new();
    private readonly Dictionary<Address, NodeUp> _up = new();

    public NodeMembership()
    {
        Receive<SubscribeNodes>(s =>
        {
            if (_subscribers.Add(s.Subscriber)) Context.Watch(s.Subscriber);
            foreach (var up in _up.Values.OrderBy(u => u.NodeId, StringComparer.Ordinal)) s.Subscriber.Tell(up);
        });
        Receive<UnsubscribeNodes>(u => { if (_subscribers.Remove(u.Subscriber)) Context.Unwatch(u.Subscriber); });
        Receive<Terminated>(t => _subscribers.Remove(t.ActorRef));
        Receive<ClusterEvent.CurrentClusterState>(state =>
        {
            foreach (var m in state.Members.Where(m => m.Status == MemberStatus.Up)) OnUp(m);
            foreach (var m in state.Unreachable) Publish(m, id => new NodeUnreachable(id, m.Address));
        });
        Receive<ClusterEvent.MemberUp>(e => OnUp(e.Member));
        Receive<ClusterEvent.UnreachableMember>(e => Publish(e.Member, id => new NodeUnreachable(id, e.Member.Address)));
        Receive<ClusterEvent.ReachableMember>(e => Publish(e.Member, id => new NodeReachable(id, e.Member.Address)));
        Receive<ClusterEvent.MemberRemoved>(e =>
        {
            _up.Remove(e.Member.Address);
            Publish(e.Member, id => new NodeRemoved(id, e.Member.Address, e.PreviousStatus == MemberStatus.Down));
        });
        Receive<ClusterEvent.IMemberEvent>(_ => { });
    }

    protected override void PreStart() =>
        AkkaCluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.UnreachableMember), typeof(ClusterEvent.ReachableMember));

    protected override void PostStop() => AkkaCluster.Get(Context.System).Unsubscribe(Self);

    private void OnUp(Member member)
    {
        if (NodeIdentity.Of(member.Roles) is not { } id || _up.ContainsKey(member.Address)) return;
        var up = new NodeUp(id, member.Address, member.Roles.Where(r => !r.StartsWith(NodeIdentity.Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray());
        _up[member.Address] = up;
        foreach (var s in _subscribers) s.Tell(up);
    }

    private void Publish(Member member, Func<string, NodeEvent> create)
    {
        if (NodeIdentity.Of(member.Roles) is not { } id) return;
        var e = create(id);
        foreach (var s in _subscribers) s.Tell(e);
    }
}

/// <summary>Starting <see cref="NodeMembership"/>.</summary>
public static class NodeMembershipSystem
{
    /// <summary>Starts the membership actor of <paramref name="system"/> at <c>/user/actorsim-membership</c>.</summary>
    public static IActorRef StartNodeMembership(this ActorSystem system) => system.ActorOf(Props.Create(() => new NodeMembership()), NodeMembership.Name);
}
