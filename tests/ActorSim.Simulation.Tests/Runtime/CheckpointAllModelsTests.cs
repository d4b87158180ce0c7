using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;
using FluentAssertions;

namespace ActorSim.Simulation.Tests.Runtime;

/// <summary>Uninterrupted reference runs, computed once per model kind and shared by the tests of <see cref="CheckpointAllModelsTests"/>.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CheckpointReferences : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<(RunResult Result, byte[] Timeseries)>>> _runs = new();

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("actorsim-checkpoint-ref-").FullName;

    public Task<(RunResult Result, byte[] Timeseries)> Get(string kind) => _runs.GetOrAdd(kind, k => new(async () =>
    {
        string dir = Path.Combine(Directory, k);
        var r = await LocalRunner.RunAsync(CheckpointAllModelsTests.Make(k, null), new RunOptions(dir));
        r.Status.Should().Be(RunStatus.Completed);
        return (r, File.ReadAllBytes(Path.Combine(dir, "timeseries.csv")));
    })).Value;

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>
/// Coordinated checkpoints and resume for every coordinator kind: the ODE coordinator (may-nowak-ode, huxley-zahalak),
/// the particle-block coordinator (muscle-1d particles with the mean-field reference, muscle-1d mean field, muscle-linear
/// with its closed form, muscle-deformation-2d with the particle mesh and projection, huxley-particles) and the
/// subdomain models that had no checkpoints before (virus-kinetic 2D, virus-kinetic-mc with migrating particles).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CheckpointAllModelsTests(CheckpointReferences references) : IClassFixture<CheckpointReferences>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorsim-checkpoint-all-").FullName;

    public void Dispose()
    {
        MakeWritable(_dir);
        Directory.Delete(_dir, recursive: true);
    }

    public static TheoryData<string> Kinds => new()
    {
        "may-nowak-ode", "huxley-zahalak", "muscle-1d-particles", "muscle-1d-meanfield", "muscle-linear", "muscle-deformation-2d",
        "huxley-particles", "virus-kinetic-2d", "virus-kinetic-mc", "huxley-pde-load-clamp", "muscle-1d-expression", "huxley-zahalak-load-clamp",
        "muscle-linear-adaptive", "muscle-deformation-2d-adaptive",
    };

    /// <summary>Checkpoint interval (steps) of each kind: a small fraction of the run's steps.</summary>
    private static int Interval(string kind) => kind switch
    {
        "may-nowak-ode" => 100,
        "huxley-zahalak" => 100,
        "huxley-pde-load-clamp" => 50,
        "huxley-zahalak-load-clamp" => 100,
        "huxley-particles" => 40,
        "virus-kinetic-2d" => 20,
        "virus-kinetic-mc" => 10,
        "muscle-linear-adaptive" => 8,
        "muscle-deformation-2d-adaptive" => 5,
        _ => 15,
    };

    /// <summary>A small scenario of <paramref name="kind"/>, with <c>run.checkpoint</c> = <paramref name="checkpoint"/> (JSON) or none.</summary>
    public static Scenario Make(string kind, string? checkpoint)
    {
        string cp = checkpoint is null ? "" : $", \"checkpoint\": {checkpoint}";
        string json = kind switch
        {
            "may-nowak-ode" => $$"""
                { "model": "may-nowak-ode", "parameters": { "d1": 0.1, "d2": 0.5, "d3": 5.0, "beta": 0.002, "k": 100.0, "r": 10.0 },
                  "initial": { "u": 100.0, "v": 0.0, "w": 1.0 }, "time": { "end": 4000.0, "output_interval": 2.0, "rtol": 1e-11, "atol": 1e-11 },
                  "run": { "blocks": 1 {{cp}} } }
                """,
            "huxley-zahalak" => $$"""
                { "model": "huxley-zahalak", "parameters": { "f1": 4.0, "g1": 1.0, "g2": 20.0, "h": 1.0, "kappa": 1.0, "V": 1.0, "t_switch": 0.5,
                  "x_min": -1.0, "length": 2.5, "cells_per_h": 40 },
                  "initial": { "state": "isometric" }, "time": { "end": 2.0, "output_interval": 0.01, "dt": 0.002 }, "run": { "blocks": 1 {{cp}} } }
                """,
            "muscle-1d-particles" => $$"""
                { "model": "muscle-1d", "parameters": { "method": "particles", "constraint": "stretch", "N": 2000, "M": 1.0, "m": 1.0,
                  "k0": 4.0, "k1": 2.0, "x_star": 0.5, "density": "sine-bump", "x_lo": 0.5, "x_hi": 1.5,
                  "cells": 200, "grid_min": 0.0, "grid_max": 2.5, "w1": "meanfield", "project": "on" },
                  "initial": { "y": 0.0, "ydot": 0.6 }, "time": { "end": 2.0, "output_interval": 0.05, "dt": 0.01 },
                  "run": { "blocks": 3, "seed": 11 {{cp}} } }
                """,
            "muscle-1d-meanfield" => $$"""
                { "model": "muscle-1d", "parameters": { "method": "meanfield", "constraint": "stretch", "M": 1.0, "m": 1.0,
                  "k0": 4.0, "k1": 2.0, "x_star": 0.5, "density": "sine-bump", "x_lo": 0.5, "x_hi": 1.5,
                  "cells": 200, "grid_min": 0.0, "grid_max": 2.5, "cfl": 0.4 },
                  "initial": { "y": 0.0, "ydot": 0.6 }, "time": { "end": 2.0, "output_interval": 0.05, "dt": 0.01 },
                  "run": { "blocks": 3 {{cp}} } }
                """,
            "muscle-linear" => $$"""
                { "model": "muscle-linear", "parameters": { "N": 2000, "M": 1.0, "m": 0.5, "G1": 1.0, "G2": 2.0,
                  "k0": 2.0, "y_rest": 0.0, "k1": 1.0, "x1_star": 0.3, "x2_star": -0.2, "a": 1.0, "project": "on" },
                  "initial": { "y": 0.7, "ydot": -0.3 }, "time": { "end": 2.0, "output_interval": 0.05, "dt": 0.01 },
                  "run": { "blocks": 3, "seed": 1 {{cp}} } }
                """,
            "muscle-deformation-2d" => $$"""
                { "model": "muscle-deformation-2d", "parameters": { "map": "affine", "N": 600, "M": 1.0, "m": 0.5, "k0": 1.0, "k1x": 1.0, "k1y": 1.0, "a": 1.0,
                  "pair": "gaussian", "pair_amplitude": 0.5, "pair_width": 0.5, "interaction": "mesh", "mesh_nodes": 16, "mesh_extent": 3.0, "project": "on" },
                  "initial": { "y0": 0.05, "y1": 0.02, "y2": -0.03, "y3": 0.04, "ydot0": 0.124, "ydot1": -0.882, "ydot2": 0.86, "ydot3": 0.096 },
                  "time": { "end": 2.0, "output_interval": 0.05, "dt": 0.01 }, "run": { "blocks": 2, "seed": 7 {{cp}} } }
                """,
            "huxley-particles" => $$"""
                { "model": "huxley-particles", "parameters": { "f1": 4.0, "g1": 1.0, "g2": 20.0, "h": 1.0, "kappa": 1.0, "V": 1.0, "t_switch": 0.3,
                  "x_min": -1.0, "length": 2.5, "N": 3000, "hist_bins": 20 },
                  "initial": { "state": "isometric" }, "time": { "end": 1.0, "output_interval": 0.02, "dt": 0.002 },
                  "run": { "blocks": 3, "seed": 2024 {{cp}} } }
                """,
            "virus-kinetic-2d" => $$"""
                { "model": "virus-kinetic", "parameters": { "eps": 0.1, "c_u": 1.0, "sigma_u": 50.0, "c_v": 1.0, "sigma_v": 5.0, "c_w": 1.0, "sigma_w": 5.0,
                  "chi": 0.2, "d1": 1.0, "d2": 1.0, "d3": 1.0, "beta": 1.0, "k": 1.0, "r": 4.0,
                  "nx": 12, "ny": 12, "Lx": 1.0, "Ly": 1.0, "boundary_x": "reflecting", "boundary_y": "reflecting", "directions": 4 },
                  "initial": { "state": "endemic", "amplitude": 0.05, "mode_x": 2, "mode_y": 1, "noise": 0.01 },
                  "time": { "end": 0.5, "output_interval": 0.01 }, "run": { "blocks": 3, "seed": 1 {{cp}} } }
                """,
            "virus-kinetic-mc" => $$"""
                { "model": "virus-kinetic-mc", "parameters": { "eps": 0.5, "c_u": 1.0, "sigma_u": 4.0, "c_v": 1.0, "sigma_v": 4.0, "c_w": 1.0, "sigma_w": 4.0,
                  "chi": 0.2, "d1": 1.0, "d2": 1.0, "d3": 1.0, "beta": 1.0, "k": 1.0, "r": 4.0, "nx": 16, "Lx": 4.0, "boundary_x": "reflecting", "particles": 1500 },
                  "initial": { "state": "uniform", "u": 4.0, "v": 0.5, "w": 0.5, "amplitude": 0.5, "mode_x": 1 },
                  "time": { "end": 3.0, "output_interval": 0.05 }, "run": { "blocks": 3, "seed": 1 {{cp}} } }
                """,
            "huxley-pde-load-clamp" => $$"""
                { "model": "huxley-pde", "parameters": { "f1": 4.0, "g1": 1.0, "g2": 20.0, "h": 1.0, "kappa": 1.0, "x_min": -2.0, "length": 3.5,
                  "cells_per_h": 40, "protocol": "load", "load_steps": "0.3: 0.5, 1.0: 0.2", "atp": "on" },
                  "initial": { "state": "isometric" }, "time": { "end": 2.0, "output_interval": 0.01 }, "run": { "blocks": 1 {{cp}} } }
                """,
            "huxley-zahalak-load-clamp" => $$"""
                { "model": "huxley-zahalak", "parameters": { "f1": 4.0, "g1": 1.0, "g2": 20.0, "h": 1.0, "kappa": 1.0, "x_min": -2.0, "length": 3.5,
                  "cells_per_h": 40, "protocol": "load", "load_steps": "0.3: 0.5, 1.0: 0.2" },
                  "initial": { "state": "isometric" }, "time": { "end": 2.0, "output_interval": 0.01, "dt": 0.002 }, "run": { "blocks": 1 {{cp}} } }
                """,
            "muscle-1d-expression" => $$"""
                { "model": "muscle-1d", "parameters": { "method": "particles", "constraint": "expression", "g": "-sin(0.1 * q) / (1 + r^2) + 0.1 * q",
                  "N": 1000, "M": 2.0, "m": 1.0, "k0": 1.0, "k1": 0.0, "density": "normal", "mean": 2.5, "deviation": 0.3,
                  "grid_min": 0.0, "grid_max": 5.0, "project": "on" },
                  "initial": { "y": 1.0, "ydot": 0.0 }, "time": { "end": 2.0, "output_interval": 0.05, "dt": 0.01 },
                  "run": { "blocks": 3, "seed": 5 {{cp}} } }
                """,
            // adaptive steps (time.rtol / time.atol, no dt): the checkpoint carries the step-size proposal
            "muscle-linear-adaptive" => $$"""
                { "model": "muscle-linear", "parameters": { "N": 2000, "M": 1.0, "m": 0.5, "G1": 1.0, "G2": 2.0,
                  "k0": 2.0, "y_rest": 0.0, "k1": 1.0, "x1_star": 0.3, "x2_star": -0.2, "a": 1.0 },
                  "initial": { "y": 0.7, "ydot": -0.3 }, "time": { "end": 6.0, "output_interval": 0.05, "rtol": 1e-9, "atol": 1e-9 },
                  "run": { "blocks": 3, "seed": 1 {{cp}} } }
                """,
            "muscle-deformation-2d-adaptive" => $$"""
                { "model": "muscle-deformation-2d", "parameters": { "map": "affine", "N": 600, "M": 1.0, "m": 0.5, "k0": 1.0, "k1x": 1.0, "k1y": 1.0, "a": 1.0,
                  "pair": "gaussian", "pair_amplitude": 0.5, "pair_width": 0.5, "interaction": "mesh", "mesh_nodes": 16, "mesh_extent": 3.0, "project": "on" },
                  "initial": { "y0": 0.05, "y1": 0.02, "y2": -0.03, "y3": 0.04, "ydot0": 0.124, "ydot1": -0.882, "ydot2": 0.86, "ydot3": 0.096 },
                  "time": { "end": 2.0, "output_interval": 0.05, "rtol": 1e-8, "atol": 1e-8 }, "run": { "blocks": 2, "seed": 7 {{cp}} } }
                """,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        return ScenarioLoader.Parse(json, kind + ".json");
    }

    private static string Steps(string kind) => $$"""{ "steps": {{Interval(kind)}} }""";

    private static string[] CompleteCheckpoints(string checkpoints) =>
        !Directory.Exists(checkpoints) ? [] :
        Directory.GetDirectories(checkpoints, "ckpt-*").Where(d => File.Exists(Path.Combine(d, CheckpointStore.ManifestName))).Order().ToArray();

    /// <summary>Runs with checkpoints and stops it (as Ctrl-C does) once two checkpoints are complete; the stop adds a final one.</summary>
    private static async Task<RunResult> RunAndStop(Scenario s, string dir)
    {
        using var cts = new CancellationTokenSource();
        string checkpoints = Path.Combine(dir, "checkpoints");
        var r = await LocalRunner.RunAsync(s, new RunOptions(dir), _ =>
        {
            if (!cts.IsCancellationRequested && CompleteCheckpoints(checkpoints).Length >= 2) cts.Cancel();
        }, cts.Token);
        r.Status.Should().Be(RunStatus.Cancelled, "the run must be stopped before its end for the test to mean anything");
        CompleteCheckpoints(checkpoints).Should().HaveCount(2, "the newest two checkpoints are kept");
        return r;
    }

    private async Task<(RunResult Result, byte[] Timeseries)> Reference(string kind) => await references.Get(kind);

    private static void AssertSameResult((RunResult Result, byte[] Timeseries) reference, RunResult resumed, string dir)
    {
        resumed.Status.Should().Be(RunStatus.Completed);
        resumed.ResultsSha256.Should().Be(reference.Result.ResultsSha256);
        resumed.Rows.Should().Be(reference.Result.Rows);
        resumed.Counters.Accepted.Should().Be(reference.Result.Counters.Accepted);
        File.ReadAllBytes(Path.Combine(dir, "timeseries.csv")).Should().Equal(reference.Timeseries);
        var record = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "run.json")))!;
        ((string?)record["status"]).Should().Be("completed");
        ((string?)record["results_sha256"]).Should().Be(reference.Result.ResultsSha256);
        // What converge reads from a particle run with the mean-field reference survives a resume (W1 at t = 0 is in the checkpoint).
        foreach (string key in new[] { "w1_initial", "w1_final", "y_error_final" })
            if (reference.Result.Analysis[key] is { } value)
                ((double?)record["analysis"]?[key]).Should().Be((double)value!, key);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Stopped_then_resumed_run_ends_bit_identical_to_an_uninterrupted_run(string kind)
    {
        var reference = await Reference(kind);
        string dir = Path.Combine(_dir, "stopped");
        var stopped = await RunAndStop(Make(kind, Steps(kind)), dir);
        stopped.Counters.Accepted.Should().BeLessThan(reference.Result.Counters.Accepted);

        var latest = CheckpointStore.Load(CompleteCheckpoints(Path.Combine(dir, "checkpoints"))[^1]);
        latest.Manifest.Step.Should().BeGreaterThan(0);
        latest.Manifest.Epoch.Should().Be(0);
        latest.Manifest.TimeseriesRows.Should().Be(latest.Manifest.OutputIndex);
        if (!kind.StartsWith("virus")) latest.Manifest.CoordinatorState.Should().NotBeEmpty("the coordinator owns state of its own");

        var resumed = await LocalRunner.ResumeAsync(dir, new RunOptions(dir));
        AssertSameResult(reference, resumed, dir);
        JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "run.json")))!["resumed_from"]!["step"]!.GetValue<long>().Should().Be(latest.Manifest.Step);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_corrupted_latest_checkpoint_is_reported_and_the_previous_one_used(string kind)
    {
        var reference = await Reference(kind);
        string dir = Path.Combine(_dir, "stopped");
        await RunAndStop(Make(kind, Steps(kind)), dir);
        var checkpoints = CompleteCheckpoints(Path.Combine(dir, "checkpoints"));
        // The ODE coordinator has no blocks: its whole state is in the manifest, so that is the file corrupted.
        bool blocks = Directory.GetFiles(checkpoints[^1], "block-*.bin").Length > 0;
        string corrupted = Path.Combine(checkpoints[^1], blocks ? CheckpointStore.BlockFileName(1) : CheckpointStore.ManifestName);
        byte[] bytes = File.ReadAllBytes(corrupted);
        int at = blocks ? bytes.Length / 2 : Array.IndexOf(bytes, (byte)'"', bytes.Length / 2) + 1; // in the manifest: a JSON string's first character
        bytes[at] ^= 0x01;
        File.WriteAllBytes(corrupted, bytes);

        var warnings = new List<string>();
        var resumed = await LocalRunner.ResumeAsync(dir, new RunOptions(dir), onWarning: warnings.Add);
        warnings.Should().Contain(w => w.Contains(corrupted) && (w.Contains("checksum") || w.Contains("unreadable")));
        var record = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "run.json")))!;
        ((string?)record["resumed_from"]!["checkpoint"]).Should().Be(checkpoints[^2]);
        AssertSameResult(reference, resumed, dir);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_read_only_checkpoint_directory_stops_the_run_with_an_error_naming_it_and_keeps_the_last_checkpoint(string kind)
    {
        var reference = await Reference(kind);
        string dir = Path.Combine(_dir, "stopped");
        await RunAndStop(Make(kind, Steps(kind)), dir);
        string checkpoints = Path.Combine(dir, "checkpoints");
        var before = CompleteCheckpoints(checkpoints);
        var latest = CheckpointStore.Load(before[^1]);

        using (ReadOnly(checkpoints, latest.Manifest.Step, reference.Result.Counters.Accepted))
        {
            var e = await FluentActions.Awaiting(() => LocalRunner.ResumeAsync(dir, new RunOptions(dir))).Should().ThrowAsync<RunFailedException>();
            e.Which.Message.Should().Contain(checkpoints).And.Contain("checkpoint directory");
            CompleteCheckpoints(checkpoints).Should().Equal(before, "nothing was written or pruned");
            CheckpointStore.Load(before[^1]).Manifest.Should().BeEquivalentTo(latest.Manifest, "the last good checkpoint is intact");
        }

        var resumed = await LocalRunner.ResumeAsync(dir, new RunOptions(dir));
        AssertSameResult(reference, resumed, dir);
    }

    [Fact]
    public async Task Checkpoints_by_wall_time_of_a_particle_run_do_not_change_the_result()
    {
        var reference = await Reference("huxley-particles");
        string dir = Path.Combine(_dir, "timed");
        var r = await LocalRunner.RunAsync(Make("huxley-particles", """{ "seconds": 1e-6 }"""), new RunOptions(dir));
        r.ResultsSha256.Should().Be(reference.Result.ResultsSha256);
        var latest = CheckpointStore.Load(CompleteCheckpoints(Path.Combine(dir, "checkpoints"))[^1]);
        latest.Manifest.Step.Should().BeGreaterThanOrEqualTo(r.Counters.Accepted - 1, "one at every barrier");
    }

    /// <summary>
    /// Makes <paramref name="directory"/> read-only until disposed. Permission bits do not stop root, so as root the
    /// directory is also made immutable (chattr +i). Where neither works (root without CAP_LINUX_IMMUTABLE) a file is put
    /// where each checkpoint folder after <paramref name="fromStep"/> up to <paramref name="toStep"/> would go, which
    /// refuses new checkpoints just the same.
    /// </summary>
    private static IDisposable ReadOnly(string directory, long fromStep, long toStep)
    {
        var mode = File.GetUnixFileMode(directory);
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        if (!Writable(directory)) return new Undo(() => File.SetUnixFileMode(directory, mode));
        if (Chattr("+i", directory) && !Writable(directory))
            return new Undo(() => { Chattr("-i", directory); File.SetUnixFileMode(directory, mode); });
        Chattr("-i", directory);
        File.SetUnixFileMode(directory, mode);
        var blockers = new List<string>();
        for (long step = fromStep + 1; step <= toStep; step++)
        {
            string blocker = CheckpointStore.FolderFor(directory, step);
            File.WriteAllText(blocker, "");
            blockers.Add(blocker);
        }
        return new Undo(() => blockers.ForEach(File.Delete));
    }

    private static bool Writable(string directory)
    {
        try
        {
            string probe = Path.Combine(directory, ".probe");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool Chattr(string flag, string path)
    {
        try
        {
            using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("chattr", [flag, path]) { RedirectStandardError = true })!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static void MakeWritable(string root)
    {
        foreach (string d in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Prepend(root))
        {
            if (Writable(d)) continue;
            Chattr("-i", d);
            File.SetUnixFileMode(d, File.GetUnixFileMode(d) | UnixFileMode.UserWrite);
        }
    }

    private sealed class Undo(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
