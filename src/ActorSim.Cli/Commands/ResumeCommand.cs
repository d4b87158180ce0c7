using System.CommandLine;
using System.Text.Json.Nodes;
using ActorSim.Actors.Remote;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Runtime.Cluster;
using ActorSim.Simulation.Scenarios;
using Microsoft.Extensions.Logging;

namespace ActorSim.Cli.Commands;

/// <summary>
/// <c>actorsim resume &lt;run-dir&gt;</c>: continues a stopped (Ctrl-C) or crashed in-process run from its newest
/// valid checkpoint (a corrupted or truncated one is reported, naming the file, and the previous one used),
/// to the same result as an uninterrupted run (same <c>results_sha256</c>). A cluster run whose submitter was stopped or
/// died is continued on the cluster with <c>--cluster &lt;config&gt;</c>: the same run id in its next epoch, from the newest
/// valid checkpoint in the run's checkpoint directory.
/// </summary>
public static class ResumeCommand
{
    public static Command Build()
    {
        var dirArg = new Argument<string>("run-dir") { Description = "Output directory of the stopped run (holds run.json and checkpoints/), or a sweep directory (holds sweep.json)." };
        var quietOption = new Option<bool>("--quiet", "-q") { Description = "No progress bar and no summary; errors only." };
        var noPlotsOption = new Option<bool>("--no-plots") { Description = "Do not draw plots/ after the run." };
        var clusterOption = new Option<string?>("--cluster") { Description = "For a run submitted with run --cluster: the cluster config; the run continues there (same run id, next epoch). For a sweep directory: its remaining members run on this cluster." };
        var detachOption = new Option<bool>("--detach") { Description = "With --cluster, for a run handed to the cluster with run --detach (or any cluster run whose directory the nodes reach): the leader resumes and drives it; returns once its blocks are placed (follow it with 'actorsim attach')." };
        var command = new Command("resume", "Continue a stopped or crashed run (written with run.checkpoint in its scenario) from its newest valid checkpoint.")
        {
            dirArg, quietOption, noPlotsOption, clusterOption, detachOption,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            string dir = parse.GetRequiredValue(dirArg);
            bool quiet = parse.GetValue(quietOption);
            if (File.Exists(Path.Combine(dir, SweepCommand.PlanFileName)) && !File.Exists(Path.Combine(dir, "run.json")))
            {
                // A sweep directory: its completed members are kept and the rest run (in process, or on --cluster).
                var sweepCluster = SweepCommand.ClusterTarget.Load(parse.GetValue(clusterOption), minWorkers: 1);
                if (sweepCluster is { Settings: null }) return ExitCodes.BadInput;
                var plan = SweepCommand.Recorded(dir);
                return plan is null ? ExitCodes.BadInput : await SweepCommand.RunAsync(plan, dir, null, false, quiet, cancellation, sweepCluster);
            }
            using var logs = StderrLoggerProvider.CreateFactory();
            if (parse.GetValue(detachOption))
                return await AttachCommand.ResumeDetachedAsync(dir, parse.GetValue(clusterOption), quiet, logs, cancellation);
            // In process, the actor system starts on another thread while the checkpoint is read and checked (start-up, issue 14).
            await using var prestart = parse.GetValue(clusterOption) is null ? new ActorSystemPrestart(logs) : null;
            try
            {
                string? clusterConfig = parse.GetValue(clusterOption);
                var cluster = ClusterResumeOf(dir, clusterConfig, logs);
                RunResult result = await ProgressDisplay.RunWithProgressAsync(quiet, RecordedEnd(dir),
                    progress => cluster is { } c
                        ? ClusterRunner.RunAsync(c.Scenario, c.Text, c.Options, progress, null, cancellation)
                        : LocalRunner.ResumeAsync(dir, new RunOptions(dir, false, logs) { Prestart = prestart }, progress, cancellation,
                            w => Console.Error.WriteLine($"warning: {w}")));
                if (!quiet) RunCommand.PrintSummary(result);
                if (!parse.GetValue(noPlotsOption) && Directory.Exists(Path.Combine(dir, "fields")))
                    Plotting.RunPlotter.Write(dir, Path.Combine(dir, "plots"), new Plotting.PlotOptions(Plotting.PlotFormat.Svg, Plotting.TimeseriesLayout.Auto, false));
                return result.Status == RunStatus.Cancelled ? ExitCodes.Cancelled : ExitCodes.Ok;
            }
            catch (CheckpointException e)
            {
                Console.Error.WriteLine($"{dir}: cannot resume: {e.Message}");
                return ExitCodes.BadInput;
            }
            catch (ClusterConfigurationException e)
            {
                Console.Error.WriteLine(CliErrors.Prefixed(parse.GetValue(clusterOption), e.Message));
                return ExitCodes.BadInput;
            }
            catch (ScenarioException e)
            {
                Console.Error.WriteLine($"{dir}/run.json: the recorded scenario is not valid: {e.Message}");
                return ExitCodes.BadInput;
            }
            catch (RunFailedException e)
            {
                Console.Error.WriteLine($"{dir}: {e.Message}");
                return ExitCodes.RunFailed;
            }
        });
        return command;
    }

    /// <summary>For a run.json written by a cluster run: what continuing it on the cluster needs, or null for an in-process run.</summary>
    private static ClusterResume? ClusterResumeOf(string dir, string? clusterConfig, ILoggerFactory logs) =>
        Simulation.Runtime.Cluster.ClusterResume.Read(dir, clusterConfig is null ? null : () => ClusterSettingsLoader.Load(clusterConfig), required: clusterConfig is not null) is { } r
            ? r with { Options = r.Options with { LoggerFactory = logs } }
            : null;

    /// <summary>The recorded scenario's end time (for the progress bar), or 1 when it cannot be read (ResumeAsync then reports why).</summary>
    private static double RecordedEnd(string dir)
    {
        try
        {
            return (double?)System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "run.json")))?["scenario"]?["time"]?["end"] ?? 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return 1;
        }
    }
}
