using System.Text.Json.Nodes;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>What continuing a cluster run from its output directory needs: the recorded scenario, its JSON and the options.</summary>
public sealed record ClusterResume(Scenario Scenario, string Text, ClusterRunOptions Options)
{
    /// <summary>
    /// For a run.json written by a cluster run: its run id, next epoch, checkpoint directory and scenario, with options
    /// from <paramref name="settings"/> (loaded only for a cluster run; <c>actorsim resume --cluster</c>, or a node taking over a detached run whose driving
    /// node was lost); null for an in-process run when <paramref name="required"/> is false. Mixing them up is refused.
    /// </summary>
    /// <exception cref="CheckpointException">run.json is missing, damaged, of an in-process run, or of a completed run.</exception>
    /// <exception cref="ScenarioException">The recorded scenario is not valid.</exception>
    public static ClusterResume? Read(string dir, Func<ClusterSettings>? settings, bool required)
    {
        string path = Path.Combine(dir, "run.json");
        if (!File.Exists(path)) return required ? throw new CheckpointException($"{path} is missing: {dir} is not a run directory") : null;
        JsonObject doc;
        try
        {
            doc = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            string why = e is System.Text.Json.JsonException j && j.LineNumber is { } line
                ? $"line {line + 1}, byte {j.BytePositionInLine + 1}" : "not a JSON object";
            throw new CheckpointException($"{path} is not valid JSON ({why}): the run record is damaged; run the scenario again");
        }
        bool isCluster = (string?)doc["runtime"] == "cluster";
        if (!isCluster)
            return !required ? null : throw new CheckpointException($"{path}: this run ran in process; resume it without --cluster");
        if (settings is null)
            throw new CheckpointException($"{path}: this run ran on cluster '{(string?)doc["cluster"]?["id"]}'; resume it there with --cluster <config>");
        if ((string?)doc["status"] == "completed") throw new CheckpointException($"{path}: the run already completed");
        string runId = (string?)doc["cluster"]?["run_id"] ?? throw new CheckpointException($"{path}: cluster.run_id is missing");
        int epoch = (int?)doc["cluster"]?["epoch"] ?? 0;
        string file = (string?)doc["scenario_file"] ?? path;
        string text = doc["scenario"]!.ToJsonString();
        var scenario = ScenarioLoader.Parse(text, file);
        var options = ClusterRunOptions.From(settings(), dir) with
        {
            ResumeRunId = runId,
            ResumeEpoch = epoch + 1,
            ResumeCheckpointDirectory = (string?)doc["cluster"]?["checkpoint_directory"],
        };
        return new ClusterResume(scenario, text, options);
    }
}
