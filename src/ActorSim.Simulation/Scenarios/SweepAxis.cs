using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ActorSim.Simulation.Scenarios;

/// <summary>
/// One axis of a parameter sweep, <c>--set KEY=VALUES</c>: the scenario value at <see cref="Key"/> takes each of
/// <see cref="Values"/> in turn. VALUES is a list <c>a,b,c</c>, a range <c>start:stop:step</c> (stop included when it
/// is on the grid; values computed as start + k·step and rounded to 12 significant digits, so 0:1:0.1 gives 0.3, not
/// 0.30000000000000004), <c>logspace(a,b,n)</c> (n values from a to b, both included, evenly spaced in log), or one value.
/// </summary>
public sealed partial record SweepAxis(string Key, IReadOnlyList<JsonNode?> Values, string Text)
{
    /// <summary>The most members one axis may have.</summary>
    public const int MaxValues = 100_000;

    /// <summary>The JSON path the axis sets, as errors name it: <c>$.parameters.chi</c>.</summary>
    public string JsonPath => "$." + Key;

    /// <summary>The override of member value <paramref name="i"/>.</summary>
    public ScenarioOverride Override(int i) =>
        new(Key, Values[i]?.DeepClone(), $"{Key}={ScenarioOverride.Display(Values[i])}");

    [GeneratedRegex(@"^logspace\(\s*([^,()]+?)\s*,\s*([^,()]+?)\s*,\s*([^,()]+?)\s*\)$", RegexOptions.IgnoreCase)]
    private static partial Regex LogspacePattern();

    /// <summary>Reads <c>KEY=VALUES</c>; anything malformed or empty throws a <see cref="ScenarioException"/> naming the key and the values.</summary>
    public static SweepAxis Parse(string text)
    {
        int eq = text.IndexOf('=');
        if (eq < 0) throw Bad(text, "is not KEY=VALUES (e.g. --set parameters.chi=1,2,4 or --set run.seed=1:8:1)");
        string key = ScenarioOverride.NormalizeKey(text[..eq].Trim(), text);
        string raw = text[(eq + 1)..].Trim();
        if (raw.Length == 0) throw Bad(text, $"gives no values for {key}");
        return new SweepAxis(key, ParseValues(raw, text), text);
    }

    /// <summary>
    /// The scenario's <c>sweep</c> section: <c>{ "axes": { "parameters.chi": [1, 2, 4], "run.seed": "1:8:1" }, "zip": false }</c>;
    /// an axis is a JSON array of values, or a string as after <c>--set KEY=</c> (a list, a range, logspace). Problems
    /// are reported through <paramref name="error"/> (path, message).
    /// </summary>
    public static (IReadOnlyList<SweepAxis> Axes, bool Zip) ReadSection(JsonNode? node, Action<string, string> error)
    {
        const string path = "$.sweep";
        var axes = new List<SweepAxis>();
        bool zip = false;
        if (node is not JsonObject obj)
        {
            error(path, "must be an object: { \"axes\": { \"parameters.chi\": [1, 2, 4], \"run.seed\": \"1:8:1\" }, \"zip\": false }");
            return (axes, zip);
        }
        foreach (var (name, _) in obj)
            if (name is not ("axes" or "zip")) error($"{path}.{name}", "unknown key; allowed here: axes, zip");
        if (obj.TryGetPropertyValue("zip", out var zipNode))
        {
            if (zipNode is JsonValue zv && zv.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False) zip = zv.GetValue<bool>();
            else error($"{path}.zip", $"must be true or false, got {zipNode?.ToJsonString() ?? "null"}");
        }
        if (!obj.TryGetPropertyValue("axes", out var axesNode)) return (axes, zip);
        if (axesNode is not JsonObject axesObj)
        {
            error($"{path}.axes", $"must be an object of KEY: values (an array, or a string such as \"1:8:1\"), got {axesNode?.ToJsonString() ?? "null"}");
            return (axes, zip);
        }
        foreach (var (key, value) in axesObj)
        {
            string at = $"{path}.axes.{key}";
            try
            {
                string normalized = ScenarioOverride.NormalizeKey(key, key);
                switch (value)
                {
                    case JsonArray { Count: 0 }:
                        error(at, "the list of values is empty; give at least one value");
                        break;
                    case JsonArray array:
                        axes.Add(new SweepAxis(normalized, array.Select(v => v?.DeepClone()).ToList(), $"{normalized}={array.ToJsonString()}"));
                        break;
                    case JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String:
                        axes.Add(Parse($"{normalized}={v.GetValue<string>()}"));
                        break;
                    default:
                        axes.Add(new SweepAxis(normalized, [value?.DeepClone()], $"{normalized}={value?.ToJsonString() ?? "null"}"));
                        break;
                }
            }
            catch (ScenarioException e)
            {
                foreach (var err in e.Errors) error(at, err.Message);
            }
        }
        return (axes, zip);
    }

    private static List<JsonNode?> ParseValues(string raw, string text)
    {
        if (LogspacePattern().Match(raw) is { Success: true } m)
        {
            double a = Number(m.Groups[1].Value, "a", text), b = Number(m.Groups[2].Value, "b", text);
            double nd = Number(m.Groups[3].Value, "n", text);
            if (!(a > 0 && b > 0)) throw Bad(text, $"logspace(a,b,n) needs a > 0 and b > 0, got a = {Fmt(a)}, b = {Fmt(b)}");
            if (nd != Math.Floor(nd) || nd < 1 || nd > MaxValues) throw Bad(text, $"logspace(a,b,n) needs a whole number n from 1 to {MaxValues}, got {Fmt(nd)}");
            int n = (int)nd;
            var values = new List<JsonNode?>(n);
            for (int k = 0; k < n; k++)
            {
                double v = k == 0 ? a : k == n - 1 ? b : Round(a * Math.Pow(b / a, (double)k / (n - 1)));
                values.Add(JsonValue.Create(v));
            }
            return values;
        }
        if (raw[0] is not ('[' or '{' or '"'))
        {
            string[] parts = raw.Split(':');
            if (parts.Length == 3 && parts.All(p => TryNumber(p, out _)))
                return Range(parts, text);
            if (raw.Contains(','))
            {
                string[] items = raw.Split(',', StringSplitOptions.TrimEntries);
                if (items.Any(i => i.Length == 0)) throw Bad(text, "a list of values has an empty item (two commas in a row, or a comma at the end)");
                return items.Select(ScenarioOverride.ParseValue).ToList();
            }
        }
        return [ScenarioOverride.ParseValue(raw)];
    }

    private static List<JsonNode?> Range(string[] parts, string text)
    {
        TryNumber(parts[0], out double start);
        TryNumber(parts[1], out double stop);
        TryNumber(parts[2], out double step);
        if (step == 0) throw Bad(text, "the range start:stop:step has step 0; give a step that is not 0");
        double q = (stop - start) / step;
        if (q < -1e-9) throw Bad(text, $"the range {Fmt(start)}:{Fmt(stop)}:{Fmt(step)} is empty: a step of {Fmt(step)} never goes from {Fmt(start)} to {Fmt(stop)}");
        if (q + 1 > MaxValues) throw Bad(text, $"the range has {Math.Floor(q + 1):0} values; an axis is limited to {MaxValues}");
        long n = (long)Math.Floor(q + 1e-9) + 1;
        bool whole = IsWhole(start) && IsWhole(step);
        var values = new List<JsonNode?>((int)n);
        for (long k = 0; k < n; k++)
        {
            double v = start + k * step;
            values.Add(whole ? JsonValue.Create((long)Math.Round(v)) : JsonValue.Create(Round(v)));
        }
        return values;
    }

    private static bool IsWhole(double d) => d == Math.Floor(d) && Math.Abs(d) < 1e15;

    /// <summary><paramref name="v"/> rounded to 12 significant digits (so that grid values print as written).</summary>
    private static double Round(double v) => double.Parse(v.ToString("G12", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static bool TryNumber(string s, out double d) =>
        double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out d) && double.IsFinite(d);

    private static double Number(string s, string what, string text) =>
        TryNumber(s, out double d) ? d : throw Bad(text, $"{what} = \"{s.Trim()}\" in logspace(a,b,n) is not a finite number");

    private static string Fmt(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    private static ScenarioException Bad(string text, string why) => new([new ScenarioError($"--set {text}", "$", why)]);
}
