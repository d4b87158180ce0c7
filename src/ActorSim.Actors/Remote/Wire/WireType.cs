namespace ActorSim.Actors.Remote.Wire;

/// <summary>
/// How a field's value is encoded; the low 3 bits of a field tag (the same numbering as protocol buffers,
/// so a payload can be inspected with protobuf tools).
/// </summary>
public enum WireType
{
    /// <summary>LEB128 variable-length integer (integers, booleans, enums).</summary>
    Varint = 0,

    /// <summary>8 bytes little-endian (double, fixed 64-bit integers).</summary>
    Fixed64 = 1,

    /// <summary>A varint byte length, then that many bytes (strings, byte blocks, packed arrays, nested messages).</summary>
    LengthDelimited = 2,

    /// <summary>4 bytes little-endian.</summary>
    Fixed32 = 5,
}
