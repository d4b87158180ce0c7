using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorSim.Actors;

/// <summary>
/// Base class of ActorSim's actors: an Akka.NET <see cref="UntypedActor"/> whose <see cref="Log"/> is a
/// Microsoft.Extensions.Logging logger of the host's logger factory (category: the actor's path), so actor log lines
/// go where the rest of the program's go. Akka calls <see cref="Receive"/> with one message at a time.
/// </summary>
public abstract class Actor : UntypedActor
{
    private ILogger? _log;

    /// <summary>A logger whose category is the actor's path, from the logger factory the actor system was created with.</summary>
    protected ILogger Log => _log ??= ActorRuntime.LoggerFactoryOf(Context.System).CreateLogger(Self.Path.ToStringWithoutAddress());

    /// <summary>Processes one message.</summary>
    protected new abstract void Receive(object message);

    /// <summary>
    /// Runs <see cref="Receive"/>; an exception it throws reaches the supervisor as an <see cref="ActorFailedException"/>
    /// naming this actor and the message type (the cause inside), so an escalated failure still says where it began.
    /// </summary>
    protected sealed override void OnReceive(object message)
    {
        try
        {
            Receive(message);
        }
        catch (Exception ex) when (ex is not ActorFailedException)
        {
            throw new ActorFailedException(Self.Path.ToStringWithoutAddress(), message?.GetType(), ex);
        }
    }

    /// <summary>Logs a warning that <paramref name="message"/> was not handled by this actor.</summary>
    protected new void Unhandled(object message) =>
        Log.LogWarning("Unhandled message {MessageType} from {Sender} in {ActorPath}",
            TypeNames.Of(message?.GetType()), Sender?.Path.ToStringWithoutAddress() ?? "<no sender>", Self.Path.ToStringWithoutAddress());
}
