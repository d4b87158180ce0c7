using ActorSim.Actors.TestKit;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Particles;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;
using FluentAssertions;
using static ActorSim.Simulation.Tests.Particles.ParticleTestSupport;

namespace ActorSim.Simulation.Tests.Particles;

/// <summary>
/// The particle-block coordinator with its blocks' replies gathered over a tree (<see cref="GatherTreeSettings"/>):
/// the coordinator gets one message per round holding every reply and still combines them in block order, so a run
/// has the <c>results_sha256</c> of the same run with one reply per block, whatever the arrival order; checkpoint
/// requests go down the same tree.
/// </summary>
public sealed class GatherTreeRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorsim-gather-tree-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Dir(string name) => Path.Combine(_dir, name);

    /// <summary>The particle-mesh scenario (a gather round of mesh deposits and a stage round per RK4 stage), 12 blocks, 4 steps.</summary>
    private static Scenario Mesh(bool checkpoints = false) => Scenario("muscle-deformation-2d-mesh.json", d =>
    {
        d["parameters"]!["N"] = 600;
        d["parameters"]!["mesh_nodes"] = 32;
        d["time"]!["end"] = 0.04; d["time"]!["output_interval"] = 0.02;
        d["run"]!["blocks"] = 12;
        if (checkpoints) d["run"]!["checkpoint"] = new System.Text.Json.Nodes.JsonObject { ["steps"] = 2 };
    });

    private static readonly GatherTreeSettings Tree = new() { FanIn = 2, BlocksPerNode = 2, MinBlocks = 12 };

    private async Task<(RunResult Result, CapturingLoggerFactory Logs)> RunAsync(Scenario s, string name, GatherTreeSettings? tree, bool shuffle = false)
    {
        var logs = new CapturingLoggerFactory();
        var model = ModelCatalog.Find(s.Model)!.Create(s);
        if (shuffle) model = new DelayedReplies((IParticleModel)model);
        var result = await LocalRunner.RunModelAsync(s, model, new RunOptions(Dir(name), LoggerFactory: logs) { GatherTree = tree }).WaitAsync(RunTimeout);
        result.Status.Should().Be(RunStatus.Completed);
        return (result, logs);
    }

    private static bool UsedTree(CapturingLoggerFactory logs) => logs.Entries.Any(e => e.Message.Contains("replies gathered over a tree"));

    [Fact]
    public async Task Replies_gathered_over_a_tree_give_the_results_sha256_of_replies_sent_straight_to_the_coordinator()
    {
        var (flat, flatLogs) = await RunAsync(Mesh(), "flat", tree: null);
        UsedTree(flatLogs).Should().BeFalse();
        flat.Counters.Accepted.Should().Be(4);

        var (tree, treeLogs) = await RunAsync(Mesh(), "tree", Tree);
        treeLogs.Entries.Should().Contain(e => e.Message == "replies gathered over a tree of 6 nodes (2 blocks each, fan-in 2, depth 2)");
        tree.ResultsSha256.Should().Be(flat.ResultsSha256);
        File.ReadAllBytes(Path.Combine(Dir("tree"), "timeseries.csv")).Should().Equal(File.ReadAllBytes(Path.Combine(Dir("flat"), "timeseries.csv")));

        // Replies arriving in a shuffled order (blocks delayed by their index, alternately ascending and descending).
        var (shuffled, shuffledLogs) = await RunAsync(Mesh(), "shuffled", Tree, shuffle: true);
        UsedTree(shuffledLogs).Should().BeTrue();
        shuffled.ResultsSha256.Should().Be(flat.ResultsSha256);

        // Below the threshold the replies go straight to the coordinator.
        var (below, belowLogs) = await RunAsync(Mesh(), "below", Tree with { MinBlocks = 13 });
        UsedTree(belowLogs).Should().BeFalse();
        below.ResultsSha256.Should().Be(flat.ResultsSha256);
    }

    [Fact]
    public async Task Checkpoint_requests_go_down_the_tree_and_every_block_answers_the_coordinator()
    {
        var (flat, _) = await RunAsync(Mesh(), "flat", tree: null);
        var (tree, logs) = await RunAsync(Mesh(checkpoints: true), "tree-checkpoints", Tree);
        UsedTree(logs).Should().BeTrue();
        tree.ResultsSha256.Should().Be(flat.ResultsSha256);
        var checkpoints = Directory.GetDirectories(LocalRunner.CheckpointDirectory(Mesh(checkpoints: true), Dir("tree-checkpoints")));
        checkpoints.Should().NotBeEmpty();
        foreach (var c in checkpoints)
            Directory.GetFiles(c).Count(f => Path.GetFileName(f).StartsWith("block-")).Should().Be(12, $"every block wrote its state into {c}");
    }

    [Fact]
    public void Bad_tree_settings_are_refused_naming_the_field_and_what_is_allowed()
    {
        FluentActions.Invoking(() => new GatherTreeSettings { FanIn = 1 }.Validate())
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("gather tree: FanIn is 1; it must be at least 2*");
        FluentActions.Invoking(() => new GatherTreeSettings { BlocksPerNode = 0 }.Validate())
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("gather tree: BlocksPerNode is 0; it must be at least 1*");
    }
}
