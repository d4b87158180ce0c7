using System.CommandLine;
using ActorSim.Actors.Remote;
using ActorSim.Cli.Dashboard;
using ActorSim.Simulation.Runtime.Cluster;

namespace ActorSim.Cli.Commands;

/// <summary>
/// <c>actorsim dashboard --cluster &lt;config&gt;</c>: joins the cluster as a watcher (never leader, no blocks) and serves the
/// live dashboard of its nodes and runs until Ctrl-C. <c>actorsim dashboard --sweep DIR</c>: the members of a sweep.
/// </summary>
public static class DashboardCommand
{
    public static Command Build()
    {
        var clusterOption = new Option<string?>("--cluster") { Description = "The cluster's config file (see cluster-config/README.md)." };
        var sweepOption = new Option<string?>("--sweep") { Description = "Instead of a cluster: a sweep directory (actorsim sweep --out DIR, converge --out DIR/sweep): its members with their swept values, status, progress and wall time, read from the directory every second." };
        var dashboard = new DashboardOptions(DashboardSettings.DefaultPort, "short");
        var otlp = new OtlpOptions();
        var command = new Command("dashboard", "Serve a live web dashboard of a cluster (nodes, runs, progress, physics, time split, events) or of a sweep's members (until Ctrl-C).") { clusterOption, sweepOption };
        foreach (var o in dashboard.All.Concat(otlp.All)) command.Add(o);
        command.SetAction(async (parse, cancellation) =>
        {
            var settings = dashboard.Read(parse);
            if (settings is null) return ExitCodes.BadInput;
            if ((parse.GetValue(clusterOption) is null) == (parse.GetValue(sweepOption) is null))
            {
                Console.Error.WriteLine("actorsim dashboard: give either --cluster CONFIG or --sweep DIR");
                return ExitCodes.BadInput;
            }
            if (parse.GetValue(sweepOption) is { } sweepDir)
            {
                if (!File.Exists(Path.Combine(sweepDir, SweepCommand.PlanFileName)))
                {
                    Console.Error.WriteLine($"{sweepDir}: not a sweep directory (it has no {SweepCommand.PlanFileName})");
                    return ExitCodes.BadInput;
                }
                await using var sweepSource = new SweepMonitorSource(sweepDir);
                await using var sweepServer = await DashboardServer.StartAsync(sweepSource, settings, cancellation);
                DashboardOptions.PrintUrl(sweepServer, settings);
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellation);
                }
                catch (OperationCanceledException)
                {
                }
                return ExitCodes.Ok;
            }
            string config = parse.GetValue(clusterOption)!;
            ClusterRunOptions options;
            try
            {
                options = ClusterRunOptions.From(ClusterSettingsLoader.Load(config), "");
            }
            catch (ClusterConfigurationException e)
            {
                Console.Error.WriteLine(CliErrors.Prefixed(config, e.Message));
                return ExitCodes.BadInput;
            }
            if (!otlp.TryStart(parse, "actorsim-dashboard", out var telemetry)) return ExitCodes.BadInput;
            using var telemetryScope = telemetry;
            ClusterMonitorClient client;
            try
            {
                client = await ClusterMonitorClient.ConnectAsync(options, TimeSpan.FromSeconds(5), cancellation);
            }
            catch (ClusterConfigurationException e)
            {
                Console.Error.WriteLine($"actorsim dashboard: cannot join cluster '{options.ClusterId}': {e.Message}");
                return ExitCodes.RunFailed;
            }
            catch (OperationCanceledException)
            {
                return ExitCodes.Cancelled;
            }
            await using var source = new ClusterMonitorSource(client, options.ClusterId, m => telemetry?.Metrics.Track(m));
            await using var server = await DashboardServer.StartAsync(source, settings, cancellation);
            DashboardOptions.PrintUrl(server, settings);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellation);
            }
            catch (OperationCanceledException)
            {
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
