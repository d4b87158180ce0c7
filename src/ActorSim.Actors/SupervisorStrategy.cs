namespace ActorSim.Actors;

/// <summary>
/// How an actor supervises its children. When a child fails the <paramref name="Decider"/> picks a
/// <see cref="Directive"/>. A <see cref="Directive.Restart"/> beyond <paramref name="MaxRestarts"/>
/// restarts of that child within <paramref name="Within"/> becomes <see cref="Directive.Escalate"/>.
/// </summary>
/// <param name="Decider">Maps the failure to a directive. If it throws, the failure is escalated.</param>
/// <param name="MaxRestarts">Restarts allowed per child within the window; negative means unlimited.</param>
/// <param name="Within">Sliding time window for <paramref name="MaxRestarts"/>; <c>null</c> counts over the child's whole life.</param>
public sealed record SupervisorStrategy(Func<Exception, Directive> Decider, int MaxRestarts = 10, TimeSpan? Within = null)
{
    /// <summary>Restart on any exception, at most 10 restarts per child within 1 minute, then escalate.</summary>
    public static SupervisorStrategy Default { get; } = new(static _ => Directive.Restart, 10, TimeSpan.FromMinutes(1));

    /// <summary>Escalate every failure (a failing child takes its parent down with it).</summary>
    public static SupervisorStrategy EscalateAll { get; } = new(static _ => Directive.Escalate);

    /// <summary>Stop the failing child on any exception.</summary>
    public static SupervisorStrategy StopAll { get; } = new(static _ => Directive.Stop);
}
