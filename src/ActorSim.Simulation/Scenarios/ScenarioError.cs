namespace ActorSim.Simulation.Scenarios;

/// <summary>One problem found in a scenario file: where (file and JSON path) and what is wrong.</summary>
public sealed record ScenarioError(string File, string JsonPath, string Message)
{
    public override string ToString() => $"{File}: {JsonPath}: {Message}";
}

/// <summary>A scenario was rejected before anything ran; <see cref="Errors"/> lists every problem found.</summary>
public sealed class ScenarioException : Exception
{
    public ScenarioException(IReadOnlyList<ScenarioError> errors)
        : base(string.Join(Environment.NewLine, errors.Select(e => e.ToString())))
    {
        Errors = errors;
    }

    public IReadOnlyList<ScenarioError> Errors { get; }
}
