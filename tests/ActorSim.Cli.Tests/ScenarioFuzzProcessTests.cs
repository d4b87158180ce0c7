using ActorSim.Simulation.Tests.Scenarios;
using System.Text.Json.Nodes;

namespace ActorSim.Cli.Tests;

/// <summary>
/// A few malformed scenarios (<see cref="MalformedScenarios"/>, another seed than the in-process fuzz test) through the
/// real <c>actorsim validate</c> and <c>actorsim run</c>: exit 0 or 2 in a few seconds, one sentence and no stack
/// trace, and a refused run leaves no output directory while an accepted one leaves a complete one.
/// </summary>
public class ScenarioFuzzProcessTests
{
    /// <summary>Cases take about a second; the bound grows with the machine's load.</summary>
    private static TimeSpan PerCase => MachineLoad.Scale(TimeSpan.FromSeconds(30));

    private static void AssertClean(MalformedScenarios.Case c, ActorsimProcess.Result r, bool mayFail = false)
    {
        Assert.True(r.ExitCode is 0 or 2 || (mayFail && r.ExitCode == 1), $"{c}: {r}");
        Assert.True(!r.StdErr.Contains("   at ", StringComparison.Ordinal) && !r.StdErr.Contains("Exception", StringComparison.Ordinal), $"{c}: {r}");
        if (r.ExitCode == 2) Assert.True(r.StdErr.Length > 0, $"{c}: refused without a word");
    }

    [Fact]
    public void Validate_answers_every_case_with_0_or_2()
    {
        using var dir = new ScratchDir();
        var files = Directory.GetFiles(dir.File("scenarios"), "*.json");
        foreach (var c in MalformedScenarios.Generate(files, 1, seed: 7))
        {
            File.WriteAllBytes(dir.File("case.json"), c.Bytes);
            AssertClean(c, ActorsimProcess.Run(dir.Path, ["validate", "case.json"], PerCase));
        }
    }

    [Fact]
    public void Run_refuses_or_completes_and_never_leaves_a_half_written_output_directory()
    {
        using var dir = new ScratchDir();
        // The quick ODE scenario (a run takes well under a second), so that accepted mutants can run to their end.
        var cases = MalformedScenarios.Generate([dir.File("scenarios/may-nowak-ode-cleared.json")], 8, seed: 11).ToList();
        int i = 0;
        foreach (var c in cases)
        {
            File.WriteAllBytes(dir.File("case.json"), c.Bytes);
            string outDir = $"out{i++}";
            var r = ActorsimProcess.Run(dir.Path, ["run", "case.json", "--out", outDir, "-q", "--no-plots"], PerCase);
            // A valid but absurd scenario (a death rate of 1e30) may start and then fail: exit 1, the integrator's
            // reason in one sentence and in a complete run.json ("failed"), like any run that fails.
            AssertClean(c, r, mayFail: true);
            if (r.ExitCode == 2)
            {
                Assert.False(Directory.Exists(dir.File(outDir)), $"{c}: a refused run created {outDir}");
                continue;
            }
            var run = JsonNode.Parse(File.ReadAllText(dir.File($"{outDir}/run.json")))!;
            Assert.Equal(r.ExitCode == 0 ? "completed" : "failed", (string?)run["status"]);
            if (r.ExitCode == 1) Assert.Contains("case.json: the run failed: ", r.StdErr);
            Assert.Empty(Directory.EnumerateFiles(dir.File(outDir), "*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".tmp", StringComparison.Ordinal) || f.EndsWith(".reserve", StringComparison.Ordinal)));
        }
        Assert.Contains(cases, c => !Directory.Exists(dir.File($"out{cases.IndexOf(c)}")));
    }
}
