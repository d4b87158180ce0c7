using Microsoft.Extensions.Logging;

namespace ActorSim.Actors;

/// <summary>
/// Sink for undeliverable messages: counts them and logs them at Debug. An Ask whose message is
/// undeliverable fails at once instead of waiting for its timeout.
/// </summary>
internal sealed class DeadLetterRef : IActorRef
{
    private readonly ILogger _log;
    private long _count;

    internal DeadLetterRef(ILoggerFactory loggerFactory) =>
        _log = loggerFactory.CreateLogger("ActorSim.Actors.DeadLetters");

    public ActorPath Path { get; } = new("/deadLetters");

    internal long Count => Interlocked.Read(ref _count);

    public void Tell(object message, IActorRef? sender = null) => Publish(message, sender, this);

    internal void Publish(object message, IActorRef? sender, IActorRef recipient)
    {
        Interlocked.Increment(ref _count);
        _log.LogDebug("Dead letter: {MessageType} from {Sender} to {Recipient} was not delivered",
            TypeNames.Of(message?.GetType()), sender?.Path.Value ?? "<no sender>", recipient.Path.Value);
        if (sender is IAskRef ask && message is not null) ask.FailUndeliverable(recipient.Path, message);
    }

    public override string ToString() => Path.Value;
}
