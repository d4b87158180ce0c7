using ActorSim.Simulation.Monitoring;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// The monitoring side of the node actor: a <see cref="RunMonitor"/> per run this node coordinates (fed by the run's
/// <see cref="ClusterRunActor"/> through <see cref="MonitorItem"/>s; the newest <see cref="KeptRuns"/> runs are kept after
/// they end), and the answers to <see cref="NodeStatusRequest"/> and <see cref="RunStatusRequest"/>.
/// </summary>
public sealed partial class NodeActor
{
    /// <summary>How many runs' monitors a node keeps (the oldest finished ones are dropped first).</summary>
    public const int KeptRuns = 20;

    private readonly Dictionary<string, RunMonitor> _monitors = new(StringComparer.Ordinal);
    private readonly List<string> _monitorOrder = new();
    private readonly Dictionary<string, int[]> _hostedBlocks = new(StringComparer.Ordinal);
    private readonly ProcessSampler _sampler = new();

    private RunMonitor MonitorFor(string runId, RunInfo? info)
    {
        if (_monitors.TryGetValue(runId, out var monitor))
        {
            if (info is not null) monitor.UpdateInfo(info);
            return monitor;
        }
        monitor = new RunMonitor(info ?? new RunInfo(runId, "", "", 0, null, "cluster"));
        _monitors[runId] = monitor;
        _monitorOrder.Add(runId);
        RunMonitorRegistry.Announce(monitor);
        while (_monitorOrder.Count > KeptRuns)
        {
            string oldest = _monitorOrder.FirstOrDefault(r => _monitors[r].Status != RunStates.Running) ?? _monitorOrder[0];
            _monitorOrder.Remove(oldest);
            _monitors.Remove(oldest);
        }
        return monitor;
    }

    private void OnMonitorItem(MonitorItem item)
    {
        switch (item.Item)
        {
            case RunInfo info: MonitorFor(item.RunId, info); break;
            case StepRecord record: MonitorFor(item.RunId, null).Add(record); break;
            case RunEvent e: MonitorFor(item.RunId, null).AddEvent(e); break;
            case FieldPreview field: MonitorFor(item.RunId, null).SetField(field); break;
        }
    }

    private void OnSeedMonitor(SeedRunHistory seed) =>
        MonitorFor(seed.RunId, seed.Snapshot.Info).Seed(seed.Snapshot.History, seed.Snapshot.Events, seed.Snapshot.Field);

    private void OnNodeStatus()
    {
        var (cpu, workingSet) = _sampler.Sample();
        foreach (var gone in _hostedBlocks.Keys.Where(r => !_hosted.ContainsKey(r)).ToArray()) _hostedBlocks.Remove(gone);
        var hosted = _hostedBlocks.Where(h => _hosted.ContainsKey(h.Key)).Select(h => new HostedRun(h.Key, h.Value)).ToArray();
        var coordinated = _monitors.Where(m => m.Value.Status == RunStates.Running).Select(m => m.Key).ToArray();
        Sender?.Tell(new NodeStatus(_info.NodeId, _info.Roles, ActorSim.Actors.Remote.ClusterNode.Of(Context.System)?.IsLeader ?? false, _info.Processors, _info.Version,
            cpu, workingSet, coordinated, hosted) { DrivenRuns = _driving.Keys.Order(StringComparer.Ordinal).ToArray() }, Self);
    }

    private void OnRunStatus(RunStatusRequest request) =>
        Sender?.Tell(new RunStatusReply(_info.NodeId, _monitorOrder.Select(r => _monitors[r].Snapshot(request.MaxRecords)).ToArray()), Self);
}
