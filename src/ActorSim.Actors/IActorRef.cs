namespace ActorSim.Actors;

/// <summary>
/// A location-transparent handle to an actor. The only way to interact with an actor is to
/// <see cref="Tell"/> it a message; the reference stays valid across restarts of the actor.
/// </summary>
public interface IActorRef
{
    /// <summary>The address of the referenced actor.</summary>
    ActorPath Path { get; }

    /// <summary>
    /// Enqueues <paramref name="message"/> for the actor without blocking. Messages from one sender
    /// arrive in the order they were sent. Messages to a stopped actor go to dead letters.
    /// </summary>
    /// <param name="message">A plain (preferably immutable record) message object.</param>
    /// <param name="sender">The reference replies should be sent to, if any.</param>
    void Tell(object message, IActorRef? sender = null);
}
