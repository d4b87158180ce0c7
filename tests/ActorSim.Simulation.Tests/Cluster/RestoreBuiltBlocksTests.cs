using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Tests.Output;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Runtime.Cluster;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Subdomains;
using Xunit.Abstractions;

namespace ActorSim.Simulation.Tests.Cluster;

/// <summary>
/// The blocks of a cluster epoch or an in-process run that continues from a checkpoint are built for restore (no initial state: they load the
/// checkpoint's), with a shared checkpoint directory and with node-local checkpoints; those of a fresh epoch are built
/// with their initial state; the result stays bit-identical. Counted through <see cref="RestoreProbeDefinition"/>, virus-pde
/// whose model records how each block's kernel was built.
/// </summary>
public sealed class RestoreBuiltBlocksTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Text(int probe) => $$"""
        { "model": "restore-probe",
          "parameters": { "probe": {{probe}}, "Du": 0.01, "Dv": 0.1, "Dw": 0.1, "chi": 0.2, "d1": 1, "d2": 1, "d3": 1, "beta": 1, "k": 1, "r": 4, "nx": 48, "Lx": 1 },
          "initial": { "state": "endemic", "amplitude": 0.01, "mode_x": 3 },
          "time": { "end": 4.0, "output_interval": 0.5 }, "run": { "blocks": 4, "seed": 1, "checkpoint": { "steps": 10 } } }
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_resumed_epoch_builds_its_blocks_for_restore_and_ends_bit_identical(bool nodeLocal)
    {
        int probe = nodeLocal ? 2 : 1;
        string text = Text(probe);
        var scenario = ScenarioLoader.Parse(text, "probe.json", HeatDefinition.Catalog);
        OutputDirectory.Prepare(_dir.File("local"), force: false);
        var local = await LocalRunner.RunModelAsync(scenario, new VirusPdeDefinition().Create(scenario), new RunOptions(_dir.File("local")));

        await using var cluster = await InProcessCluster.StartAsync(3, nodeLocal: nodeLocal);
        string checkpoints = _dir.File("checkpoints");
        var options = cluster.RunOptions(_dir.File("out"), 3) with { CheckpointDirectory = nodeLocal ? null : checkpoints };
        using var stop = new CancellationTokenSource();
        var stopped = await ClusterRunner.RunAsync(scenario, text, options, onProgress: p => { if (p.Steps >= 12) stop.Cancel(); }, cancellation: stop.Token);
        Assert.Equal(RunStatus.Cancelled, stopped.Status);
        Assert.Equal((4, 0), RestoreProbeDefinition.Built(probe)); // a fresh epoch: every block with its initial state

        var record = JsonNode.Parse(File.ReadAllText(_dir.File("out/run.json")))!.AsObject();
        string runId = (string)record["cluster"]!["run_id"]!;
        RunAccepted? accepted = null;
        var resumed = await ClusterRunner.RunAsync(scenario, text, options with
        {
            ResumeRunId = runId, ResumeEpoch = 1, ResumeCheckpointDirectory = nodeLocal ? runId : null,
        }, onAccepted: a => accepted = a);
        Assert.Equal(RunStatus.Completed, resumed.Status);
        Assert.Equal(local.ResultsSha256, resumed.ResultsSha256);
        Assert.True(accepted!.Resume!.Step >= 10, $"resumed from step {accepted.Resume.Step}");
        Assert.Equal((4, 4), RestoreProbeDefinition.Built(probe)); // the resumed epoch: every block built for restore
        output.WriteLine($"{(nodeLocal ? "node-local" : "shared")}: resumed from step {accepted.Resume.Step}; restored from {string.Join(", ", accepted.RestoredFrom)}");
    }

    [Fact]
    public async Task A_run_resumed_in_process_builds_its_blocks_for_restore_and_ends_bit_identical()
    {
        const int probe = 3;
        string text = Text(probe);
        var scenario = ScenarioLoader.Parse(text, "probe.json", HeatDefinition.Catalog);
        OutputDirectory.Prepare(_dir.File("local"), force: false);
        var local = await LocalRunner.RunModelAsync(scenario, new VirusPdeDefinition().Create(scenario), new RunOptions(_dir.File("local")));

        string dir = _dir.File("stopped");
        OutputDirectory.Prepare(dir, force: false);
        using var stop = new CancellationTokenSource();
        var stopped = await LocalRunner.RunModelAsync(scenario, new RestoreProbeDefinition().Create(scenario), new RunOptions(dir),
            p => { if (p.Steps >= 12) stop.Cancel(); }, stop.Token);
        Assert.Equal(RunStatus.Cancelled, stopped.Status);
        Assert.Equal((4, 0), RestoreProbeDefinition.Built(probe));

        var resumed = await LocalRunner.ResumeAsync(dir, new RunOptions(dir), models: HeatDefinition.Catalog);
        Assert.Equal(RunStatus.Completed, resumed.Status);
        Assert.Equal(local.ResultsSha256, resumed.ResultsSha256);
        Assert.Equal((4, 4), RestoreProbeDefinition.Built(probe));
    }
}

/// <summary>
/// virus-pde under the name "restore-probe" with a <c>probe</c> parameter: its model counts, per probe value, the block
/// kernels built with their initial state and those built for restore (every node of an in-process cluster counts here).
/// </summary>
internal sealed class RestoreProbeDefinition : IModelDefinition
{
    private static readonly ConcurrentDictionary<int, (int Initial, int ForRestore)> Counts = new();
    private readonly VirusPdeDefinition _inner = new();

    /// <summary>How many kernels were built with their initial state and for restore under probe <paramref name="probe"/>.</summary>
    public static (int Initial, int ForRestore) Built(int probe) => Counts.GetValueOrDefault(probe);

    public string Name => "restore-probe";
    public string Summary => "virus-pde counting how its blocks' kernels are built (tests)";
    public IReadOnlyList<ValueSpec> Parameters => [.. _inner.Parameters, new ValueSpec("probe", "1", "counter key", ValueKind.Count)];
    public IReadOnlyList<ValueSpec> Initial => _inner.Initial;
    public int MaxBlocks => _inner.MaxBlocks;
    public void CheckConsistency(Scenario scenario, Action<string, string> error) => _inner.CheckConsistency(scenario, error);
    public IRunnableModel Create(Scenario scenario) => new Probe((ISubdomainModel)_inner.Create(scenario), scenario.Count("probe"));

    private sealed class Probe(ISubdomainModel inner, int probe) : ISubdomainModel
    {
        private ISubdomainKernel Count(ISubdomainKernel kernel, bool forRestore)
        {
            Counts.AddOrUpdate(probe, _ => forRestore ? (0, 1) : (1, 0), (_, c) => forRestore ? (c.Initial, c.ForRestore + 1) : (c.Initial + 1, c.ForRestore));
            return kernel;
        }

        public int BlockCount => inner.BlockCount;
        public IReadOnlyList<string> Columns => inner.Columns;
        public JsonObject Analysis() => inner.Analysis();
        public ISubdomainKernel CreateKernel(int block) => Count(inner.CreateKernel(block), false);
        public ISubdomainKernel CreateDistributedKernel(int block) => Count(inner.CreateDistributedKernel(block), false);
        public ISubdomainKernel CreateKernelForRestore(int block, bool distributed) => Count(inner.CreateKernelForRestore(block, distributed), true);
        public IReadOnlyList<HaloLink> Links(int block) => inner.Links(block);
        public double[] ReduceBounds(IReadOnlyList<double[]> bounds) => inner.ReduceBounds(bounds);
        public StepOrder Plan(long step, double t, double tEnd, double[] globalBounds) => inner.Plan(step, t, tEnd, globalBounds);
        public bool PlansArePure => inner.PlansArePure;
        public IReadOnlyList<FieldSnapshot> Assemble(double t, IReadOnlyList<double[]> snapshots, Span<double> row) => inner.Assemble(t, snapshots, row);
    }
}
