namespace ActorSim.Cli.Tests;

/// <summary>What actorsim prints into a pipe: no terminal escape codes, and a run summary of short lines.</summary>
public class OutputHygieneTests
{
    [Fact]
    public void Run_status_and_analyze_print_no_escape_codes_into_a_pipe_and_the_summary_is_short()
    {
        using var dir = new ScratchDir();
        var run = ActorsimProcess.Run(dir.Path, "run", "scenarios/virus-pde-1d-unstable.json", "--out", "out/u", "--no-plots");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("  Q_star  u = 1, v = 3, w = 3\n", run.StdOut);
        Assert.Contains("linear_stability: in run.json", run.StdOut);
        Assert.All(run.StdOut.Split('\n'), line => Assert.True(line.Length <= 160, $"a {line.Length}-character line: {line[..Math.Min(60, line.Length)]}…"));
        Assert.DoesNotContain("{\"", run.StdOut);
        foreach (var env in new[] { new Dictionary<string, string>(), new Dictionary<string, string> { ["NO_COLOR"] = "1", ["TERM"] = "xterm-256color" } })
        {
            var status = ActorsimProcess.Run(dir.Path, ["status", "out/u"], environment: env);
            var analyze = ActorsimProcess.Run(dir.Path, ["analyze", "scenarios/virus-pde-1d-unstable.json"], environment: env);
            foreach (var r in new[] { run, status, analyze })
            {
                Assert.True(r.ExitCode == 0, r.ToString());
                Assert.DoesNotContain('\u001b', r.StdOut + r.StdErr);
            }
            Assert.Contains("completed", status.StdOut);
        }
    }
}
