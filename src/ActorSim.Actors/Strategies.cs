using Akka.Actor;

namespace ActorSim.Actors;

/// <summary>Supervisor strategies ActorSim uses.</summary>
public static class Strategies
{
    /// <summary>Escalate every failure: a failing child takes its parent down with it, up to the host (see <see cref="ActorRuntime.WhenFaulted"/>).</summary>
    public static SupervisorStrategy EscalateAll { get; } = new OneForOneStrategy(static _ => Directive.Escalate);
}
