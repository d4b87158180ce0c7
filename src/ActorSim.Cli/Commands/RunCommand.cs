using System.CommandLine;
using System.Globalization;
using ActorSim.Actors.Remote;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Runtime.Cluster;
using ActorSim.Simulation.Scenarios;
using Microsoft.Extensions.Logging;

namespace ActorSim.Cli.Commands;

/// <summary>
/// <c>actorsim run &lt;scenario&gt; --out &lt;dir&gt;</c>: runs a scenario on the in-process runtime, or, with
/// <c>--cluster &lt;config&gt;</c>, submits it to a cluster of <c>actorsim node</c>s; the outputs are written to
/// <c>--out</c> on this machine either way (the cluster's coordinator streams rows and fields back).
/// </summary>
public static class RunCommand
{
    public static Command Build()
    {
        var scenarioArg = new Argument<string>("scenario") { Description = "Path of the scenario JSON file." };
        var outOption = new Option<string>("--out", "-o") { Description = "Output directory (created if missing): timeseries.csv and run.json are written there.", Required = true };
        var forceOption = new Option<bool>("--force") { Description = "Reuse a non-empty output directory, replacing an earlier run's outputs." };
        var quietOption = new Option<bool>("--quiet", "-q") { Description = "No progress bar and no summary; errors only." };
        var noPlotsOption = new Option<bool>("--no-plots") { Description = "Do not draw plots/ (SVG of the time series and of the final fields) after a run that writes fields." };
        var clusterOption = new Option<string?>("--cluster") { Description = "Submit the run to the cluster described by this config file (see cluster-config/README.md) instead of running it in process; outputs still go to --out here." };
        var minWorkersOption = new Option<int>("--min-workers") { Description = "With --cluster: wait (up to the config's submit_timeout_s) until at least this many worker nodes have joined before placing the blocks.", DefaultValueFactory = _ => 1 };
        var command = new Command("run", "Run a scenario on the embedded in-process actor runtime (no broker needed), or on a cluster with --cluster.")
        {
            scenarioArg, outOption, forceOption, quietOption, noPlotsOption, clusterOption, minWorkersOption,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            string path = parse.GetRequiredValue(scenarioArg);
            string outDir = parse.GetRequiredValue(outOption);
            bool quiet = parse.GetValue(quietOption);
            if (!ScenarioErrors.TryLoad(path, out var scenario)) return ExitCodes.BadInput;

            using var logs = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; }).SetMinimumLevel(LogLevel.Warning)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
                .AddFilter((category, level) => level >= LogLevel.Warning));
            var options = new RunOptions(outDir, parse.GetValue(forceOption), logs);
            string? clusterConfig = parse.GetValue(clusterOption);
            ClusterRunOptions? clusterOptions = null;
            if (clusterConfig is not null)
            {
                int minWorkers = parse.GetValue(minWorkersOption);
                if (minWorkers < 1)
                {
                    Console.Error.WriteLine($"--min-workers must be at least 1, not {minWorkers}");
                    return ExitCodes.BadInput;
                }
                try
                {
                    clusterOptions = ClusterRunOptions.From(ClusterSettingsLoader.Load(clusterConfig), outDir) with
                    {
                        Force = options.Force,
                        MinWorkers = minWorkers,
                        LoggerFactory = logs,
                    };
                }
                catch (ClusterConfigurationException e)
                {
                    Console.Error.WriteLine($"{clusterConfig}: {e.Message}");
                    return ExitCodes.BadInput;
                }
            }
            try
            {
                RunResult result = await ProgressDisplay.RunWithProgressAsync(
                    quiet, scenario.Time.End, progress => clusterOptions is null
                        ? LocalRunner.RunAsync(scenario, options, progress, cancellation)
                        : ClusterRunner.RunAsync(scenario, File.ReadAllText(path), clusterOptions, progress, a => { if (!quiet) PrintPlacement(a); }, cancellation));
                if (!quiet) PrintSummary(result);
                if (!parse.GetValue(noPlotsOption) && Directory.Exists(Path.Combine(outDir, "fields")))
                {
                    var plots = Plotting.RunPlotter.Write(outDir, Path.Combine(outDir, "plots"), new Plotting.PlotOptions(Plotting.PlotFormat.Svg, Plotting.TimeseriesLayout.Auto, false));
                    if (!quiet) Console.Out.WriteLine($"Plots: {string.Join(", ", plots)}");
                }
                return result.Status == RunStatus.Cancelled ? ExitCodes.Cancelled : ExitCodes.Ok;
            }
            catch (OutputDirectoryException e)
            {
                Console.Error.WriteLine(e.Message);
                return ExitCodes.BadInput;
            }
            catch (CheckpointException e)
            {
                Console.Error.WriteLine($"{path}: {e.Message}");
                return ExitCodes.BadInput;
            }
            catch (RunFailedException e)
            {
                Console.Error.WriteLine($"{path}: {e.Message}");
                Console.Error.WriteLine($"Outputs written so far, and the error, are in {outDir}/run.json.");
                return ExitCodes.RunFailed;
            }
        });
        return command;
    }

    private static void PrintPlacement(RunAccepted a)
    {
        Console.Out.WriteLine(a.Placement.Count == 0
            ? $"Run {a.RunId} accepted by coordinator '{a.CoordinatorNode}' (the model has no blocks: it runs on the coordinator)"
            : $"Run {a.RunId} accepted by coordinator '{a.CoordinatorNode}': {a.Placement.Count} blocks on {a.Placement.Distinct().Count()} nodes");
        for (int b = 0; b < a.Placement.Count; b++) Console.Out.WriteLine($"  placement: block {b} -> {a.Placement[b]}");
        Console.Out.Flush();
    }

    internal static void PrintSummary(RunResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        string state = string.Join(", ", r.FinalState.Select(kv => $"{kv.Key} = {kv.Value.ToString("G6", inv)}"));
        Console.Out.WriteLine(r.Status == RunStatus.Completed
            ? $"Run completed: t = {r.FinalTime.ToString("G6", inv)}, {state}"
            : $"Run cancelled at t = {r.FinalTime.ToString("G6", inv)} ({r.Reason}); outputs so far kept.");
        Console.Out.WriteLine($"{r.Counters.Accepted} steps ({r.Counters.Rejected} rejected), {r.Rows} output rows, wall time {r.WallTime.TotalSeconds.ToString("F2", inv)} s");
        foreach (var (key, value) in r.Analysis)
            if (value is not null && key != "expected_limit") Console.Out.WriteLine($"{key}: {value.ToJsonString()}");
        Console.Out.WriteLine($"Outputs: {Path.Combine(r.OutputDirectory, "timeseries.csv")}, {Path.Combine(r.OutputDirectory, "run.json")} (results SHA-256 {r.ResultsSha256[..16]}…)");
    }
}
