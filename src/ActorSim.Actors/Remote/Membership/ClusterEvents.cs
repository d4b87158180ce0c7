using Akka.Actor;
namespace ActorSim.Actors.Remote.Membership;

/// <summary>Base of the membership events sent to subscribers of <see cref="ClusterNode.Subscribe"/>.</summary>
public abstract record ClusterEvent;

/// <summary>A node joined (or a node reappeared after it had been counted as crashed).</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Incarnation">The node's incarnation (changes when a node restarts).</param>
public sealed record MemberJoined(string NodeId, long Incarnation) : ClusterEvent;

/// <summary>A node left in an orderly way.</summary>
public sealed record MemberLeft(string NodeId, long Incarnation) : ClusterEvent;

/// <summary>A node is counted as crashed.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Incarnation">The incarnation that crashed.</param>
/// <param name="Reason">Why: its presence queue disappeared (process or connection died), or its heartbeat stopped (hung).</param>
/// <param name="SilentFor">Time since its last heartbeat when the crash was declared.</param>
public sealed record MemberCrashed(string NodeId, long Incarnation, string Reason, TimeSpan SilentFor) : ClusterEvent;

/// <summary>The leader changed; <paramref name="LeaderNodeId"/> is null while no leader is known.</summary>
public sealed record LeaderChanged(string? LeaderNodeId) : ClusterEvent;

/// <summary>Sent to a new subscriber first: the members known now (this node included) and the leader.</summary>
public sealed record CurrentClusterState(IReadOnlyList<string> Members, string? LeaderNodeId) : ClusterEvent;
