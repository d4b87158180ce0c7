namespace ActorSim.Actors.Remote.Wire;

/// <summary>
/// A frame's HMAC does not match: it was not produced with this cluster's shared secret (a node configured
/// with another secret, an injected or corrupted message). Such frames are dropped.
/// </summary>
public sealed class ForgedFrameException : WireFormatException
{
    /// <summary>Creates the exception.</summary>
    public ForgedFrameException(string message) : base(message) { }
}
