using ActorSim.Simulation.Scenarios;
using Microsoft.Extensions.Logging;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// Drives runs handed to the cluster (<see cref="DriveRun"/>) in a node's process: each runs <see cref="ClusterRunner"/>
/// exactly as a submitter would (its own cluster member, named <c>drive-&lt;node&gt;-&lt;run id&gt;</c>), with the outputs
/// written on this machine; a run taken over after its driving node was lost continues from its output directory as
/// <c>actorsim resume --cluster</c> does. Only nodes started from cluster settings can drive runs.
/// </summary>
public sealed class RunDriving(ClusterSettings settings, ILoggerFactory? logs)
{
    /// <summary>Starts a new run with run id <paramref name="runId"/>; the task ends with the run (or throws as <see cref="ClusterRunner.RunAsync"/> does).</summary>
    public Task<RunResult> StartAsync(string runId, Scenario scenario, DriveRun drive, Action<RunAccepted> onAccepted, Action<RunProgress> onProgress,
        CancellationToken cancellation)
    {
        var options = ClusterRunOptions.From(settings, drive.OutputDirectory) with
        {
            RunId = runId,
            Force = drive.Force,
            MinWorkers = Math.Max(1, drive.MinWorkers),
            LoggerFactory = logs,
            SubmitterNodeId = $"drive-{settings.NodeName}-{runId}",
            MoveOnJoin = !drive.KeepPlacement,
        };
        if (drive.BalanceThreshold is { } threshold) options = options with { BalanceThreshold = threshold };
        options = options with { Owns = Owner(drive.OutputDirectory, options.SubmitterNodeId!) };
        return Task.Run(() => ClusterRunner.RunAsync(scenario, drive.ScenarioText, options, onProgress, onAccepted, cancellation), CancellationToken.None);
    }

    /// <summary>Whether <paramref name="member"/> still owns the outputs: no other driver has written its name there.</summary>
    private static Func<bool> Owner(string outputDirectory, string member) => () =>
    {
        try
        {
            string path = Path.Combine(outputDirectory, OutputDirectory.DriverFileName);
            return !File.Exists(path) || File.ReadAllText(path).Trim() == member;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true; // cannot tell: keep writing, as without a take-over
        }
    };

    /// <summary>The stopped or interrupted cluster run in <paramref name="outputDirectory"/>, ready to continue (<see cref="TakeOver"/>).</summary>
    /// <exception cref="CheckpointException">The output directory cannot be read here, or holds no resumable cluster run.</exception>
    public ClusterResume Read(string outputDirectory) => ClusterResume.Read(outputDirectory, () => settings, required: true)!;

    /// <summary>
    /// Takes over a run whose driving node was lost or left, or resumes a stopped one (<paramref name="how"/>, for run.json's
    /// <c>resumed_from.how</c>): continues it from its output directory (its run.json and the newest valid checkpoint) in
    /// its next epoch.
    /// </summary>
    public Task<RunResult> TakeOver(ClusterResume resume, string how, Action<RunAccepted> onAccepted, Action<RunProgress> onProgress,
        CancellationToken cancellation)
    {
        string outputDirectory = resume.Options.OutputDirectory;
        string member = $"drive-{settings.NodeName}-{resume.Options.ResumeRunId}-e{resume.Options.ResumeEpoch}";
        // From now on this member owns the outputs: a driver that comes back (a frozen node) writes no run.json over them.
        File.WriteAllText(Path.Combine(outputDirectory, OutputDirectory.DriverFileName), member);
        var options = resume.Options with
        {
            LoggerFactory = logs,
            SubmitterNodeId = member,
            ResumeHow = how,
            Owns = Owner(outputDirectory, member),
        };
        return Task.Run(() => ClusterRunner.RunAsync(resume.Scenario, resume.Text, options, onProgress, onAccepted, cancellation), CancellationToken.None);
    }
}
