namespace ActorSim.Numerics.Virus.Kinetic.MonteCarlo;

/// <summary>
/// One population's 1D velocity-jump (run-and-tumble) process in the parabolic scaling of README.md:
/// particles run at ±c/ε and tumble at rate σ/ε² (exponential waiting times); at a tumble the new
/// direction is +c with probability ½(1 + b) and −c with probability ½(1 − b), b = clamp(ε a c ∂x s, −1, 1),
/// a = χ / c² (no bias when χ = 0). This is the jump process whose forward equation is the kinetic
/// equation ε² ∂t f + ε v ∂x f = −σ (f − M ρ) + ε a σ v M ∂x s ρ (the clamp is inactive whenever the
/// kinetic kernel is non-negative, ε a c |∂x s| ≤ 1). Particle weights decay at the linear death
/// rate <see cref="DecayRate"/> (per macroscopic time), the only reaction the particle version carries.
/// </summary>
public readonly record struct VelocityJumpProcess1D(double Speed, double TurningRate, double Epsilon, double Chi = 0.0, double DecayRate = 0.0)
{
    /// <summary>Physical running speed c/ε (length per macroscopic time).</summary>
    public double RunSpeed => Speed / Epsilon;

    /// <summary>Tumbling frequency σ/ε² (per macroscopic time).</summary>
    public double TumbleRate => TurningRate / (Epsilon * Epsilon);

    /// <summary>Limit diffusion coefficient D = c²/σ.</summary>
    public double DiffusionCoefficient => Speed * Speed / TurningRate;

    /// <summary>Taxis bias coefficient a = χ/c² (limit drift χ ∂x s).</summary>
    public double TaxisBias => Chi / (Speed * Speed);
}
