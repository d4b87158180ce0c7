using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace ActorSim.Cli.Tests;

/// <summary>
/// Start-up of <c>actorsim run</c> (issue 14 item 3, docs/startup.md), seen from outside through the trace lines of
/// <c>ACTORSIM_TRACE_STARTUP</c>: an in-process run starts its actor system in <c>Main</c> before the command line is
/// parsed, with dynamic code off, and the process ends without waiting for the system's stop — with complete outputs.
/// Commands that must not start one (help, a bad command line) do not, or end at once.
/// </summary>
public class StartupTests
{
    private static readonly Dictionary<string, string> Trace = new() { ["ACTORSIM_TRACE_STARTUP"] = "2" };

    private static List<string> Marks(string stderr) =>
        stderr.Split('\n').Where(l => l.StartsWith("[startup]", StringComparison.Ordinal)).ToList();

    private static int IndexOf(List<string> marks, string what) =>
        marks.FindIndex(l => l.Contains($" ms  {what}", StringComparison.Ordinal));

    [Fact]
    public void An_in_process_run_starts_its_system_in_Main_and_ends_without_waiting_for_its_stop()
    {
        using var dir = new ScratchDir();
        var r = ActorsimProcess.Run(dir.Path, ["run", "scenarios/may-nowak-ode.json", "--out", "out", "-q"], environment: Trace);
        Assert.True(r.ExitCode == 0, r.ToString());
        var marks = Marks(r.StdErr);
        int begun = IndexOf(marks, "actor system start begun"), parsed = IndexOf(marks, "command line parsed");
        Assert.True(begun >= 0 && parsed > begun, r.StdErr);
        int ready = IndexOf(marks, "run: actor system ready");
        Assert.True(ready > parsed, r.StdErr);
        Assert.Contains("dynamic code False", marks[ready]);
        Assert.True(IndexOf(marks, "actor system stop handed off") > IndexOf(marks, "run: run.json written"), r.StdErr);
        Assert.Equal(-1, IndexOf(marks, "actor system stopped"));

        // The outputs are complete although the process did not wait for the actor system to stop.
        var run = JsonNode.Parse(File.ReadAllText(dir.File("out/run.json")))!;
        Assert.Equal("completed", (string)run["status"]!);
        string csv = dir.File("out/timeseries.csv");
        Assert.Equal(801 + 1, File.ReadAllLines(csv).Length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(csv))), (string)run["results_sha256"]!);
        var monitor = File.ReadAllLines(dir.File("out/monitor.jsonl"));
        Assert.Contains("\"completed\"", monitor[^1]);
    }

    [Fact]
    public void Help_starts_no_actor_system_and_a_bad_command_line_ends_at_once()
    {
        using var dir = new ScratchDir();
        var help = ActorsimProcess.Run(dir.Path, ["run", "--help"], environment: Trace);
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("--out", help.StdOut);
        Assert.Equal(-1, IndexOf(Marks(help.StdErr), "actor system start begun"));

        // --out is missing: the usage error, exit 2, while the early system is still starting (its threads do not hold the process).
        var bad = ActorsimProcess.Run(dir.Path, ["run", "scenarios/may-nowak-ode.json"], TimeSpan.FromSeconds(60), Trace);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--out", bad.StdErr);
        Assert.True(IndexOf(Marks(bad.StdErr), "actor system start begun") >= 0, bad.StdErr);
        Assert.False(Directory.Exists(dir.File("out")));
    }
}
