using ActorSim.Simulation.Models;

namespace ActorSim.Cli.Tests;

/// <summary>The README's scenario reference documents every model, parameter and initial value.</summary>
public class ScenarioReferenceTests
{
    [Fact]
    public void Every_model_field_is_documented_in_the_README()
    {
        string readme = File.ReadAllText(Path.Combine(RepoRoot.Path, "README.md"));
        foreach (var model in ModelCatalog.All)
        {
            Assert.Contains($"### Model `{model.Name}`", readme);
            foreach (var p in model.Parameters)
                Assert.Contains($"| `{p.Name}` | {p.Unit} |", readme);
            foreach (var i in model.Initial)
                Assert.Contains($"`{i.Name}`", readme);
        }
        foreach (var key in new[] { "end", "output_interval", "dt", "rtol", "atol", "blocks", "seed" })
            Assert.Contains($"| `{key}` |", readme);
    }
}
