using ActorSim.Actors.Remote.Wire;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// A node leaving on purpose (SIGTERM, Ctrl-C) hands its blocks over before it goes: its <see cref="NodeActor"/> tells the
/// run actor of each run it hosts blocks of (<see cref="NodeLeaving"/>), which passes it on to the submitter; the
/// submitter moves the blocks at the next step (a checkpoint there, the next epoch placed without the node, no step
/// repeated). The run actor answers at once (<see cref="HandOverAccepted"/>, or <see cref="HandOverDeclined"/>: a run
/// without checkpoints, or not running); the node leaves once the accepted runs released its blocks, when no answer came
/// within a few seconds (a run actor that is gone), or after its whole wait ran out.
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="NodeId">The leaving node.</param>
public sealed record NodeLeaving(string RunId, string NodeId);

/// <summary>Run actor to a leaving node: the run cannot move its blocks (no checkpoints, or not running): leave as is.</summary>
public sealed record HandOverDeclined(string RunId, string Reason);

/// <summary>Run actor to a leaving node: the submitter was told; the blocks will be released after the next step.</summary>
public sealed record HandOverAccepted(string RunId);

/// <summary>Node host to its own <see cref="NodeActor"/> (local): hand the hosted blocks over; answered with <see cref="BlocksHandedOver"/>.</summary>
public sealed record HandOverBlocks;

/// <summary>The node hosts no blocks any more that could move (<paramref name="Runs"/> runs were handed over) and drives no run
/// (<paramref name="Drives"/> runs it drove stopped at a step with a checkpoint, for the next leader to take over).</summary>
public sealed record BlocksHandedOver(int Runs, IReadOnlyList<string> Declined, int Drives = 0);

/// <summary>The wire contracts of the hand-over (ids 152–154).</summary>
public static class HandOverWire
{
    public const int NodeLeavingId = 152;
    public const int HandOverDeclinedId = 153;
    public const int HandOverAcceptedId = 154;

    public static void Register(WireRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register<NodeLeaving>(NodeLeavingId, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            w.WriteString(2, m.NodeId);
        }, static (ref WireReader r, int _) =>
        {
            var (run, node) = ClusterWire.TwoStrings(ref r);
            return new NodeLeaving(run, node);
        });
        registry.Register<HandOverDeclined>(HandOverDeclinedId, 1, static (m, w) =>
        {
            w.WriteString(1, m.RunId);
            w.WriteString(2, m.Reason);
        }, static (ref WireReader r, int _) =>
        {
            var (run, reason) = ClusterWire.TwoStrings(ref r);
            return new HandOverDeclined(run, reason);
        });
        registry.Register<HandOverAccepted>(HandOverAcceptedId, 1, static (m, w) => w.WriteString(1, m.RunId), static (ref WireReader r, int _) =>
        {
            var (run, _) = ClusterWire.TwoStrings(ref r);
            return new HandOverAccepted(run);
        });
    }
}
