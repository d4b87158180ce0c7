using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorSim.Cli.Plotting;

/// <summary>
/// What the plots need from a run's <c>run.json</c>: the model, the scenario description, the status and the
/// scenario's parameters (for the grid of the fields).
/// </summary>
public sealed record RunInfo(string Model, string? Description, string? Status, JsonObject? Parameters = null)
{
    public static RunInfo Read(string path)
    {
        if (!File.Exists(path))
            throw new PlotInputException($"{path}: file not found (a run directory written by 'actorsim run' has run.json and timeseries.csv)");
        JsonNode? doc;
        try
        {
            doc = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new PlotInputException($"{path}: not valid JSON ({e.Message})", e);
        }
        if (doc is not JsonObject obj) throw new PlotInputException($"{path}: expected a JSON object at the top level");
        string? model = Str(obj, "model", path) ?? (obj["scenario"] is JsonObject sc ? Str(sc, "model", path) : null);
        if (string.IsNullOrWhiteSpace(model)) throw new PlotInputException($"{path}: has no \"model\" (the model name)");
        string? description = obj["scenario"] is JsonObject s ? Str(s, "description", path) : null;
        var parameters = obj["scenario"] is JsonObject sp ? sp["parameters"] as JsonObject : null;
        return new RunInfo(model, description, Str(obj, "status", path), parameters);
    }

    private static string? Str(JsonObject o, string key, string path) => o[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        var other => throw new PlotInputException($"{path}: \"{key}\" must be a string, found {other.GetValueKind().ToString().ToLowerInvariant()}"),
    };

    /// <summary>
    /// A number of the scenario's <c>parameters</c>, or the model's default for it; null when neither is there.
    /// </summary>
    public double? Parameter(string name)
    {
        if (Parameters?[name] is JsonValue v && v.TryGetValue(out double d)) return d;
        return ActorSim.Simulation.Models.ModelCatalog.Find(Model)?.Parameters.FirstOrDefault(s => s.Name == name)?.Default;
    }

    /// <summary>A string of the scenario's <c>parameters</c>, or the model's default choice for it.</summary>
    public string? Choice(string name)
    {
        if (Parameters?[name] is JsonValue v && v.TryGetValue(out string? s)) return s;
        return ActorSim.Simulation.Models.ModelCatalog.Find(Model)?.Parameters.FirstOrDefault(p => p.Name == name)?.DefaultChoice;
    }

    /// <summary>The plot title: the model, and the status when the run did not complete.</summary>
    public string Title() => Status is not null && Status != "completed" ? $"{Model} [{Status}: partial output]" : Model;

    /// <summary>The line under the title: the first sentence of the scenario description (null without one).</summary>
    public string? Subtitle() => string.IsNullOrWhiteSpace(Description) ? null : FirstSentence(Description);

    /// <summary>Up to the first ". " (the period dropped), or the whole text.</summary>
    public static string FirstSentence(string text)
    {
        text = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        int end = text.IndexOf(". ", StringComparison.Ordinal);
        return (end > 0 ? text[..end] : text).TrimEnd('.');
    }
}
