using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace ActorSim.Cli.Tests;

/// <summary>Every error a user can cause is one sentence and exit 2 (bad input) or exit 1 (the run failed), never a stack trace.</summary>
public class UserErrorTests
{
    private static void AssertOneSentence(ActorsimProcess.Result r, int exitCode)
    {
        Assert.True(r.ExitCode == exitCode, r.ToString());
        Assert.DoesNotContain("   at ", r.StdErr);
        Assert.DoesNotContain("Exception", r.StdErr);
        Assert.DoesNotContain("Unhandled", r.StdErr);
    }

    [Theory]
    [InlineData("", "--out is empty: give the path of the output directory")]
    [InlineData("a-file/out", "a-file is a file, not a directory")]
    [InlineData("/proc/actorsim-out", "/proc/actorsim-out: cannot create or clear the output directory")]
    public void An_output_directory_that_cannot_be_made_is_refused(string outDir, string expected)
    {
        using var dir = new ScratchDir();
        File.WriteAllText(dir.File("a-file"), "x");
        var r = ActorsimProcess.Run(dir.Path, "run", "scenarios/may-nowak-ode-cleared.json", "--out", outDir, "-q");
        AssertOneSentence(r, 2);
        Assert.Contains(expected, r.StdErr);
        if (outDir.Length > 0) Assert.Contains("choose another --out", r.StdErr);
    }

    [SkippableFact]
    public void An_output_directory_on_a_read_only_file_system_is_refused()
    {
        using var dir = new ScratchDir();
        using var mount = TmpfsMount.TryCreate(dir.File("ro"), "ro,size=16m");
        Skip.If(mount is null, "optional: cannot mount a tmpfs here (needs root in a container that allows mounts)");
        var r = ActorsimProcess.Run(dir.Path, "run", "scenarios/may-nowak-ode-cleared.json", "--out", "ro/out", "-q");
        AssertOneSentence(r, 2);
        Assert.Contains("ro/out: cannot create or clear the output directory: the file system is read-only; choose another --out", r.StdErr);
    }

    [SkippableFact]
    public void A_full_disk_fails_the_run_with_a_failed_run_json_and_no_temp_files()
    {
        using var dir = new ScratchDir();
        using var mount = TmpfsMount.TryCreate(dir.File("small"), "size=256k");
        Skip.If(mount is null, "optional: cannot mount a tmpfs here (needs root in a container that allows mounts)");
        // --force-size: past the disk estimate (2.7 MB), as when another program fills the disk during the run.
        var r = ActorsimProcess.Run(dir.Path, "run", "scenarios/virus-pde-2d-pattern.json", "--out", "small/out", "-q", "--no-plots", "--force-size");
        Assert.Contains("warning (--force-size): its outputs need about 2.7 MB of disk", r.StdErr);
        AssertOneSentence(r, 1);
        Assert.Contains("the run failed: the disk is full: no space left on the device to write", r.StdErr);
        var run = JsonNode.Parse(File.ReadAllText(dir.File("small/out/run.json")))!;
        Assert.Equal("failed", (string?)run["status"]);
        Assert.Contains("No space left on device", (string?)run["error"]);
        var leftovers = Directory.EnumerateFiles(dir.File("small/out"), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".tmp", StringComparison.Ordinal) || f.EndsWith(".reserve", StringComparison.Ordinal));
        Assert.Empty(leftovers);
    }

    [Fact]
    public void A_dashboard_port_in_use_is_refused()
    {
        using var dir = new ScratchDir();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var r = ActorsimProcess.Run(dir.Path, "run", "scenarios/may-nowak-ode-cleared.json", "--out", "out", "-q", "--dashboard", "--dashboard-port", port.ToString());
        AssertOneSentence(r, 2);
        Assert.Contains($"the dashboard cannot listen on 127.0.0.1:{port}: the port is in use", r.StdErr);
        Assert.Contains("--dashboard-port", r.StdErr);
    }

    [Theory]
    [InlineData("scenarios", "is a directory, not a scenario file")]
    [InlineData("empty.json", "the file is empty")]
    [InlineData("dup.json", "$.parameters.beta: duplicate key \"beta\"")]
    [InlineData("missing.json", "no such file")]
    public void Validate_and_run_refuse_bad_files_in_one_sentence(string file, string expected)
    {
        using var dir = new ScratchDir();
        File.WriteAllText(dir.File("empty.json"), "");
        File.WriteAllText(dir.File("dup.json"), File.ReadAllText(dir.File("scenarios/may-nowak-ode.json")).Replace("\"beta\": 0.002", "\"beta\": 0.002, \"beta\": 0.003"));
        foreach (var args in new[] { new[] { "validate", file }, new[] { "run", file, "--out", "out" } })
        {
            var r = ActorsimProcess.Run(dir.Path, args);
            AssertOneSentence(r, 2);
            Assert.Contains(expected, r.StdErr);
        }
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void The_scenario_size_limit_can_be_set_by_the_environment()
    {
        using var dir = new ScratchDir();
        var r = ActorsimProcess.Run(dir.Path, ["validate", "scenarios/may-nowak-ode.json"], null,
            new Dictionary<string, string> { ["ACTORSIM_SCENARIO_MAX_BYTES"] = "100" });
        AssertOneSentence(r, 2);
        Assert.Contains("scenarios/may-nowak-ode.json: $: the file is ", r.StdErr);
        Assert.Contains("; scenario files are limited to 100 bytes", r.StdErr);

        var bad = ActorsimProcess.Run(dir.Path, ["validate", "scenarios/may-nowak-ode.json"], null,
            new Dictionary<string, string> { ["ACTORSIM_SCENARIO_MAX_BYTES"] = "16MB" });
        AssertOneSentence(bad, 2);
        Assert.Contains("ACTORSIM_SCENARIO_MAX_BYTES: $: \"16MB\" is not allowed: the size limit of scenario files must be a whole number of bytes", bad.StdErr);
    }

    [Fact]
    public void Sigterm_is_reported_as_a_stop_by_signal()
    {
        using var dir = new ScratchDir();
        var s = JsonNode.Parse(File.ReadAllText(dir.File("scenarios/virus-pde-2d-pattern.json")))!.AsObject();
        s["time"] = new JsonObject { ["end"] = 100000.0, ["output_interval"] = 1.0 };
        s["run"] = new JsonObject { ["blocks"] = 2 };
        File.WriteAllText(dir.File("long.json"), s.ToJsonString());
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = dir.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { ActorsimProcess.Dll, "run", "long.json", "--out", "out", "-q", "--no-plots" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        // Wait for the event "the run writes rows" (a second row in timeseries.csv), not for a fixed time.
        var clock = Stopwatch.StartNew();
        while (!p.HasExited && clock.Elapsed < MachineLoad.Scale(TimeSpan.FromSeconds(60)) && !HasRows(dir.File("out/timeseries.csv"))) Thread.Sleep(50);
        Process.Start("kill", ["-TERM", p.Id.ToString()])!.WaitForExit();
        Assert.True(p.WaitForExit(MachineLoad.Scale(TimeSpan.FromSeconds(30))));
        Assert.True(p.ExitCode == 143, $"exit {p.ExitCode}\n{stdout.Result}\n{stderr.Result}");
        var run = JsonNode.Parse(File.ReadAllText(dir.File("out/run.json")))!;
        Assert.Equal("cancelled", (string?)run["status"]);
        Assert.Equal("stopped by signal SIGTERM", (string?)run["reason"]);
        Assert.DoesNotContain("Ctrl-C", stdout.Result + stderr.Result);
    }

    private static bool HasRows(string csv)
    {
        try
        {
            using var f = new FileStream(csv, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(f);
            return reader.ReadLine() is not null && reader.ReadLine() is not null;
        }
        catch (IOException)
        {
            return false;
        }
    }
}

/// <summary>A small tmpfs mounted for a test (root only), unmounted afterwards; null where mounts are not allowed.</summary>
internal sealed class TmpfsMount : IDisposable
{
    private readonly string _path;

    private TmpfsMount(string path) => _path = path;

    public static TmpfsMount? TryCreate(string path, string options)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root") return null;
        Directory.CreateDirectory(path);
        try
        {
            using var p = Process.Start(new ProcessStartInfo("mount", ["-t", "tmpfs", "-o", options, "tmpfs", path]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            p.WaitForExit();
            return p.ExitCode == 0 ? new TmpfsMount(path) : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    public void Dispose()
    {
        using var p = Process.Start(new ProcessStartInfo("umount", [_path]) { RedirectStandardError = true })!;
        p.WaitForExit();
    }
}
