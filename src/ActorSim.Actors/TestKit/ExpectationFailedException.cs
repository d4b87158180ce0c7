namespace ActorSim.Actors.TestKit;

/// <summary>A TestKit expectation (e.g. <see cref="TestProbe.ExpectMsg{T}(TimeSpan?)"/>) was not met.</summary>
public sealed class ExpectationFailedException : Exception
{
    /// <summary>Creates the exception with a message describing what was expected and what happened.</summary>
    public ExpectationFailedException(string message) : base(message) { }
}
