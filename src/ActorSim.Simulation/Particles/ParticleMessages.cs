namespace ActorSim.Simulation.Particles;

/// <summary>Coordinator to every block: round number <paramref name="Seq"/> of the run (see <see cref="ParticleRound"/>).</summary>
public sealed record BlockRound(long Seq, ParticleRound Round);

/// <summary>Block to coordinator: the block's reply to round <paramref name="Seq"/>.</summary>
public sealed record BlockReply(long Seq, int Block, double[] Data)
{
    /// <summary>Monitoring: wall seconds the block spent on this round.</summary>
    public double ComputeSeconds { get; init; }
}
