namespace ActorSim.Actors;

/// <summary>Conventional reply messages, understood by <see cref="ActorSystem.Ask{T}"/>.</summary>
public static class Status
{
    /// <summary>A failed operation; as a reply to an Ask it faults the Ask task with <paramref name="Cause"/>.</summary>
    public sealed record Failure(Exception Cause);

    /// <summary>A successful operation; as a reply to an Ask of type T whose <paramref name="Value"/> is a T, the value is returned.</summary>
    public sealed record Success(object? Value);
}
