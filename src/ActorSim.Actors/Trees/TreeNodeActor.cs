using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorSim.Actors.Trees;

/// <summary>What one tree node is: its number, its child nodes, its own leaves, how to recognise a leaf's reply,
/// and how long a gathering round may take below it.</summary>
public sealed record TreeNodeSetup(int Node, IReadOnlyList<TreeChild> Children, IReadOnlyList<TreeLeaf> Leaves,
    Func<object, GatherKey?> KeyOf, TimeSpan Timeout);

/// <summary>
/// One node of a broadcast/gather tree (<see cref="TreeLayout"/>, built by <see cref="GatherTree"/>). A
/// <see cref="TreeBroadcast"/> goes on to the child nodes and to this node's own leaves; in a gathering round the node
/// then waits for one reply from each of its leaves and one <see cref="Gathered"/> from each child and sends one
/// <see cref="Gathered"/> to whoever sent it the broadcast (its parent, or the owner at the root). The parts travel
/// unchanged in a fixed layout — own leaves first, then each child's parts in child order — so no arithmetic happens
/// in the tree and the owner's result does not depend on the tree. A round not complete within the node's timeout,
/// a reply from a leaf that is not this node's or that came twice, and a child's <see cref="GatherFailed"/> end the
/// round with a <see cref="GatherFailed"/> up the tree naming what is missing. Any other message a leaf sends goes up
/// unchanged (its sender kept).
/// </summary>
public sealed class TreeNodeActor : Actor, IWithTimers
{
    private sealed record GatherTimeout(long Round);

    private readonly TreeNodeSetup _setup;
    private readonly Dictionary<int, int> _leafSlot = new();
    private readonly Dictionary<int, int> _childSlot = new();
    private readonly int[] _childOffset;
    private readonly int _size;
    private long _round = long.MinValue;
    private bool _open;
    private IActorRef? _up;
    private int[] _indices = [];
    private object[] _parts = [];
    private bool[] _leafIn = [], _childIn = [];
    private int _pending;

    public TreeNodeActor(TreeNodeSetup setup)
    {
        _setup = setup ?? throw new ArgumentNullException(nameof(setup));
        for (int i = 0; i < setup.Leaves.Count; i++)
            if (!_leafSlot.TryAdd(setup.Leaves[i].Index, i))
                throw new ArgumentException($"tree node {setup.Node} holds leaf {setup.Leaves[i].Index} twice", nameof(setup));
        _childOffset = new int[setup.Children.Count];
        int offset = setup.Leaves.Count;
        for (int c = 0; c < setup.Children.Count; c++)
        {
            if (!_childSlot.TryAdd(setup.Children[c].Node, c))
                throw new ArgumentException($"tree node {setup.Node} has child node {setup.Children[c].Node} twice", nameof(setup));
            _childOffset[c] = offset;
            offset += setup.Children[c].Leaves;
        }
        _size = offset;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private int Node => _setup.Node;

    protected override void Receive(object message)
    {
        switch (message)
        {
            case TreeBroadcast b:
                Broadcast(b);
                break;
            case Gathered g:
                FromChild(g);
                break;
            case GatherFailed f:
                if (f.Round == _round && _open) Close().Tell(f, Self);
                break;
            case GatherTimeout t:
                if (t.Round == _round && _open) Fail($"round not complete after {_setup.Timeout.TotalSeconds:0.###} s: {Missing()}", Silent());
                break;
            default:
                if (_setup.KeyOf(message) is { } key) FromLeaf(key, message);
                else if (_up is not null) _up.Forward(message);
                else Unhandled(message);
                break;
        }
    }

    private void Broadcast(TreeBroadcast b)
    {
        if (b.ReplyTo is { } replyTo)
        {
            foreach (var child in _setup.Children) child.Actor.Tell(b, Self);
            foreach (var leaf in _setup.Leaves) leaf.Actor.Tell(b.Message, replyTo);
            return;
        }
        if (b.Round <= _round)
        {
            Sender.Tell(new GatherFailed(b.Round, Node, $"tree node {Node}: gathering round {b.Round} came after round {_round}; rounds must increase"), Self);
            return;
        }
        foreach (var child in _setup.Children) child.Actor.Tell(b, Self);
        if (_open) Log.LogWarning("tree node {Node}: round {Old} abandoned unfinished for round {New} ({Missing})", Node, _round, b.Round, Missing());
        _round = b.Round;
        _up = Sender;
        _open = true;
        _indices = new int[_size];
        _parts = new object[_size];
        _leafIn = new bool[_setup.Leaves.Count];
        _childIn = new bool[_setup.Children.Count];
        _pending = _setup.Leaves.Count + _setup.Children.Count;
        for (int i = 0; i < _setup.Leaves.Count; i++)
        {
            _indices[i] = _setup.Leaves[i].Index;
            _setup.Leaves[i].Actor.Tell(b.Message, Self);
        }
        if (_pending == 0) Complete();
        else Timers.StartSingleTimer("gather", new GatherTimeout(b.Round), _setup.Timeout);
    }

    private void FromLeaf(GatherKey key, object part)
    {
        if (key.Round != _round || !_open)
        {
            Log.LogWarning("tree node {Node}: reply of leaf {Leaf} to round {Round} ignored (round {Current} {State})",
                Node, key.Leaf, key.Round, _round, _open ? "open" : "closed");
            return;
        }
        if (!_leafSlot.TryGetValue(key.Leaf, out int slot))
        {
            Fail($"a reply from leaf {key.Leaf}, which is not one of this node's leaves ({List(_setup.Leaves.Select(l => l.Index))})");
            return;
        }
        if (_leafIn[slot])
        {
            Fail($"leaf {key.Leaf} replied twice");
            return;
        }
        _leafIn[slot] = true;
        _parts[slot] = part;
        if (--_pending == 0) Complete();
    }

    private void FromChild(Gathered g)
    {
        if (g.Round != _round || !_open) return; // a late bundle of a round that already failed
        if (!_childSlot.TryGetValue(g.Node, out int c))
        {
            Fail($"a bundle from tree node {g.Node}, which is not a child of this node");
            return;
        }
        var child = _setup.Children[c];
        if (_childIn[c])
        {
            Fail($"child node {g.Node} sent round {g.Round} twice");
            return;
        }
        if (g.Indices.Length != child.Leaves || g.Parts.Length != child.Leaves)
        {
            Fail($"child node {g.Node} sent {g.Parts.Length} parts for the {child.Leaves} leaves below it");
            return;
        }
        _childIn[c] = true;
        Array.Copy(g.Indices, 0, _indices, _childOffset[c], child.Leaves);
        Array.Copy(g.Parts, 0, _parts, _childOffset[c], child.Leaves);
        if (--_pending == 0) Complete();
    }

    private void Complete() => Close().Tell(new Gathered(_round, Node, _indices, _parts), Self);

    private void Fail(string what, int[]? silent = null) =>
        Close().Tell(new GatherFailed(_round, Node, $"tree node {Node}, round {_round}: {what}") { Silent = silent ?? [] }, Self);

    /// <summary>The tree nodes below which nothing came: child nodes that sent no bundle, and this node if one of its own leaves did not answer.</summary>
    private int[] Silent()
    {
        var silent = new List<int>();
        if (_leafIn.Contains(false)) silent.Add(Node);
        for (int c = 0; c < _childIn.Length; c++)
            if (!_childIn[c]) silent.Add(_setup.Children[c].Node);
        return silent.ToArray();
    }

    /// <summary>Ends the open round; returns where its result goes.</summary>
    private IActorRef Close()
    {
        _open = false;
        Timers.Cancel("gather");
        return _up!;
    }

    private string Missing()
    {
        var leaves = _setup.Leaves.Where((_, i) => !_leafIn[i]).Select(l => l.Index).ToArray();
        var children = _setup.Children.Where((_, c) => !_childIn[c]).ToArray();
        var parts = new List<string>();
        if (leaves.Length > 0) parts.Add($"no reply from leaf {List(leaves)}");
        if (children.Length > 0)
            parts.Add($"nothing from child node {List(children.Select(c => c.Node))} (holding {children.Sum(c => c.Leaves)} leaves)");
        return parts.Count == 0 ? "nothing missing" : string.Join("; ", parts);
    }

    private static string List(IEnumerable<int> items)
    {
        var all = items.ToArray();
        return all.Length <= 12 ? string.Join(", ", all) : string.Join(", ", all.Take(12)) + $", … ({all.Length} in all)";
    }
}
