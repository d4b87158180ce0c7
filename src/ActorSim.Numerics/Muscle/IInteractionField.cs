namespace ActorSim.Numerics.Muscle;

/// <summary>
/// The mean interaction seen by a particle at x given the stage positions of all N particles:
/// the force k(x) = (1/N) sum_j K(X_j, x) = (1/N) sum_j grad V(X_j - x) and the potential
/// (1/N) sum_j V(X_j - x). Built once per stage (direct summation or particle mesh), then read-only.
/// </summary>
public interface IInteractionField
{
    /// <summary>Adds k(x) to <paramref name="force"/>.</summary>
    void AddForce(ReadOnlySpan<double> x, Span<double> force);

    /// <summary>(1/N) sum_j V(X_j - x).</summary>
    double Potential(ReadOnlySpan<double> x);
}
