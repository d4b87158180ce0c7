namespace ActorSim.Actors.Remote.Transport;

/// <summary>A frame as received.</summary>
/// <param name="Bytes">The frame (valid only while it is being handled).</param>
/// <param name="Source">Where the transport says it came from (for logs; e.g. the sending member's address).</param>
/// <param name="Redelivered">True if the transport delivers it again (none of the current transports does).</param>
/// <param name="AuthenticatedLink">True if it came over a link that authenticated its sender and protects what it carries
/// (mutual TLS, or a loopback link opened with the cluster secret's challenge): an unsigned frame is accepted then.</param>
public readonly record struct InboundFrame(ReadOnlyMemory<byte> Bytes, string Source, bool Redelivered, bool AuthenticatedLink = false);
