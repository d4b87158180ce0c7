using ActorSim.Actors.Trees;
using Akka.Actor;

namespace ActorSim.Simulation.Runtime;

/// <summary>
/// The blocks reached through a broadcast/gather tree: a round (a message <paramref name="roundOf"/> gives a number)
/// goes down the tree and its replies come back as one <see cref="Gathered"/>; any other message (checkpoint
/// requests, …) goes down the same tree as a plain broadcast, and the blocks answer the sender directly.
/// </summary>
public sealed class TreeBlockSet(IReadOnlyList<IActorRef> blocks, IActorRef root, Func<object, long?> roundOf) : BlockSet(blocks)
{
    /// <summary>The tree's root node.</summary>
    public IActorRef Root { get; } = root;

    public override void TellAll(object message, IActorRef sender)
    {
        if (roundOf(message) is { } round) Root.Tell(new TreeBroadcast(round, message), sender);
        else Root.Tell(new TreeBroadcast(0, message, sender), sender);
    }
}
