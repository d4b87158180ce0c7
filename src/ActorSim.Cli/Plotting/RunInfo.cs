using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorSim.Cli.Plotting;

/// <summary>What the plots need from a run's <c>run.json</c>: the model, the scenario description and the status.</summary>
public sealed record RunInfo(string Model, string? Description, string? Status)
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
        return new RunInfo(model, description, Str(obj, "status", path));
    }

    private static string? Str(JsonObject o, string key, string path) => o[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        var other => throw new PlotInputException($"{path}: \"{key}\" must be a string, found {other.GetValueKind().ToString().ToLowerInvariant()}"),
    };

    /// <summary>
    /// The plot title: the model, the first sentence of the scenario description (shortened to about
    /// <paramref name="maxChars"/> characters at a word), and the status when the run did not complete.
    /// </summary>
    public string Title(int maxChars = 80)
    {
        string title = Model;
        if (!string.IsNullOrWhiteSpace(Description)) title += " — " + Shorten(FirstSentence(Description), maxChars);
        if (Status is not null && Status != "completed") title += $" [{Status}: partial output]";
        return title;
    }

    /// <summary>Up to the first ". " (the period dropped), or the whole text.</summary>
    public static string FirstSentence(string text)
    {
        text = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        int end = text.IndexOf(". ", StringComparison.Ordinal);
        return (end > 0 ? text[..end] : text).TrimEnd('.');
    }

    public static string Shorten(string text, int maxChars)
    {
        if (text.Length <= maxChars) return text;
        int cut = text.LastIndexOf(' ', maxChars - 1);
        if (cut < maxChars / 2) cut = maxChars - 1;
        return text[..cut].TrimEnd(',', ';', ':', ' ') + "…";
    }
}
