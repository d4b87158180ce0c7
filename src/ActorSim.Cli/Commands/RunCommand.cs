using System.CommandLine;
using System.Text.Json.Nodes;
using System.Globalization;
using ActorSim.Actors.Remote;
using ActorSim.Cli.Dashboard;
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
        var outOption = new Option<string>("--out", "-o") { Description = "Output directory (created if missing): timeseries.csv, run.json, monitor.jsonl, and for models with fields fields/*.npy and plots/ are written there.", Required = true };
        var forceOption = new Option<bool>("--force") { Description = "Reuse a non-empty output directory, replacing an earlier run's outputs." };
        var quietOption = new Option<bool>("--quiet", "-q") { Description = "No progress bar and no summary; errors only." };
        var noPlotsOption = new Option<bool>("--no-plots") { Description = "Do not draw plots/ (SVG of the time series and of the final fields) after a run that writes fields." };
        var clusterOption = new Option<string?>("--cluster") { Description = "Submit the run to the cluster described by this config file (see cluster-config/README.md) instead of running it in process; outputs still go to --out here." };
        var minWorkersOption = new Option<int>("--min-workers") { Description = "With --cluster: wait (up to the config's submit_timeout_s) until at least this many worker nodes have joined before placing the blocks.", DefaultValueFactory = _ => 1 };
        var keepPlacementOption = new Option<bool>("--keep-placement") { Description = "With --cluster: the blocks stay on the nodes they were placed on; without it, a worker that joins during the run gets blocks at the next step (the run checkpoints there and goes on from that checkpoint over every worker; run.json \"moves\")." };
        var balanceOption = new Option<double?>("--balance-threshold") { Description = "With --cluster: re-place the blocks at the next step when the load imbalance (max / mean block compute time over 3 s, twice in a row) stays above this and a new placement lowers the slowest node's load by a fifth (default: the config's balance_threshold, 1.2; 0: never)." };
        var detachOption = new Option<bool>("--detach") { Description = "With --cluster: hand the run to the cluster and return once its blocks are placed; the leader drives it in its own process and writes the outputs to --out on its machine (an absolute path; the same place on one machine or a shared file system), another node takes it over if that node is lost; follow it with 'actorsim attach <run-id> --cluster <config>'." };
        var dashboardOption = new Option<bool>("--dashboard") { Description = "Serve the live dashboard (a web page on 127.0.0.1 by default) while the run goes on; the URL is printed." };
        var lingerOption = new Option<double>("--dashboard-linger") { Description = "With --dashboard: keep serving the page this many seconds after the run ended.", DefaultValueFactory = _ => 0 };
        var forceSizeOption = SizeCheck.ForceOption();
        var setOption = ScenarioErrors.SetOption();
        var dashboard = new DashboardOptions(DashboardSettings.DefaultPort);
        var otlp = new OtlpOptions();
        var command = new Command("run", "Run a scenario in this process on the embedded actor runtime (no cluster, no open port), or on an Akka.NET cluster with --cluster.")
        {
            scenarioArg, outOption, forceOption, quietOption, noPlotsOption, clusterOption, minWorkersOption, keepPlacementOption, balanceOption, detachOption, dashboardOption, lingerOption, forceSizeOption, setOption,
        };
        foreach (var o in dashboard.All.Concat(otlp.All)) command.Add(o);
        command.SetAction(async (parse, cancellation) =>
        {
            string path = parse.GetRequiredValue(scenarioArg);
            string outDir = parse.GetRequiredValue(outOption);
            bool quiet = parse.GetValue(quietOption);
            string[] sets = parse.GetValue(setOption) ?? [];
            // In process, the actor system starts on another thread while the command line is parsed and the scenario is
            // read and checked (start-up, issue 14): begun in Main (EarlyActorSystem), or here.
            var early = EarlyActorSystem.Take();
            var logs = early?.Logs ?? StderrLoggerProvider.CreateFactory();
            await using var prestart = parse.GetValue(clusterOption) is null ? early?.Prestart ?? new ActorSystemPrestart(logs) : null;
            if (!ScenarioErrors.TryLoad(path, sets, out var scenario)) return ExitCodes.BadInput;
            StartupTrace.Mark("scenario loaded and checked");
            if (!SizeCheck.Fits(scenario, outDir, parse.GetValue(forceSizeOption), out _, localMemory: parse.GetValue(clusterOption) is null)) return ExitCodes.BadInput;
            bool serve = parse.GetValue(dashboardOption);
            DashboardSettings? dashboardSettings = null;
            if (serve && (dashboardSettings = dashboard.Read(parse)) is null) return ExitCodes.BadInput;
            double linger = parse.GetValue(lingerOption);
            if (linger < 0 || double.IsNaN(linger))
            {
                Console.Error.WriteLine($"--dashboard-linger must be >= 0 seconds, not {linger}");
                return ExitCodes.BadInput;
            }
            if (!otlp.TryStart(parse, "actorsim-run", out var telemetry)) return ExitCodes.BadInput;
            using var telemetryScope = telemetry;

            // A cluster submitter leaves the cluster while the summary and the plots are made.
            var stopping = new List<Task>();
            var options = new RunOptions(outDir, parse.GetValue(forceOption), logs) { Prestart = prestart, LeaveSystemToProcessExit = true };
            string? clusterConfig = parse.GetValue(clusterOption);
            ClusterRunOptions? clusterOptions = null;
            if (clusterConfig is not null)
            {
                int minWorkers = parse.GetValue(minWorkersOption);
                double? balance = parse.GetValue(balanceOption);
                if (balance is { } threshold && !(threshold == 0 || (threshold >= 1 && double.IsFinite(threshold))))
                {
                    Console.Error.WriteLine($"--balance-threshold {threshold.ToString(System.Globalization.CultureInfo.InvariantCulture)}: use 0 (no load balancing) or a number >= 1 (the imbalance max / mean is never below 1)");
                    return ExitCodes.BadInput;
                }
                if (minWorkers < 1)
                {
                    Console.Error.WriteLine($"--min-workers must be at least 1, not {minWorkers}");
                    return ExitCodes.BadInput;
                }
                try
                {
                    var loaded = ClusterRunOptions.From(ClusterSettingsLoader.Load(clusterConfig), outDir);
                    clusterOptions = loaded with
                    {
                        BalanceThreshold = balance ?? loaded.BalanceThreshold,
                        Force = options.Force,
                        MinWorkers = minWorkers,
                        MoveOnJoin = !parse.GetValue(keepPlacementOption),
                        LoggerFactory = logs,
                        DeferShutdown = stopping.Add,
                    };
                }
                catch (ClusterConfigurationException e)
                {
                    Console.Error.WriteLine(CliErrors.Prefixed(clusterConfig, e.Message));
                    return ExitCodes.BadInput;
                }
            }
            // What travels to the cluster: the file as written, or the scenario with its --set overrides applied.
            string ScenarioText() => sets.Length == 0 ? File.ReadAllText(path) : scenario.Document.ToJsonString();
            if (parse.GetValue(detachOption))
            {
                if (clusterOptions is null || serve)
                {
                    Console.Error.WriteLine(clusterOptions is null
                        ? "--detach hands a run to a cluster: give the cluster's config with --cluster"
                        : "--detach and --dashboard: watch a detached run with 'actorsim dashboard --cluster <config>'");
                    return ExitCodes.BadInput;
                }
                return await AttachCommand.DetachAsync(scenario, ScenarioText(), clusterOptions, clusterConfig!, quiet, cancellation);
            }
            // Monitoring: the run's monitor (in process), or a watcher of the cluster; the dashboard and OTLP read it.
            Simulation.Monitoring.RunMonitor? monitor = clusterOptions is null ? LocalRunner.CreateMonitor(scenario) : null;
            if (monitor is not null) options = options with { Monitor = monitor };
            using var tracked = monitor is null ? null : telemetry?.Metrics.Track(monitor);
            await using var watch = serve || (telemetry is not null && clusterOptions is not null)
                ? await MonitorSourceAsync(monitor, clusterOptions, telemetry, cancellation) : null;
            await using var server = serve && watch is not null ? await DashboardServer.StartAsync(watch, dashboardSettings!, cancellation) : null;
            if (server is not null) DashboardOptions.PrintUrl(server, dashboardSettings!);
            try
            {
                RunResult result = await ProgressDisplay.RunWithProgressAsync(
                    quiet, scenario.Time.End, progress => clusterOptions is null
                        ? LocalRunner.RunAsync(scenario, options, progress, cancellation)
                        : ClusterRunner.RunAsync(scenario, ScenarioText(), clusterOptions, progress, a => { if (!quiet) PrintPlacement(a); }, cancellation),
                    monitor);
                if (!quiet) PrintSummary(result);
                if (!parse.GetValue(noPlotsOption) && Directory.Exists(Path.Combine(outDir, "fields")))
                {
                    try
                    {
                        var plots = Plotting.RunPlotter.Write(outDir, Path.Combine(outDir, "plots"), new Plotting.PlotOptions(Plotting.PlotFormat.Svg, Plotting.TimeseriesLayout.Auto, false));
                        if (!quiet) Console.Out.WriteLine($"Plots: {string.Join(", ", plots)}");
                    }
                    catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or IOException or UnauthorizedAccessException)
                    {
                        // The results are complete; only the pictures are missing (e.g. no fontconfig for SkiaSharp).
                        Console.Error.WriteLine($"Plots skipped: {e.GetBaseException().Message} (the results in {outDir} are complete; " +
                                                "install libfontconfig1 and a font, then run 'actorsim plot')");
                    }
                }
                await LingerAsync(server, linger, cancellation);
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
                Console.Error.WriteLine($"{path}: {RunFailure(e)}");
                Console.Error.WriteLine($"Outputs written so far, and the error, are in {outDir}/run.json.");
                await LingerAsync(server, linger, cancellation);
                return ExitCodes.RunFailed;
            }
            finally
            {
                if (clusterOptions is null)
                {
                    // In process, the outputs and run.json are complete (closed and flushed) when the run returns: the
                    // process ends without stopping its actor system gracefully (0.03–0.05 s of CPU that would delay the
                    // exit on a busy machine; the system's threads are background threads), logger factory left open.
                    StartupTrace.Mark("actor system left to the process's exit");
                }
                else
                {
                    await Task.WhenAll(stopping); // a cluster submitter leaves the cluster before the process ends
                    StartupTrace.Mark("actor system stopped");
                    logs.Dispose();
                }
            }
        });
        return command;
    }

    /// <summary>Why a run failed, in words: a full disk, an I/O error or lack of memory said plainly, else the run's own message.</summary>
    internal static string RunFailure(RunFailedException e) =>
        CliErrors.Find<OutOfMemoryException>(e) is not null ? "the run failed: out of memory (the run needs more memory than this machine has free)"
        : CliErrors.Find<IOException>(e) is { } io ? $"the run failed: {CliErrors.IoError(io)}"
        : e.Message;

    /// <summary>The dashboard's source: the in-process run's monitor, or (a cluster run) a watcher of the cluster.</summary>
    private static async Task<IMonitorSource?> MonitorSourceAsync(Simulation.Monitoring.RunMonitor? monitor, ClusterRunOptions? cluster, Telemetry? telemetry, CancellationToken cancellation)
    {
        if (monitor is not null) return new LocalMonitorSource(monitor);
        try
        {
            var client = await ClusterMonitorClient.ConnectAsync(cluster!, TimeSpan.FromSeconds(5), cancellation);
            return new ClusterMonitorSource(client, cluster!.ClusterId, m => telemetry?.Metrics.Track(m));
        }
        catch (ClusterConfigurationException e)
        {
            Console.Error.WriteLine($"actorsim: the dashboard cannot watch cluster '{cluster!.ClusterId}': {e.Message}");
            return null;
        }
    }

    private static async Task LingerAsync(DashboardServer? server, double seconds, CancellationToken cancellation)
    {
        if (server is null || seconds <= 0) return;
        Console.Out.WriteLine($"Dashboard: serving {server.Url} for {seconds:0.#} s more (Ctrl-C ends)");
        Console.Out.Flush();
        try { await Task.Delay(TimeSpan.FromSeconds(seconds), cancellation); } catch (OperationCanceledException) { }
    }

    private static void PrintPlacement(RunAccepted a)
    {
        Console.Out.WriteLine(a.Placement.Count == 0
            ? $"Run {a.RunId} accepted by coordinator '{a.CoordinatorNode}' (the model has no blocks: it runs on the coordinator)"
            : $"Run {a.RunId} accepted by coordinator '{a.CoordinatorNode}': {a.Placement.Count} blocks on {a.Placement.Distinct().Count()} nodes" +
              (a.SteppingNode.Length > 0 && a.SteppingNode != a.CoordinatorNode ? $", stepped beside them on '{a.SteppingNode}'" : ""));
        for (int b = 0; b < a.Placement.Count; b++) Console.Out.WriteLine($"  placement: block {b} -> {a.Placement[b]}");
        Console.Out.Flush();
    }

    /// <summary>
    /// The end of a run as a short table: the final state, then the analysis' numbers (R0, equilibria); anything
    /// bigger (the linear stability of the spatial models, …) is only named: it is in run.json and `actorsim analyze`.
    /// </summary>
    internal static void PrintSummary(RunResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.Out.WriteLine(r.Status == RunStatus.Completed
            ? $"Run completed at t = {r.FinalTime.ToString("G6", inv)}"
            : $"Run cancelled at t = {r.FinalTime.ToString("G6", inv)} ({r.Reason}); outputs so far kept.");
        Console.Out.WriteLine($"{r.Counters.Accepted} steps ({r.Counters.Rejected} rejected), {r.Rows} output rows, wall time {r.WallTime.TotalSeconds.ToString("F2", inv)} s");
        var rows = r.FinalState.Select(kv => (kv.Key, kv.Value.ToString("G6", inv))).ToList();
        var details = new List<string>();
        foreach (var (key, value) in r.Analysis)
        {
            if (value is null || key == "expected_limit") continue;
            if (SummaryValue(value) is { } text) rows.Add((key, text));
            else details.Add(key);
        }
        int width = rows.Count == 0 ? 0 : rows.Max(x => x.Item1.Length);
        foreach (var (key, text) in rows) Console.Out.WriteLine($"  {key.PadRight(width)}  {text}");
        if (details.Count > 0)
            Console.Out.WriteLine($"  {string.Join(", ", details)}: in run.json (\"analysis\") and 'actorsim analyze <scenario>'");
        PrintRecoveries(r.OutputDirectory);
        Console.Out.WriteLine($"Outputs: {Path.Combine(r.OutputDirectory, "timeseries.csv")}, {Path.Combine(r.OutputDirectory, "run.json")} (results SHA-256 {r.ResultsSha256[..16]}…)");
    }

    /// <summary>A number, a string, or a flat object of at most 6 numbers (an equilibrium) in one short line; else null.</summary>
    internal static string? SummaryValue(JsonNode value)
    {
        static string? Number(JsonNode? n) => n is JsonValue v && v.TryGetValue(out double d) ? d.ToString("G6", CultureInfo.InvariantCulture) : null;
        if (value is JsonValue v)
            return Number(v) ?? (v.TryGetValue(out string? s) && s.Length <= 60 ? s : v.TryGetValue(out bool b) ? (b ? "true" : "false") : null);
        if (value is JsonObject o && o.Count <= 6 && o.All(kv => Number(kv.Value) is not null))
            return string.Join(", ", o.Select(kv => $"{kv.Key} = {Number(kv.Value)}"));
        return null;
    }

    /// <summary>A cluster run that survived failures says so (one line each, from run.json's "recoveries").</summary>
    private static void PrintRecoveries(string directory)
    {
        JsonArray? recoveries;
        try
        {
            recoveries = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "run.json")))?["recoveries"] as JsonArray;
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
            return;
        }
        if (recoveries is not { Count: > 0 }) return;
        var inv = CultureInfo.InvariantCulture;
        Console.Out.WriteLine($"Survived {recoveries.Count} failure{(recoveries.Count == 1 ? "" : "s")} (details in run.json \"recoveries\"):");
        foreach (var r in recoveries.OfType<JsonObject>())
        {
            string node = (string?)r["node"] is { Length: > 0 } n ? $" {n}" : "";
            string from = r["resumed_from_checkpoint"] is null ? "from the start" : $"from step {(long?)r["resumed_from_step"]}";
            Console.Out.WriteLine($"  epoch {(int?)r["epoch"]}: {(string?)r["kind"]}{node}, detected after {((double?)r["detection_s"] ?? 0).ToString("0.00", inv)} s, " +
                $"running again {((double?)r["restarted_s"] ?? 0).ToString("0.00", inv)} s later {from} on '{(string?)r["coordinator_node"]}'");
        }
    }
}
