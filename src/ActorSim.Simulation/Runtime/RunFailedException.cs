namespace ActorSim.Simulation.Runtime;

/// <summary>A run stopped because an actor failed or a node was lost; the message says which actor or node, on which message, and why.</summary>
public sealed class RunFailedException : Exception
{
    public RunFailedException(string message) : base(message) { }

    public RunFailedException(string message, Exception inner) : base(message, inner) { }
}
