namespace ActorSim.Actors.Remote.Membership;

/// <summary>A live member as this node sees it.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Incarnation">Its incarnation.</param>
/// <param name="IsLeader">Whether it claimed leadership in its last announcement.</param>
/// <param name="SinceLastHeartbeat">Time since its last announcement (zero for this node).</param>
public sealed record MemberInfo(string NodeId, long Incarnation, bool IsLeader, TimeSpan SinceLastHeartbeat);
