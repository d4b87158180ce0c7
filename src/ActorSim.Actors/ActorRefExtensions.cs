namespace ActorSim.Actors;

/// <summary>Convenience extensions on <see cref="IActorRef"/>.</summary>
public static class ActorRefExtensions
{
    /// <summary>Same as <see cref="ActorSystem.Ask{T}"/> with <paramref name="target"/> first.</summary>
    public static Task<T> Ask<T>(this IActorRef target, ActorSystem system, object message, TimeSpan timeout) =>
        (system ?? throw new ArgumentNullException(nameof(system))).Ask<T>(target, message, timeout);

    /// <summary>Same as <see cref="ActorSystem.Ask{T}"/> with <paramref name="target"/> first, cancellable.</summary>
    public static Task<T> Ask<T>(this IActorRef target, ActorSystem system, object message, TimeSpan timeout, CancellationToken cancellationToken) =>
        (system ?? throw new ArgumentNullException(nameof(system))).Ask<T>(target, message, timeout, cancellationToken);
}
