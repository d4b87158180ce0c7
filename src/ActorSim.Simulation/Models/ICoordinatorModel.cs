namespace ActorSim.Simulation.Models;

/// <summary>
/// The macroscopic state a coordinator actor owns and advances: the columns of <c>timeseries.csv</c>
/// after <c>t</c>, the integrator, and the model's analysis for <c>run.json</c>.
/// </summary>
public interface ICoordinatorModel : IRunnableModel
{
    /// <summary>The model's current time.</summary>
    double Time { get; }

    /// <summary>Advances the state to exactly <paramref name="t"/> (&gt;= <see cref="Time"/>).</summary>
    void AdvanceTo(double t);

    /// <summary>Writes the current values of <see cref="Columns"/> into <paramref name="values"/>.</summary>
    void ReadState(Span<double> values);

    /// <summary>Work done so far by the integrator.</summary>
    StepCounters Counters { get; }
}

/// <summary>Integrator work: accepted and rejected steps and right-hand-side evaluations.</summary>
public sealed record StepCounters(long Accepted, long Rejected, long RhsEvaluations);
