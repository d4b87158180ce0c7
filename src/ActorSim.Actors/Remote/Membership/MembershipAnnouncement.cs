using ActorSim.Actors.Remote.Wire;

namespace ActorSim.Actors.Remote.Membership;

/// <summary>What a <see cref="MembershipAnnouncement"/> announces.</summary>
public enum AnnouncementKind
{
    /// <summary>The node has just started and joins the cluster (broadcast).</summary>
    Joining = 1,

    /// <summary>The node is alive (broadcast every heartbeat interval).</summary>
    Heartbeat = 2,

    /// <summary>Answer to a Joining node, sent to it directly so that it learns the existing members at once.</summary>
    Hello = 3,

    /// <summary>The node leaves the cluster in an orderly way (broadcast).</summary>
    Leaving = 4,
}

/// <summary>The membership protocol's only message (built-in contract 10), addressed to <c>/system/membership</c>.</summary>
/// <param name="NodeId">The announcing node.</param>
/// <param name="Incarnation">Random id of this run of the node; a restarted node has a new one.</param>
/// <param name="Sequence">Increases with every announcement of this incarnation.</param>
/// <param name="Kind">What is announced.</param>
/// <param name="IsLeader">Whether the node holds the cluster's leadership.</param>
public sealed record MembershipAnnouncement(string NodeId, long Incarnation, long Sequence, AnnouncementKind Kind, bool IsLeader)
{
    /// <summary>The path membership announcements are addressed to.</summary>
    public const string Path = "/system/membership";

    internal static void Encode(MembershipAnnouncement m, WireWriter w)
    {
        w.WriteString(1, m.NodeId);
        w.WriteInt64(2, m.Incarnation);
        w.WriteInt64(3, m.Sequence);
        w.WriteInt32(4, (int)m.Kind);
        w.WriteBool(5, m.IsLeader);
    }

    internal static MembershipAnnouncement Decode(ref WireReader r, int version)
    {
        string node = "";
        long incarnation = 0, sequence = 0;
        var kind = 0;
        var leader = false;
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: node = r.ReadString(); break;
                case 2: incarnation = r.ReadInt64(); break;
                case 3: sequence = r.ReadInt64(); break;
                case 4: kind = r.ReadInt32(); break;
                case 5: leader = r.ReadBool(); break;
                default: r.SkipField(); break;
            }
        }
        if (node.Length == 0) throw new WireFormatException("A membership announcement without a node id.");
        if (!Enum.IsDefined((AnnouncementKind)kind)) throw new WireFormatException($"Unknown membership announcement kind {kind}.");
        return new MembershipAnnouncement(node, incarnation, sequence, (AnnouncementKind)kind, leader);
    }
}
