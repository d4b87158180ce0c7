namespace ActorSim.Numerics.Muscle;

/// <summary>
/// The index-reduced "macro-micro" muscle model of seed 003 (Plunder &amp; Simeon):
/// <code>
///   m_eff y'' = F_eff,   X_i' = Phi(X_i, y)[y'],
///   m_eff = M I + (m/N) sum_i Phi_i^T Phi_i,
///   F_eff = F0(y) + (1/N) sum_i Phi_i^T ( F1(X_i) + (1/N) sum_j K(X_j, X_i) - m Omega_i[y', y'] ),
/// </code>
/// obtained from the Lagrangian L = M/2 |y'|^2 - W0(y) + (1/N) sum_i ( m/2 |X_i'|^2 - W1(X_i)
/// - (1/2N) sum_j V(X_j - X_i) - lambda_i . (g(X_i, y) - g(X_i^init, y^init)) ).
/// The seed uses M = 1. Its linear example and mean-field F_eff carry sign typos (d_y g = -G was
/// dropped; "F0 - int Phi^T (F1 + m Omega ...)" should read F0 + int Phi^T (F1 - m Omega ...));
/// the formula above is the one consistent with the seed's own ODE model and with energy conservation.
/// Total energy: E = 1/2 y'^T m_eff y' + W0(y) + (1/N) sum_i W1(X_i) + (1/2N^2) sum_ij V(X_j - X_i).
/// </summary>
public sealed record MuscleModel
{
    /// <summary>The constraint g (defines n_x, n_y, Phi and Omega).</summary>
    public required ParticleConstraint Constraint { get; init; }

    /// <summary>Macroscopic mass M (the seed's "1"), &gt; 0.</summary>
    public double MacroMass { get; init; } = 1.0;

    /// <summary>Particle mass m (per particle, the 1/N scaling is applied by the model), &gt;= 0.</summary>
    public double ParticleMass { get; init; } = 1.0;

    /// <summary>W0(y); null means W0 = 0.</summary>
    public IMacroPotential? MacroPotential { get; init; }

    /// <summary>W1(X); null means W1 = 0.</summary>
    public IParticlePotential? ParticlePotential { get; init; }

    /// <summary>Pair potential V; null means no interaction K.</summary>
    public IPairPotential? PairPotential { get; init; }

    /// <summary>
    /// delta of the uniform full-rank condition: the start-up check requires the smallest singular value of
    /// d_X g(X_i^init, y^init) to be at least this (and the determinant to be non-zero) for every particle.
    /// </summary>
    public double FullRankThreshold { get; init; } = 1e-8;

    /// <summary>n_x.</summary>
    public int Nx => Constraint.Nx;

    /// <summary>n_y.</summary>
    public int Ny => Constraint.Ny;
}
