using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using ActorSim.Actors;
using Akka.Actor;
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
/// <param name="Transport">Creates the submitter's transport (the Akka.NET cluster, or in-process for tests).</param>
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

    /// <summary>The cluster's checkpoint directory (shared by every node); a run with <c>run.checkpoint</c> writes into a folder per run id there.</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>
    /// Node-local checkpoints (config <c>checkpoint_storage = node-local</c>): no shared directory; each node writes into a
    /// folder per run id in its own checkpoint_dir, a buddy node keeps a copy of each block's state in memory and every node
    /// a copy of each manifest. Default false: <see cref="CheckpointDirectory"/> is shared by every node.
    /// </summary>
    public bool NodeLocalCheckpoints { get; init; }

    /// <summary>
    /// Continue this earlier run (its run id) instead of starting a new one: the submission starts at
    /// <see cref="ResumeEpoch"/>, the leader continues from the newest valid checkpoint, and the outputs already in
    /// <see cref="OutputDirectory"/> are cut back to it (<c>actorsim resume --cluster</c>, after the submitter was stopped or died).
    /// </summary>
    public string? ResumeRunId { get; init; }

    /// <summary>The first epoch of a resumed run (the interrupted run's last epoch + 1).</summary>
    public int ResumeEpoch { get; init; }

    /// <summary>How a resumed run came to be resumed, for run.json (<c>resumed_from.how</c>). Default: by <c>actorsim resume --cluster</c>.</summary>
    public string ResumeHow { get; init; } = "actorsim resume --cluster";

    /// <summary>The run id of a new run (null: a fresh one). A node driving a detached run names it before it starts.</summary>
    public string? RunId { get; init; }

    /// <summary>
    /// Whether this process still owns the run's outputs (null: always). A node that drove a detached run, was frozen and
    /// came back after another node took the run over must not write its run.json any more.
    /// </summary>
    public Func<bool>? Owns { get; init; }

    /// <summary>The resumed run's checkpoint directory as recorded in its run.json (null: derived as for a new run).</summary>
    public string? ResumeCheckpointDirectory { get; init; }

    /// <summary>How many times a run continues after losing a node or its coordinator before it gives up. Default 20.</summary>
    public int MaxRecoveries { get; init; } = 20;

    /// <summary>
    /// Nodes that get no blocks of this run's first submission (a sweep steers its members to the least busy workers
    /// with it). A recovery after a lost node excludes only that node.
    /// </summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>
    /// When set, the run returns as soon as its outputs and run.json are written, and the submitter's leaving of the
    /// cluster (a few gossip rounds) and the stop of its actor system are handed to this callback instead of being
    /// awaited: the caller draws plots meanwhile and awaits the task before the process ends. Default: awaited.
    /// </summary>
    public Action<Task>? DeferShutdown { get; init; }

    /// <summary>
    /// A worker that joins during the run receives blocks at the next step: the run checkpoints at that step, stops, and
    /// continues in the next epoch from that very checkpoint with the blocks placed over every worker, the new one
    /// included (no step repeated; run.json <c>moves</c>). Only when the run has more blocks than workers and writes
    /// checkpoints. Default true (<c>--keep-placement</c> turns it off).
    /// </summary>
    public bool MoveOnJoin { get; init; } = true;

    /// <summary>
    /// Load balancing: when the imbalance of the blocks' compute times (max / mean over a <see cref="BalanceWindow"/>)
    /// is above this in two windows in a row and a re-placement lowers the slowest node's load by at least a fifth
    /// (<see cref="LoadBalancer"/>), the blocks move at the next step as for a join. 0: never. Default 1.2 (config
    /// <c>balance_threshold</c>). Off with <see cref="MoveOnJoin"/> false.
    /// </summary>
    public double BalanceThreshold { get; init; } = ClusterSettings.DefaultBalanceThreshold;

    /// <summary>How long the load balancer measures before it judges. Default 3 s.</summary>
    public TimeSpan BalanceWindow { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The seed nodes the submitter joined through, for run.json.</summary>
    public string? SeedNodes { get; init; }

    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Options from loaded settings: the submitter joins the Akka.NET cluster through its seed nodes.</summary>
    public static ClusterRunOptions From(ClusterSettings settings, string outputDirectory) =>
        new(outputDirectory, settings.ClusterId, settings.Secret, () => settings.CreateTransport(submitter: true))
        {
            SubmitTimeout = settings.SubmitTimeout,
            HeartbeatInterval = settings.HeartbeatInterval,
            FailureTimeout = settings.FailureTimeout,
            SeedNodes = settings.SeedDescription,
            CheckpointDirectory = settings.CheckpointDirectory,
            NodeLocalCheckpoints = settings.CheckpointStorage == ClusterSettings.NodeLocalStorage,
            BalanceThreshold = settings.BalanceThreshold,
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
public static partial class ClusterRunner
{
    /// <summary>Runs <paramref name="scenario"/> (whose JSON is <paramref name="scenarioText"/>) on the cluster.</summary>
    /// <param name="onAccepted">Called once the blocks are placed (to print the placement).</param>
    /// <exception cref="RunFailedException">The run was refused, or failed; run.json says why.</exception>
    public static async Task<RunResult> RunAsync(Scenario scenario, string scenarioText, ClusterRunOptions options,
        Action<RunProgress>? onProgress = null, Action<RunAccepted>? onAccepted = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(options);
        bool resuming = options.ResumeRunId is not null;
        if (resuming && options.ResumeEpoch < 1) throw new ArgumentException("a resumed cluster run starts at epoch 1 or later", nameof(options));
        if (!resuming) OutputDirectory.Prepare(options.OutputDirectory, options.Force);
        var record = new RunRecord(scenario, options.OutputDirectory) { Runtime = "cluster" };
        var clock = Stopwatch.StartNew();
        var runId = options.ResumeRunId ?? options.RunId ?? LocalRunner.NewRunId();
        var submitterId = options.SubmitterNodeId ?? $"submit-{ClusterSettingsLoader.DefaultNodeName()}-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))}";
        var clusterInfo = new JsonObject
        {
            ["id"] = options.ClusterId,
            ["run_id"] = runId,
            ["seed_nodes"] = options.SeedNodes,
            ["submitter_node"] = submitterId,
        };
        record.Extra["cluster"] = clusterInfo;
        var log = (options.LoggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger("ActorSim.Simulation.ClusterRunner");

        var events = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
        var system = ActorRuntime.CreateLocal("actorsim-submit", options.LoggerFactory);
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
            StartupTrace.Mark("cluster: joined");
            clusterInfo["transport"] = node.TransportName;
            var monitor = system.ActorOf(ActorFactory.Props(() => new CallbackActor(m => events.Writer.TryWrite(m))), "monitor");
            node.Subscribe(monitor);

            string checkpointDirectory = options.ResumeCheckpointDirectory ?? CheckpointDirectoryFor(scenario, options, runId);
            if (checkpointDirectory.Length > 0)
            {
                clusterInfo["checkpoint_directory"] = checkpointDirectory;
                clusterInfo["checkpoint_storage"] = options.NodeLocalCheckpoints ? ClusterSettings.NodeLocalStorage : ClusterSettings.SharedStorage;
            }
            var recoveries = new JsonArray();
            record.Extra["recoveries"] = recoveries;
            // The run's history as the submitter sees it: a coordinator taking over after a failover is seeded with it.
            var history = new Monitoring.RunMonitor(new Monitoring.RunInfo(runId, scenario.Model, scenario.SourceFile, scenario.Time.End,
                scenario.Run.Blocks, "cluster"));
            // ... and in the output directory, as an in-process run's: `actorsim status <out>` reads it.
            using var monitorLog = Monitoring.MonitorLog.Attach(history, Path.Combine(options.OutputDirectory, Monitoring.MonitorLog.FileName), append: resuming);
            int epoch = options.ResumeEpoch;
            if (resuming)
            {
                record.Extra["resumed_from"] = new JsonObject { ["epoch"] = epoch, ["how"] = options.ResumeHow };
                history.AddEvent(new Monitoring.RunEvent(Monitoring.RunEventKinds.Failure, DateTimeOffset.UtcNow, null, null,
                    $"the run's submitter stopped; resumed from its output directory ({options.ResumeHow})"));
            }
            Interruption? pending = null; // the failure being recovered from
            PlannedMove? moving = null;   // the planned move being made (a worker joined)
            var moves = new JsonArray();
            record.Extra["moves"] = moves;
            var nodeCost = new Dictionary<string, double>(StringComparer.Ordinal); // the load balancer's memory of node speeds
            var lostMembers = new HashSet<(string, long)>(); // members lost during the run (by incarnation): no join moves to them
            (JsonObject Entry, long Requested)? lastMove = null; // the last move's entry, until the next epoch runs (and its rate is known)
            IActorRef? writer = null, listener = null;
            RunCompleted completed;
            // run.json's placement and workers, when an epoch is placed and when its blocks move live.
            void Placed(RunAccepted placed)
            {
                clusterInfo["workers"] = new JsonArray(placed.Workers.Select(w => (JsonNode?)w).ToArray());
                var placement = new JsonObject();
                for (int b = 0; b < placed.Placement.Count; b++) placement[b.ToString(System.Globalization.CultureInfo.InvariantCulture)] = placed.Placement[b];
                record.Extra["placement"] = placement;
            }
            while (true)
            {
                // A recovery continues on the surviving workers at once (a replacement node may join later runs).
                bool first = pending is null && moving is null; // this process's first submission (epoch 0, or a resumed run's first epoch)
                var submit = new SubmitRun(runId, scenario.SourceFile, scenarioText, submitterId, first ? options.MinWorkers : 1,
                    (long)(first ? options.SubmitTimeout : options.FailureTimeout).TotalMilliseconds)
                {
                    Epoch = epoch,
                    CheckpointDirectory = checkpointDirectory,
                    NodeLocalCheckpoints = options.NodeLocalCheckpoints,
                    EpochReason = moving?.Text ?? "",
                    Placement = moving?.Placement ?? [],
                    // The lost node gets no blocks of the next epoch.
                    Exclude = pending is { Node.Length: > 0 } ? [pending.Node] : moving is not null ? moving.Exclude.ToArray() : first ? options.Exclude : [],
                };
                accepted = await SubmitWithRetriesAsync(system, node, submit, options, events.Reader, log,
                    first ? null : new SeedRunHistory(runId, history.Snapshot()), cancellation);
                StartupTrace.Mark("cluster: accepted (blocks placed)");
                clusterInfo["coordinator_node"] = accepted.CoordinatorNode;
                clusterInfo["stepping_node"] = accepted.SteppingNode.Length > 0 ? accepted.SteppingNode : accepted.CoordinatorNode; // where the coordinator steps it
                Placed(accepted); // (workers before epoch in run.json's "cluster", as before)
                clusterInfo["epoch"] = epoch;
                foreach (var warning in accepted.Warnings) log.LogWarning("Run {Run}: {Warning}", runId, warning);
                if (pending is null)
                {
                    log.LogInformation("Run {Run} accepted by '{Coordinator}': {Placement}", runId, accepted.CoordinatorNode, BlockPlacement.Describe(accepted.Placement));
                    if (resuming)
                    {
                        log.LogWarning("Run {Run} resumed in epoch {Epoch} from {From}", runId, epoch,
                            accepted.Resume is { } r0 ? $"the checkpoint at step {r0.Step} (t = {r0.T})" : "the start (no checkpoint)");
                        var from = (JsonObject)record.Extra["resumed_from"]!;
                        from["checkpoint"] = accepted.Resume?.Folder;
                        from["step"] = accepted.Resume?.Step ?? 0;
                        from["t"] = accepted.Resume?.T ?? 0;
                        from["warnings"] = new JsonArray(accepted.Warnings.Select(w => (JsonNode?)w).ToArray());
                    }
                    onAccepted?.Invoke(accepted);
                }
                else if (pending is null && moving is not null)
                {
                    log.LogWarning("Run {Run} continues in epoch {Epoch} on '{Coordinator}' after {Why}, from the checkpoint at step {Step}: {Placement}", runId, epoch,
                        accepted.CoordinatorNode, moving.Text, accepted.Resume?.Step ?? 0, BlockPlacement.Describe(accepted.Placement));
                }
                else
                {
                    log.LogWarning("Run {Run} continues in epoch {Epoch} on '{Coordinator}' from {From}: {Placement}", runId, epoch, accepted.CoordinatorNode,
                        accepted.Resume is { } r ? $"the checkpoint at step {r.Step} (t = {r.T})" : "the start (no checkpoint yet)", BlockPlacement.Describe(accepted.Placement));
                }

                var resume = epoch == 0 ? null : new OutputResume(accepted.Resume?.Rows ?? 0, accepted.Resume?.FieldNames ?? []);
                int current = epoch;
                writer = system.ActorOf(ActorFactory.Props(() => new OutputWriterActor(options.OutputDirectory, accepted.Columns, resume)), epoch == 0 ? "output-writer" : $"output-writer-e{epoch}");
                listener = system.ActorOf(ActorFactory.Props(() => new CallbackActor(m => events.Writer.TryWrite(new FromEpoch(current, m)))), epoch == 0 ? "listener" : $"listener-e{epoch}");
                accepted.Run.Tell(new BeginRun(runId, writer, listener));
                if (pending is not null)
                {
                    var entry = pending.ToJson(accepted, epoch);
                    recoveries.Add(entry);
                    pending.Entry = entry;
                    lastMove = null;
                }
                else if (moving is not null)
                {
                    var entry = moving.ToJson(accepted, epoch);
                    moves.Add(entry);
                    lastMove = (entry, moving.RequestedTimestamp);
                }
                moving = null;
                if (options.Owns?.Invoke() != false) record.WriteRunning(); // a submitter that dies leaves a run.json that `actorsim resume --cluster` can continue
                var run = accepted.Run;
                using var stop = cancellation.Register(() => run.Tell(new StopRun(StopSignal.Reason)));

                bool canMove = options.MoveOnJoin && checkpointDirectory.Length > 0;
                BalanceWatch? Watch(RunAccepted placed) => canMove && options.BalanceThreshold > 0 && placed.Placement.Count > 1
                    ? new BalanceWatch(placed.Placement, placed.Workers, options.BalanceThreshold, options.BalanceWindow, nodeCost) : null;
                void MovedLive(RunAccepted placed, JsonObject entry)
                {
                    // The blocks moved within the epoch (ClusterRunActor.LiveMove.cs): same epoch, new placement.
                    accepted = placed;
                    moves.Add(entry);
                    Placed(placed);
                    if (options.Owns?.Invoke() != false) record.WriteRunning();
                }
                var end = await WaitForEndAsync(system, node, accepted, epoch, events, onProgress, pending, history, log, canMove, Watch, lastMove, options.BalanceThreshold,
                    lostMembers, MovedLive);
                if (end.Moved is { } move)
                {
                    // The epoch stopped at a step with a checkpoint there: the next one goes on from it over the new placement.
                    log.LogWarning("Run {Run} epoch {Epoch} stopped at step {Step} to move blocks: {Why}", runId, epoch, move.Step, move.Text);
                    run.Tell(new AbortRun(runId, $"epoch {epoch} ended to move blocks: {move.Text}"));
                    await AbandonAsync(system, writer, listener); // (the coordinator's "move" event is in the history already)
                    moving = move;
                    pending = null;
                    epoch++;
                    continue;
                }
                if (end.Completed is { } c)
                {
                    StartupTrace.Mark("cluster: run completed");
                    completed = c;
                    break;
                }
                var interruption = end.Interrupted!;
                if (recoveries.Count >= options.MaxRecoveries)
                    throw new RunFailedException($"{interruption.Error}; the run already recovered {recoveries.Count} time{(recoveries.Count == 1 ? "" : "s")} (the limit), so it stops here");
                log.LogWarning("Run {Run} epoch {Epoch} interrupted: {Error}; recovering{How}", runId, epoch, interruption.Error,
                    checkpointDirectory.Length > 0 ? " from the last checkpoint" : " (no checkpoints: from the start)");
                run.Tell(new AbortRun(runId, $"epoch {epoch} interrupted: {interruption.Error}"));
                await AbandonAsync(system, writer, listener);
                history.AddEvent(new Monitoring.RunEvent(Monitoring.RunEventKinds.Failure, DateTimeOffset.UtcNow, interruption.StepReached, interruption.TReached,
                    $"epoch {epoch}: {interruption.Error}"));
                pending = interruption;
                epoch++;
            }
            var result = new RunResult(completed.Status, completed.Reason, options.OutputDirectory, completed.T,
                accepted.Columns.Select((name, i) => (name, completed.FinalState[i])).ToDictionary(x => x.name, x => x.Item2),
                completed.Counters, completed.Rows, completed.ResultsSha256, clock.Elapsed,
                ParseAnalysis(completed.AnalysisJson ?? accepted.AnalysisJson) ?? new JsonObject());
            if (options.Owns?.Invoke() == false) throw new RunFailedException("another node has taken the run over; this driver's outputs are not kept");
            record.WriteCompleted(result);
            return result;
        }
        catch (Exception e) when (e is RunFailedException or OperationCanceledException)
        {
            var failure = e as RunFailedException ?? new RunFailedException(
                record.Extra["recoveries"] is JsonArray { Count: > 0 } ? "the run was cancelled while it was recovering from a failure" : "the run was cancelled before it started", e);
            if (accepted is not null) accepted.Run.Tell(new AbortRun(runId, failure.Message));
            if (options.Owns?.Invoke() != false) record.WriteFailed(clock.Elapsed, failure, accepted is null ? null : ParseAnalysis(accepted.AnalysisJson));
            throw failure;
        }
        finally
        {
            var leave = LeaveAsync(node, system);
            if (options.DeferShutdown is { } defer) defer(leave);
            else await leave;
        }
    }

    /// <summary>The submitter leaves the cluster (its links flushed first), then its actor system stops.</summary>
    private static async Task LeaveAsync(ClusterNode? node, ActorSystem system)
    {
        if (node is not null) await node.DisposeAsync();
        StartupTrace.Mark("cluster: left");
        await system.ShutdownAsync(TimeSpan.FromSeconds(10));
        StartupTrace.Mark("cluster: actor system shut down");
    }

    /// <summary>Submits; a recovery (epoch &gt; 0) tries again a few times, since the cluster may still be settling after the loss.</summary>
    private static async Task<RunAccepted> SubmitWithRetriesAsync(ActorSystem system, ClusterNode node, SubmitRun submit, ClusterRunOptions options,
        ChannelReader<object> events, ILogger log, SeedRunHistory? seed, CancellationToken cancellation)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await SubmitAsync(system, node, submit, options, events, cancellation, seed);
            }
            catch (RunFailedException e) when (submit.Epoch > 0 && attempt < 5)
            {
                log.LogWarning("Run {Run} epoch {Epoch}: submission attempt {Attempt} failed ({Error}); trying again", submit.RunId, submit.Epoch, attempt, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
            }
        }
    }

    /// <summary>Waits for a leader and submits to it; retries while leadership moves, until the submit timeout.</summary>
    private static async Task<RunAccepted> SubmitAsync(ActorSystem system, ClusterNode node, SubmitRun submit, ClusterRunOptions options,
        ChannelReader<object> events, CancellationToken cancellation, SeedRunHistory? seed = null)
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
                        "('actorsim node --config <file>'), and check that they use the same seed nodes, cluster id and secret");
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
                // The history first (messages from one sender arrive in order), then the run.
                if (seed is not null) node.ActorFor(leader, NodeActor.Path).Tell(seed);
                // The leader waits up to the submit timeout for workers, then needs time to create the blocks.
                return await node.ActorFor(leader, NodeActor.Path).Ask<RunAccepted>(submit, options.SubmitTimeout + TimeSpan.FromMinutes(2), cancellation);
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

    /// <summary>A listener message of one epoch of the run (messages of older epochs are ignored).</summary>
    private sealed record FromEpoch(int Epoch, object Message);

    private sealed record EpochEnd(RunCompleted? Completed, Interruption? Interrupted, PlannedMove? Moved = null);

    /// <summary>A failure the run recovers from: what was lost, when it was detected, and how far the epoch had come.</summary>
    private sealed class Interruption(string kind, string node, string error, TimeSpan detection, long stepReached, double tReached)
    {
        public string Kind { get; } = kind;
        public string Node { get; } = node;
        public string Error { get; } = error;
        public TimeSpan Detection { get; } = detection;
        public long StepReached { get; } = stepReached;
        public double TReached { get; } = tReached;
        public DateTime DetectedAt { get; } = DateTime.UtcNow;
        public long DetectedTimestamp { get; } = Stopwatch.GetTimestamp();
        public JsonObject? Entry { get; set; }

        public JsonObject ToJson(RunAccepted accepted, int epoch) => new()
        {
            ["epoch"] = epoch,
            ["kind"] = Kind,
            ["node"] = Node.Length > 0 ? Node : null,
            ["error"] = Error,
            ["detected_at"] = DetectedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["detection_s"] = Math.Round(Detection.TotalSeconds, 3),
            ["step_reached"] = StepReached,
            ["t_reached"] = TReached,
            ["resumed_from_step"] = accepted.Resume?.Step ?? 0,
            ["resumed_from_checkpoint"] = accepted.Resume?.Folder,
            ["steps_recomputed"] = Math.Max(0, StepReached - (accepted.Resume?.Step ?? 0)),
            ["restarted_s"] = Math.Round(Stopwatch.GetElapsedTime(DetectedTimestamp).TotalSeconds, 3),
            ["coordinator_node"] = accepted.CoordinatorNode,
            ["checkpoint_warnings"] = new JsonArray(accepted.Warnings.Select(w => (JsonNode?)w).ToArray()),
            ["restored_from"] = accepted.RestoredFrom.Count == 0 ? null
                : new JsonArray(accepted.RestoredFrom.Select(source => (JsonNode?)source).ToArray()),
            ["restore_s"] = accepted.RestoredFrom.Count == 0 ? null : Math.Round(accepted.RestoreMilliseconds / 1000.0, 3),
        };
    }

    /// <summary>
    /// Waits for the end of one epoch: the coordinator's final answer, or an interruption the run can recover from (a lost
    /// coordinator or block node, seen by this node's membership or reported by the leader). A failure of the run itself
    /// ends it with an error.
    /// </summary>
    private static async Task<EpochEnd> WaitForEndAsync(ActorSystem system, ClusterNode node, RunAccepted accepted, int epoch, Channel<object> channel,
        Action<RunProgress>? onProgress, Interruption? recovering, Monitoring.RunMonitor history, ILogger log, bool canMove,
        Func<RunAccepted, BalanceWatch?> newWatch, (JsonObject Entry, long Requested)? lastMove, double threshold, HashSet<(string, long)> lost,
        Action<RunAccepted, JsonObject> movedLive)
    {
        var events = channel.Reader;
        PlannedMove? move = null;
        Monitoring.StepRecord? lastRecord = null;
        var watch = newWatch(accepted);
        HashSet<string> Involved() => accepted.Placement.Append(accepted.CoordinatorNode).ToHashSet(StringComparer.Ordinal);
        var involved = Involved();
        var leaving = new HashSet<string>(StringComparer.Ordinal); // nodes leaving on purpose (their blocks move)
        // A move first asks the run actor to move the blocks live (ClusterRunActor.LiveMove.cs); a run that cannot declines,
        // and the move stops the epoch at its next step instead (every coordinator checkpoints when it stops).
        PlannedMove Begin(string why, string node, string text, string[]? placement = null)
        {
            var planned = new PlannedMove(why, node, text, accepted.Placement) { Placement = placement, Live = true };
            planned.Exclude.AddRange(leaving);
            var target = placement ?? BlockPlacement.Assign(accepted.Placement.Count,
                accepted.Workers.Append(why == "join" ? node : "").Where(w => w.Length > 0 && !leaving.Contains(w)));
            accepted.Run.Tell(new MoveBlocks(accepted.RunId, target, text));
            return planned;
        }
        long stepReached = accepted.Resume?.Step ?? 0;
        double tReached = accepted.Resume?.T ?? 0;
        // How far the epoch has come (from progress at outputs and the per-step records), and when it was back where the
        // interrupted epoch had been.
        void Reached(long step, double t)
        {
            stepReached = Math.Max(stepReached, step);
            tReached = Math.Max(tReached, t);
            if (recovering?.Entry is not { } entry || entry["caught_up_s"] is not null || step < recovering.StepReached) return;
            entry["caught_up_s"] = Math.Round(Stopwatch.GetElapsedTime(recovering.DetectedTimestamp).TotalSeconds, 3);
            log.LogInformation("Run {Run} epoch {Epoch} is back at step {Step}", accepted.RunId, epoch, step);
        }
        while (true)
        {
            var read = events.ReadAsync().AsTask();
            if (await Task.WhenAny(read, system.WhenFaulted()) != read)
            {
                var cause = system.WhenFaulted().Exception?.InnerException ?? new InvalidOperationException("the submitter's actor system failed");
                throw new RunFailedException($"the run failed on the submitting side: {cause.Message}", cause);
            }
            var item = await read;
            // A member lost during the run and heard from again (SIGCONT: the same incarnation) is not worth moving blocks to;
            // the cluster may still remove it. A restarted node is a new incarnation.
            if (item is MemberCrashed crashed) lost.Add((crashed.NodeId, crashed.Incarnation));
            else if (item is MemberLeft gone) lost.Add((gone.NodeId, gone.Incarnation));
            switch (item)
            {
                case FromEpoch f when f.Epoch != epoch:
                    break; // a late message of an interrupted epoch
                case FromEpoch { Message: RunProgress p }:
                    Reached(p.Steps, p.T);
                    onProgress?.Invoke(p);
                    break;
                case FromEpoch { Message: Monitoring.StepRecord r }:
                    lastRecord = r;
                    history.Add(r);
                    Reached(r.Step, r.T);
                    double? judged = watch?.LastImbalance;
                    var proposed = watch?.Observe(r);
                    if (watch?.LastImbalance is { } seen && seen != judged)
                        log.LogInformation("Run {Run}: load imbalance {Imbalance:0.00} over the last window{Proposal}", accepted.RunId, seen,
                            proposed is null ? "" : "; a better placement is confirmed");
                    if (proposed is { } proposal && move is null)
                    {
                        double imbalance = watch!.LastImbalance ?? 0;
                        move = Begin("imbalance", "", $"load imbalance {imbalance:0.00} above {threshold:0.##}: " +
                            $"{proposal.Moves(accepted.Placement)} block{(proposal.Moves(accepted.Placement) == 1 ? "" : "s")} re-placed " +
                            $"(slowest node {proposal.SlowestBefore * 1e3:0.##} -> {proposal.SlowestAfter * 1e3:0.##} ms per step expected)", proposal.Placement);
                        DescribeBalance(move, proposal, imbalance, watch.LastRate, threshold);
                        log.LogWarning("Run {Run}: {Why}; the blocks move at the next step", accepted.RunId, move.Text);
                    }
                    if (lastMove is var (moved, requested) && moved["running_again_s"] is null && r.Step > (long)moved["resumed_from_step"]!)
                    {
                        // The move is over once the new epoch steps: its blocks hold their states and compute again.
                        moved["running_again_s"] = Math.Round(Stopwatch.GetElapsedTime(requested).TotalSeconds, 3);
                    }
                    if (watch?.LastRate is { } rate) RateAfterBalancing(lastMove?.Entry, rate, watch.LastImbalance);
                    break;
                case FromEpoch { Message: Monitoring.RunEvent e }:
                    history.AddEvent(e);
                    break;
                case FromEpoch { Message: Monitoring.FieldPreview f }:
                    history.SetField(f);
                    break;
                case FromEpoch { Message: BlocksMoved m } when move is { Live: true }:
                {
                    // Moved within the epoch: no checkpoint, no restart. The run goes on with the new placement.
                    accepted = accepted with { Placement = m.Placement.ToArray(), Workers = m.Workers.ToArray() };
                    // The nodes the epoch depends on now: a node the blocks left may go (a leaving node does) without harm.
                    involved = Involved();
                    if (m.Blocks.Length == 0)
                    {
                        move = null; // nothing had to move
                        break;
                    }
                    var entry = move.LiveJson(m, epoch);
                    movedLive(accepted, entry);
                    lastMove = (entry, move.RequestedTimestamp);
                    watch = newWatch(accepted);
                    log.LogWarning("Run {Run}: block{S} {Blocks} moved live at step {Step} ({Why}; {Mb:0.#} MB in {Transfer:0.000} s): {Placement}", accepted.RunId,
                        m.Blocks.Length == 1 ? "" : "s", string.Join(", ", m.Blocks), m.Step, move.Text, m.Bytes.Sum() / 1e6, m.TransferS, BlockPlacement.Describe(m.Placement));
                    move = null;
                    // A node that said it was leaving while the blocks moved: its blocks move next.
                    if (leaving.FirstOrDefault(n => m.Placement.Contains(n)) is { } next)
                        move = Begin("leave", next, $"node '{next}' is leaving");
                    break;
                }
                case FromEpoch { Message: MoveDeclined d } when move is { Live: true }:
                    // This run moves its blocks through a checkpoint and the next epoch.
                    move.Live = false;
                    log.LogInformation("Run {Run}: the blocks move through a checkpoint ({Why})", accepted.RunId, d.Reason);
                    accepted.Run.Tell(new StopRun(MoveReasonPrefix + move.Text));
                    break;
                case FromEpoch { Message: RunCompleted c } when move is not null && c.Status == RunStatus.Cancelled && IsMove(c.Reason):
                    move.Step = c.Counters.Accepted;
                    move.T = c.T;
                    move.BarrierS = Stopwatch.GetElapsedTime(move.RequestedTimestamp).TotalSeconds;
                    return new EpochEnd(null, null, move);
                case FromEpoch { Message: RunCompleted c }:
                    // A balancing move near the end: the rate after it from the part of a window there was.
                    if (watch?.Partial(lastRecord) is { } partial) RateAfterBalancing(lastMove?.Entry, partial.Rate, partial.Imbalance);
                    return new EpochEnd(c, null);
                case MemberJoined j when canMove && move is null && !involved.Contains(j.NodeId) && accepted.Placement.Count > accepted.Workers.Count
                                         && !lost.Contains((j.NodeId, j.Incarnation)):
                    CheckJoined(node, j.NodeId, channel.Writer);
                    break;
                case FromEpoch { Message: NodeLeaving l } when accepted.Placement.Contains(l.NodeId):
                    // A node leaving on purpose: its blocks move at the next step (it leaves once they are released).
                    leaving.Add(l.NodeId);
                    log.LogWarning("Run {Run}: node '{Node}' is leaving; its blocks move at the next step", accepted.RunId, l.NodeId);
                    if (move is null) move = Begin("leave", l.NodeId, $"node '{l.NodeId}' is leaving");
                    else if (!move.Live && !move.Exclude.Contains(l.NodeId)) move.Exclude.Add(l.NodeId); // (a live move in flight: the next one takes it)
                    break;
                case WorkerJoined w when move is null && !involved.Contains(w.NodeId) && accepted.Placement.Count > accepted.Workers.Count:
                    move = Begin("join", w.NodeId, $"worker '{w.NodeId}' joined");
                    log.LogWarning("Run {Run}: worker '{Node}' joined; the blocks move at the next step ({Blocks} blocks on {Workers} workers now)", accepted.RunId, w.NodeId,
                        accepted.Placement.Count, accepted.Workers.Count);
                    break;
                case FromEpoch { Message: RunFailed { Recoverable: true } f }:
                    return new EpochEnd(null, new Interruption("node lost", f.Node, f.Error, TimeSpan.FromMilliseconds(f.DetectionMilliseconds), stepReached, tReached));
                case FromEpoch { Message: RunFailed f }:
                    throw new RunFailedException(f.Error);
                case MemberCrashed c when involved.Contains(c.NodeId):
                    return new EpochEnd(null, NodeLost(accepted, c.NodeId, $"crashed ({c.Reason})", c.SilentFor, stepReached, tReached));
                case MemberLeft l when involved.Contains(l.NodeId):
                    return new EpochEnd(null, NodeLost(accepted, l.NodeId, "left the cluster", TimeSpan.Zero, stepReached, tReached));
            }
        }
    }

    private static Interruption NodeLost(RunAccepted accepted, string node, string what, TimeSpan silent, long step, double t)
    {
        bool coordinator = node == accepted.CoordinatorNode;
        var message = ClusterRunActor.NodeLostMessage(accepted.RunId, node, what, BlockPlacement.BlocksOf(accepted.Placement, node), coordinator);
        return new Interruption(coordinator ? "coordinator lost" : "node lost", node, message, silent, step, t);
    }

    /// <summary>Closes an interrupted epoch's outputs (the next epoch continues them from its checkpoint) and stops its actors.</summary>
    private static async Task AbandonAsync(ActorSystem system, IActorRef writer, IActorRef listener)
    {
        try
        {
            await writer.Ask<OutputAbandoned>(new AbandonOutput(), TimeSpan.FromSeconds(30));
        }
        catch (AskTimeoutException e)
        {
            throw new RunFailedException($"the output writer did not close its files within 30 s: {e.Message}", e);
        }
        system.Stop(writer);
        system.Stop(listener);
    }

    /// <summary>
    /// The run's checkpoint directory, which every node must reach: the scenario's <c>run.checkpoint.directory</c> when it is
    /// an absolute path, otherwise <c>&lt;the cluster's checkpoint_dir&gt;/&lt;run id&gt;</c>; empty when the scenario asks for no checkpoints.
    /// With node-local checkpoints the relative <c>&lt;run id&gt;</c> instead: each node puts it under its own checkpoint_dir.
    /// </summary>
    private static string CheckpointDirectoryFor(Scenario scenario, ClusterRunOptions options, string runId)
    {
        if (scenario.Run.Checkpoint is not { } c) return "";
        if (c.Directory is { } d && Path.IsPathRooted(d)) return d;
        if (options.NodeLocalCheckpoints) return runId;
        if (string.IsNullOrEmpty(options.CheckpointDirectory))
            throw new RunFailedException($"{scenario.SourceFile}: run.checkpoint needs a checkpoint directory every node can reach: set checkpoint_dir in the cluster config or an absolute run.checkpoint.directory");
        return Path.Combine(Path.GetFullPath(options.CheckpointDirectory), runId);
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
