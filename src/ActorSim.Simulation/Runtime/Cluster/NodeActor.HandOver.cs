using Akka.Actor;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// The hand-over side of the node actor: on <see cref="HandOverBlocks"/> (the node is leaving on purpose) it tells the run
/// actor of every run it hosts blocks of that it is leaving (<see cref="NodeLeaving"/>), and answers
/// <see cref="BlocksHandedOver"/> once each of those runs has released its blocks here or declined
/// (<see cref="HandOverDeclined"/>). Runs this node coordinates are not handed over (they recover after it left).
/// </summary>
public sealed partial class NodeActor
{
    private readonly Dictionary<string, IActorRef> _runActors = new(StringComparer.Ordinal);
    private readonly HashSet<string> _handingOver = new(StringComparer.Ordinal);
    private readonly List<string> _declined = new();
    private IActorRef? _handOverRequester;
    private int _handOverRuns;

    private void OnHandOver()
    {
        _handOverRequester = Sender;
        foreach (var (run, hosted) in _hosted)
        {
            if (hosted.CoordinatorNode == _info.NodeId || !_runActors.TryGetValue(run, out var actor)) continue;
            _handingOver.Add(run);
            actor.Tell(new NodeLeaving(run, _info.NodeId), Self);
        }
        _handOverRuns = _handingOver.Count;
        MaybeHandedOver();
    }

    private void OnHandOverDeclined(HandOverDeclined declined)
    {
        if (!_handingOver.Remove(declined.RunId)) return;
        _declined.Add($"run {declined.RunId}: {declined.Reason}");
        MaybeHandedOver();
    }

    /// <summary>This node no longer hosts blocks of <paramref name="runId"/> (released, dropped, or replaced).</summary>
    private void NoLongerHosting(string runId)
    {
        _runActors.Remove(runId);
        if (_handingOver.Remove(runId)) MaybeHandedOver();
    }

    private void MaybeHandedOver()
    {
        if (_handOverRequester is null || _handingOver.Count > 0) return;
        _handOverRequester.Tell(new BlocksHandedOver(_handOverRuns - _declined.Count, _declined.ToArray()), Self);
        _handOverRequester = null;
    }
}
