using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using ActorSim.Actors.Remote;
using ActorSim.Cli.Dashboard;
using ActorSim.Simulation.Monitoring;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Runtime.Cluster;
using Spectre.Console;

namespace ActorSim.Cli.Commands;

/// <summary>
/// <c>actorsim status &lt;run-dir&gt;</c> (an in-process run, from its <c>monitor.jsonl</c>) or <c>actorsim status --cluster
/// &lt;config&gt;</c> (every node and run of a cluster): the dashboard's figures in the terminal, as tables or
/// <c>--json</c>; <c>--watch</c> repeats every <c>--interval</c> seconds until Ctrl-C.
/// </summary>
public static class StatusCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Command Build()
    {
        var runDirArg = new Argument<string?>("run-dir") { Description = "Output directory of an in-process run (reads its monitor.jsonl and run.json).", Arity = ArgumentArity.ZeroOrOne };
        var clusterOption = new Option<string?>("--cluster") { Description = "A cluster's config file: ask every node for its status and its runs (joins as a watcher)." };
        var jsonOption = new Option<bool>("--json") { Description = "Print JSON: source, nodes, runs (info, status, latest record with every field, events)." };
        var historyOption = new Option<bool>("--history") { Description = "With --json: include each run's history of records." };
        var watchOption = new Option<bool>("--watch", "-w") { Description = "Repeat until Ctrl-C (with --json: one JSON object per line)." };
        var intervalOption = new Option<double>("--interval") { Description = "Seconds between two updates with --watch (default 2).", DefaultValueFactory = _ => 2 };
        var command = new Command("status", "Show how a run or a cluster is doing: progress, ETA, state and diagnostics, time split, imbalance, node health, checkpoints, events.")
        {
            runDirArg, clusterOption, jsonOption, historyOption, watchOption, intervalOption,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            string? runDir = parse.GetValue(runDirArg);
            string? config = parse.GetValue(clusterOption);
            bool json = parse.GetValue(jsonOption), watch = parse.GetValue(watchOption), history = parse.GetValue(historyOption);
            double interval = parse.GetValue(intervalOption);
            if ((runDir is null) == (config is null))
            {
                Console.Error.WriteLine("actorsim status: give either a run directory or --cluster <config>");
                return ExitCodes.BadInput;
            }
            if (!(interval > 0))
            {
                Console.Error.WriteLine($"--interval must be > 0 seconds, not {interval}");
                return ExitCodes.BadInput;
            }

            Func<CancellationToken, Task<MonitorView>> read;
            ClusterMonitorClient? client = null;
            if (runDir is not null)
            {
                if (!File.Exists(Path.Combine(runDir, MonitorLog.FileName)))
                {
                    Console.Error.WriteLine($"{runDir}: no {MonitorLog.FileName} here: not the output directory of a run (or of an older actorsim)");
                    return ExitCodes.BadInput;
                }
                read = _ => Task.FromResult(ReadRunDirectory(runDir));
            }
            else
            {
                ClusterRunOptions options;
                try
                {
                    options = ClusterRunOptions.From(ClusterSettingsLoader.Load(config!), "");
                }
                catch (ClusterConfigurationException e)
                {
                    Console.Error.WriteLine(CliErrors.Prefixed(config, e.Message));
                    return ExitCodes.BadInput;
                }
                try
                {
                    client = await ClusterMonitorClient.ConnectAsync(options, TimeSpan.FromSeconds(5), cancellation);
                }
                catch (ClusterConfigurationException e)
                {
                    Console.Error.WriteLine($"actorsim status: cannot join cluster '{options.ClusterId}': {e.Message}");
                    return ExitCodes.RunFailed;
                }
                catch (OperationCanceledException)
                {
                    return ExitCodes.Cancelled;
                }
                read = async ct =>
                {
                    var view = await client.QueryAsync(history ? 0 : 1, ct);
                    return new MonitorView($"cluster '{view.ClusterId}'" + (view.Leader is { } l ? $" (leader {l})" : " (no leader)"), view.Nodes, view.Runs);
                };
            }
            try
            {
                do
                {
                    var view = await read(cancellation);
                    if (json) PrintJson(view, history, indented: !watch);
                    else
                    {
                        if (watch && ProgressDisplay.IsInteractive) AnsiConsole.Clear();
                        PrintTables(view);
                    }
                    if (!watch) break;
                    await Task.Delay(TimeSpan.FromSeconds(interval), cancellation);
                } while (true);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                if (client is not null) await client.DisposeAsync();
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>An in-process run's view: its monitor.jsonl, with the status from run.json (running until it says otherwise,
    /// or interrupted when the process that ran it is gone).</summary>
    public static MonitorView ReadRunDirectory(string runDir)
    {
        string? status = null;
        try
        {
            var record = JsonNode.Parse(File.ReadAllText(Path.Combine(runDir, "run.json")));
            if (record?["status"]?.GetValue<string>() is { } s) status = s;
            // A run whose process was killed never wrote its end: it is interrupted, not running.
            if (status == RunStates.Running && RunProcess.From(record?["process"]) is { } process && process.IsGone())
                status = RunStates.Interrupted;
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidOperationException)
        {
        }
        var snapshot = MonitorLog.Read(Path.Combine(runDir, MonitorLog.FileName), status);
        return new MonitorView($"run directory {runDir}", [], [snapshot]);
    }

    private static void PrintJson(MonitorView view, bool history, bool indented)
    {
        if (!history) view = view with { Runs = view.Runs.Select(r => r with { History = [] }).ToArray() };
        Console.Out.WriteLine(DashboardServer.SnapshotJson(view, indented));
        Console.Out.Flush();
    }

    private static string S(double? seconds) => seconds switch
    {
        null => "–",
        < 1e-3 => $"{seconds * 1e6:0} µs",
        < 1 => $"{seconds * 1e3:0.0} ms",
        < 120 => $"{seconds:0.0} s",
        < 7200 => $"{seconds / 60:0.0} min",
        _ => $"{seconds / 3600:0.0} h",
    };

    private static string N(double? x) => x is { } v ? v.ToString("G5", Inv) : "–";

    private static void PrintTables(MonitorView view)
    {
        var console = CliScenario.Console(); // escape codes only on a terminal, NO_COLOR honoured
        console.MarkupLine($"[bold]{Markup.Escape(view.Source)}[/]");
        if (view.Nodes.Count > 0)
        {
            var nodes = new Table().Title("nodes").AddColumns("node", "roles", "leader", "heartbeat age", "CPU", "memory", "blocks", "drives");
            foreach (var n in view.Nodes)
                nodes.AddRow(Markup.Escape(n.NodeId), string.Join(", ", n.Roles), n.IsLeader ? "yes" : "", S(n.HeartbeatAgeS), $"{n.CpuPercent:0} %",
                    $"{n.WorkingSetBytes / 1048576.0:0} MiB", Markup.Escape(string.Join("; ", n.HostedRuns.Select(h => $"{h.RunId}: {string.Join(",", h.Blocks)}"))),
                    Markup.Escape(string.Join(", ", n.DrivenRuns)));
            console.Write(nodes);
        }
        if (view.Runs.Count == 0) console.MarkupLine("no runs");
        foreach (var run in view.Runs)
        {
            var r = run.Latest;
            var table = new Table().Title($"run {Markup.Escape(run.Info.RunId)} ({Markup.Escape(run.Info.Model)}, {Markup.Escape(run.Status)})").AddColumns("", "");
            table.HideHeaders();
            if (r is null) table.AddRow("progress", "no record yet");
            else
            {
                table.AddRow("progress", $"{r.Progress * 100:0.0} %  t = {N(r.T)} / {N(r.TEnd)}, step {r.Step}, dt {N(r.Dt)}");
                table.AddRow("wall, ETA", $"{S(r.WallS)}, ETA {S(r.EtaS)}, {N(r.StepsPerS)} steps/s");
                table.AddRow("per step", $"wall {S(r.StepWallS)} = compute {S(r.ComputeS)} + halo wait {S(r.HaloWaitS)} + reduction {S(r.ReductionS)} + coordinator {S(r.CoordinatorS)}");
                table.AddRow("blocks", r.Blocks is null ? "–" : $"{r.Blocks}, slowest {r.SlowestBlock?.ToString(Inv) ?? "–"}, imbalance {N(r.Imbalance)}");
                table.AddRow("nodes", $"oldest heartbeat {S(r.HeartbeatAgeS)}");
                table.AddRow("checkpoint", r.LastCheckpointStep is null ? "–" : $"step {r.LastCheckpointStep}, {S(r.LastCheckpointAgeS)} ago");
                table.AddRow($"state (t = {N(r.StateT)})", Markup.Escape(string.Join(", ", r.State.Select(kv => $"{kv.Key} = {N(kv.Value)}"))));
                if (r.Diagnostics.Count > 0) table.AddRow("diagnostics", Markup.Escape(string.Join(", ", r.Diagnostics.Select(kv => $"{kv.Key} = {N(kv.Value)}"))));
            }
            // The newest 5 events, but checkpoints (the latest one is in its own row) never crowd out failures and recoveries.
            var others = run.Events.Where(e => e.Kind != RunEventKinds.Checkpoint).TakeLast(5).ToHashSet();
            var checkpoints = run.Events.Where(e => e.Kind == RunEventKinds.Checkpoint).TakeLast(5 - others.Count).ToHashSet();
            foreach (var e in run.Events.Where(e => others.Contains(e) || checkpoints.Contains(e)))
                table.AddRow($"event {Markup.Escape(e.Kind)}", Markup.Escape($"{e.TimeUtc.ToLocalTime():HH:mm:ss} {(e.Step is { } s ? $"step {s} " : "")}{e.Text}"));
            console.Write(table);
        }
    }
}
