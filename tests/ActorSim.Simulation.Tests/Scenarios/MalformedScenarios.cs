using System.Text;
using System.Text.Json.Nodes;

namespace ActorSim.Simulation.Tests.Scenarios;

/// <summary>
/// A deterministic generator of malformed scenario files: mutations of a shipped scenario's JSON (types, ranges,
/// missing and extra keys, nesting, sizes) and of its bytes (encodings, truncation, syntax). The same seed gives
/// the same cases, so a failure names a case that can be replayed.
/// </summary>
public static class MalformedScenarios
{
    public sealed record Case(string Name, byte[] Bytes)
    {
        public override string ToString() => Name;
    }

    private static readonly Func<Random, JsonNode?>[] Replacements =
    [
        _ => JsonValue.Create("many"),
        _ => JsonValue.Create(true),
        _ => null,
        _ => new JsonArray(1, 2),
        _ => new JsonObject { ["x"] = 1 },
        _ => JsonValue.Create(0),
        _ => JsonValue.Create(-1),
        _ => JsonValue.Create(0.5),
        _ => JsonValue.Create(1e12),
        _ => JsonValue.Create(2147483653L),
        _ => JsonValue.Create(1e30),
        _ => JsonValue.Create(-1e308),
        _ => JsonValue.Create(1e-320),
        _ => JsonValue.Create(long.MaxValue),
        r => JsonValue.Create(new string('x', r.Next(1, 3) == 1 ? 70_000 : 10)),
        _ => JsonValue.Create(""),
        _ => JsonValue.Create("NaN"),
    ];

    /// <summary><paramref name="perScenario"/> cases for each file in <paramref name="scenarioFiles"/>, from <paramref name="seed"/>.</summary>
    public static IEnumerable<Case> Generate(IEnumerable<string> scenarioFiles, int perScenario, int seed = 16)
    {
        foreach (string file in scenarioFiles.OrderBy(f => f, StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(file);
            string text = File.ReadAllText(file);
            var rng = new Random(HashCode.Combine(seed, StableHash(name)));
            for (int i = 0; i < perScenario; i++)
            {
                var (what, bytes) = Mutate(text, rng);
                yield return new Case($"{name}#{i}: {what}", bytes);
            }
        }
    }

    private static int StableHash(string s)
    {
        int h = 17;
        foreach (char c in s) h = h * 31 + c;
        return h;
    }

    private static (string What, byte[] Bytes) Mutate(string text, Random rng)
    {
        var root = JsonNode.Parse(text)!.AsObject();
        var leaves = Paths(root).ToList();
        byte[] Utf8(JsonNode n) => Encoding.UTF8.GetBytes(n.ToJsonString());
        switch (rng.Next(14))
        {
            case 0 or 1 or 2:
            {
                var (parent, key, path) = leaves[rng.Next(leaves.Count)];
                var replacement = Replacements[rng.Next(Replacements.Length)](rng);
                Set(parent, key, replacement);
                return ($"{path} = {Short(replacement)}", Utf8(root));
            }
            case 3:
            {
                var (parent, key, path) = leaves[rng.Next(leaves.Count)];
                if (parent is JsonObject o) o.Remove((string)key);
                else ((JsonArray)parent).RemoveAt((int)key);
                return ($"{path} removed", Utf8(root));
            }
            case 4:
            {
                var objects = Objects(root, "$").ToList();
                var (obj, path) = objects[rng.Next(objects.Count)];
                obj["unexpected_" + rng.Next(100)] = 1;
                return ($"{path} gets an unknown key", Utf8(root));
            }
            case 5:
            {
                var (parent, key, path) = leaves[rng.Next(leaves.Count)];
                JsonNode deep = JsonValue.Create(1);
                int depth = rng.Next(2) == 0 ? 3 : 100;
                for (int d = 0; d < depth; d++) deep = new JsonArray(deep);
                Set(parent, key, deep);
                return ($"{path} nested {depth} deep", Utf8(root));
            }
            case 6:
            {
                var many = new JsonObject();
                for (int k = 0; k < 2_000; k++) many["k" + k] = k;
                root["parameters"] = many;
                return ("$.parameters with 2000 keys", Utf8(root));
            }
            case 7:
            {
                var (_, _, path) = leaves[rng.Next(leaves.Count)];
                string key = path[(path.LastIndexOf('.') + 1)..];
                string s = root.ToJsonString();
                int at = s.IndexOf($"\"{key}\":", StringComparison.Ordinal);
                if (at < 0) goto default;
                return ($"duplicate key {key}", Encoding.UTF8.GetBytes(s.Insert(at, $"\"{key}\": 1, ")));
            }
            case 8:
            {
                byte[] b = Encoding.UTF8.GetBytes(text);
                int cut = rng.Next(b.Length);
                return ($"truncated at byte {cut}", b[..cut]);
            }
            case 9:
            {
                var enc = rng.Next(3) switch { 0 => new UnicodeEncoding(false, true), 1 => new UnicodeEncoding(false, false), _ => (Encoding)new UTF32Encoding(true, true) };
                byte[] pre = enc.GetPreamble();
                return ($"encoded as {enc.WebName}{(pre.Length > 0 ? " with BOM" : "")}", [.. pre, .. enc.GetBytes(text)]);
            }
            case 10:
            {
                byte[] b = Encoding.UTF8.GetBytes(text);
                int at = rng.Next(b.Length);
                b[at] = (byte)(rng.Next(2) == 0 ? 0xFF : 0x00);
                return ($"byte {at} set to 0x{b[at]:X2}", b);
            }
            case 11:
            {
                string s = text;
                int close = s.LastIndexOf('}');
                int inner = s.LastIndexOf('}', close - 1);
                if (inner < 0) goto default;
                return ("trailing comma", Encoding.UTF8.GetBytes(s.Insert(inner, ",")));
            }
            case 12:
            {
                var numbers = leaves.Where(l => l.Path.Length > 0 && Get(l.Parent, l.Key) is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number).ToList();
                if (numbers.Count == 0) goto default;
                var (parent, key, path) = numbers[rng.Next(numbers.Count)];
                string literal = new[] { "NaN", "Infinity", "-Infinity", "1e999", "0x10", "01", "+1", ".5" }[rng.Next(8)];
                Set(parent, key, JsonValue.Create("@@"));
                return ($"{path} = {literal}", Encoding.UTF8.GetBytes(root.ToJsonString().Replace("\"@@\"", literal)));
            }
            default:
                return ("empty file", rng.Next(2) == 0 ? [] : Encoding.UTF8.GetBytes("  \n"));
        }
    }

    private static string Short(JsonNode? n)
    {
        string s = n?.ToJsonString() ?? "null";
        return s.Length > 40 ? s[..40] + "…" : s;
    }

    private static JsonNode? Get(JsonNode parent, object key) => parent is JsonObject o ? o[(string)key] : ((JsonArray)parent)[(int)key];

    private static void Set(JsonNode parent, object key, JsonNode? value)
    {
        if (parent is JsonObject o) o[(string)key] = value;
        else ((JsonArray)parent)[(int)key] = value;
    }

    /// <summary>Every value below the root: its parent, its key (name or index) and its JSON path.</summary>
    private static IEnumerable<(JsonNode Parent, object Key, string Path)> Paths(JsonNode node, string path = "$")
    {
        if (node is JsonObject o)
            foreach (var (k, v) in o.ToList())
            {
                yield return (o, k, $"{path}.{k}");
                if (v is not null) foreach (var p in Paths(v, $"{path}.{k}")) yield return p;
            }
        else if (node is JsonArray a)
            for (int i = 0; i < a.Count; i++)
            {
                yield return (a, i, $"{path}[{i}]");
                if (a[i] is { } v) foreach (var p in Paths(v, $"{path}[{i}]")) yield return p;
            }
    }

    private static IEnumerable<(JsonObject Obj, string Path)> Objects(JsonNode node, string path)
    {
        if (node is JsonObject o)
        {
            yield return (o, path);
            foreach (var (k, v) in o.ToList())
                if (v is not null) foreach (var x in Objects(v, $"{path}.{k}")) yield return x;
        }
    }
}
