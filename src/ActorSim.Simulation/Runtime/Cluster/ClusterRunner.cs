using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using ActorSim.Actors;
using ActorSim.Actors.Remote;
using ActorSim.Actors.Remote.Membership;
using ActorSim.Actors.Remote.Transport;
using ActorSim.Simulation.Scenarios;
using Microsoft.Extensions.Logging;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>Options of a run submitted to a cluster.</summary>
/// <param name="OutputDirectory">Where the outputs are written: on the submitting machine.</param>
/// <param name="ClusterId">The cluster to submit to.</param>
/// <param name="Secret">The cluster's shared secret.</param>
/// <param name="Transport">Creates the submitter's transport (RabbitMQ, or in-process for tests).</param>
public sealed record ClusterRunOptions(string OutputDirectory, string ClusterId, ClusterSecret Secret, Func<IClusterTransport> Transport)
{
    /// <summary>Reuse a non-empty output directory.</summary>
    public bool Force { get; init; }

    /// <summary>The run waits (up to <see cref="SubmitTimeout"/>) until at least this many worker nodes are there. Default 1.</summary>
    public int MinWorkers { get; init; } = 1;

    /// <summary>How long to wait for a leader and for <see cref="MinWorkers"/> workers. Default 30 s.</summary>
    public TimeSpan SubmitTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Membership heartbeat of the submitter's node.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Silence after which a member counts as crashed.</summary>
    public TimeSpan FailureTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The submitter's node id; default <c>submit-&lt;host&gt;-&lt;pid&gt;-&lt;random&gt;</c>.</summary>
    public string? SubmitterNodeId { get; init; }

    /// <summary>The broker, for run.json (never with a password).</summary>
    public string? BrokerDescription { get; init; }

    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Options from loaded settings, over RabbitMQ.</summary>
    public static ClusterRunOptions From(ClusterSettings settings, string outputDirectory) =>
        new(outputDirectory, settings.ClusterId, settings.Secret, () => new Actors.Remote.RabbitMq.RabbitMqTransport(settings.Broker))
        {
            SubmitTimeout = settings.SubmitTimeout,
            HeartbeatInterval = settings.HeartbeatInterval,
            FailureTimeout = settings.FailureTimeout,
            BrokerDescription = settings.BrokerUrl,
        };
}

/// <summary>
/// Submits a run to a cluster and writes its outputs where it was submitted. The submitter joins the cluster as a
/// node that is never leader and hosts no blocks; it waits for the leader, sends it the scenario JSON
/// (<see cref="SubmitRun"/>), gets the placement back (<see cref="RunAccepted"/>), then creates the output writer
/// and a listener on its own node and starts the run (<see cref="BeginRun"/>). The coordinator streams rows and
/// fields to that writer, so <c>timeseries.csv</c>, <c>fields/</c> and <c>run.json</c> land in the local output
/// directory, byte-identical to an in-process run of the same scenario. If the coordinator's node or a node
/// holding blocks crashes or leaves, the run stops with an error naming the node and its blocks; <c>run.json</c> is
/// written in every case.
/// </summary>
public static class ClusterRunner
{
    /// <summary>Runs <paramref name="scenario"/> (whose JSON is <paramref name="scenarioText"/>) on the cluster.</summary>
    /// <param name="onAccepted">Called once the blocks are placed (to print the placement).</param>
    /// <exception cref="RunFailedException">The run was refused, or failed; run.json says why.</exception>
    public static async Task<RunResult> RunAsync(Scenario scenario, string scenarioText, ClusterRunOptions options,
        Action<RunProgress>? onProgress = null, Action<RunAccepted>? onAccepted = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(options);
        OutputDirectory.Prepare(options.OutputDirectory, options.Force);
        var record = new RunRecord(scenario, options.OutputDirectory) { Runtime = "cluster" };
        var clock = Stopwatch.StartNew();
        var runId = $"{DateTime.UtcNow:yyyyMMdd'T'HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
        var submitterId = options.SubmitterNodeId ?? $"submit-{ClusterSettingsLoader.DefaultNodeName()}-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))}";
        var clusterInfo = new JsonObject
        {
            ["id"] = options.ClusterId,
            ["run_id"] = runId,
            ["broker"] = options.BrokerDescription,
            ["submitter_node"] = submitterId,
        };
        record.Extra["cluster"] = clusterInfo;
        var log = (options.LoggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger("ActorSim.Simulation.ClusterRunner");

        var events = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
        var system = new ActorSystem("actorsim-submit", options.LoggerFactory, SupervisorStrategy.EscalateAll);
        ClusterNode? node = null;
        RunAccepted? accepted = null;
        try
        {
            var clusterOptions = new ClusterOptions(options.ClusterId, submitterId, options.Secret)
            {
                LeaderCandidate = false,
                HeartbeatInterval = options.HeartbeatInterval,
                FailureTimeout = options.FailureTimeout,
            };
            try
            {
                node = await ClusterNode.StartAsync(system, clusterOptions, options.Transport(), SimulationWire.CreateRegistry(), cancellation);
            }
            catch (ClusterConfigurationException e)
            {
                throw new RunFailedException($"cannot join cluster '{options.ClusterId}': {e.Message}", e);
            }
            clusterInfo["transport"] = node.TransportName;
            var monitor = system.ActorOf(Props.Create(() => new CallbackActor(m => events.Writer.TryWrite(m))), "monitor");
            node.Subscribe(monitor);

            accepted = await SubmitAsync(system, node, new SubmitRun(runId, scenario.SourceFile, scenarioText, submitterId,
                options.MinWorkers, (long)options.SubmitTimeout.TotalMilliseconds), options, events.Reader, cancellation);
            clusterInfo["coordinator_node"] = accepted.CoordinatorNode;
            clusterInfo["workers"] = new JsonArray(accepted.Workers.Select(w => (JsonNode?)w).ToArray());
            var placement = new JsonObject();
            for (int b = 0; b < accepted.Placement.Count; b++) placement[b.ToString(System.Globalization.CultureInfo.InvariantCulture)] = accepted.Placement[b];
            record.Extra["placement"] = placement;
            log.LogInformation("Run {Run} accepted by '{Coordinator}': {Placement}", runId, accepted.CoordinatorNode, BlockPlacement.Describe(accepted.Placement));
            onAccepted?.Invoke(accepted);

            var writer = system.ActorOf(Props.Create(() => new OutputWriterActor(options.OutputDirectory, accepted.Columns)), "output-writer");
            var listener = system.ActorOf(Props.Create(() => new CallbackActor(m => events.Writer.TryWrite(m))), "listener");
            accepted.Run.Tell(new BeginRun(runId, writer, listener));
            var run = accepted.Run;
            using var stop = cancellation.Register(() => run.Tell(new StopRun("cancelled by the user (Ctrl-C)")));

            var completed = await WaitForEndAsync(system, accepted, events.Reader, onProgress);
            var result = new RunResult(completed.Status, completed.Reason, options.OutputDirectory, completed.T,
                accepted.Columns.Select((name, i) => (name, completed.FinalState[i])).ToDictionary(x => x.name, x => x.Item2),
                completed.Counters, completed.Rows, completed.ResultsSha256, clock.Elapsed, ParseAnalysis(accepted.AnalysisJson) ?? new JsonObject());
            record.WriteCompleted(result);
            return result;
        }
        catch (Exception e) when (e is RunFailedException or OperationCanceledException)
        {
            var failure = e as RunFailedException ?? new RunFailedException("the run was cancelled before it started", e);
            if (accepted is not null) accepted.Run.Tell(new AbortRun(runId, failure.Message));
            record.WriteFailed(clock.Elapsed, failure, accepted is null ? null : ParseAnalysis(accepted.AnalysisJson));
            throw failure;
        }
        finally
        {
            if (node is not null) await node.DisposeAsync();
            await system.ShutdownAsync(TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>Waits for a leader and submits to it; retries while leadership moves, until the submit timeout.</summary>
    private static async Task<RunAccepted> SubmitAsync(ActorSystem system, ClusterNode node, SubmitRun submit, ClusterRunOptions options,
        ChannelReader<object> events, CancellationToken cancellation)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(options.SubmitTimeout.TotalSeconds * Stopwatch.Frequency);
        TimeSpan Left() => Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
        while (true)
        {
            var leader = node.Leader;
            if (leader is null)
            {
                if (Left() <= TimeSpan.Zero)
                    throw new RunFailedException(
                        $"no node of cluster '{options.ClusterId}' leads after {options.SubmitTimeout.TotalSeconds:0.#} s: start nodes with the coordinator role " +
                        "('actorsim node --config <file>'), and check that they use the same broker, cluster id and secret");
                // Wait for any membership news (a leader announcing itself), at most until the deadline.
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                wait.CancelAfter(Left());
                try
                {
                    await events.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
                {
                }
                continue;
            }
            try
            {
                // The leader waits up to the submit timeout for workers, then needs time to create the blocks.
                return await system.Ask<RunAccepted>(node.ActorFor(leader, NodeActor.Path), submit, options.SubmitTimeout + TimeSpan.FromMinutes(2), cancellation);
            }
            catch (RemoteActorException e) when (e.RemoteMessage.Contains("does not lead", StringComparison.Ordinal) && Left() > TimeSpan.Zero)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellation); // leadership is moving; ask again
            }
            catch (Exception e) when (e is RemoteActorException or AskTimeoutException or InvalidOperationException)
            {
                var why = e is RemoteActorException r ? r.RemoteMessage : e.Message;
                throw new RunFailedException($"cluster '{options.ClusterId}' (leader '{leader}') did not accept the run: {why}", e);
            }
        }
    }

    /// <summary>Waits for the coordinator's final answer; a lost coordinator or block node, or a failure report, ends the run with an error.</summary>
    private static async Task<RunCompleted> WaitForEndAsync(ActorSystem system, RunAccepted accepted, ChannelReader<object> events, Action<RunProgress>? onProgress)
    {
        var involved = accepted.Placement.Append(accepted.CoordinatorNode).ToHashSet(StringComparer.Ordinal);
        while (true)
        {
            var read = events.ReadAsync().AsTask();
            if (await Task.WhenAny(read, system.WhenFaulted) != read)
            {
                var cause = system.WhenFaulted.Exception?.InnerException ?? new InvalidOperationException("the submitter's actor system failed");
                throw new RunFailedException($"the run failed on the submitting side: {cause.Message}", cause);
            }
            switch (await read)
            {
                case RunProgress p:
                    onProgress?.Invoke(p);
                    break;
                case RunCompleted c:
                    return c;
                case RunFailed f:
                    throw new RunFailedException(f.Error);
                case MemberCrashed c when involved.Contains(c.NodeId):
                    throw NodeLost(accepted, c.NodeId, $"crashed ({c.Reason})");
                case MemberLeft l when involved.Contains(l.NodeId):
                    throw NodeLost(accepted, l.NodeId, "left the cluster");
            }
        }
    }

    private static RunFailedException NodeLost(RunAccepted accepted, string node, string what)
    {
        var message = ClusterRunActor.NodeLostMessage(accepted.RunId, node, what, BlockPlacement.BlocksOf(accepted.Placement, node),
            coordinator: node == accepted.CoordinatorNode);
        return new RunFailedException(message);
    }

    private static JsonObject? ParseAnalysis(string json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
