namespace ActorSim.Numerics.Muscle;

/// <summary>
/// Thrown when the uniform full-rank condition (d_X g(X_i, y) invertible with smallest singular value
/// at least delta) fails for a particle. Names the particle and the offending determinant / singular value.
/// </summary>
public sealed class ConstraintRankException : ArgumentException
{
    public ConstraintRankException(long particleIndex, double determinant, double minSingularValue, string detail)
        : base(Format(particleIndex, determinant, minSingularValue, detail))
    {
        ParticleIndex = particleIndex;
        Determinant = determinant;
        MinSingularValue = minSingularValue;
    }

    /// <summary>Global index of the offending particle (-1 if unknown, e.g. inside a kernel).</summary>
    public long ParticleIndex { get; }

    /// <summary>det d_X g at the offending particle.</summary>
    public double Determinant { get; }

    /// <summary>Smallest singular value of d_X g at the offending particle.</summary>
    public double MinSingularValue { get; }

    private static string Format(long i, double det, double s, string detail) =>
        $"Uniform full-rank condition violated at particle {i}: det(d_X g) = {det:G6}, smallest singular value = {s:G6} ({detail}).";
}
