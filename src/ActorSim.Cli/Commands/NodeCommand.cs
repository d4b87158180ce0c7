using ActorSim.Actors;
using System.CommandLine;
using ActorSim.Actors.Remote;
using ActorSim.Simulation.Runtime.Cluster;
using Microsoft.Extensions.Logging;

namespace ActorSim.Cli.Commands;

/// <summary>
/// <c>actorsim node --config &lt;file&gt;</c>: runs a cluster node until Ctrl-C or SIGTERM, then leaves the cluster in an
/// orderly way. Every setting comes from its flag, else its ACTORSIM_* environment variable, else the config file,
/// else its default (cluster-config/README.md lists them all).
/// </summary>
public static class NodeCommand
{
    /// <summary>How long a leaving node waits for its blocks to move (a run's next step and checkpoint) before it goes anyway.</summary>
    private static readonly TimeSpan HandOverTimeout = TimeSpan.FromSeconds(60);

    public static Command Build()
    {
        var configOption = new Option<string?>("--config", "-c") { Description = "Cluster config file (HOCON .conf, or JSON; see cluster-config/README.md). Without it, only flags, ACTORSIM_* variables and defaults are used." };
        var nameOption = new Option<string?>("--name") { Description = "Node name, unique in the cluster [config node_name, ACTORSIM_NODE_NAME; default: the host name]." };
        var rolesOption = new Option<string?>("--roles") { Description = "Comma-separated roles: coordinator (can lead and coordinate runs), worker (hosts blocks) [config roles, ACTORSIM_NODE_ROLES; default: coordinator,worker]." };
        var checkpointOption = new Option<string?>("--checkpoint-dir") { Description = "Checkpoint directory: shared by all nodes, or this node's own with checkpoint_storage = node-local [config checkpoint_dir, ACTORSIM_CHECKPOINT_DIR]." };
        var hostOption = new Option<string?>("--host") { Description = "Address to listen on and to be reached at [config host, ACTORSIM_HOST; default 127.0.0.1]." };
        var portOption = new Option<string?>("--port") { Description = "TCP port to listen on; 0 picks a free one [config port, ACTORSIM_PORT; default 4053]." };
        var seedsOption = new Option<string?>("--seed-nodes") { Description = "Comma-separated seed nodes host:port to join through [config seed_nodes, ACTORSIM_SEED_NODES; default 127.0.0.1:4053]." };
        var clusterOption = new Option<string?>("--cluster-id") { Description = "Cluster id [config cluster, ACTORSIM_CLUSTER; default actorsim]." };
        var verboseOption = new Option<bool>("--verbose", "-v") { Description = "Log debug messages too." };
        var otlp = new OtlpOptions();
        var command = new Command("node", "Run a cluster node: join the Akka.NET cluster through its seed nodes, coordinate runs while it holds the " +
            "leadership (a cluster singleton of the coordinator nodes), host blocks as a worker; the cluster secret comes from " +
            "ACTORSIM_CLUSTER_SECRET (or secret_file), mutual TLS from tls_certificate/tls_ca; Ctrl-C or SIGTERM leaves the cluster cleanly.")
        {
            configOption, nameOption, rolesOption, checkpointOption, hostOption, portOption, seedsOption, clusterOption, verboseOption,
        };
        foreach (var o in otlp.All) command.Add(o);
        command.SetAction(async (parse, cancellation) =>
        {
            ClusterSettings settings;
            try
            {
                settings = ClusterSettingsLoader.Load(parse.GetValue(configOption), new Dictionary<string, string?>
                {
                    ["node_name"] = parse.GetValue(nameOption),
                    ["roles"] = parse.GetValue(rolesOption),
                    ["checkpoint_dir"] = parse.GetValue(checkpointOption),
                    ["host"] = parse.GetValue(hostOption),
                    ["port"] = parse.GetValue(portOption),
                    ["seed_nodes"] = parse.GetValue(seedsOption),
                    ["cluster"] = parse.GetValue(clusterOption),
                });
            }
            catch (ClusterConfigurationException e)
            {
                Console.Error.WriteLine($"actorsim node: {e.Message}");
                return ExitCodes.BadInput;
            }

            // Metrics of the runs this node coordinates, over OTLP when asked.
            if (!otlp.TryStart(parse, "actorsim-node", out var telemetry)) return ExitCodes.BadInput;
            using var telemetryScope = telemetry;
            Action<Simulation.Monitoring.RunMonitor>? track = telemetry is null ? null : m => telemetry.Metrics.Track(m);
            if (track is not null) Simulation.Monitoring.RunMonitorRegistry.Created += track;
            using var untrack = new CallbackDisposable(() => { if (track is not null) Simulation.Monitoring.RunMonitorRegistry.Created -= track; });

            var level = parse.GetValue(verboseOption) ? LogLevel.Debug : LogLevel.Information;
            using var logs = LoggerFactory.Create(b => b
                .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; })
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace) // logs on stderr, status lines on stdout
                .AddFilter((category, l) => l >= level && (l >= LogLevel.Warning || category is null || category.StartsWith("ActorSim", StringComparison.Ordinal) || category.StartsWith('/'))));
            ClusterNodeHost host;
            try
            {
                host = await ClusterNodeHost.StartAsync(settings, logs, cancellation);
            }
            catch (ClusterConfigurationException e)
            {
                Console.Error.WriteLine($"actorsim node: {e.Message}");
                return ExitCodes.RunFailed;
            }
            catch (OperationCanceledException)
            {
                return ExitCodes.Cancelled;
            }

            await using (host)
            {
                Console.Out.WriteLine($"actorsim node '{settings.NodeName}' joined cluster '{settings.ClusterId}' through {settings.SeedDescription} " +
                                      $"(roles: {string.Join(", ", settings.Roles)}; checkpoints: {settings.CheckpointDirectory}); Ctrl-C or SIGTERM leaves");
                Console.Out.Flush();
                try
                {
                    await Task.WhenAny(Task.Delay(Timeout.Infinite, cancellation), host.System.WhenFaulted(), host.Removed);
                }
                catch (OperationCanceledException)
                {
                }
                if (host.Removed.IsCompleted && !cancellation.IsCancellationRequested)
                {
                    Console.Error.WriteLine($"actorsim node '{settings.NodeName}': {host.RemovedReason ?? "the node's cluster endpoint stopped"}; " +
                                            "start the node again to rejoin");
                    return ExitCodes.RunFailed;
                }
                if (host.System.WhenFaulted().IsFaulted)
                {
                    Console.Error.WriteLine($"actorsim node '{settings.NodeName}': {host.System.WhenFaulted().Exception?.InnerException?.Message}");
                    return ExitCodes.RunFailed;
                }
                // Leaving on purpose: the blocks this node hosts move to the other nodes at their runs' next step first.
                var handedOver = await host.HandOverAsync(HandOverTimeout);
                if (handedOver is null)
                    Console.Error.WriteLine($"actorsim node '{settings.NodeName}': its blocks were not released within {HandOverTimeout.TotalSeconds:0} s; " +
                                            "their runs recover from their last checkpoint once it has left");
                else if (handedOver.Runs > 0)
                    Console.Out.WriteLine($"actorsim node '{settings.NodeName}' handed the blocks of {handedOver.Runs} run{(handedOver.Runs == 1 ? "" : "s")} over");
                if (handedOver is { Drives: > 0 })
                    Console.Out.WriteLine($"actorsim node '{settings.NodeName}' handed {handedOver.Drives} run{(handedOver.Drives == 1 ? "" : "s")} it drove over " +
                                          "(stopped at a checkpoint; the leader goes on from there)");
                foreach (var declined in handedOver?.Declined ?? [])
                    Console.Error.WriteLine($"actorsim node '{settings.NodeName}': {declined}");
                Console.Out.WriteLine($"actorsim node '{settings.NodeName}' leaving cluster '{settings.ClusterId}'");
            }
            Console.Out.WriteLine($"actorsim node '{settings.NodeName}' left");
            return ExitCodes.Ok;
        });
        return command;
    }
}

internal sealed class CallbackDisposable(Action dispose) : IDisposable
{
    public void Dispose() => dispose();
}
