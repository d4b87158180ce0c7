namespace ActorSim.Actors;

/// <summary>
/// The location-independent address of an actor, e.g. <c>/user/coordinator/block-3</c>.
/// </summary>
/// <param name="Value">The slash-separated path string.</param>
public sealed record ActorPath(string Value)
{
    /// <inheritdoc />
    public override string ToString() => Value;
}
