namespace ActorSim.Actors;

/// <summary>Reference to an actor in this process.</summary>
internal sealed class LocalActorRef : IActorRef
{
    internal LocalActorRef(ActorCell cell) => Cell = cell;

    internal ActorCell Cell { get; }

    public ActorPath Path => Cell.Path;

    public void Tell(object message, IActorRef? sender = null) => Cell.Tell(message, sender);

    public override string ToString() => Path.Value;
}
