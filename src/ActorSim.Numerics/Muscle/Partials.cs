namespace ActorSim.Numerics.Muscle;

/// <summary>
/// One block's partial sums for one integrator stage, stored flat so they travel as raw doubles:
/// <c>Values[0 .. n_y^2)</c> = sum_i Phi_i^T Phi_i (row-major, symmetric) and
/// <c>Values[n_y^2 .. n_y^2 + n_y)</c> = sum_i Phi_i^T (F1(X_i) + k_i - m Omega_i[y', y']),
/// summed over the block's particles in index order. The coordinator scales by m/N and 1/N.
/// </summary>
public sealed class StagePartials
{
    public StagePartials(int ny)
    {
        Ny = ny;
        Values = new double[ny * ny + ny];
    }

    /// <summary>n_y.</summary>
    public int Ny { get; }

    /// <summary>The flat buffer (length n_y^2 + n_y).</summary>
    public double[] Values { get; }

    /// <summary>sum Phi^T Phi (n_y x n_y, row-major).</summary>
    public Span<double> Mass => Values.AsSpan(0, Ny * Ny);

    /// <summary>sum Phi^T f (n_y).</summary>
    public Span<double> Force => Values.AsSpan(Ny * Ny, Ny);

    public void Clear() => Array.Clear(Values);
}

/// <summary>
/// One block's partial diagnostics, flat: [0] sum_i |Phi_i y'|^2, [1] sum_i W1(X_i),
/// [2] sum_i (1/N) sum_j V(X_j - X_i), [3] max_i |g(X_i, y) - g(X_i^init, y^init)|_2 (a max, not a sum).
/// </summary>
public sealed class DiagnosticPartials
{
    public double[] Values { get; } = new double[4];
    public double KineticSum { get => Values[0]; set => Values[0] = value; }
    public double ParticlePotentialSum { get => Values[1]; set => Values[1] = value; }
    public double PairPotentialSum { get => Values[2]; set => Values[2] = value; }
    public double MaxConstraintDrift { get => Values[3]; set => Values[3] = value; }
    public void Clear() => Array.Clear(Values);
}

/// <summary>Reduced diagnostics of the whole system at one time.</summary>
/// <param name="KineticEnergy">1/2 y'^T m_eff y' = M/2 |y'|^2 + (m/2N) sum_i |X_i'|^2.</param>
/// <param name="PotentialEnergy">W0 + (1/N) sum W1 + (1/2N^2) sum_ij V.</param>
/// <param name="MaxConstraintDrift">max_i |g(X_i, y) - g(X_i^init, y^init)|_2.</param>
public sealed record MuscleDiagnostics(double KineticEnergy, double PotentialEnergy, double MaxConstraintDrift)
{
    /// <summary>Total energy.</summary>
    public double TotalEnergy => KineticEnergy + PotentialEnergy;
}

/// <summary>Classical RK4 coefficients used identically by particle blocks and the coordinator.</summary>
public static class Rk4
{
    /// <summary>Number of stages.</summary>
    public const int Stages = 4;

    /// <summary>Stage weights b_s * 6: 1, 2, 2, 1.</summary>
    public static double Weight(int stage) => stage is 1 or 2 ? 2.0 : 1.0;

    /// <summary>c_{s+1}: the next stage is evaluated at z0 + c_{s+1} dt k_s (0.5, 0.5, 1).</summary>
    public static double NextStageFactor(int stage) => stage == 2 ? 1.0 : 0.5;
}
