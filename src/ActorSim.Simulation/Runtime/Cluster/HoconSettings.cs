using System.Text.Json.Nodes;
using ActorSim.Actors.Remote;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// Reads the <c>actorsim { … }</c> block of a HOCON cluster config (the format of <c>cluster-config/*.conf</c>) into the same
/// key/value form as a JSON config: keys may be written with dashes or underscores (<c>seed-nodes</c> = <c>seed_nodes</c>),
/// values are strings, numbers or lists of strings. HOCON's own features work: comments, includes of other files,
/// <c>${?ENV_VAR}</c> substitutions.
/// </summary>
public static class HoconSettings
{
    /// <exception cref="ClusterConfigurationException">Not valid HOCON, no <c>actorsim</c> block, or a value of another shape.</exception>
    public static JsonObject Read(string text, string file)
    {
        Config config;
        try
        {
            config = ConfigurationFactory.ParseString(text);
        }
        catch (Exception e) when (e is ConfigurationException or FormatException or InvalidOperationException or ArgumentException)
        {
            throw new ClusterConfigurationException($"{file}: not valid HOCON: {e.Message}", e);
        }
        if (!config.HasPath("actorsim"))
            throw new ClusterConfigurationException($"{file}: no actorsim {{ … }} block (the settings live in it, e.g. actorsim {{ cluster = \"local-3\" }})");
        var result = new JsonObject();
        foreach (var (key, value) in config.GetConfig("actorsim").Root.GetObject().Items)
        {
            string name = key.Replace('-', '_');
            if (value.IsEmpty) continue; // e.g. ${?VAR} of an unset variable: as if the key were absent
            if (value.IsArray())
                result[name] = new JsonArray(value.GetArray().Select(v => (JsonNode?)JsonValue.Create(v.GetString())).ToArray());
            else if (value.IsString())
                result[name] = JsonValue.Create(value.GetString());
            else
                throw new ClusterConfigurationException($"{file}: actorsim.{key}: expected a value or a list, got an object");
        }
        return result;
    }
}
