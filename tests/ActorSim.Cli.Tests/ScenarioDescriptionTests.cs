using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ActorSim.Cli.Tests;

/// <summary>
/// The numbers a shipped virus scenario's description quotes from the analysis (R0, chi_c, the count of unstable
/// modes, the fastest growth rate) are what <c>actorsim analyze --json</c> computes, to the digits quoted.
/// </summary>
public class ScenarioDescriptionTests
{
    public static TheoryData<string> AnalysedScenarios() => new(
        Directory.GetFiles(Path.Combine(RepoRoot.Path, "scenarios"), "*.json")
            .Where(f => (string?)JsonNode.Parse(File.ReadAllText(f))!["model"] is "may-nowak-ode" or "virus-pde" or "virus-kinetic" or "virus-kinetic-mc")
            .Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(AnalysedScenarios))]
    public void Numbers_quoted_from_the_analysis_are_what_analyze_computes(string file)
    {
        string description = (string)JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot.Path, "scenarios", file)))!["description"]!;
        var r = ActorsimProcess.Run(RepoRoot.Path, "analyze", $"scenarios/{file}", "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        var a = JsonNode.Parse(r.StdOut)!;
        var stability = a["linear_stability"]?["discrete"];
        var checks = new (string Pattern, Func<double?> Actual)[]
        {
            (@"\bR0 = (\d+(?:\.\d+)?)", () => (double?)a["R0"]),
            (@"\bchi_c = (\d+\.\d+)", () => (double?)stability?["chi_c"]),
            (@"\b(\d+) unstable modes", () => (double?)stability?["unstable_mode_count"]),
            (@"fastest rate (\d+\.\d+)", () => (double?)stability?["fastest_growing_mode"]?["growth_rate"]),
            (@"\(analyze: (\d+\.\d+)", () => (double?)stability?["fastest_growing_mode"]?["growth_rate"]),
        };
        foreach (var (pattern, actual) in checks)
            foreach (Match m in Regex.Matches(description, pattern))
            {
                string quoted = m.Groups[1].Value;
                double value = double.Parse(quoted, CultureInfo.InvariantCulture);
                int decimals = quoted.Contains('.') ? quoted.Length - quoted.IndexOf('.') - 1 : 0;
                double? computed = actual();
                Assert.True(computed is not null, $"{file}: \"{m.Value}\" but analyze gives no such figure");
                Assert.True(Math.Abs(value - computed!.Value) <= 0.5 * Math.Pow(10, -decimals) + 1e-12,
                    $"{file}: the description says \"{m.Value}\", analyze computes {computed.Value.ToString("R", CultureInfo.InvariantCulture)}");
            }
    }
}
