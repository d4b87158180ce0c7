using Microsoft.Extensions.Logging;

namespace ActorSim.Actors;

/// <summary>
/// Base class of all actors. The runtime calls <see cref="Receive"/> with one message at a time,
/// never concurrently, so an actor's fields need no locking.
/// </summary>
/// <remarks>
/// Lifecycle: the runtime creates the instance from <see cref="Props.Factory"/>, sets <see cref="Context"/>
/// and calls <see cref="PreStart"/>. On a restart the old instance gets <see cref="PreRestart"/> (its
/// <see cref="PostStop"/> is NOT called), its children are stopped, and the new instance gets
/// <see cref="PreStart"/> followed by <see cref="PostRestart"/>. <see cref="PostStop"/> is called once when
/// the actor is finally stopped, after all its children have stopped.
/// </remarks>
public abstract class Actor
{
    private IActorContext? _context;

    /// <summary>The runtime context; set by the runtime before <see cref="PreStart"/> (not available in the constructor).</summary>
    protected IActorContext Context =>
        _context ?? throw new InvalidOperationException(
            $"The actor context of {GetType().Name} is not available in its constructor; use PreStart instead.");

    /// <summary>This actor's own reference.</summary>
    protected IActorRef Self => Context.Self;

    /// <summary>Sender of the message being processed, or <c>null</c>.</summary>
    protected IActorRef? Sender => Context.Sender;

    /// <summary>Processes one message. Exceptions are handled by the parent's <see cref="SupervisorStrategy"/>.</summary>
    protected abstract void Receive(object message);

    /// <summary>Called on every new instance (first start and after a restart) before any message.</summary>
    protected virtual void PreStart() { }

    /// <summary>Called once when the actor has stopped, after its children have stopped.</summary>
    protected virtual void PostStop() { }

    /// <summary>Called on the failed instance before it is replaced.</summary>
    /// <param name="reason">The failure.</param>
    /// <param name="message">The message whose processing failed (dropped), or <c>null</c>.</param>
    protected virtual void PreRestart(Exception reason, object? message) { }

    /// <summary>Called on the new instance after <see cref="PreStart"/> when it replaces a failed one.</summary>
    protected virtual void PostRestart(Exception reason) { }

    /// <summary>Logs a warning that <paramref name="message"/> was not handled by this actor.</summary>
    protected void Unhandled(object message) =>
        Context.Log.LogWarning("Unhandled message {MessageType} from {Sender} in {ActorPath}",
            TypeNames.Of(message?.GetType()), Context.Sender?.Path.Value ?? "<no sender>", Context.Self.Path.Value);

    internal void Attach(IActorContext context) => _context = context;
    internal void InvokeReceive(object message) => Receive(message);
    internal void InvokePreStart() => PreStart();
    internal void InvokePostStop() => PostStop();
    internal void InvokePreRestart(Exception reason, object? message) => PreRestart(reason, message);
    internal void InvokePostRestart(Exception reason) => PostRestart(reason);
}
