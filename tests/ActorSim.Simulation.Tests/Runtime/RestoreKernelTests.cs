using System.Collections;
using System.Reflection;
using ActorSim.Numerics.Virus.Kinetic.MonteCarlo;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Particles;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Subdomains;

namespace ActorSim.Simulation.Tests.Runtime;

/// <summary>
/// Kernels built for restore (<see cref="IParticleModel.CreateKernelForRestore"/>, <see cref="ISubdomainModel.CreateKernelForRestore"/>):
/// after loading a state they are, field by field and bit by bit, the kernel built with its initial state after the same
/// load (so a resumed or recovered block computes what it did), and they do not build the initial state. The resume and
/// recovery tests (<see cref="CheckpointAllModelsTests"/>, <see cref="CheckpointResumeTests"/>, the buddy-checkpoint cluster
/// tests) run through these kernels and check the uninterrupted run's results_sha256.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RestoreKernelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorsim-restore-kernel-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Every model kind with blocks, and whether its blocks are subdomains (else particle blocks).</summary>
    public static TheoryData<string> Kinds => new()
    {
        "muscle-1d-particles", "muscle-1d-meanfield", "muscle-linear", "muscle-deformation-2d", "huxley-particles", "muscle-1d-expression",
        "muscle-linear-adaptive", "virus-kinetic-2d", "virus-kinetic-mc", "virus-kinetic-1d", "virus-kinetic-1d-well-prepared", "virus-pde-1d", "virus-pde-2d",
    };

    private static Scenario Make(string kind, string? checkpoint = null) => kind switch
    {
        "virus-kinetic-1d" or "virus-kinetic-1d-well-prepared" => ScenarioLoader.Parse($$"""
            { "model": "virus-kinetic",
              "parameters": { "eps": 0.3, "c_u": 1, "sigma_u": 100, "c_v": 1, "sigma_v": 10, "c_w": 1, "sigma_w": 10, "chi": 0.2,
                              "d1": 1, "d2": 1, "d3": 1, "beta": 1, "k": 1, "r": 4, "nx": 24, "boundary_x": "reflecting" },
              "initial": { "state": "endemic", "amplitude": 0.1, "mode_x": 2, "noise": 0.02 {{(kind.EndsWith("well-prepared") ? ", \"kinetic\": \"well-prepared\"" : "")}} },
              "time": { "end": 0.4, "output_interval": 0.02 }, "run": { "blocks": 2, "seed": 5 {{Checkpoint(checkpoint)}} } }
            """, kind + ".json"),
        "virus-pde-1d" or "virus-pde-2d" => ScenarioLoader.Parse($$"""
            { "model": "virus-pde",
              "parameters": { "Du": 0.01, "Dv": 0.1, "Dw": 0.1, "chi": 0.3, "d1": 1, "d2": 1, "d3": 1, "beta": 1, "k": 1, "r": 4,
                              {{(kind == "virus-pde-1d" ? "\"nx\": 32" : "\"nx\": 16, \"ny\": 8, \"boundary_y\": \"neumann\"")}}, "boundary_x": "neumann" },
              "initial": { "state": "endemic", "amplitude": 0.05, "mode_x": 2, "noise": 0.01 },
              "time": { "end": 1.0, "output_interval": 0.05 }, "run": { "blocks": 3, "seed": 11 {{Checkpoint(checkpoint)}} } }
            """, kind + ".json"),
        _ => CheckpointAllModelsTests.Make(kind, checkpoint),
    };

    private static string Checkpoint(string? checkpoint) => checkpoint is null ? "" : $", \"checkpoint\": {checkpoint}";

    /// <summary>The blocks' states at the first checkpoint (step 5) of a run of <paramref name="kind"/>, stopped there.</summary>
    private async Task<double[][]> CheckpointedStates(string kind)
    {
        string dir = Path.Combine(_dir, kind), checkpoints = Path.Combine(dir, "checkpoints");
        string[] Complete() => !Directory.Exists(checkpoints) ? [] : Directory.GetDirectories(checkpoints, "ckpt-*")
            .Where(d => File.Exists(Path.Combine(d, CheckpointStore.ManifestName))).Order().ToArray();
        using var cts = new CancellationTokenSource();
        await LocalRunner.RunAsync(Make(kind, """{ "steps": 5 }"""), new RunOptions(dir), _ => { if (Complete().Length > 0) cts.Cancel(); }, cts.Token);
        var latest = CheckpointStore.Load(Assert.Single(Complete().Take(1)));
        Assert.True(latest.Manifest.Step > 0);
        return latest.Manifest.Blocks.OrderBy(f => f.Block).Select(f => CheckpointStore.ReadBlock(latest.Folder, f)).ToArray();
    }

    private static IRunnableModel Model(Scenario s) => ModelCatalog.Find(s.Model)!.Create(s);

    private static int Blocks(IRunnableModel model) => model switch
    {
        IParticleModel p => p.BlockCount,
        ISubdomainModel d => d.BlockCount,
        _ => throw new InvalidOperationException($"{model.GetType().Name} has no blocks"),
    };

    /// <summary>The kernel of <paramref name="block"/>: with its initial state, or built for restore (subdomains: in process or distributed).</summary>
    private static ICheckpointableKernel Kernel(IRunnableModel model, int block, bool forRestore, bool distributed = false) => (ICheckpointableKernel)(model switch
    {
        IParticleModel p => (object)(forRestore ? p.CreateKernelForRestore(block) : p.CreateKernel(block)),
        ISubdomainModel d => forRestore ? d.CreateKernelForRestore(block, distributed) : distributed ? d.CreateDistributedKernel(block) : d.CreateKernel(block),
        _ => throw new InvalidOperationException(),
    });

    private static double[] Save(ICheckpointableKernel kernel)
    {
        var state = new double[kernel.StateLength];
        kernel.SaveState(state);
        return state;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_kernel_built_for_restore_equals_the_initialised_kernel_after_the_same_load_field_by_field(string kind)
    {
        var model = Model(Make(kind));
        var checkpointed = await CheckpointedStates(kind);
        Assert.Equal(Blocks(model), checkpointed.Length);
        Assert.Contains(Enumerable.Range(0, Blocks(model)), b => !Save(Kernel(model, b, forRestore: false)).SequenceEqual(checkpointed[b])); // the run moved on
        foreach (bool distributed in model is ISubdomainModel ? new[] { false, true } : [false])
            for (int b = 0; b < Blocks(model); b++)
            {
                // The initial state is the sharpest state to load for what the initialisation derives and a load does not replace
                // (constraint references, cached sums, RNG positions, ghost cells): it differs from the restore-built kernel's zeros.
                // A state from a checkpoint later in the run catches what a load only partly replaces.
                var initial = Save(Kernel(model, b, forRestore: false, distributed));
                foreach (var (name, state) in new[] { ("the initial state", initial), ("the state at the checkpoint", checkpointed[b]) })
                {
                    var initialised = Kernel(model, b, forRestore: false, distributed);
                    var restored = Kernel(model, b, forRestore: true, distributed);
                    Assert.NotSame(initialised, restored);
                    initialised.LoadState(state);
                    restored.LoadState(state);
                    var differences = new List<string>();
                    DeepCompare.Collect(initialised, restored, $"{kind} block {b}{(distributed ? " (distributed)" : "")}, {name} loaded", differences);
                    Assert.True(differences.Count == 0, string.Join("\n", differences.Take(20)));
                    Assert.Equal(state, Save(restored));
                }
            }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_kernel_built_for_restore_holds_no_initial_state_before_its_load(string kind)
    {
        var model = Model(Make(kind));
        bool anyInitial = false;
        for (int b = 0; b < Blocks(model); b++)
        {
            anyInitial |= Save(Kernel(model, b, forRestore: false)).Any(v => v != 0.0);
            Assert.All(Save(Kernel(model, b, forRestore: true)), v => Assert.Equal(0.0, v)); // nothing sampled, computed or copied in
        }
        Assert.True(anyInitial, "the test means something: the initial state is not all zeros");
    }

    [Fact]
    public void A_muscle_kernel_built_for_restore_never_calls_the_sampler()
    {
        var run = (MuscleParticleRun)Model(Make("muscle-1d-particles"));
        var sampler = new CountingSampler(run.Setup.Sampler);
        var counted = new MuscleParticleRun(run.Setup with { Sampler = sampler });
        for (int b = 0; b < counted.BlockCount; b++) counted.CreateKernelForRestore(b);
        Assert.Equal(0, sampler.Calls);
        counted.CreateKernel(1);
        Assert.Equal(ActorSim.Numerics.Muscle.BlockPartition.Range(run.Setup.ParticleCount, run.Setup.Blocks, 1).Count, sampler.Calls);
    }

    [Fact]
    public async Task A_block_built_for_restore_refuses_a_round_before_its_state_is_loaded()
    {
        var model = (IParticleModel)Model(Make("huxley-particles"));
        var system = ActorSim.Actors.ActorRuntime.CreateLocal("restore-guard");
        try
        {
            var block = system.ActorOf(ActorSim.Actors.ActorFactory.Props(() => new ParticleBlockActor(() => model.CreateKernelForRestore(1), awaitingState: true)));
            block.Tell(new BlockRound(1, model.BeginOutput()), Akka.Actor.ActorRefs.NoSender);
            var e = await Assert.ThrowsAnyAsync<Exception>(() => ActorSim.Actors.ActorRuntime.WhenFaulted(system).WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("block 1 was built to be restored from a checkpoint, but got BlockRound before its state was loaded", e.ToString());
        }
        finally
        {
            await ActorSim.Actors.ActorRuntime.ShutdownAsync(system, TimeSpan.FromSeconds(10));
        }
    }

    private sealed class CountingSampler(IParticleSampler inner) : IParticleSampler
    {
        public int Calls;
        public int Nx => inner.Nx;

        public void Sample(long index, Span<double> x)
        {
            Calls++;
            inner.Sample(index, x);
        }
    }
}

/// <summary>
/// Compares two object graphs field by field (private fields included, doubles bit for bit), descending into the objects
/// they do not share; objects both reach by the same reference (the model, its setup) count as equal. A particle store
/// compares its particles, not its spare capacity.
/// </summary>
internal static class DeepCompare
{
    public static void Collect(object? a, object? b, string path, List<string> differences) =>
        Compare(a, b, path, differences, new HashSet<(object, object)>(PairComparer.Instance));

    private static void Compare(object? a, object? b, string path, List<string> differences, HashSet<(object, object)> seen)
    {
        if (ReferenceEquals(a, b)) return;
        if (a is null || b is null) { differences.Add($"{path}: {a ?? "null"} vs {b ?? "null"}"); return; }
        var type = a.GetType();
        if (type != b.GetType()) { differences.Add($"{path}: {type.Name} vs {b.GetType().Name}"); return; }
        if (a is double da) { if (BitConverter.DoubleToInt64Bits(da) != BitConverter.DoubleToInt64Bits((double)b)) differences.Add($"{path}: {da:R} vs {(double)b:R}"); return; }
        if (type.IsPrimitive || type.IsEnum || a is string || a is decimal) { if (!a.Equals(b)) differences.Add($"{path}: {a} vs {b}"); return; }
        if (a is Delegate) { if (!a.Equals(b)) differences.Add($"{path}: different delegates"); return; }
        if (!type.IsValueType && !seen.Add((a, b))) return;
        if (a is ParticleStore1D sa)
        {
            var sb = (ParticleStore1D)b;
            Compare(sa.Count, sb.Count, path + ".Count", differences, seen);
            if (sa.Count == sb.Count)
            {
                Compare(sa.X.ToArray(), sb.X.ToArray(), path + ".X", differences, seen);
                Compare(sa.Velocity.ToArray(), sb.Velocity.ToArray(), path + ".Velocity", differences, seen);
                Compare(sa.Weight.ToArray(), sb.Weight.ToArray(), path + ".Weight", differences, seen);
            }
            return;
        }
        if (a is Array xa)
        {
            var xb = (Array)b;
            if (xa.Length != xb.Length) { differences.Add($"{path}: length {xa.Length} vs {xb.Length}"); return; }
            int i = 0;
            var eb = xb.GetEnumerator();
            foreach (var item in xa)
            {
                eb.MoveNext();
                Compare(item, eb.Current, $"{path}[{i++}]", differences, seen);
                if (differences.Count > 50) return;
            }
            return;
        }
        if (a is ICollection ca && type.Namespace?.StartsWith("System.Collections", StringComparison.Ordinal) == true)
        {
            var cb = (ICollection)b;
            if (ca.Count != cb.Count) { differences.Add($"{path}: count {ca.Count} vs {cb.Count}"); return; }
            var eb = cb.GetEnumerator();
            int i = 0;
            foreach (var item in ca)
            {
                eb.MoveNext();
                Compare(item, eb.Current, $"{path}[{i++}]", differences, seen);
            }
            return;
        }
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
            foreach (var f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                Compare(f.GetValue(a), f.GetValue(b), $"{path}.{f.Name}", differences, seen);
    }

    private sealed class PairComparer : IEqualityComparer<(object, object)>
    {
        public static readonly PairComparer Instance = new();
        public bool Equals((object, object) x, (object, object) y) => ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2);
        public int GetHashCode((object, object) p) => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(p.Item1),
            System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(p.Item2));
    }
}
