namespace ActorSim.Actors;

/// <summary>An Ask did not receive a reply within its timeout.</summary>
public sealed class AskTimeoutException : TimeoutException
{
    /// <summary>Creates the exception with a message naming target, message type and timeout.</summary>
    public AskTimeoutException(ActorPath target, Type messageType, TimeSpan timeout)
        : base($"Ask to {target} with message {TypeNames.Of(messageType)} timed out after {timeout.TotalSeconds:0.###} s without a reply.")
    {
        Target = target;
        MessageType = messageType;
        Timeout = timeout;
    }

    /// <summary>The actor that was asked.</summary>
    public ActorPath Target { get; }

    /// <summary>The type of the message that was sent.</summary>
    public Type MessageType { get; }

    /// <summary>The timeout that elapsed.</summary>
    public TimeSpan Timeout { get; }
}
