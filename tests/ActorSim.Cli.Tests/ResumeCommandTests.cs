using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ActorSim.Cli.Tests;

/// <summary><c>actorsim run</c> with <c>run.checkpoint</c>, a real SIGINT (Ctrl-C), then <c>actorsim resume</c>: same results_sha256 as an uninterrupted run.</summary>
public class ResumeCommandTests
{
    private static void WriteScenario(string path, string model = "virus-pde")
    {
        if (model == "huxley-particles")
        {
            // The particle-block coordinator: stochastic bridges, random streams keyed by (seed, block, step).
            var h = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot.Path, "scenarios", "huxley-particles.json")))!.AsObject();
            h["parameters"]!["N"] = 40000;
            h["time"] = new JsonObject { ["end"] = 3.0, ["output_interval"] = 0.05, ["dt"] = 0.001 };
            h["run"] = new JsonObject { ["blocks"] = 2, ["seed"] = 7, ["checkpoint"] = new JsonObject { ["steps"] = 100 } };
            File.WriteAllText(path, h.ToJsonString());
            return;
        }
        var s = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot.Path, "scenarios", "virus-pde-2d-pattern.json")))!.AsObject();
        s["time"] = new JsonObject { ["end"] = 40.0, ["output_interval"] = 1.0 };
        s["run"] = new JsonObject { ["blocks"] = 2, ["checkpoint"] = new JsonObject { ["steps"] = 50 } };
        File.WriteAllText(path, s.ToJsonString());
    }

    private static string Sha(string dir) => (string)JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "run.json")))!["results_sha256"]!;

    [Theory]
    [InlineData("INT", 130, "cancelled", "virus-pde")]  // Ctrl-C: a final checkpoint, a clean exit
    [InlineData("KILL", 137, "running", "virus-pde")]   // a crash: run.json still says running
    [InlineData("INT", 130, "cancelled", "huxley-particles")]
    [InlineData("KILL", 137, "running", "huxley-particles")]
    public void Stopped_or_killed_then_resume_gives_the_uninterrupted_result(string signal, int exitCode, string status, string model)
    {
        using var scratch = new ScratchDir();
        string scenario = scratch.File("cp.json");
        WriteScenario(scenario, model);
        var reference = ActorsimProcess.Run(scratch.Path, "run", scenario, "--out", "reference", "-q", "--no-plots");
        Assert.True(reference.ExitCode == 0, reference.ToString());

        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = scratch.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { ActorsimProcess.Dll, "run", scenario, "--out", "stopped", "-q", "--no-plots" }) psi.ArgumentList.Add(a);
        using (var p = Process.Start(psi)!)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            string checkpoints = scratch.File("stopped/checkpoints");
            var clock = Stopwatch.StartNew();
            while (!(Directory.Exists(checkpoints) && Directory.EnumerateFiles(checkpoints, "manifest.json", SearchOption.AllDirectories).Any()) && clock.Elapsed < TimeSpan.FromSeconds(60) && !p.HasExited)
                Thread.Sleep(50);
            Process.Start("kill", ["-" + signal, p.Id.ToString()])!.WaitForExit();
            Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)));
            Assert.True(p.ExitCode == exitCode, $"exit {p.ExitCode}\n{stdout.Result}\n{stderr.Result}");
        }
        Assert.Equal(status, (string?)JsonNode.Parse(File.ReadAllText(scratch.File("stopped/run.json")))!["status"]);

        var resumed = ActorsimProcess.Run(scratch.Path, "resume", "stopped", "-q", "--no-plots");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(Sha(scratch.File("reference")), Sha(scratch.File("stopped")));
    }

    [Fact]
    public void Resume_of_a_run_without_checkpoints_says_why()
    {
        using var scratch = new ScratchDir();
        var run = ActorsimProcess.Run(scratch.Path, "run", "scenarios/virus-pde-1d-stable.json", "--out", "plain", "-q", "--no-plots");
        Assert.True(run.ExitCode == 0, run.ToString());
        var r = ActorsimProcess.Run(scratch.Path, "resume", "plain");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no checkpoint directory", r.StdErr);
        Assert.Contains("run.checkpoint", r.StdErr);
    }
}
