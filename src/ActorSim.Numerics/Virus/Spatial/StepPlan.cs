namespace ActorSim.Numerics.Virus.Spatial;

/// <summary>
/// What the coordinator broadcasts for one time step: advance every subdomain from <see cref="T"/> to
/// <see cref="TNext"/> (= T + Dt, or exactly the end time on a clipped final step) by one RKL2 step with
/// <see cref="RklStages"/> stages, each preceded by a halo exchange (see <see cref="VirusSubdomain"/>).
/// </summary>
public sealed record StepPlan(long Step, double T, double Dt, double TNext, int RklStages);
