using System.Text.Json.Nodes;
using ActorSim.Cli.Tests.Cluster;

namespace ActorSim.Cli.Tests;

/// <summary><c>actorsim status DIR</c> on a run whose process was killed (kill -9) says interrupted, not running.</summary>
public class StatusRunDirectoryTests
{
    [Fact]
    public async Task A_run_whose_process_was_killed_is_interrupted_and_a_live_one_is_running()
    {
        using var dir = new ScratchDir();
        using var run = LiveProcess.Actorsim("run", ["run", "scenarios/virus-pde-1d-stable.json", "--out", "out/long", "--no-plots",
            "--set", "time.end=1e5"], new Dictionary<string, string>(), dir.Path);
        // Wait for the run to be under way: run.json says running and the monitor has a step record.
        string record = dir.File("out/long/run.json"), monitor = dir.File("out/long/monitor.jsonl");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(File.Exists(record) && File.Exists(monitor) && ReadShared(monitor).Contains("\"record\"")))
        {
            Assert.True(DateTime.UtcNow < deadline && !run.HasExited, "the run did not get under way: " + run.Describe());
            await Task.Delay(50);
        }
        Assert.Equal(run.Pid, (int?)JsonNode.Parse(ReadShared(record))!["process"]!["pid"]);
        Assert.Equal("running", Status(dir));

        run.Kill();
        Assert.True(await run.WaitForExitAsync(TimeSpan.FromSeconds(30)) != 0);
        Assert.Equal("interrupted", Status(dir));
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }

    private static string? Status(ScratchDir dir)
    {
        var status = ActorsimProcess.Run(dir.Path, "status", "out/long", "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        return (string?)JsonNode.Parse(status.StdOut)!["runs"]![0]!["status"];
    }
}
