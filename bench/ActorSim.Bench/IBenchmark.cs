namespace ActorSim.Bench;

/// <summary>One named benchmark of the bench program.</summary>
public interface IBenchmark
{
    string Name { get; }
    string Description { get; }
    int Run(string[] args);
}

/// <summary>Every benchmark; add one line per new benchmark.</summary>
public static class BenchmarkRegistry
{
    public static IReadOnlyList<IBenchmark> All { get; } =
    [
        new TriadBenchmark(),
        new PingPongBenchmark(),
        new MuscleBenchmark(),
        new ClusterBenchmark(),
        new RecoveryBenchmark(),
        new RemoteBulkBenchmark(),
        new FrameBulkBenchmark(),
        new ClusterJoinBenchmark(),
        new VirusPdeBenchmark(),
        new KineticBenchmark(),
        new CheckpointBenchmark(),
        new ExpressionConstraintBenchmark(),
        new SweepBenchmark(),
        new PeerLinearBenchmark(),
        new KineticApBenchmark(),
        new StartupBenchmark(),
        new ParticleKernelsBenchmark(),
        new TreeRoundsBenchmark(),
    ];
}
