namespace ActorSim.Simulation.Subdomains;

/// <summary>Coordinator to block: the actors of the neighbouring blocks (by block index) and the coordinator.</summary>
public sealed record ConnectBlock(IReadOnlyDictionary<int, Akka.Actor.IActorRef> Neighbours)
{
    /// <summary>
    /// Every block's actor in block order when the blocks plan leased steps themselves (<see cref="RunStep.LeaseUntil"/>):
    /// each sends its bounds to all (<see cref="PeerBounds"/>), reduces them in block order and plans as the coordinator
    /// would. Null: every step is ordered by the coordinator.
    /// </summary>
    public IReadOnlyList<Akka.Actor.IActorRef>? Peers { get; init; }
}

/// <summary>Coordinator to blocks: exchange halos and report the bounds of step <paramref name="Step"/>.</summary>
public sealed record ReportBounds(long Step);

/// <summary>Block to block: the halo for <paramref name="Port"/> of the receiver at an exchange point.</summary>
public sealed record Halo(long Step, int Exchange, int Port, double[] Data);

/// <summary>Block to coordinator: partial bounds for step <paramref name="Step"/> (its halos are current).</summary>
public sealed record BlockBounds(long Step, int Block, double[] Bounds)
{
    /// <summary>Monitoring: wall seconds the block computed since its previous report.</summary>
    public double ComputeSeconds { get; init; }

    /// <summary>Monitoring: wall seconds the block waited for neighbours' halos since its previous report.</summary>
    public double HaloWaitSeconds { get; init; }
}

/// <summary>
/// Coordinator to blocks: run this step; then, with peers (<see cref="ConnectBlock.Peers"/>), plan and run the steps
/// before <see cref="LeaseUntil"/> yourselves, never past <see cref="LeaseTEnd"/> (the next output time): the
/// coordinator only follows (it plans the same steps from the same bounds) until the lease ends at a barrier.
/// </summary>
public sealed record RunStep(StepOrder Order)
{
    /// <summary>The first step the blocks may not plan themselves (0: none).</summary>
    public long LeaseUntil { get; init; }

    /// <summary>The time the leased steps must not pass.</summary>
    public double LeaseTEnd { get; init; }
}

/// <summary>Block to every block: its partial bounds for step <paramref name="Step"/> (leased steps).</summary>
public sealed record PeerBounds(long Step, int Block, double[] Bounds);

/// <summary>Coordinator to blocks: the lease of self-planned steps now runs to <paramref name="UntilStep"/> (same time limit).</summary>
public sealed record ExtendLease(long UntilStep);

/// <summary>Block to coordinator: the step's last stage is done.</summary>
public sealed record StepDone(long Step, int Block);

/// <summary>Coordinator to blocks: send a snapshot of your fields for output number <paramref name="Index"/>.</summary>
public sealed record RequestSnapshot(int Index);

/// <summary>Block to coordinator: the fields of one block.</summary>
public sealed record BlockSnapshot(int Index, int Block, double[] Data);

// The checkpoint messages (SaveBlockState, BlockStateSaved, RestoreBlock) are shared by all coordinators: Runtime/CheckpointMessages.cs.
