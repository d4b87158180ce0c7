using System.Text.Json.Nodes;
using ActorSim.Simulation.Models;
using FluentAssertions;

namespace ActorSim.Simulation.Tests.Models;

/// <summary>
/// <see cref="IModelDefinition.NeedsDynamicCode"/>: a model says whether its runs compile expression trees, which
/// <c>actorsim run</c> reads at start-up (through <see cref="ModelCatalog.NeedsDynamicCode"/>) to decide whether dynamic
/// code may be off. A model that compiled expressions with dynamic code off would run them interpreted, many times slower;
/// one that wrongly said it needs dynamic code would only start slower.
/// </summary>
public sealed class ModelDynamicCodeTests
{
    /// <summary>An expression field of a model's schema: free text the model parses as a formula and compiles
    /// (its description says "… expression: …", e.g. muscle-1d's <c>g</c>, muscle-deformation-2d's <c>F00</c>, <c>W0</c>).</summary>
    private static bool IsExpressionField(JsonNode? property) =>
        (string?)property?["type"] == "string" && ((string?)property?["description"] ?? "").Contains("expression:", StringComparison.Ordinal);

    private static IEnumerable<string> ExpressionFields(IModelDefinition model)
    {
        var schema = ModelSchema.Build(model);
        foreach (string section in new[] { "parameters", "initial" })
            if (schema["properties"]?[section]?["properties"] is JsonObject properties)
                foreach (var (name, property) in properties)
                    if (IsExpressionField(property)) yield return $"{section}.{name}";
    }

    public static TheoryData<string> Models() => [.. ModelCatalog.All.Select(m => m.Name)];

    [Theory]
    [MemberData(nameof(Models))]
    public void A_model_needs_dynamic_code_exactly_when_its_schema_has_expression_fields(string name)
    {
        var model = ModelCatalog.Find(name)!;
        var fields = ExpressionFields(model).ToList();
        model.NeedsDynamicCode.Should().Be(fields.Count > 0,
            $"{name}'s schema has {(fields.Count == 0 ? "no expression fields" : "the expression fields " + string.Join(", ", fields))}");
        ModelCatalog.NeedsDynamicCode(name).Should().Be(model.NeedsDynamicCode);
    }

    [Fact]
    public void The_models_with_compiled_expressions_are_muscle_1d_and_muscle_deformation_2d()
    {
        ModelCatalog.All.Where(m => m.NeedsDynamicCode).Select(m => m.Name)
            .Should().BeEquivalentTo("muscle-1d", "muscle-deformation-2d");
        ExpressionFields(ModelCatalog.Find("muscle-1d")!).Should().Contain("parameters.g");
        ExpressionFields(ModelCatalog.Find("muscle-deformation-2d")!).Should().Contain(["parameters.F00", "parameters.W0"]);
        ModelCatalog.NeedsDynamicCode("no-such-model").Should().BeNull();
    }

    [Fact]
    public void The_catalog_finds_each_model_by_its_name_as_the_same_definition_it_lists()
    {
        ModelCatalog.All.Should().HaveCount(10);
        ModelCatalog.All.Select(m => m.Name).Should().OnlyHaveUniqueItems();
        foreach (var model in ModelCatalog.All)
            ModelCatalog.Find(model.Name).Should().BeSameAs(model, "the registry's name of a definition is the one it gives itself");
        ModelCatalog.KnownNames.Should().Be(string.Join(", ", ModelCatalog.All.Select(m => m.Name)));
        ModelCatalog.Find("no-such-model").Should().BeNull();
    }

    [Fact]
    public void Every_shipped_scenario_that_gives_a_formula_is_of_a_model_that_needs_dynamic_code()
    {
        // The schema test above rests on the descriptions; this one on the scenarios that actually give formulas.
        int withFormulas = 0;
        foreach (string file in Directory.GetFiles(Path.Combine(RepoRoot.Path, "scenarios"), "*.json"))
        {
            var doc = JsonNode.Parse(File.ReadAllText(file))!;
            var model = ModelCatalog.Find((string)doc["model"]!)!;
            var expressions = ExpressionFields(model).Select(f => f.Split('.')).ToList();
            bool givesFormula = expressions.Any(f => doc[f[0]]?[f[1]] is JsonValue v && ((string?)v ?? "").Length > 0)
                || (string?)doc["parameters"]?["constraint"] == "expression";
            if (!givesFormula) continue;
            withFormulas++;
            model.NeedsDynamicCode.Should().BeTrue($"{Path.GetFileName(file)} gives a formula to {model.Name}");
        }
        withFormulas.Should().BeGreaterThanOrEqualTo(2, "muscle-1d-nonlinear.json and muscle-deformation-2d-expression.json give formulas");
    }
}
