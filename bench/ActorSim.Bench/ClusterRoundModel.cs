using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Subdomains;

namespace ActorSim.Bench;

/// <summary>
/// "bench-rounds": a subdomain model whose blocks do nothing and have no neighbours, so that one step is exactly one
/// coordination round: the coordinator sends RunStep to every block, each block answers BlockBounds at once, the
/// coordinator reduces them in block order and plans the next step. <see cref="Plan"/> timestamps every round.
/// </summary>
internal sealed class ClusterRoundDefinition : IModelDefinition
{
    public static readonly ConcurrentQueue<ClusterRoundModel> Created = new();

    public string Name => "bench-rounds";
    public string Summary => "empty blocks: one step = one coordination round";
    public IReadOnlyList<ValueSpec> Parameters { get; } = [];
    public IReadOnlyList<ValueSpec> Initial { get; } = [];
    public int MaxBlocks => 4096;
    public void CheckConsistency(Scenario scenario, Action<string, string> error) { }

    public IRunnableModel Create(Scenario s)
    {
        var model = new ClusterRoundModel(s.Run.Blocks);
        Created.Enqueue(model);
        return model;
    }

    public static string Scenario(int blocks, int rounds) => $$"""
        { "model": "bench-rounds", "parameters": {}, "initial": {},
          "time": { "end": {{rounds}}, "output_interval": {{rounds}} }, "run": { "blocks": {{blocks}}, "seed": 1 } }
        """;
}

internal sealed class ClusterRoundModel(int blocks) : ISubdomainModel
{
    public readonly List<long> PlanTimestamps = new();

    public int BlockCount => blocks;
    public IReadOnlyList<string> Columns { get; } = ["t_copy"];
    public JsonObject Analysis() => new();
    public IReadOnlyList<HaloLink> Links(int block) => [];
    public ISubdomainKernel CreateKernel(int block) => new Kernel(block);
    public double[] ReduceBounds(IReadOnlyList<double[]> bounds) => [bounds.Count];

    public StepOrder Plan(long step, double t, double tEnd, double[] globalBounds)
    {
        PlanTimestamps.Add(Stopwatch.GetTimestamp());
        double next = Math.Min(t + 1, tEnd);
        return new StepOrder(step, t, next - t, next, 1);
    }

    public IReadOnlyList<FieldSnapshot> Assemble(double t, IReadOnlyList<double[]> snapshots, Span<double> row)
    {
        row[0] = t;
        return [];
    }

    /// <summary>Round durations in microseconds (time between consecutive plans), after <paramref name="warmup"/> rounds.</summary>
    public double[] RoundMicroseconds(int warmup) =>
        PlanTimestamps.Zip(PlanTimestamps.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a, b).TotalMicroseconds).Skip(warmup).ToArray();

    private sealed class Kernel(int block) : ISubdomainKernel
    {
        public int Block => block;
        public IReadOnlyList<HaloLink> Links => [];
        public int HaloLength(int port) => 0;
        public void ExtractHalo(int port, Span<double> buffer) { }
        public void ApplyHalo(int port, ReadOnlySpan<double> buffer) { }
        public void ApplyBoundary(int port) { }
        public double[] ComputeBounds() => [1];
        public void BeginStep(StepOrder order) { }
        public void Stage(int k) { }
        public int SnapshotLength => 1;
        public void CopySnapshot(Span<double> destination) => destination[0] = block;
    }
}
