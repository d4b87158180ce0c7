using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorSim.Simulation.Models;

/// <summary>
/// The scenario that <c>actorsim init MODEL</c> prints: every parameter and initial value of the model's
/// definition with its default, or for a required one an example value of the right kind, plus a short time span.
/// The result passes <c>actorsim validate</c> (tested for every model).
/// </summary>
public static class ScenarioTemplate
{
    /// <summary>Examples for required values, by seed symbol: seed 000's May–Nowak rates and a small grid.</summary>
    private static readonly Dictionary<string, double> Examples = new()
    {
        ["d1"] = 0.1, ["d2"] = 0.5, ["d3"] = 5.0, ["beta"] = 0.002, ["k"] = 100.0, ["r"] = 10.0,
        ["Du"] = 0.1, ["Dv"] = 0.1, ["Dw"] = 0.1, ["chi"] = 0.0, ["nx"] = 64, ["Lx"] = 10.0,
        ["eps"] = 0.1, ["c_u"] = 1.0, ["c_v"] = 1.0, ["c_w"] = 1.0, ["sigma_u"] = 1.0, ["sigma_v"] = 1.0, ["sigma_w"] = 1.0,
        ["u"] = 100.0, ["v"] = 0.0, ["w"] = 1.0,
    };

    public static JsonObject Build(IModelDefinition model, string? schema = null)
    {
        var doc = new JsonObject();
        if (schema is not null) doc["$schema"] = schema;
        doc["model"] = model.Name;
        doc["description"] = $"Template for {model.Name}: {model.Summary}. " +
            $"'actorsim describe {model.Name}' explains every value.";
        doc["parameters"] = Values(model.Parameters);
        doc["initial"] = Values(model.Initial);
        doc["time"] = new JsonObject { ["end"] = 1.0, ["output_interval"] = 0.1, ["dt"] = 0.001 };
        doc["run"] = new JsonObject { ["blocks"] = 1, ["seed"] = 0 };
        // Values that only some settings use (a map's extra components, another constraint's keys) are refused as
        // "not used" by the model's consistency check: leave out whatever the defaults make unused.
        for (int round = 0; round < 3; round++)
        {
            try
            {
                Scenarios.ScenarioLoader.Parse(doc.ToJsonString(), "template.json");
                break;
            }
            catch (Scenarios.ScenarioException e)
            {
                var unused = e.Errors.Where(x => x.Message.StartsWith("not used", StringComparison.Ordinal)).ToList();
                if (unused.Count == 0) break;
                foreach (var x in unused)
                    if (x.JsonPath.Split('.') is ["$", string section, string key] && doc[section] is JsonObject o) o.Remove(key);
            }
        }
        return doc;
    }

    /// <summary>
    /// The template as text: indented JSON with a <c>//</c> comment above every parameter and initial value saying what
    /// it is, its unit and what is allowed (scenario files may hold <c>//</c> comments).
    /// </summary>
    public static string Text(IModelDefinition model, string? schema = null)
    {
        var doc = Build(model, schema);
        var sb = new System.Text.StringBuilder("{\n");
        var props = doc.ToList();
        for (int i = 0; i < props.Count; i++)
        {
            var (key, node) = props[i];
            string comma = i < props.Count - 1 ? "," : "";
            var specs = key == "parameters" ? model.Parameters : key == "initial" ? model.Initial : null;
            if (specs is null || node is not JsonObject values)
            {
                sb.Append($"  {Json(key)}: {Json(node)}{comma}\n");
                continue;
            }
            sb.Append($"  {Json(key)}: {{\n");
            var entries = values.ToList();
            for (int j = 0; j < entries.Count; j++)
            {
                var spec = specs.First(s => s.Name == entries[j].Key);
                string unit = spec.Unit.Length > 0 ? $", unit {spec.Unit}" : "";
                string example = spec.Required ? " (required: an example value)" : "";
                sb.Append($"    // {spec.Description}{unit}; {spec.Allowed}{example}\n");
                sb.Append($"    {Json(entries[j].Key)}: {Json(entries[j].Value)}{(j < entries.Count - 1 ? "," : "")}\n");
            }
            sb.Append($"  }}{comma}\n");
        }
        return sb.Append("}\n").ToString();
    }

    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Json(string s) => JsonSerializer.Serialize(s, Compact);

    private static string Json(JsonNode? node) => node is JsonObject o
        ? "{ " + string.Join(", ", o.Select(p => $"{Json(p.Key)}: {Json(p.Value)}")) + " }"
        : node?.ToJsonString(Compact) ?? "null";

    private static JsonObject Values(IReadOnlyList<ValueSpec> specs)
    {
        var obj = new JsonObject();
        foreach (var spec in specs)
        {
            if (spec.Kind == ValueKind.Text) continue; // optional free text: empty when missing
            if (spec.Kind == ValueKind.Choice) { obj[spec.Name] = spec.Choices[0]; continue; }
            double value = spec.Default ?? (Examples.TryGetValue(spec.Name, out double e) ? e : spec.Kind switch
            {
                ValueKind.Rate or ValueKind.NonNegative or ValueKind.Finite => 0.0,
                _ => 1.0,
            });
            obj[spec.Name] = spec.Kind == ValueKind.Count ? JsonValue.Create((long)value) : JsonValue.Create(value);
        }
        return obj;
    }
}
