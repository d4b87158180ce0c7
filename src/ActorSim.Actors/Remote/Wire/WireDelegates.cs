namespace ActorSim.Actors.Remote.Wire;

/// <summary>Writes the fields of <paramref name="message"/> (by field number) to <paramref name="writer"/>.</summary>
public delegate void WireEncoder<in T>(T message, WireWriter writer);

/// <summary>
/// Reads a message from <paramref name="reader"/>, written by an encoder of contract version <paramref name="version"/>
/// (never newer than the registered version). Unknown field numbers should be skipped with
/// <see cref="WireReader.SkipField"/> so that older nodes can read messages from newer minor revisions.
/// </summary>
public delegate T WireDecoder<out T>(ref WireReader reader, int version);
