using System.Diagnostics;
using ActorSim.Simulation.Scenarios;
using Xunit.Abstractions;

namespace ActorSim.Simulation.Tests.Scenarios;

/// <summary>
/// Malformed variants of every shipped scenario (<see cref="MalformedScenarios"/>) are either valid or refused with
/// a <see cref="ScenarioException"/> (one sentence per problem, with a path) — never another exception — each in
/// well under a second; the size estimate of the valid ones is a finite number.
/// </summary>
public class ScenarioFuzzTests(ITestOutputHelper output)
{
    private const int CasesPerScenario = 25;

    [Fact]
    public void Every_malformed_scenario_is_valid_or_refused_with_a_message()
    {
        string dir = Directory.CreateTempSubdirectory("actorsim-fuzz-").FullName;
        try
        {
            var files = Directory.GetFiles(Path.Combine(RepoRoot.Path, "scenarios"), "*.json");
            var failures = new List<string>();
            int valid = 0, refused = 0;
            foreach (var c in MalformedScenarios.Generate(files, CasesPerScenario))
            {
                string path = Path.Combine(dir, "case.json");
                File.WriteAllBytes(path, c.Bytes);
                var clock = Stopwatch.StartNew();
                try
                {
                    var s = ScenarioLoader.Load(path);
                    var e = ResourceEstimator.Estimate(s);
                    if (!(e.MemoryBytes >= 0 && e.DiskBytes >= 0 && e.Steps >= 0) || e.ToString().Contains("NaN", StringComparison.Ordinal))
                        failures.Add($"{c}: estimate {e}");
                    valid++;
                }
                catch (ScenarioException e)
                {
                    refused++;
                    output.WriteLine($"{c} -> {e.Errors[0].JsonPath}: {e.Errors[0].Message}{(e.Errors.Count > 1 ? $" (+{e.Errors.Count - 1})" : "")}");
                    foreach (var err in e.Errors)
                    {
                        if (!err.JsonPath.StartsWith('$') || err.Message.Length == 0 || err.Message.Contains('\n')
                            || err.Message.Contains("isFinalBlock", StringComparison.Ordinal) || err.Message.Contains("reader options", StringComparison.Ordinal))
                            failures.Add($"{c}: unclear error {err}");
                    }
                }
                catch (Exception e)
                {
                    failures.Add($"{c}: {e.GetType().Name}: {e.Message}");
                }
                output.WriteLine($"    {clock.Elapsed.TotalMilliseconds:0} ms");
                if (clock.Elapsed > TimeSpan.FromSeconds(3)) failures.Add($"{c}: took {clock.Elapsed.TotalSeconds:0.0} s");
            }
            output.WriteLine($"{refused} refused, {valid} valid");
            Assert.True(failures.Count == 0, string.Join("\n", failures));
            Assert.True(refused > valid, $"{refused} refused, {valid} valid: the mutations should mostly break the scenarios");
            Assert.True(valid > 0, "some mutations (e.g. a description changed) leave a valid scenario");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_generator_is_deterministic()
    {
        var files = Directory.GetFiles(Path.Combine(RepoRoot.Path, "scenarios"), "*.json");
        var a = MalformedScenarios.Generate(files, 5).Select(c => (c.Name, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(c.Bytes)))).ToList();
        var b = MalformedScenarios.Generate(files, 5).Select(c => (c.Name, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(c.Bytes)))).ToList();
        Assert.Equal(a, b);
        Assert.Equal(files.Length * 5, a.Count);
    }
}
