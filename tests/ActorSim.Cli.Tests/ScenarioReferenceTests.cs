using ActorSim.Simulation.Models;

namespace ActorSim.Cli.Tests;

/// <summary>The scenario reference (README and the pages under docs/) documents every model, parameter and initial value.</summary>
public class ScenarioReferenceTests
{
    [Fact]
    public void Every_model_field_is_documented_in_the_scenario_reference()
    {
        string readme = File.ReadAllText(Path.Combine(RepoRoot.Path, "README.md"));
        string docs = Path.Combine(RepoRoot.Path, "docs");
        string reference = Directory.Exists(docs)
            ? string.Join("\n", Directory.GetFiles(docs, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(File.ReadAllText).Prepend(readme))
            : readme;
        foreach (var model in ModelCatalog.All)
        {
            Assert.Contains($"## Model `{model.Name}`", reference);
            foreach (var p in model.Parameters)
                Assert.Contains($"| `{p.Name}` | {p.Unit} |", reference);
            foreach (var i in model.Initial)
                Assert.Contains($"`{i.Name}`", reference);
        }
        foreach (var key in new[] { "end", "output_interval", "dt", "rtol", "atol", "blocks", "seed" })
            Assert.Contains($"| `{key}` |", reference);
    }
}
