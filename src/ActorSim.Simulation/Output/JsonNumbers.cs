using System.Text.Json.Nodes;

namespace ActorSim.Simulation.Output;

/// <summary>
/// JSON has no infinity or NaN. A value that overflowed (R0 with a death rate of 1e-320, an equilibrium at infinity)
/// is written as null, so that run.json stays valid JSON and the rest of the record is kept.
/// </summary>
public static class JsonNumbers
{
    /// <summary>Replaces every non-finite number in <paramref name="node"/> (in place) with null; returns how many.</summary>
    public static int ReplaceNonFinite(JsonNode? node)
    {
        int replaced = 0;
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToArray())
                {
                    if (IsNonFinite(o[key])) { o[key] = null; replaced++; }
                    else replaced += ReplaceNonFinite(o[key]);
                }
                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++)
                {
                    if (IsNonFinite(a[i])) { a[i] = null; replaced++; }
                    else replaced += ReplaceNonFinite(a[i]);
                }
                break;
        }
        return replaced;
    }

    private static bool IsNonFinite(JsonNode? node) =>
        node is JsonValue v && ((v.TryGetValue(out double d) && !double.IsFinite(d)) || (v.TryGetValue(out float f) && !float.IsFinite(f)));
}
