using ActorSim.Actors;
using Akka.Actor;

namespace ActorSim.Simulation.Runtime;

/// <summary>
/// The root of one run's actors on an actor system shared by many runs (<see cref="RunOptions.SharedSystem"/>, a sweep's
/// members): it creates the run's listener, writer and coordinator as its children (the same actors as on a system of the
/// run's own), passes <see cref="StopRun"/> to the coordinator, and isolates the run: a failure that escalates to it
/// (the coordinator escalates its blocks' failures) stops its children and faults this run's task with the same cause
/// that would have faulted a system of its own — the other runs on the system go on. Stopping it stops the run's actors.
/// </summary>
internal sealed class RunRootActor(Func<IActorRefFactory, IActorRef> build, TaskCompletionSource fault) : Actor
{
    private static long _runs;
    private IActorRef? _coordinator;

    /// <summary>A name for the next run's root, unique in the process ("run-1", "run-2", ...).</summary>
    public static string NextName() => $"run-{Interlocked.Increment(ref _runs)}";

    public static Props Props(Func<IActorRefFactory, IActorRef> build, TaskCompletionSource fault) =>
        ActorFactory.Props(() => new RunRootActor(build, fault));

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(cause =>
    {
        fault.TrySetException(cause);
        return Directive.Stop;
    }, loggingEnabled: false);

    protected override void PreStart()
    {
        try
        {
            _coordinator = build(Context);
        }
        catch (Exception ex)
        {
            fault.TrySetException(ex);
            Context.Stop(Self);
        }
    }

    protected override void Receive(object message)
    {
        if (message is StopRun) _coordinator?.Tell(message, Sender);
        else Unhandled(message);
    }
}
