namespace ActorSim.Simulation.Subdomains;

/// <summary>Coordinator to block: the actors of the neighbouring blocks (by block index) and the coordinator.</summary>
public sealed record ConnectBlock(IReadOnlyDictionary<int, Akka.Actor.IActorRef> Neighbours);

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

/// <summary>Coordinator to blocks: run this step.</summary>
public sealed record RunStep(StepOrder Order);

/// <summary>Block to coordinator: the step's last stage is done.</summary>
public sealed record StepDone(long Step, int Block);

/// <summary>Coordinator to blocks: send a snapshot of your fields for output number <paramref name="Index"/>.</summary>
public sealed record RequestSnapshot(int Index);

/// <summary>Block to coordinator: the fields of one block.</summary>
public sealed record BlockSnapshot(int Index, int Block, double[] Data);

// The checkpoint messages (SaveBlockState, BlockStateSaved, RestoreBlock) are shared by all coordinators: Runtime/CheckpointMessages.cs.
