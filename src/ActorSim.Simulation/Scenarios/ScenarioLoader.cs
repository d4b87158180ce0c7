using System.Text.Json;
using System.Text.Json.Nodes;
using ActorSim.Simulation.Models;

namespace ActorSim.Simulation.Scenarios;

/// <summary>
/// Reads and validates scenario files. Every problem is collected (file, JSON path, bad value, what is
/// allowed) and reported together in a <see cref="ScenarioException"/> before anything runs.
/// </summary>
public static class ScenarioLoader
{
    private static readonly string[] TopLevelKeys = ["$schema", "model", "description", "parameters", "initial", "time", "run", "sweep"];
    private static readonly string[] TimeKeys = ["end", "output_interval", "dt", "rtol", "atol"];
    private static readonly string[] RunKeys = ["blocks", "seed", "checkpoint"];
    private static readonly string[] CheckpointKeys = ["steps", "seconds", "directory"];

    /// <summary>
    /// Reads and validates the scenario file at <paramref name="path"/>. A file over
    /// <see cref="ScenarioLimits.MaxFileBytes"/> is refused before it is read (default <see cref="ScenarioLimits.Default"/>).
    /// </summary>
    public static Scenario Load(string path, ScenarioLimits? limits = null)
    {
        limits ??= ScenarioLimits.Default;
        return ParseUtf8(ScenarioText.ToUtf8(ScenarioText.ReadFile(path, limits), path), path, null, limits);
    }

    /// <summary>
    /// Validates scenario JSON <paramref name="text"/>; <paramref name="file"/> names it in messages. Models
    /// are looked up in <paramref name="models"/> (default: <see cref="ModelCatalog.All"/>).
    /// </summary>
    public static Scenario Parse(string text, string file, IReadOnlyList<IModelDefinition>? models = null, ScenarioLimits? limits = null)
    {
        limits ??= ScenarioLimits.Default;
        if (text.Length > limits.MaxFileBytes)
            throw new ScenarioException([new ScenarioError(file, "$", $"the scenario is more than {ScenarioLimits.Bytes(limits.MaxFileBytes)}, the limit of scenario files")]);
        return ParseUtf8(ScenarioText.ToUtf8(System.Text.Encoding.UTF8.GetBytes(text), file), file, models, limits);
    }

    /// <summary>
    /// Reads the scenario file at <paramref name="path"/>, applies <paramref name="overrides"/> (<c>--set KEY=VALUE</c>)
    /// and validates the result exactly like a file; errors at an overridden path name the <c>--set</c> that gave the value.
    /// </summary>
    public static Scenario Load(string path, IReadOnlyList<ScenarioOverride> overrides, ScenarioLimits? limits = null)
    {
        limits ??= ScenarioLimits.Default;
        if (overrides.Count == 0) return Load(path, limits);
        return ParseWithOverrides(ScenarioText.ToUtf8(ScenarioText.ReadFile(path, limits), path), path, overrides, null, limits);
    }

    /// <summary>Validates scenario JSON <paramref name="text"/> with <paramref name="overrides"/> applied (see <see cref="Load(string, IReadOnlyList{ScenarioOverride}, ScenarioLimits?)"/>).</summary>
    public static Scenario Parse(string text, string file, IReadOnlyList<ScenarioOverride> overrides, IReadOnlyList<IModelDefinition>? models = null, ScenarioLimits? limits = null)
    {
        limits ??= ScenarioLimits.Default;
        if (overrides.Count == 0) return Parse(text, file, models, limits);
        if (text.Length > limits.MaxFileBytes)
            throw new ScenarioException([new ScenarioError(file, "$", $"the scenario is more than {ScenarioLimits.Bytes(limits.MaxFileBytes)}, the limit of scenario files")]);
        return ParseWithOverrides(ScenarioText.ToUtf8(System.Text.Encoding.UTF8.GetBytes(text), file), file, overrides, models, limits);
    }

    private static Scenario ParseWithOverrides(byte[] utf8, string file, IReadOnlyList<ScenarioOverride> overrides, IReadOnlyList<IModelDefinition>? models, ScenarioLimits limits)
    {
        // The file itself must be readable JSON (its own syntax errors and duplicate keys are its own); then the
        // overrides are applied to its nodes and the result is validated as a whole.
        var errors = ScenarioText.Scan(utf8, file, limits);
        if (errors.Count > 0) throw new ScenarioException(errors);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false, MaxDepth = limits.MaxDepth });
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new ScenarioException([new ScenarioError(file, "$", $"not valid JSON: {FirstSentence(e.Message)}")]);
        }
        if (root is not JsonObject doc) return ParseUtf8(utf8, file, models, limits);   // reports that it is not an object
        var applyErrors = new List<ScenarioError>();
        var changed = ScenarioOverride.Apply(doc, overrides, file, applyErrors);
        try
        {
            var scenario = ParseUtf8(System.Text.Encoding.UTF8.GetBytes(changed.ToJsonString()), file, models, limits);
            if (applyErrors.Count > 0) throw new ScenarioException(applyErrors);
            return scenario;
        }
        catch (ScenarioException e) when (e.Errors != applyErrors)
        {
            throw new ScenarioException([.. applyErrors, .. ScenarioOverride.Annotate(e, overrides).Errors]);
        }
    }

    private static Scenario ParseUtf8(byte[] utf8, string file, IReadOnlyList<IModelDefinition>? models, ScenarioLimits limits)
    {
        models ??= ModelCatalog.All;
        var errors = ScenarioText.Scan(utf8, file, limits);
        if (errors.Count > 0) throw new ScenarioException(errors);
        void Error(string path, string message) => errors.Add(new ScenarioError(file, path, message));

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false, MaxDepth = limits.MaxDepth });
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            // Not expected after the scan above, which finds what JSON nodes refuse; said plainly all the same.
            throw new ScenarioException([new ScenarioError(file, "$", $"not valid JSON: {FirstSentence(e.Message)}")]);
        }
        if (root is not JsonObject doc)
            throw new ScenarioException([new ScenarioError(file, "$", $"the scenario must be a JSON object, got {Describe(root)}")]);

        RejectUnknown(doc, "$", TopLevelKeys, Error);

        // model
        IModelDefinition? model = null;
        string? modelName = RequiredString(doc, "model", "$", Error);
        if (modelName is not null)
        {
            model = models.FirstOrDefault(m => m.Name == modelName);
            if (model is null) Error("$.model", $"unknown model \"{modelName}\"{Spelling.Hint(modelName, models.Select(m => m.Name))}; known models: {string.Join(", ", models.Select(m => m.Name))}");
        }

        string? description = null;
        if (doc.TryGetPropertyValue("description", out var descNode))
        {
            if (descNode is JsonValue dv && dv.TryGetValue(out string? d)) description = d;
            else Error("$.description", $"must be a string, got {Describe(descNode)}");
        }

        // "$schema" names the model's JSON Schema for editors (schemas/MODEL.schema.json); actorsim itself ignores it.
        if (doc.TryGetPropertyValue("$schema", out var schemaNode) && !(schemaNode is JsonValue sv && sv.TryGetValue(out string? _)))
            Error("$.$schema", $"must be a string (the path or URL of the scenario's JSON Schema), got {Describe(schemaNode)}");

        // parameters and initial
        var choices = new Dictionary<string, string>();
        var parameters = ReadValues(doc, "parameters", model?.Parameters, choices, Error);
        var initial = ReadValues(doc, "initial", model?.Initial, choices, Error);

        // time
        TimeSettings? time = null;
        var timeObj = RequiredObject(doc, "time", "$", Error);
        if (timeObj is not null)
        {
            RejectUnknown(timeObj, "$.time", TimeKeys, Error);
            double? end = Number(timeObj, "end", "$.time", required: true, Error);
            if (end is { } e0 && !(e0 > 0)) { Error("$.time.end", $"{Fmt(e0)} is not allowed: the end time must be > 0"); end = null; }
            double? interval = Number(timeObj, "output_interval", "$.time", required: false, Error, present: out bool hasInterval);
            if (interval is { } iv && !(iv > 0)) { Error("$.time.output_interval", $"{Fmt(iv)} is not allowed: must be > 0"); interval = null; hasInterval = true; }
            if (interval is { } iv2 && end is { } e1 && iv2 > e1) { Error("$.time.output_interval", $"{Fmt(iv2)} is not allowed: must be <= time.end ({Fmt(e1)})"); interval = null; }
            if (interval is { } iv3 && end is { } e2 && e2 / iv3 > 10_000_000) { Error("$.time.output_interval", $"{Fmt(iv3)} would write more than 10^7 output rows up to time.end = {Fmt(e2)}"); interval = null; }
            double? dt = Number(timeObj, "dt", "$.time", required: false, Error);
            if (dt is { } h && !(h > 0)) { Error("$.time.dt", $"{Fmt(h)} is not allowed: the step must be > 0"); dt = null; }
            if (dt is { } h2 && end is { } e3 && h2 > e3) { Error("$.time.dt", $"{Fmt(h2)} is not allowed: must be <= time.end ({Fmt(e3)})"); dt = null; }
            double rtol = Number(timeObj, "rtol", "$.time", required: false, Error) ?? TimeSettings.DefaultRelTol;
            if (!(rtol > 0 && rtol < 1)) { Error("$.time.rtol", $"{Fmt(rtol)} is not allowed: the relative tolerance must be > 0 and < 1"); }
            double atol = Number(timeObj, "atol", "$.time", required: false, Error) ?? TimeSettings.DefaultAbsTol;
            if (!(atol > 0)) { Error("$.time.atol", $"{Fmt(atol)} is not allowed: the absolute tolerance must be > 0"); }
            if (end is { } endValue && (interval is not null || !hasInterval))
                time = new TimeSettings(endValue, interval ?? endValue / TimeSettings.DefaultOutputCount, dt, rtol, atol);
        }

        // run
        int blocks = 1;
        ulong seed = 0;
        CheckpointSettings? checkpoint = null;
        if (doc.TryGetPropertyValue("run", out var runNode))
        {
            if (runNode is not JsonObject runObj) Error("$.run", $"must be an object, got {Describe(runNode)}");
            else
            {
                RejectUnknown(runObj, "$.run", RunKeys, Error);
                if (Integer(runObj, "blocks", "$.run", Error, 1, 1_000_000) is { } b)
                {
                    if (model is not null && b > model.MaxBlocks)
                        Error("$.run.blocks", $"{b} is not allowed: model {model.Name} has no microscopic state to split, so blocks must be <= {model.MaxBlocks}");
                    else blocks = (int)b;
                }
                if (Integer(runObj, "seed", "$.run", Error, 0, long.MaxValue) is { } s) seed = (ulong)s;
                if (runObj.TryGetPropertyValue("checkpoint", out var cpNode))
                    checkpoint = ReadCheckpoint(cpNode, Error);
            }
        }

        // sweep (used by actorsim sweep; a plain run ignores it)
        IReadOnlyList<SweepAxis> sweepAxes = [];
        bool sweepZip = false;
        if (doc.TryGetPropertyValue("sweep", out var sweepNode))
            (sweepAxes, sweepZip) = SweepAxis.ReadSection(sweepNode, Error);

        if (errors.Count > 0 || model is null || time is null || parameters is null || initial is null)
        {
            if (errors.Count == 0) Error("$", "the scenario is incomplete"); // unreachable in practice: every null above reports
            throw new ScenarioException(errors);
        }

        var scenario = new Scenario(file, model.Name, description, parameters, initial, time, new RunSettings(blocks, seed, checkpoint), doc) { Choices = choices, SweepAxes = sweepAxes, SweepZip = sweepZip };
        model.CheckConsistency(scenario, Error);
        if (errors.Count > 0) throw new ScenarioException(errors);
        return scenario;
    }

    private static Dictionary<string, double>? ReadValues(JsonObject doc, string key, IReadOnlyList<ValueSpec>? specs, Dictionary<string, string> choices, Action<string, string> error)
    {
        var obj = RequiredObject(doc, key, "$", error);
        if (obj is null || specs is null) return null;
        string path = "$." + key;
        var result = new Dictionary<string, double>();
        bool ok = true;
        foreach (var (name, _) in obj)
        {
            if (specs.All(s => s.Name != name))
            {
                error($"{path}.{name}", $"unknown {(key == "initial" ? "initial value" : "parameter")}{Spelling.Hint(name, specs.Select(s => s.Name))}; allowed: {string.Join(", ", specs.Select(s => s.Name))}");
                ok = false;
            }
        }
        foreach (var spec in specs)
        {
            if (spec.Kind is ValueKind.Choice or ValueKind.Text)
            {
                if (!ReadChoice(obj, spec, path, choices, error)) ok = false;
                continue;
            }
            double? value = Number(obj, spec.Name, path, spec.Required, error);
            if (value is null)
            {
                if (spec.Required || obj.ContainsKey(spec.Name)) { ok = false; continue; }
                value = spec.Default;
            }
            if (spec.Check(value!.Value) is { } why)
            {
                error($"{path}.{spec.Name}", $"{Fmt(value.Value)} is not allowed: {spec.Name} ({spec.Description}, unit {spec.Unit}) {why}");
                ok = false;
                continue;
            }
            result[spec.Name] = value.Value;
        }
        return ok ? result : null;
    }

    private static bool ReadChoice(JsonObject obj, ValueSpec spec, string path, Dictionary<string, string> choices, Action<string, string> error)
    {
        if (!obj.TryGetPropertyValue(spec.Name, out var node))
        {
            if (spec.Required) { error($"{path}.{spec.Name}", $"required key is missing ({spec.Allowed})"); return false; }
            choices[spec.Name] = spec.DefaultChoice!;
            return true;
        }
        if (node is JsonValue v && v.TryGetValue(out string? s))
        {
            if (spec.Choices.Contains(s)) { choices[spec.Name] = s; return true; }
            if (spec.Kind == ValueKind.Text && !string.IsNullOrWhiteSpace(s)) { choices[spec.Name] = s; return true; }
            error($"{path}.{spec.Name}", $"\"{s}\" is not allowed: {spec.Name} ({spec.Description}) must be {spec.Allowed}");
            return false;
        }
        error($"{path}.{spec.Name}", $"must be a string ({spec.Allowed}), got {Describe(node)}");
        return false;
    }

    private static void RejectUnknown(JsonObject obj, string path, string[] allowed, Action<string, string> error)
    {
        foreach (var (name, _) in obj)
            if (!allowed.Contains(name))
                error($"{path}.{name}", $"unknown key{Spelling.Hint(name, allowed)}; allowed here: {string.Join(", ", allowed)}");
    }

    private static string? RequiredString(JsonObject obj, string key, string path, Action<string, string> error)
    {
        if (!obj.TryGetPropertyValue(key, out var node)) { error($"{path}.{key}", "required key is missing (a string)"); return null; }
        if (node is JsonValue v && v.TryGetValue(out string? s)) return s;
        error($"{path}.{key}", $"must be a string, got {Describe(node)}");
        return null;
    }

    private static JsonObject? RequiredObject(JsonObject obj, string key, string path, Action<string, string> error)
    {
        if (!obj.TryGetPropertyValue(key, out var node)) { error($"{path}.{key}", "required key is missing (an object)"); return null; }
        if (node is JsonObject o) return o;
        error($"{path}.{key}", $"must be an object, got {Describe(node)}");
        return null;
    }

    private static double? Number(JsonObject obj, string key, string path, bool required, Action<string, string> error) =>
        Number(obj, key, path, required, error, out _);

    private static double? Number(JsonObject obj, string key, string path, bool required, Action<string, string> error, out bool present)
    {
        present = obj.TryGetPropertyValue(key, out var node);
        if (!present)
        {
            if (required) error($"{path}.{key}", "required key is missing (a number)");
            return null;
        }
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            if (v.TryGetValue(out double d) && double.IsFinite(d)) return d;
            error($"{path}.{key}", $"{v.ToJsonString()} is not a finite number (it overflows a 64-bit float)");
            return null;
        }
        if (node is JsonValue sv && sv.TryGetValue(out string? s) && s is "NaN" or "nan" or "Infinity" or "-Infinity" or "inf" or "-inf")
            error($"{path}.{key}", $"\"{s}\" is not allowed: must be a finite number");
        else
            error($"{path}.{key}", $"must be a number, got {Describe(node)}");
        return null;
    }

    private static CheckpointSettings? ReadCheckpoint(JsonNode? node, Action<string, string> error)
    {
        const string path = "$.run.checkpoint";
        if (node is not JsonObject obj)
        {
            error(path, $"must be an object with \"steps\" and/or \"seconds\" (both optional; neither means every {CheckpointSettings.DefaultSeconds} s) and optionally \"directory\", got {Describe(node)}");
            return null;
        }
        RejectUnknown(obj, path, CheckpointKeys, error);
        bool ok = true;
        long? steps = Integer(obj, "steps", path, error, 1, long.MaxValue, " (checkpoint every that many steps)");
        if (obj.ContainsKey("steps") && steps is null) ok = false;
        double? seconds = Number(obj, "seconds", path, required: false, error);
        if (obj.ContainsKey("seconds") && seconds is null) ok = false;
        if (seconds is { } sec && !(sec > 0)) { error($"{path}.seconds", $"{Fmt(sec)} is not allowed: must be > 0 (checkpoint every that many seconds of wall time)"); ok = false; }
        string? directory = null;
        if (obj.TryGetPropertyValue("directory", out var dirNode))
        {
            if (dirNode is JsonValue dv && dv.TryGetValue(out string? d) && !string.IsNullOrWhiteSpace(d)) directory = d;
            else { error($"{path}.directory", $"must be a non-empty string (a path, relative to the output directory), got {Describe(dirNode)}"); ok = false; }
        }
        // Neither given: the default interval, every CheckpointSettings.DefaultSeconds of wall time.
        if (steps is null && seconds is null) seconds = CheckpointSettings.DefaultSeconds;
        return ok ? new CheckpointSettings(steps, seconds, directory) : null;
    }

    /// <summary>
    /// The whole number at <paramref name="key"/> (null when absent or after an error), from <paramref name="min"/>
    /// to <paramref name="max"/>: anything else is reported with that range (whole numbers written with an
    /// exponent, such as 1e3, count as whole).
    /// </summary>
    private static long? Integer(JsonObject obj, string key, string path, Action<string, string> error, long min, long max, string? meaning = null)
    {
        if (!obj.TryGetPropertyValue(key, out var node)) return null;
        string allowed = $"must be a whole number from {min} to {max}{meaning}";
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            if (v.TryGetValue(out long l) && l >= min && l <= max) return l;
            if (v.TryGetValue(out double d) && d == Math.Floor(d) && d >= min && d <= max && Math.Abs(d) <= 9007199254740992.0) return (long)d;
            error($"{path}.{key}", $"{v.ToJsonString()} is not allowed: {allowed}");
            return null;
        }
        error($"{path}.{key}", $"{allowed}, got {Describe(node)}");
        return null;
    }

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => $"the string {v.ToJsonString()}",
            JsonValueKind.True or JsonValueKind.False => $"the boolean {v.ToJsonString()}",
            JsonValueKind.Number => $"the number {v.ToJsonString()}",
            _ => v.ToJsonString(),
        },
        _ => node.ToJsonString(),
    };

    private static string Fmt(double d) => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static string FirstSentence(string message)
    {
        int i = message.IndexOf(" Path:", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message;
    }
}
