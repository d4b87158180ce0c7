using System.Text.Json.Nodes;
using ActorSim.Simulation.Models;
using Json.Schema;

namespace ActorSim.Cli.Tests;

/// <summary>
/// The JSON Schemas shipped in schemas/ are what <see cref="ModelSchema"/> generates from the model definitions, and
/// every shipped scenario names its model's schema in "$schema" and validates against it.
/// Regenerate the files with ACTORSIM_WRITE_SCHEMAS=1 set while running this test.
/// </summary>
public class SchemaTests
{
    /// <summary>Built once per model: the library's schema registry refuses a second schema with the same $id.</summary>
    private static readonly Lazy<Dictionary<string, JsonSchema>> Built = new(() =>
        ModelCatalog.All.ToDictionary(m => m.Name, m => JsonSchema.FromText(ModelSchema.Text(m))));

    private static string Folder => Path.Combine(RepoRoot.Path, ModelSchema.Folder);

    [Fact]
    public void The_shipped_schemas_equal_the_generated_ones()
    {
        bool write = Environment.GetEnvironmentVariable("ACTORSIM_WRITE_SCHEMAS") == "1";
        if (write) Directory.CreateDirectory(Folder);
        foreach (var model in ModelCatalog.All)
        {
            string path = Path.Combine(Folder, ModelSchema.FileName(model));
            string expected = ModelSchema.Text(model);
            if (write) File.WriteAllText(path, expected);
            Assert.True(File.Exists(path) && File.ReadAllText(path) == expected,
                $"{path} is not what the model definition gives: run this test with ACTORSIM_WRITE_SCHEMAS=1 and commit schemas/");
        }
        Assert.Equal(ModelCatalog.All.Count, Directory.GetFiles(Folder, "*.schema.json").Length);
    }

    public static TheoryData<string> Scenarios() =>
        new(Directory.GetFiles(Path.Combine(RepoRoot.Path, "scenarios"), "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Every_shipped_scenario_names_and_passes_its_schema(string file)
    {
        var doc = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot.Path, "scenarios", file)))!.AsObject();
        string model = (string)doc["model"]!;
        Assert.Equal($"../{ModelSchema.Folder}/{model}.schema.json", (string?)doc["$schema"]);
        var schema = Built.Value[model];
        var result = schema.Evaluate(System.Text.Json.JsonDocument.Parse(doc.ToJsonString()).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, string.Join("\n", result.Details.Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }

    [Fact]
    public void A_schema_rejects_what_the_loader_rejects_value_by_value()
    {
        var schema = Built.Value["may-nowak-ode"];
        var doc = System.Text.Json.JsonDocument.Parse("""{ "model": "may-nowak-ode", "parameters": { "d1": 0, "d2": 1, "d3": 1, "beta": -1, "k": 1, "r": 1, "gama": 1 }, "initial": { "u": 1, "v": 0, "w": 1 }, "time": { "end": 1 } }""").RootElement;
        Assert.False(schema.Evaluate(doc).IsValid);
    }
}
