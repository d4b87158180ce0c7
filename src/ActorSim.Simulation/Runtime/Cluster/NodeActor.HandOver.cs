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
    private readonly HashSet<string> _handOverAnswered = new(StringComparer.Ordinal);
    private IActorRef? _handOverRequester;
    private int _handOverRuns;

    /// <summary>How long a run actor has to answer <see cref="NodeLeaving"/> before the node stops waiting for that run.</summary>
    private static readonly TimeSpan HandOverAnswerTimeout = TimeSpan.FromSeconds(5);

    private sealed record HandOverCheck;

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
        HandOverDrives(); // the runs this node drives stop at their next step; another node goes on from there
        if (_handingOver.Count > 0) Timers.StartSingleTimer("hand-over", new HandOverCheck(), HandOverAnswerTimeout);
        MaybeHandedOver();
    }

    private void OnHandOverAccepted(HandOverAccepted accepted) => _handOverAnswered.Add(accepted.RunId);

    /// <summary>Runs whose actor did not answer (gone, or unreachable) are not waited for.</summary>
    private void OnHandOverCheck()
    {
        foreach (var run in _handingOver.Where(r => !_handOverAnswered.Contains(r)).ToArray())
        {
            _handingOver.Remove(run);
            _declined.Add($"run {run}: its coordinator did not answer within {HandOverAnswerTimeout.TotalSeconds:0} s");
        }
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
        if (_handOverRequester is null || _handingOver.Count > 0 || _drivesHandingOver.Count > 0) return;
        _handOverRequester.Tell(new BlocksHandedOver(_handOverRuns - _declined.Count, _declined.ToArray(), _drivesHandedOver), Self);
        _handOverRequester = null;
    }
}
