using System.Diagnostics;
using System.Security.Cryptography;
using ActorSim.Actors;
using Akka.Actor;
using ActorSim.Actors.Remote;
using ActorSim.Actors.Remote.Transport;
using ActorSim.Simulation.Monitoring;
using Microsoft.Extensions.Logging;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>What <see cref="ClusterMonitorClient.QueryAsync"/> saw: every simulation node's status and every run's monitor.</summary>
public sealed record ClusterView(string ClusterId, string? Leader, IReadOnlyList<NodeStatus> Nodes, IReadOnlyList<RunMonitorSnapshot> Runs);

/// <summary>
/// Watches a cluster for <c>actorsim status --cluster</c> and <c>actorsim dashboard --cluster</c>: joins it as a node that
/// never leads and hosts nothing (as <see cref="ClusterRunner"/>'s submitter does), asks every member's
/// <see cref="NodeActor"/> for its <see cref="NodeStatus"/> and its runs' monitors (<see cref="RunStatusRequest"/>), and
/// adds the heartbeat age of each node as this client's membership sees it. Dispose to leave.
/// </summary>
public sealed class ClusterMonitorClient : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly ClusterNode _node;

    private ClusterMonitorClient(ActorSystem system, ClusterNode node)
    {
        _system = system;
        _node = node;
    }

    /// <summary>This client's node id.</summary>
    public string NodeId => _node.NodeId;

    /// <summary>How long to wait for one node's answer.</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Joins the cluster of <paramref name="options"/> (its output directory is not used) and waits until a leader is known or
    /// <paramref name="settle"/> has passed, so that the membership has heard from the running nodes.</summary>
    /// <exception cref="ClusterConfigurationException">Cannot join.</exception>
    public static async Task<ClusterMonitorClient> ConnectAsync(ClusterRunOptions options, TimeSpan settle, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var id = $"status-{ClusterSettingsLoader.DefaultNodeName()}-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))}";
        var system = ActorRuntime.CreateLocal("actorsim-status", options.LoggerFactory);
        try
        {
            var clusterOptions = new ClusterOptions(options.ClusterId, id, options.Secret)
            {
                LeaderCandidate = false,
                HeartbeatInterval = options.HeartbeatInterval,
                FailureTimeout = options.FailureTimeout,
            };
            var node = await ClusterNode.StartAsync(system, clusterOptions, options.Transport(), SimulationWire.CreateRegistry(), cancellation).ConfigureAwait(false);
            var deadline = Stopwatch.GetTimestamp() + (long)(settle.TotalSeconds * Stopwatch.Frequency);
            while (node.Leader is null && Stopwatch.GetTimestamp() < deadline)
                await Task.Delay(50, cancellation).ConfigureAwait(false);
            // One more heartbeat interval so that the other members have announced themselves too.
            await Task.Delay(options.HeartbeatInterval * 2, cancellation).ConfigureAwait(false);
            return new ClusterMonitorClient(system, node);
        }
        catch
        {
            await system.ShutdownAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Asks every member (but other clients) for its status and its runs' monitors (the newest <paramref name="maxRecords"/> records each, 0: all).</summary>
    public async Task<ClusterView> QueryAsync(int maxRecords, CancellationToken cancellation = default)
    {
        var members = _node.Members.Where(m => m.NodeId != _node.NodeId).ToArray();
        var asks = members.Select(async member =>
        {
            var target = _node.ActorFor(member.NodeId, NodeActor.Path);
            try
            {
                var status = target.Ask<NodeStatus>(new NodeStatusRequest(), AskTimeout, cancellation);
                var runs = target.Ask<RunStatusReply>(new RunStatusRequest(maxRecords), AskTimeout, cancellation);
                await Task.WhenAll(status, runs).ConfigureAwait(false);
                return ((NodeStatus Status, RunStatusReply Runs)?)(status.Result with { HeartbeatAgeS = member.SinceLastHeartbeat.TotalSeconds }, runs.Result);
            }
            catch (Exception e) when (e is AskTimeoutException or RemoteActorException or InvalidOperationException or OperationCanceledException)
            {
                return ((NodeStatus Status, RunStatusReply Runs)?)null; // not a simulation node (another client), or gone
            }
        }).ToArray();
        var answers = (await Task.WhenAll(asks).ConfigureAwait(false)).OfType<(NodeStatus Status, RunStatusReply Runs)>().ToArray();
        // A run is reported by the node that coordinates it; after a failover two nodes may know it: keep the newer view.
        var runs = answers.SelectMany(a => a.Runs.Runs)
            .GroupBy(r => r.Info.RunId)
            .Select(g => g.OrderByDescending(r => r.Latest?.WallS ?? -1).ThenByDescending(r => r.Events.Count).First())
            .OrderBy(r => r.Info.RunId, StringComparer.Ordinal)
            .ToArray();
        return new ClusterView(_node.ClusterId, _node.Leader, answers.Select(a => a.Status).OrderBy(n => n.NodeId, StringComparer.Ordinal).ToArray(), runs);
    }

    /// <summary>
    /// Hands a run to the cluster (<c>run --detach</c>): asks the leader to drive it; the answer comes once its blocks are placed
    /// (state <c>running</c>) or it was refused or failed. Waits up to <paramref name="leaderWait"/> for a leader.
    /// </summary>
    /// <exception cref="RunFailedException">No leader, or it did not answer within <paramref name="timeout"/>.</exception>
    public async Task<DrivenRunStatus> DriveAsync(DriveRun drive, TimeSpan leaderWait, TimeSpan timeout, CancellationToken cancellation = default)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(leaderWait.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (_node.Leader is { } leader)
            {
                try
                {
                    return await _node.ActorFor(leader, NodeActor.Path).Ask<DrivenRunStatus>(drive, timeout, cancellation).ConfigureAwait(false);
                }
                catch (Exception e) when (e is AskTimeoutException or RemoteActorException)
                {
                    throw new RunFailedException($"cluster '{_node.ClusterId}' (leader '{leader}') did not take the run: {e.Message}", e);
                }
            }
            if (Stopwatch.GetTimestamp() > deadline)
                throw new RunFailedException($"no node of cluster '{_node.ClusterId}' leads after {leaderWait.TotalSeconds:0.#} s: start nodes with the coordinator role");
            await Task.Delay(50, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What the cluster knows of a driven run: the driving node's answer when it answers (it alone has the progress), else
    /// the newest any node has (an ended run, or one being taken over); state <c>unknown</c> when no node knows it.
    /// With <paramref name="stop"/>, the driving node stops the run at its next step.
    /// </summary>
    public async Task<DrivenRunStatus> QueryDriveAsync(string runId, bool stop = false, CancellationToken cancellation = default)
    {
        var members = _node.Members.Where(m => m.NodeId != _node.NodeId && !NodeActor.IsClientMember(m.NodeId)).ToArray();
        var answers = await Task.WhenAll(members.Select(async member =>
        {
            try
            {
                var info = await _node.ActorFor(member.NodeId, NodeActor.Path).Ask<DrivenRunStatus>(new DriveQuery(runId, stop), AskTimeout, cancellation).ConfigureAwait(false);
                return (Member: member.NodeId, Info: (DrivenRunStatus?)info);
            }
            catch (Exception e) when (e is AskTimeoutException or RemoteActorException or InvalidOperationException)
            {
                return (Member: member.NodeId, Info: (DrivenRunStatus?)null);
            }
        })).ConfigureAwait(false);
        var known = answers.Where(a => a.Info is { State: not DrivenRunStatus.Unknown }).ToArray();
        if (known.Length == 0) return new DrivenRunStatus(runId, "", "", "", DrivenRunStatus.Unknown);
        // The newest epoch anyone knows (a run stopped and resumed goes on in a newer one); in it, an ended run is ended for
        // everyone; otherwise the driver itself, else the newest take-over anyone heard of.
        int epoch = known.Max(a => a.Info!.Epoch);
        known = known.Where(a => a.Info!.Epoch == epoch).ToArray();
        return known.FirstOrDefault(a => !a.Info!.IsRunning).Info
               ?? known.FirstOrDefault(a => a.Info!.DriverNode == a.Member).Info
               ?? known.OrderByDescending(a => a.Info!.TakeOvers).First().Info!;
    }

    /// <summary>
    /// Copies a driven run's output directory (its files, not its checkpoints) from node <paramref name="node"/> into
    /// <paramref name="directory"/> here, a chunk at a time; returns the relative paths copied.
    /// </summary>
    /// <exception cref="RunFailedException">The node cannot serve them.</exception>
    public async Task<IReadOnlyList<string>> FetchOutputAsync(string node, string runId, string directory, CancellationToken cancellation = default)
    {
        var target = _node.ActorFor(node, NodeActor.Path);
        async Task<OutputChunk> Ask(string path, long offset)
        {
            OutputChunk chunk;
            try
            {
                chunk = await target.Ask<OutputChunk>(new FetchOutput(runId, path, offset), AskTimeout + TimeSpan.FromSeconds(10), cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (e is AskTimeoutException or RemoteActorException)
            {
                throw new RunFailedException($"node '{node}' did not send the outputs of run {runId}: {e.Message}", e);
            }
            return chunk.Error.Length > 0 ? throw new RunFailedException(chunk.Error) : chunk;
        }
        var files = (await Ask("", 0).ConfigureAwait(false)).Files;
        foreach (var relative in files)
        {
            string local = Path.Combine(directory, relative.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            await using var output = new FileStream(local + ".part", FileMode.Create, FileAccess.Write);
            long offset = 0;
            while (true)
            {
                var chunk = await Ask(relative, offset).ConfigureAwait(false);
                await output.WriteAsync(chunk.Bytes, cancellation).ConfigureAwait(false);
                offset += chunk.Bytes.Length;
                if (offset >= chunk.Length || chunk.Bytes.Length == 0) break;
            }
            await output.DisposeAsync().ConfigureAwait(false);
            File.Move(local + ".part", local, overwrite: true);
        }
        return files;
    }

    public async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync().ConfigureAwait(false);
        await _system.ShutdownAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }
}
