using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorSim.Simulation.Scenarios;

/// <summary>
/// One <c>--set KEY=VALUE</c> of the command line: the scenario value at JSON path <see cref="Key"/>
/// (<c>parameters.chi</c>, <c>run.seed</c>, <c>time.end</c>; a leading <c>$.</c> is allowed) replaced by
/// <see cref="Value"/> before the scenario is validated, so an overridden value passes exactly the checks a
/// value in the file passes. VALUE is read as JSON when it is JSON (<c>5.5</c>, <c>true</c>, <c>"text"</c>,
/// <c>{...}</c>), otherwise as a string (<c>upwind</c>).
/// </summary>
public sealed record ScenarioOverride(string Key, JsonNode? Value, string Text)
{
    /// <summary>The JSON path the override sets, as errors name it: <c>$.parameters.chi</c>.</summary>
    public string JsonPath => "$." + Key;

    /// <summary>The key's segments: <c>["parameters", "chi"]</c>.</summary>
    public string[] Segments => Key.Split('.');

    /// <summary>Reads <c>KEY=VALUE</c>; a malformed one throws a <see cref="ScenarioException"/> naming it.</summary>
    public static ScenarioOverride Parse(string text)
    {
        int eq = text.IndexOf('=');
        if (eq < 0) throw Bad(text, "is not KEY=VALUE (e.g. --set parameters.chi=5.5)");
        string key = NormalizeKey(text[..eq].Trim(), text);
        string raw = text[(eq + 1)..].Trim();
        if (raw.Length == 0) throw Bad(text, $"gives no value for {key}");
        return new ScenarioOverride(key, ParseValue(raw), text);
    }

    /// <summary>A key without its <c>$.</c>, checked to be dot-separated non-empty names.</summary>
    public static string NormalizeKey(string key, string text)
    {
        if (key.StartsWith("$.", StringComparison.Ordinal)) key = key[2..];
        if (key.Length == 0) throw Bad(text, "names no key (e.g. --set parameters.chi=5.5)");
        foreach (string s in key.Split('.'))
            if (s.Length == 0 || s.Any(c => char.IsWhiteSpace(c) || c is '[' or ']' or '='))
                throw Bad(text, $"\"{key}\" is not a key path: give dot-separated names, e.g. parameters.chi, run.seed, time.end");
        return key;
    }

    /// <summary>VALUE as JSON when it is a JSON value, else as a JSON string.</summary>
    public static JsonNode? ParseValue(string raw)
    {
        try
        {
            return JsonNode.Parse(raw);
        }
        catch (JsonException)
        {
            return JsonValue.Create(raw);
        }
    }

    /// <summary>
    /// <paramref name="document"/> with <paramref name="overrides"/> applied in order (missing objects on the way are
    /// created); a key that passes through a value that is not an object is skipped and reported in <paramref name="errors"/>.
    /// </summary>
    public static JsonObject Apply(JsonObject document, IReadOnlyList<ScenarioOverride> overrides, string file, List<ScenarioError> errors)
    {
        var doc = (JsonObject)document.DeepClone();
        foreach (var o in overrides)
        {
            var segments = o.Segments;
            JsonObject parent = doc;
            string path = "$";
            bool ok = true;
            for (int i = 0; i < segments.Length - 1; i++)
            {
                path += "." + segments[i];
                if (!parent.TryGetPropertyValue(segments[i], out var next) || next is null)
                {
                    next = new JsonObject();
                    parent[segments[i]] = next;
                }
                if (next is not JsonObject obj)
                {
                    errors.Add(new ScenarioError(file, path, $"--set {o.Text}: {path} is {next.ToJsonString()}, not an object, so it has no key \"{segments[i + 1]}\""));
                    ok = false;
                    break;
                }
                parent = obj;
            }
            if (ok) parent[segments[^1]] = o.Value?.DeepClone();
        }
        return doc;
    }

    /// <summary>
    /// The errors of a scenario with <paramref name="overrides"/>: an error at (or under) an overridden path says which
    /// <c>--set</c> gave the value; an unknown key set by an override suggests the nearest allowed key.
    /// </summary>
    public static ScenarioException Annotate(ScenarioException e, IReadOnlyList<ScenarioOverride> overrides)
    {
        if (overrides.Count == 0) return e;
        var errors = e.Errors.Select(err =>
        {
            // The override that set this value (the path itself or a value under it), or, for an unknown key, the
            // override whose key passes through it (--set tme.end=3 makes an unknown $.tme).
            bool unknown = err.Message.StartsWith("unknown", StringComparison.Ordinal);
            var o = overrides.LastOrDefault(o => err.JsonPath == o.JsonPath || err.JsonPath.StartsWith(o.JsonPath + ".", StringComparison.Ordinal) || err.JsonPath.StartsWith(o.JsonPath + "[", StringComparison.Ordinal))
                ?? (unknown ? overrides.LastOrDefault(o => o.JsonPath.StartsWith(err.JsonPath + ".", StringComparison.Ordinal)) : null);
            if (o is null) return err;
            string message = err.Message;
            string[] at = err.JsonPath.Split('.')[1..];
            if (unknown && at.Length > 0 && Suggest(at[^1], message) is { } near)
                message += $"; did you mean {string.Join('.', at[..^1].Append(near))}?";
            return err with { Message = $"{message} (from --set {o.Text})" };
        }).ToList();
        return new ScenarioException(errors);
    }

    /// <summary>The allowed name (listed after "allowed: " or "allowed here: " in <paramref name="message"/>) nearest to <paramref name="name"/>, if near.</summary>
    private static string? Suggest(string name, string message)
    {
        int at = message.IndexOf("allowed", StringComparison.Ordinal);
        if (at < 0) return null;
        int colon = message.IndexOf(':', at);
        if (colon < 0) return null;
        var allowed = message[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string a in allowed)
        {
            int d = Distance(name.ToLowerInvariant(), a.ToLowerInvariant());
            if (d < bestDistance) { best = a; bestDistance = d; }
        }
        return best is not null && bestDistance <= Math.Max(1, Math.Min(3, name.Length / 3)) ? best : null;
    }

    /// <summary>Levenshtein distance.</summary>
    private static int Distance(string a, string b)
    {
        var row = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) row[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int up = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = up;
            }
        }
        return row[b.Length];
    }

    /// <summary>The value as written in a CSV cell or a member name: numbers in round-trip form, strings bare.</summary>
    public static string Display(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => value.ToJsonString(),
    };

    private static ScenarioException Bad(string text, string why) => new([new ScenarioError($"--set {text}", "$", why)]);
}
