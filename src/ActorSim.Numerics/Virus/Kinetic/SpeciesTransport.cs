namespace ActorSim.Numerics.Virus.Kinetic;

/// <summary>
/// Run-and-tumble data of one population: particles move at <see cref="Speed"/> c (length per kinetic
/// time) and turn at rate <see cref="TurningRate"/> σ (per kinetic time) with the relaxation kernel
/// T(v, v*) = σ M(v) (seed eq. (36)). In the parabolic scaling of README.md the physical speed is c/ε
/// and the physical turning rate σ/ε², and the limit diffusion coefficient is D = c²/(d σ).
/// </summary>
public readonly record struct SpeciesTransport(double Speed, double TurningRate)
{
    /// <summary>Limit diffusion coefficient D = &lt;v_x² M&gt;/σ = c²/(d σ) in dimension d, units length²/time.</summary>
    public double DiffusionCoefficient(int dimension = 1) => Speed * Speed / (dimension * TurningRate);
}
