using System.Text.Json.Nodes;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Tests.Runtime;

/// <summary>Coordinated checkpoints of subdomain runs, Ctrl-C (cancellation) and resume to the same result.</summary>
public sealed class CheckpointResumeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorsim-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Checkpoint(string extra = "") => $$""", "checkpoint": { "steps": 3 {{extra}} }""";

    private static Scenario Pde(int ny, string checkpoint)
    {
        string grid = ny == 1 ? "\"nx\": 32" : $"\"nx\": 16, \"ny\": {ny}, \"boundary_y\": \"neumann\"";
        return ScenarioLoader.Parse($$"""
            { "model": "virus-pde",
              "parameters": { "Du": 0.01, "Dv": 0.1, "Dw": 0.1, "chi": 0.3, "d1": 1, "d2": 1, "d3": 1, "beta": 1, "k": 1, "r": 4,
                              "r_amplitude": 0.2, "r_mode": 2, "r_period": 0.5, {{grid}}, "boundary_x": "neumann" },
              "initial": { "state": "endemic", "amplitude": 0.05, "mode_x": 2, "noise": 0.01 },
              "time": { "end": 1.0, "output_interval": 0.05 },
              "run": { "blocks": 3, "seed": 11 {{checkpoint}} } }
            """, "pde.json");
    }

    private static Scenario Kinetic(string checkpoint) => ScenarioLoader.Parse($$"""
        { "model": "virus-kinetic",
          "parameters": { "eps": 0.3, "c_u": 1, "sigma_u": 100, "c_v": 1, "sigma_v": 10, "c_w": 1, "sigma_w": 10, "chi": 0.2,
                          "d1": 1, "d2": 1, "d3": 1, "beta": 1, "k": 1, "r": 4, "nx": 24, "boundary_x": "reflecting" },
          "initial": { "state": "endemic", "amplitude": 0.1, "mode_x": 2, "noise": 0.02 },
          "time": { "end": 0.4, "output_interval": 0.02 },
          "run": { "blocks": 2, "seed": 5 {{checkpoint}} } }
        """, "kinetic.json");

    public static TheoryData<string> Models => new() { "pde-1d", "pde-2d", "kinetic" };

    private static Scenario Make(string model, string checkpoint) => model switch
    {
        "pde-1d" => Pde(1, checkpoint),
        "pde-2d" => Pde(8, checkpoint),
        _ => Kinetic(checkpoint),
    };

    /// <summary>Runs with checkpoints and stops it (as Ctrl-C does) after a few outputs.</summary>
    private async Task<RunResult> RunAndStop(Scenario s, string dir, int stopAfterOutputs = 5)
    {
        using var cts = new CancellationTokenSource();
        int outputs = 0;
        var r = await LocalRunner.RunAsync(s, new RunOptions(dir), p => { if (++outputs == stopAfterOutputs) cts.Cancel(); }, cts.Token);
        Assert.Equal(RunStatus.Cancelled, r.Status);
        return r;
    }

    private static string[] CompleteCheckpoints(string dir) =>
        Directory.GetDirectories(Path.Combine(dir, "checkpoints"), "ckpt-*")
            .Where(d => File.Exists(Path.Combine(d, CheckpointStore.ManifestName))).Order().ToArray();

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Stopped_then_resumed_run_ends_bit_identical_to_an_uninterrupted_run(string model)
    {
        var reference = await LocalRunner.RunAsync(Make(model, ""), new RunOptions(Path.Combine(_dir, "reference")));
        Assert.Equal(RunStatus.Completed, reference.Status);

        string dir = Path.Combine(_dir, "stopped");
        var stopped = await RunAndStop(Make(model, Checkpoint()), dir);
        Assert.True(stopped.Counters.Accepted < reference.Counters.Accepted);
        Assert.Equal(2, CompleteCheckpoints(dir).Length); // the last two are kept

        var resumed = await LocalRunner.ResumeAsync(dir, new RunOptions(dir));
        Assert.Equal(RunStatus.Completed, resumed.Status);
        Assert.Equal(reference.ResultsSha256, resumed.ResultsSha256);
        Assert.Equal(reference.Rows, resumed.Rows);
        Assert.Equal(reference.Counters.Accepted, resumed.Counters.Accepted);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "reference", "timeseries.csv")), File.ReadAllBytes(Path.Combine(dir, "timeseries.csv")));
        var record = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "run.json")))!;
        Assert.Equal("completed", (string?)record["status"]);
        Assert.Equal(reference.ResultsSha256, (string?)record["results_sha256"]);
        Assert.NotNull(record["resumed_from"]);
    }

    [Theory]
    [InlineData("pde-1d")]
    [InlineData("kinetic")]
    public async Task A_corrupted_latest_checkpoint_is_reported_and_the_previous_one_used(string model)
    {
        var reference = await LocalRunner.RunAsync(Make(model, ""), new RunOptions(Path.Combine(_dir, "reference")));
        string dir = Path.Combine(_dir, "stopped");
        await RunAndStop(Make(model, Checkpoint()), dir);
        var checkpoints = CompleteCheckpoints(dir);
        Assert.Equal(2, checkpoints.Length);
        string corrupted = Path.Combine(checkpoints[^1], CheckpointStore.BlockFileName(1));
        byte[] bytes = File.ReadAllBytes(corrupted);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(corrupted, bytes);

        var warnings = new List<string>();
        var resumed = await LocalRunner.ResumeAsync(dir, new RunOptions(dir), onWarning: warnings.Add);
        Assert.Contains(warnings, w => w.Contains(corrupted) && w.Contains("checksum"));
        var record = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "run.json")))!;
        Assert.Equal(checkpoints[^2], (string?)record["resumed_from"]!["checkpoint"]);
        Assert.Equal(reference.ResultsSha256, resumed.ResultsSha256);
    }

    [Fact]
    public async Task Checkpoints_by_wall_time_do_not_change_the_result()
    {
        var reference = await LocalRunner.RunAsync(Make("kinetic", ""), new RunOptions(Path.Combine(_dir, "reference")));
        string dir = Path.Combine(_dir, "timed");
        var r = await LocalRunner.RunAsync(Make("kinetic", ", \"checkpoint\": { \"seconds\": 1e-6 }"), new RunOptions(dir));
        Assert.Equal(reference.ResultsSha256, r.ResultsSha256);
        Assert.Equal(2, CompleteCheckpoints(dir).Length);
        var latest = CheckpointStore.Load(CompleteCheckpoints(dir)[^1]);
        Assert.True(latest.Manifest.Step >= r.Counters.Accepted - 1, $"{latest.Manifest.Step}"); // one at every barrier
    }

    [Fact]
    public async Task A_truncated_block_file_is_detected()
    {
        string dir = Path.Combine(_dir, "stopped");
        await RunAndStop(Make("pde-1d", Checkpoint()), dir);
        var checkpoints = CompleteCheckpoints(dir);
        string truncated = Path.Combine(checkpoints[^1], CheckpointStore.BlockFileName(0));
        File.WriteAllBytes(truncated, File.ReadAllBytes(truncated)[..16]);
        var warnings = new List<string>();
        var loaded = CheckpointStore.LoadLatest(Path.Combine(dir, "checkpoints"), warnings.Add);
        Assert.Equal(checkpoints[^2], loaded.Folder);
        Assert.Contains(warnings, w => w.Contains(truncated) && w.Contains("truncated"));
    }

    [Fact]
    public async Task An_unwritable_checkpoint_directory_stops_the_run_with_an_error_naming_it()
    {
        // A file where the checkpoint directory should be (a chmod'ed directory does not stop root).
        string blocker = Path.Combine(_dir, "blocker");
        File.WriteAllText(blocker, "");
        string cpDir = Path.Combine(blocker, "cp");
        var s = Make("pde-1d", Checkpoint($", \"directory\": \"{cpDir}\""));
        var e = await Assert.ThrowsAsync<RunFailedException>(() => LocalRunner.RunAsync(s, new RunOptions(Path.Combine(_dir, "out"))));
        Assert.Contains(cpDir, e.Message);
        Assert.Contains("checkpoint directory", e.Message);
    }

    [Theory]
    [InlineData("\"checkpoint\": 5", "$.run.checkpoint")]
    [InlineData("\"checkpoint\": { \"steps\": 0 }", "$.run.checkpoint.steps")]
    [InlineData("\"checkpoint\": { \"steps\": 1.5 }", "$.run.checkpoint.steps")]
    [InlineData("\"checkpoint\": { \"seconds\": -1 }", "$.run.checkpoint.seconds")]
    [InlineData("\"checkpoint\": { \"steps\": 2, \"every\": 1 }", "every")]
    [InlineData("\"checkpoint\": { \"seconds\": 2, \"directory\": 3 }", "$.run.checkpoint.directory")]
    public void Bad_checkpoint_settings_are_rejected_with_clear_errors(string json, string expected)
    {
        var e = Assert.Throws<ScenarioException>(() => Make("pde-1d", ", " + json));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_checkpoint_without_steps_or_seconds_uses_the_default_interval()
    {
        var c = Make("pde-1d", ", \"checkpoint\": {}").Run.Checkpoint!;
        Assert.Null(c.Steps);
        Assert.Equal(CheckpointSettings.DefaultSeconds, c.Seconds);
        Assert.Equal(60, CheckpointSettings.DefaultSeconds);
    }

    [Fact]
    public void Checkpoint_settings_are_read()
    {
        var c = Make("pde-1d", ", \"checkpoint\": { \"steps\": 10, \"seconds\": 30, \"directory\": \"cp\" }").Run.Checkpoint!;
        Assert.Equal(10, c.Steps);
        Assert.Equal(30, c.Seconds);
        Assert.Equal(Path.Combine("out", "cp"), c.DirectoryFor("out"));
    }
}
