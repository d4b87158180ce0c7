using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorSim.Simulation.Models;

/// <summary>
/// The JSON Schema (draft 2020-12) of a model's scenario files, generated from its definition, for editors'
/// completion and checks. Shipped as <c>schemas/MODEL.schema.json</c> and referenced by the shipped scenarios'
/// <c>"$schema"</c>; a test keeps the shipped files equal to this output. The schema checks single values only: the
/// scenario loader (<c>actorsim validate</c>) also checks the rules across fields.
/// </summary>
public static class ModelSchema
{
    /// <summary>The folder of the shipped schemas, relative to the repository root.</summary>
    public const string Folder = "schemas";

    public static string FileName(IModelDefinition model) => $"{model.Name}.schema.json";

    public static JsonObject Build(IModelDefinition model) => new()
    {
        ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
        ["$id"] = $"https://actorsim.invalid/schemas/{FileName(model)}",
        ["title"] = $"ActorSim scenario: {model.Name}",
        ["description"] = model.Summary,
        ["type"] = "object",
        ["required"] = new JsonArray("model", "parameters", "initial", "time"),
        ["additionalProperties"] = false,
        ["properties"] = new JsonObject
        {
            ["$schema"] = new JsonObject { ["type"] = "string", ["description"] = "this schema, for editors" },
            ["model"] = new JsonObject { ["const"] = model.Name },
            ["description"] = new JsonObject { ["type"] = "string", ["description"] = "free text shown by validate and kept in run.json" },
            ["parameters"] = Values(model.Parameters),
            ["initial"] = Values(model.Initial),
            ["time"] = Time(),
            ["run"] = Run(model),
        },
    };

    public static string Text(IModelDefinition model) =>
        Build(model).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";

    private static JsonObject Values(IReadOnlyList<ValueSpec> specs)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var spec in specs)
        {
            properties[spec.Name] = Value(spec);
            if (spec.Required) required.Add(spec.Name);
        }
        var obj = new JsonObject { ["type"] = "object", ["additionalProperties"] = false, ["properties"] = properties };
        if (required.Count > 0) obj["required"] = required;
        return obj;
    }

    private static JsonObject Value(ValueSpec spec)
    {
        string unit = spec.Unit.Length > 0 ? $", unit {spec.Unit}" : "";
        var obj = new JsonObject { ["description"] = $"{spec.Description}{unit}; {spec.Allowed}" };
        switch (spec.Kind)
        {
            case ValueKind.Choice:
                obj["enum"] = new JsonArray(spec.Choices.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray());
                if (!spec.Required) obj["default"] = spec.DefaultChoice;
                return obj;
            case ValueKind.Text:
                obj["type"] = "string";
                obj["minLength"] = 1;
                return obj;
            case ValueKind.Count:
                obj["type"] = "integer";
                obj["minimum"] = 1;
                obj["maximum"] = int.MaxValue;
                break;
            case ValueKind.Positive:
                obj["type"] = "number";
                obj["exclusiveMinimum"] = 0;
                break;
            case ValueKind.Rate or ValueKind.NonNegative:
                obj["type"] = "number";
                obj["minimum"] = 0;
                break;
            default:
                obj["type"] = "number";
                break;
        }
        if (spec.Default is double d) obj["default"] = spec.Kind == ValueKind.Count ? JsonValue.Create((long)d) : JsonValue.Create(d);
        return obj;
    }

    private static JsonObject Number(string description, bool positive = true) => new()
    {
        ["type"] = "number", ["description"] = description, [positive ? "exclusiveMinimum" : "minimum"] = 0,
    };

    private static JsonObject Time() => new()
    {
        ["type"] = "object",
        ["additionalProperties"] = false,
        ["required"] = new JsonArray("end"),
        ["properties"] = new JsonObject
        {
            ["end"] = Number("end time [T]"),
            ["output_interval"] = Number("a row of timeseries.csv (and fields) every this much time [T]; default end / 100"),
            ["dt"] = Number("step: ODE first trial step, PDE upper bound, fixed step of the particle models (muscle particle models: dt or rtol/atol) [T]"),
            ["rtol"] = Number("relative tolerance of the adaptive ODE integrator and of adaptive muscle particle steps (given instead of dt); default 1e-8"),
            ["atol"] = Number("absolute tolerance of the adaptive ODE integrator and of adaptive muscle particle steps (given instead of dt); default 1e-10"),
        },
    };

    private static JsonObject Run(IModelDefinition model) => new()
    {
        ["type"] = "object",
        ["additionalProperties"] = false,
        ["properties"] = new JsonObject
        {
            ["blocks"] = new JsonObject
            {
                ["type"] = "integer", ["minimum"] = 1, ["maximum"] = Math.Min(model.MaxBlocks, 1_000_000), ["default"] = 1,
                ["description"] = "number of blocks (subdomains or particle blocks) the work is split into",
            },
            ["seed"] = new JsonObject { ["type"] = "integer", ["minimum"] = 0, ["default"] = 0, ["description"] = "seed of the random numbers" },
            ["checkpoint"] = new JsonObject
            {
                ["type"] = "object",
                ["additionalProperties"] = false,
                ["description"] = "coordinated checkpoints: every N steps and/or S seconds of wall time, into directory",
                ["properties"] = new JsonObject
                {
                    ["steps"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1 },
                    ["seconds"] = Number("wall-clock seconds between checkpoints"),
                    ["directory"] = new JsonObject { ["type"] = "string", ["minLength"] = 1 },
                },
            },
        },
    };
}
