using Akka.Actor.Internal;
using Akka.Actor;

namespace ActorSim.Actors;

/// <summary>Supervisor strategies ActorSim uses.</summary>
public static class Strategies
{
    /// <summary>Escalate every failure: a failing child takes its parent down with it, up to the host (see <see cref="ActorRuntime.WhenFaulted"/>).</summary>
    public static SupervisorStrategy EscalateAll { get; } = new OneForOneStrategy(static _ => Directive.Escalate);

    /// <summary>Stop the failing child on any exception.</summary>
    public static SupervisorStrategy StopAll { get; } = new OneForOneStrategy(static _ => Directive.Stop);

    /// <summary>Stop the failing child after calling <paramref name="onFailure"/> with the failure.</summary>
    public static SupervisorStrategy StopAndReport(Action<IActorRef, Exception> onFailure) => new ReportingStopStrategy(onFailure);

    private sealed class ReportingStopStrategy(Action<IActorRef, Exception> onFailure) : OneForOneStrategy(static _ => Directive.Stop)
    {
        public override void ProcessFailure(IActorContext context, bool restart, IActorRef child, Exception cause,
            ChildRestartStats stats, IReadOnlyCollection<ChildRestartStats> children)
        {
            onFailure(child, cause);
            base.ProcessFailure(context, restart, child, cause, stats, children);
        }
    }
}
