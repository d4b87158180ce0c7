using Microsoft.Extensions.Logging;

namespace ActorSim.Actors;

/// <summary>
/// The runtime services available to an actor while it runs (see <see cref="Actor"/>).
/// Only use it from inside the actor's own message processing and lifecycle hooks.
/// </summary>
public interface IActorContext
{
    /// <summary>The actor's own reference.</summary>
    IActorRef Self { get; }

    /// <summary>The sender of the message currently being processed, or <c>null</c>.</summary>
    IActorRef? Sender { get; }

    /// <summary>The parent actor (the user guardian for top-level actors).</summary>
    IActorRef? Parent { get; }

    /// <summary>The actor system this actor belongs to.</summary>
    ActorSystem System { get; }

    /// <summary>
    /// Creates a child actor supervised by this actor (using this actor's
    /// <see cref="Props.SupervisorStrategy"/>).
    /// </summary>
    /// <exception cref="ArgumentException">A live sibling already has <paramref name="name"/>, or the name is invalid.</exception>
    IActorRef ActorOf(Props props, string name);

    /// <summary>The live children, in creation order (children being stopped are not listed).</summary>
    IReadOnlyList<IActorRef> Children { get; }

    /// <summary>
    /// Stops a child (and its subtree) after the child's current message. Passing <see cref="Self"/>
    /// stops this actor. Stopping an already stopped child is a no-op.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="child"/> is neither a child of this actor nor Self.</exception>
    void Stop(IActorRef child);

    /// <summary>A logger whose category is the actor's path.</summary>
    ILogger Log { get; }
}
