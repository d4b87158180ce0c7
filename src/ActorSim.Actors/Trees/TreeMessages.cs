using Akka.Actor;

namespace ActorSim.Actors.Trees;

/// <summary>
/// Down the tree: round <paramref name="Round"/>'s <paramref name="Message"/> for every leaf. Each tree node passes it to
/// its child nodes and hands <paramref name="Message"/> to its own leaves. Without <paramref name="ReplyTo"/> the leaves
/// see their tree node as the sender, and their replies to this round are gathered up the tree into one
/// <see cref="Gathered"/> for whoever sent the broadcast to the root; with it, the leaves see <paramref name="ReplyTo"/>
/// as the sender and nothing is gathered (a plain broadcast).
/// </summary>
/// <param name="Round">Rounds that gather must increase; a tree node refuses a gathering round it has already seen.</param>
public sealed record TreeBroadcast(long Round, object Message, IActorRef? ReplyTo = null);

/// <summary>
/// Up the tree: the replies of round <paramref name="Round"/> from every leaf below tree node <paramref name="Node"/>
/// (itself included): <c>Parts[i]</c> is leaf <c>Indices[i]</c>'s reply. Nothing is added or merged on the way, so the
/// receiver can combine the parts in leaf order (<see cref="InLeafOrder"/>) and get the same bits as if every leaf had
/// answered it directly, whatever the placement, the fan-in or the order in which the replies came.
/// </summary>
public sealed record Gathered(long Round, int Node, int[] Indices, object[] Parts)
{
    /// <summary>
    /// The parts by leaf index, for leaves 0 … <paramref name="leaves"/>−1 (each exactly once, else an error naming the
    /// missing or repeated leaf).
    /// </summary>
    public T[] InLeafOrder<T>(int leaves)
    {
        if (Indices.Length != leaves)
            throw new InvalidOperationException($"gathered round {Round} holds {Indices.Length} parts for {leaves} leaves");
        var ordered = new T[leaves];
        var seen = new bool[leaves];
        for (int i = 0; i < Indices.Length; i++)
        {
            int leaf = Indices[i];
            if ((uint)leaf >= (uint)leaves) throw new InvalidOperationException($"gathered round {Round} holds a part of leaf {leaf}; leaves are 0 … {leaves - 1}");
            if (seen[leaf]) throw new InvalidOperationException($"gathered round {Round} holds leaf {leaf} twice");
            seen[leaf] = true;
            ordered[leaf] = (T)Parts[i];
        }
        return ordered;
    }
}

/// <summary>
/// Up the tree: gathering round <paramref name="Round"/> failed at tree node <paramref name="Node"/> (a leaf or a child
/// node did not answer in time, or answered wrongly); <paramref name="Reason"/> names what is missing. Passed on to the
/// root's sender at once.
/// </summary>
public sealed record GatherFailed(long Round, int Node, string Reason)
{
    /// <summary>A round not complete in time: the tree nodes that did not answer (a child node that sent nothing, or the
    /// reporting node itself when one of its own leaves was silent); empty for other failures. Lets the owner name the
    /// machine to blame.</summary>
    public int[] Silent { get; init; } = [];
}

/// <summary>Which round and leaf a leaf's reply belongs to.</summary>
public readonly record struct GatherKey(long Round, int Leaf);

/// <summary>A leaf of the tree: its index (the order parts are combined in) and its actor.</summary>
public readonly record struct TreeLeaf(int Index, IActorRef Actor);

/// <summary>A tree node's child: its node number, how to reach it, how many leaves its subtree holds.</summary>
public readonly record struct TreeChild(int Node, IActorRef Actor, int Leaves);
