namespace ActorSim.Actors;

/// <summary>
/// An actor failed while processing a message (see <see cref="Actor"/>). <see cref="Path"/> and <see cref="MessageType"/>
/// identify the actor where the failure originated; <see cref="Exception.InnerException"/> is the cause.
/// </summary>
public sealed class ActorFailedException : Exception
{
    /// <summary>Creates the exception; the message reads "actor /user/x failed while processing Foo: cause".</summary>
    /// <param name="path">The failing actor.</param>
    /// <param name="messageType">Type of the message being processed, or <c>null</c> if the actor failed while starting.</param>
    /// <param name="cause">The original exception.</param>
    public ActorFailedException(string path, Type? messageType, Exception cause)
        : base(Format(path, messageType, cause), cause)
    {
        Path = path;
        MessageType = messageType;
    }

    /// <summary>Path of the actor where the failure originated.</summary>
    public string Path { get; }

    /// <summary>Type of the message whose processing failed; <c>null</c> if the actor failed while starting.</summary>
    public Type? MessageType { get; }

    private static string Format(string path, Type? messageType, Exception cause)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(cause);
        return messageType is null
            ? $"actor {path} failed while starting: {cause.Message}"
            : $"actor {path} failed while processing {TypeNames.Of(messageType)}: {cause.Message}";
    }
}
