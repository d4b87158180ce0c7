using ActorSim.Simulation.Monitoring;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// The monitoring hook of a cluster run: the coordinator's progress listener is the run actor, which passes
/// <see cref="RunProgress"/> on to the submitter's listener and feeds <see cref="StepRecord"/>s (stamped with the
/// oldest heartbeat among the run's nodes), <see cref="RunEvent"/>s and <see cref="FieldPreview"/>s into its node's
/// <see cref="RunMonitor"/> (kept by the <see cref="NodeActor"/>, asked with <see cref="RunStatusRequest"/>).
/// </summary>
internal sealed partial class ClusterRunActor
{
    private void ForwardMonitoring(object message)
    {
        switch (message)
        {
            case RunProgress progress:
                _listener?.Tell(progress, Self);
                break;
            case StepRecord record:
                var stamped = record with { HeartbeatAgeS = OldestHeartbeat() };
                ToMonitor(stamped);
                break;
            default:
                ToMonitor(message);
                break;
        }
    }

    private void ToMonitor(object item)
    {
        Context.Parent?.Tell(new MonitorItem(RunId, item), Self);
        // The submitter keeps the history too, to seed a successor coordinator after a failover.
        if (item is StepRecord or RunEvent or FieldPreview) _listener?.Tell(item, Self);
    }

    private void MonitorStarted()
    {
        int? blocks = BlockModels.BlockCount(_model);
        ToMonitor(new RunInfo(RunId, _scenario.Model, _scenario.SourceFile, _scenario.Time.End, blocks, "cluster", _placement.Length > 0 ? _placement : null));
        if (Epoch == 0)
            ToMonitor(new RunEvent(RunEventKinds.Started, DateTimeOffset.UtcNow, 0, 0,
                $"run {RunId} started on coordinator '{_self.NodeId}'" + (_workers.Length > 0 ? $" with workers {string.Join(", ", _workers)}" : "") + Stepping()));
        else
            ToMonitor(new RunEvent(_submit.EpochReason.Length > 0 ? RunEventKinds.Move : RunEventKinds.Recovery, DateTimeOffset.UtcNow,
                _resume?.Manifest.Step ?? 0, _resume?.Manifest.T ?? 0,
                $"run {RunId} continues in epoch {Epoch} on coordinator '{_self.NodeId}'" + (_workers.Length > 0 ? $" with workers {string.Join(", ", _workers)}" : "") + Stepping() +
                (_resume is { } r ? $" from the checkpoint at step {r.Manifest.Step}" : " from the start") +
                (_submit.EpochReason.Length > 0 ? $" ({_submit.EpochReason}; the blocks moved, no step repeated)" : "")));
    }

    /// <summary>", stepped beside its blocks on node 'X'" when the coordinator runs there (ClusterRunActor.BesideBlocks.cs).</summary>
    private string Stepping() => SteppingNode != _self.NodeId ? $", stepped beside its blocks on node '{SteppingNode}'" : "";

    private void MonitorEnded(RunCompleted completed) =>
        ToMonitor(completed.Status == RunStatus.Cancelled && ClusterRunner.IsMove(completed.Reason)
            ? new RunEvent(RunEventKinds.Move, DateTimeOffset.UtcNow, completed.Counters.Accepted, completed.T,
                $"epoch {Epoch} stopped at step {completed.Counters.Accepted} with a checkpoint: {completed.Reason}")
            : new RunEvent(completed.Status == RunStatus.Completed ? RunEventKinds.Completed : RunEventKinds.Cancelled, DateTimeOffset.UtcNow,
                completed.Counters.Accepted, completed.T, completed.Status == RunStatus.Completed ? "run completed" : $"run cancelled: {completed.Reason}"));

    private void MonitorFailed(string error, bool recoverable) =>
        ToMonitor(new RunEvent(recoverable ? RunEventKinds.Failure : RunEventKinds.Failed, DateTimeOffset.UtcNow, null, null, error));

    /// <summary>The oldest heartbeat, in seconds, among the nodes holding blocks of this run (null: none).</summary>
    private double? OldestHeartbeat()
    {
        var cluster = ActorSim.Actors.Remote.ClusterNode.Of(Context.System);
        if (cluster is null || _workers.Length == 0) return null;
        double? oldest = null;
        foreach (var member in cluster.Members)
            if (Array.IndexOf(_workers, member.NodeId) >= 0)
                oldest = Math.Max(oldest ?? 0, member.SinceLastHeartbeat.TotalSeconds);
        return oldest;
    }
}
