namespace ActorSim.Actors.Remote.Wire;

/// <summary>A frame or payload is malformed: truncated, a field has the wrong wire type, a length is out of range.</summary>
public class WireFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WireFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with an inner cause.</summary>
    public WireFormatException(string message, Exception inner) : base(message, inner) { }
}
