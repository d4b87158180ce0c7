using ActorSim.Simulation.Monitoring;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>To a node's <see cref="NodeActor"/>: how are you? Answered with <see cref="NodeStatus"/>.</summary>
public sealed record NodeStatusRequest;

/// <summary>The blocks of one run a node hosts.</summary>
public sealed record HostedRun(string RunId, int[] Blocks);

/// <summary>
/// A node's health as it reports it: roles, whether it leads, its process's CPU use (percent of all cores, since the
/// previous request or over the process's life) and working set, and the runs it coordinates or hosts blocks of.
/// <paramref name="HeartbeatAgeS"/> is filled in by the asker from its own membership view (null: not known).
/// </summary>
public sealed record NodeStatus(string NodeId, IReadOnlyList<string> Roles, bool IsLeader, int Processors, string Version,
    double CpuPercent, long WorkingSetBytes, IReadOnlyList<string> CoordinatedRuns, IReadOnlyList<HostedRun> HostedRuns)
{
    public double? HeartbeatAgeS { get; init; }

    /// <summary>The runs this node drives (handed to the cluster with <c>run --detach</c>).</summary>
    public IReadOnlyList<string> DrivenRuns { get; init; } = [];
}

/// <summary>To a node's <see cref="NodeActor"/>: the monitors of the runs it coordinates (history limited to the newest
/// <paramref name="MaxRecords"/> records, 0: all). Answered with <see cref="RunStatusReply"/>.</summary>
public sealed record RunStatusRequest(int MaxRecords);

/// <summary>The snapshots of the runs a node coordinates (or has coordinated recently).</summary>
public sealed record RunStatusReply(string NodeId, IReadOnlyList<RunMonitorSnapshot> Runs);

/// <summary>Run actor to its node's <see cref="NodeActor"/> (local only): feed this item (<see cref="RunInfo"/>,
/// <see cref="StepRecord"/>, <see cref="RunEvent"/>, <see cref="FieldPreview"/>) into the run's monitor.</summary>
internal sealed record MonitorItem(string RunId, object Item);

/// <summary>
/// Submitter to the leader's <see cref="NodeActor"/>, before it submits the next epoch of a recovered run: the run's
/// history as the submitter kept it, so the monitor of a coordinator that took over after a failover shows the past too.
/// </summary>
public sealed record SeedRunHistory(string RunId, RunMonitorSnapshot Snapshot);
