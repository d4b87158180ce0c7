namespace ActorSim.Actors;

/// <summary>
/// Recipe for creating an actor. The factory is called for the first instance and again on every restart.
/// </summary>
/// <param name="Factory">Creates a fresh actor instance; must not return a shared instance.</param>
/// <param name="SupervisorStrategy">Strategy this actor applies to ITS children (<c>null</c>: <see cref="Actors.SupervisorStrategy.Default"/>).</param>
public sealed record Props(Func<Actor> Factory, SupervisorStrategy? SupervisorStrategy = null)
{
    /// <summary>Props for an actor with a parameterless constructor.</summary>
    public static Props Create<T>() where T : Actor, new() => new(static () => new T());

    /// <summary>Props for an actor created by <paramref name="factory"/>.</summary>
    public static Props Create(Func<Actor> factory) => new(factory ?? throw new ArgumentNullException(nameof(factory)));

    /// <summary>Returns a copy that supervises its children with <paramref name="strategy"/>.</summary>
    public Props WithSupervisorStrategy(SupervisorStrategy strategy) => this with { SupervisorStrategy = strategy };
}
