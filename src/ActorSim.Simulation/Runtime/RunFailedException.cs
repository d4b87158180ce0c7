namespace ActorSim.Simulation.Runtime;

/// <summary>A run stopped because an actor failed; the message says which actor, on which message, and why.</summary>
public sealed class RunFailedException(string message, Exception inner) : Exception(message, inner);
