namespace ActorSim.Actors.Remote.Transport;

/// <summary>A frame as received.</summary>
/// <param name="Bytes">The frame (valid only while it is being handled).</param>
/// <param name="Source">Where the transport says it came from (for logs; e.g. the broker user and the claimed node).</param>
/// <param name="Redelivered">True if the broker delivers it again (an earlier consumer did not acknowledge it).</param>
public readonly record struct InboundFrame(ReadOnlyMemory<byte> Bytes, string Source, bool Redelivered);
