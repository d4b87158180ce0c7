using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using ActorSim.Actors.Remote;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Runtime.Cluster;
using ActorSim.Simulation.Scenarios;
using Microsoft.Extensions.Logging;

namespace ActorSim.Cli.Commands;

/// <summary>
/// Runs handed to the cluster: <c>actorsim run &lt;scenario&gt; --cluster &lt;config&gt; --out &lt;dir&gt; --detach</c> gives the run to
/// the cluster's leader, which drives it in its own process and writes the outputs to &lt;dir&gt; on its machine (the run
/// goes on whatever happens to the submitting process, and another node takes it over if the driving node is lost);
/// <c>actorsim attach &lt;run-id&gt; --cluster &lt;config&gt;</c> follows such a run to its end (or stops it with <c>--stop</c>).
/// </summary>
public static class AttachCommand
{
    public static Command Build()
    {
        var runArg = new Argument<string>("run-id") { Description = "The run id printed by run --detach." };
        var clusterOption = new Option<string>("--cluster") { Description = "The cluster config file (see cluster-config/README.md).", Required = true };
        var stopOption = new Option<bool>("--stop") { Description = "Stop the run at its next step (with a checkpoint when it writes them; 'actorsim resume <dir> --cluster <config>' continues it), then wait for it to end." };
        var quietOption = new Option<bool>("--quiet", "-q") { Description = "No progress bar and no summary; errors only." };
        var outOption = new Option<string?>("--out", "-o") { Description = "When the run has ended, copy its outputs (timeseries.csv, run.json, monitor.jsonl, fields/, …; not the checkpoints) from the machine they were written on into this directory." };
        var forceOption = new Option<bool>("--force") { Description = "With --out: reuse a non-empty directory, replacing an earlier run's outputs." };
        var command = new Command("attach", "Follow a run handed to the cluster with run --detach until it ends (Ctrl-C stops following, not the run); prints its summary.")
        {
            runArg, clusterOption, stopOption, quietOption, outOption, forceOption,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            string runId = parse.GetRequiredValue(runArg);
            string config = parse.GetRequiredValue(clusterOption);
            bool quiet = parse.GetValue(quietOption);
            using var logs = StderrLoggerProvider.CreateFactory();
            if (Options(config, ".", logs) is not { } options) return ExitCodes.BadInput;
            string? copyTo = parse.GetValue(outOption) is { } o ? Path.GetFullPath(o) : null;
            try
            {
                if (copyTo is not null) OutputDirectory.Prepare(copyTo, parse.GetValue(forceOption));
            }
            catch (OutputDirectoryException e)
            {
                Console.Error.WriteLine(e.Message);
                return ExitCodes.BadInput;
            }
            try
            {
                await using var client = await ClusterMonitorClient.ConnectAsync(options, TimeSpan.FromSeconds(10), cancellation);
                var first = await client.QueryDriveAsync(runId, parse.GetValue(stopOption), cancellation);
                if (first.State == DrivenRunStatus.Unknown)
                {
                    Console.Error.WriteLine($"no node of cluster '{options.ClusterId}' knows run {runId}: attach follows runs handed over with " +
                                            "'run --detach' (a run without it is driven by its submitter; its outputs are in its --out)");
                    return ExitCodes.BadInput;
                }
                if (!quiet)
                {
                    Console.Out.WriteLine($"Run {runId}: {first.State}, driven by node '{first.DriverNode}', outputs in {first.OutputDirectory} on that node's machine");
                    Console.Out.Flush();
                }
                var end = await ProgressDisplay.RunWithProgressAsync(quiet, first.End > 0 ? first.End : 1,
                    progress => FollowAsync(client, first, parse.GetValue(stopOption), progress, quiet, cancellation));
                int code = Summarise(end, quiet);
                if (copyTo is not null && !await CopyOutputsAsync(client, end, copyTo, quiet, cancellation)) return ExitCodes.RunFailed;
                return code;
            }
            catch (ClusterConfigurationException e)
            {
                Console.Error.WriteLine(CliErrors.Prefixed(config, e.Message));
                return ExitCodes.RunFailed;
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine($"stopped following run {runId}; it goes on (attach again to follow it)");
                return ExitCodes.Cancelled;
            }
        });
        return command;
    }

    /// <summary>
    /// Hands the run to the cluster (<c>run --detach</c>) and prints its id, driving node and placement; exit code 0 once the
    /// cluster took it, 2 when it was refused (bad scenario, unusable output directory), 1 when it failed to start.
    /// </summary>
    internal static Task<int> DetachAsync(Scenario scenario, string scenarioText, ClusterRunOptions options, string config, bool quiet, CancellationToken cancellation) =>
        HandOverAsync(new DriveRun(scenario.SourceFile, scenarioText, Path.GetFullPath(options.OutputDirectory), options.Force, options.MinWorkers)
        {
            KeepPlacement = !options.MoveOnJoin,
            BalanceThreshold = options.BalanceThreshold,
        }, scenario.SourceFile, options, config, quiet, cancellation);

    /// <summary>Gives the run to the cluster's leader and prints what it answered; <paramref name="what"/> names the run in errors.</summary>
    private static async Task<int> HandOverAsync(DriveRun drive, string what, ClusterRunOptions options, string config, bool quiet, CancellationToken cancellation)
    {
        try
        {
            await using var client = await ClusterMonitorClient.ConnectAsync(options, TimeSpan.FromSeconds(5), cancellation);
            var info = await client.DriveAsync(drive, options.SubmitTimeout, options.SubmitTimeout + TimeSpan.FromMinutes(2), cancellation);
            if (info.State is DrivenRunStatus.Refused or DrivenRunStatus.Failed)
            {
                Console.Error.WriteLine($"{what}: the cluster did not take the run: {info.Error}");
                return info.State == DrivenRunStatus.Refused ? ExitCodes.BadInput : ExitCodes.RunFailed;
            }
            Console.Out.WriteLine($"Run {info.RunId} handed to cluster '{options.ClusterId}': driven by node '{info.DriverNode}', " +
                                  $"coordinator '{info.CoordinatorNode}', outputs in {info.OutputDirectory} on that node's machine");
            if (!quiet)
            {
                for (int b = 0; b < info.Placement.Count; b++) Console.Out.WriteLine($"  placement: block {b} -> {info.Placement[b]}");
                Console.Out.WriteLine($"Follow it with: actorsim attach {info.RunId} --cluster {config}");
            }
            return ExitCodes.Ok;
        }
        catch (RunFailedException e)
        {
            Console.Error.WriteLine($"{what}: {e.Message}");
            return ExitCodes.RunFailed;
        }
        catch (ClusterConfigurationException e)
        {
            Console.Error.WriteLine(CliErrors.Prefixed(config, e.Message));
            return ExitCodes.RunFailed;
        }
    }

    /// <summary><c>resume DIR --cluster CONFIG --detach</c>: the leader resumes the stopped run in DIR and drives it.</summary>
    internal static async Task<int> ResumeDetachedAsync(string dir, string? config, bool quiet, ILoggerFactory logs, CancellationToken cancellation)
    {
        if (config is null)
        {
            Console.Error.WriteLine("--detach hands the run to a cluster: give the cluster's config with --cluster");
            return ExitCodes.BadInput;
        }
        if (Options(config, dir, logs) is not { } options) return ExitCodes.BadInput;
        string full = Path.GetFullPath(dir);
        return await HandOverAsync(new DriveRun("run.json", "", full, false, 1) { Resume = true }, full, options, config, quiet, cancellation);
    }

    /// <summary>The cluster's options from its config file, or null after saying what is wrong with it.</summary>
    private static ClusterRunOptions? Options(string config, string outputDirectory, ILoggerFactory logs)
    {
        try
        {
            return ClusterRunOptions.From(ClusterSettingsLoader.Load(config), outputDirectory) with { LoggerFactory = logs };
        }
        catch (ClusterConfigurationException e)
        {
            Console.Error.WriteLine(CliErrors.Prefixed(config, e.Message));
            return null;
        }
    }

    /// <summary>How long attach waits while no node knows the run before it gives up.</summary>
    private static readonly TimeSpan UnknownFor = TimeSpan.FromMinutes(2);

    /// <summary>Asks for the run's state every quarter second until it ended; says when the driving node changes.</summary>
    /// <param name="stop">Ask again at every turn that the run stop (the driving node may not have been among the answers).</param>
    private static async Task<DrivenRunStatus> FollowAsync(ClusterMonitorClient client, DrivenRunStatus info, bool stop, Action<RunProgress> progress, bool quiet,
        CancellationToken cancellation)
    {
        string driver = info.DriverNode;
        var known = System.Diagnostics.Stopwatch.StartNew(); // since a node last knew the run
        while (info.IsRunning)
        {
            if (info.End > 0) progress(new RunProgress(info.T, info.End, info.Steps));
            await Task.Delay(250, cancellation);
            var next = await client.QueryDriveAsync(info.RunId, stop, cancellation);
            if (next.State == DrivenRunStatus.Unknown)
            {
                // Nodes are changing; ask again, but not for ever.
                if (known.Elapsed > UnknownFor)
                    return info with { State = DrivenRunStatus.Failed, Error = $"no node of the cluster has known the run for {UnknownFor.TotalSeconds:0} s (every node that did is gone)" };
                continue;
            }
            known.Restart();
            if (next.DriverNode != driver && next.DriverNode.Length > 0)
            {
                if (!quiet) Console.Error.WriteLine($"run {info.RunId}: now driven by node '{next.DriverNode}' (its driving node '{driver}' was lost or left)");
                driver = next.DriverNode;
            }
            // The driving node knows the progress; the others only the start (keep the last progress seen).
            info = next.Steps >= info.Steps ? next : next with { T = info.T, Steps = info.Steps };
        }
        return info;
    }

    /// <summary>Copies the ended run's outputs from the node that drove it last (unless they are this very directory).</summary>
    private static async Task<bool> CopyOutputsAsync(ClusterMonitorClient client, DrivenRunStatus end, string directory, bool quiet, CancellationToken cancellation)
    {
        if (string.Equals(directory, Path.GetFullPath(end.OutputDirectory), StringComparison.Ordinal) && File.Exists(Path.Combine(directory, "run.json")))
        {
            if (!quiet) Console.Out.WriteLine($"The outputs are already in {directory}");
            return true;
        }
        try
        {
            var files = await client.FetchOutputAsync(end.DriverNode, end.RunId, directory, cancellation);
            if (!quiet) Console.Out.WriteLine($"Copied {files.Count} file{(files.Count == 1 ? "" : "s")} of the outputs from node '{end.DriverNode}' to {directory}");
            return true;
        }
        catch (RunFailedException e)
        {
            Console.Error.WriteLine($"run {end.RunId}: the outputs could not be copied to {directory}: {e.Message}");
            return false;
        }
    }

    /// <summary>The end of a followed run, from its run.json (shipped with the answer): state, time, steps and the results hash.</summary>
    private static int Summarise(DrivenRunStatus end, bool quiet)
    {
        JsonObject? run = null;
        try
        {
            run = end.RunJson.Length > 0 ? JsonNode.Parse(end.RunJson) as JsonObject : null;
        }
        catch (System.Text.Json.JsonException)
        {
        }
        var inv = CultureInfo.InvariantCulture;
        if (end.State == DrivenRunStatus.Failed)
        {
            Console.Error.WriteLine($"run {end.RunId} failed: {(end.Error.Length > 0 ? end.Error : (string?)run?["error"])}");
            Console.Error.WriteLine($"Outputs written so far, and the error, are in {end.OutputDirectory}/run.json on node '{end.DriverNode}''s machine.");
            return ExitCodes.RunFailed;
        }
        if (!quiet)
        {
            double t = (double?)run?["final_state"]?["t"] ?? end.T;
            Console.Out.WriteLine(end.State == DrivenRunStatus.Completed
                ? $"Run {end.RunId} completed at t = {t.ToString("G6", inv)}"
                : $"Run {end.RunId} stopped at t = {t.ToString("G6", inv)} ({(string?)run?["reason"]}); continue it with 'actorsim resume {end.OutputDirectory} --cluster <config>'");
            Console.Out.WriteLine($"{(long?)run?["steps"] ?? end.Steps} steps, {(long?)run?["outputs"]?["rows"] ?? 0} output rows, " +
                                  $"wall time {((double?)run?["wall_time_seconds"] ?? 0).ToString("F2", inv)} s" +
                                  (end.TakeOvers > 0 ? $", driven by another node {end.TakeOvers} time{(end.TakeOvers == 1 ? "" : "s")} after its driving node was lost or left" : ""));
            if ((string?)run?["results_sha256"] is { } sha) Console.Out.WriteLine($"results_sha256 {sha}");
            Console.Out.WriteLine($"Outputs: {end.OutputDirectory} on node '{end.DriverNode}''s machine");
        }
        return end.State == DrivenRunStatus.Completed ? ExitCodes.Ok : ExitCodes.Cancelled;
    }
}
