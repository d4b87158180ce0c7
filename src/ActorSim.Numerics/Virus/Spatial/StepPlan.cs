namespace ActorSim.Numerics.Virus.Spatial;

/// <summary>
/// What the coordinator broadcasts for one time step: advance every subdomain from <see cref="T"/> to
/// <see cref="TNext"/> (= T + Dt, or exactly the end time on a clipped final step). In 1D the step is one RKL2 step
/// with <see cref="StagesX"/> stages (<see cref="StagesY"/> = 0); in 2D it is X(Dt/2)·Y(Dt)·X(Dt/2) with
/// <see cref="StagesX"/> stages per x substep and <see cref="StagesY"/> for the y substep. Every stage is preceded
/// by a halo exchange (see <see cref="VirusSubdomain"/>).
/// </summary>
public sealed record StepPlan(long Step, double T, double Dt, double TNext, int StagesX, int StagesY)
{
    /// <summary>Total stages (= halo exchanges) of the step: StagesX in 1D, 2·StagesX + StagesY in 2D.</summary>
    public int StageCount => StagesY == 0 ? StagesX : 2 * StagesX + StagesY;
}
