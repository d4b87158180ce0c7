namespace ActorSim.Actors.Remote;

/// <summary>
/// An exception that happened on another node, carried back in a <see cref="Status.Failure"/> reply. Only its
/// type name (as text) and message travel; no exception type is instantiated from the wire.
/// </summary>
public sealed class RemoteActorException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RemoteActorException(string remoteType, string message)
        : base($"{remoteType}: {message}")
    {
        RemoteType = remoteType;
        RemoteMessage = message;
    }

    /// <summary>Full name of the exception type on the remote node.</summary>
    public string RemoteType { get; }

    /// <summary>The remote exception's message.</summary>
    public string RemoteMessage { get; }
}
