using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>Block host to its node actor (local): the blocks of the run this node hosts now (empty: none, the host can go).</summary>
internal sealed record HostedBlocksChanged(string RunId, int[] Blocks);

/// <summary>
/// The block host's side of a live move (ClusterRunActor.LiveMove.cs): it adds blocks built for restore (their states
/// come from their old actors on other nodes) and keeps them out of its fan-out until they answer that their state is
/// loaded (the run goes on meanwhile, with the old actors); it hands a block over: the block sends its state to its new
/// actor, and from then on the host's fan-out no longer reaches it (the coordinator holds at the barrier until every
/// moved block is restored, so no round is in flight meanwhile); the old actor is kept, to send its state again if the
/// run actor asks, until the run goes on here (the next fan-out) or this node's part of the run is released.
/// </summary>
internal sealed partial class RunBlocksActor
{
    private int[] _ids = []; // the block index of each of _blocks
    private int _added;
    private readonly Dictionary<int, IActorRef> _incoming = new(); // blocks moving here, until their state is loaded
    private readonly Dictionary<int, IActorRef> _leaving = new(); // blocks that moved away, until the run goes on

    private void AddBlocks(CreateBlocks adding)
    {
        var refs = new IActorRef[adding.Blocks.Length];
        for (int i = 0; i < refs.Length; i++)
        {
            int block = adding.Blocks[i];
            if (Array.IndexOf(_ids, block) >= 0 || _incoming.ContainsKey(block))
            {
                Sender.Tell(new Status.Failure(new InvalidOperationException($"node '{nodeId}' already holds block {block} of run {create.RunId}")), Self);
                return;
            }
            // A new name each time: a block that left this node may still be stopping under its old one.
            refs[i] = Context.ActorOf(BlockModels.BlockProps(model, block, nodeId, forRestore: true), $"block-{block}-m{++_added}");
        }
        for (int i = 0; i < refs.Length; i++) _incoming[adding.Blocks[i]] = refs[i];
        Sender.Tell(new BlocksCreated(create.RunId, nodeId, adding.Blocks, refs, Self), Self);
        Log.LogInformation("Node '{Node}': run {Run}: blocks {Blocks} move here", nodeId, create.RunId, string.Join(", ", adding.Blocks));
    }

    /// <summary>A block that moved here loaded its state (or could not): it joins the fan-out; the run actor hears of it.</summary>
    private void Arrived(BlockRestored restored)
    {
        if (restored.Error.Length == 0 && _incoming.Remove(restored.Block, out var block))
        {
            _blocks = [.. _blocks, block];
            _ids = [.. _ids, restored.Block];
            Context.Parent.Tell(new HostedBlocksChanged(create.RunId, _ids), Self);
        }
        create.Run.Tell(restored, Self);
    }

    private void HandOver(HandBlockOver handOver)
    {
        if (_leaving.TryGetValue(handOver.Block, out var leaving))
        {
            leaving.Tell(handOver, Self); // asked again (the state did not arrive): it still holds it, unchanged
            return;
        }
        int i = Array.IndexOf(_ids, handOver.Block);
        if (i < 0)
        {
            handOver.ReplyTo.Tell(new BlockRestored(handOver.Block, handOver.Step, $"node '{nodeId}' does not hold block {handOver.Block} of run {create.RunId}"), Self);
            return;
        }
        // A node that has just joined may not be known here yet (membership spreads by gossip): a state sent now would be
        // dropped as addressed to a stranger. Wait for it (the run actor gives the whole move a minute).
        if (handOver.Target is ActorSim.Actors.Remote.RemoteActorRef remote && ActorSim.Actors.Remote.ClusterNode.Of(Context.System) is { } cluster
            && !cluster.Members.Any(m => m.NodeId == remote.Address.NodeId))
        {
            Context.System.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(20), Self, handOver, Sender);
            return;
        }
        var block = _blocks[i];
        block.Tell(handOver, Self);
        // Out of the fan-out at once; the actor stays until the move is over (the run's next round here, or its release), so
        // that it can send its state again if asked.
        _leaving[handOver.Block] = block;
        _blocks = _blocks.Where((_, j) => j != i).ToArray();
        _ids = _ids.Where((_, j) => j != i).ToArray();
        Context.Parent.Tell(new HostedBlocksChanged(create.RunId, _ids), Self);
    }

    /// <summary>The run goes on (a round or a checkpoint reached this host): the blocks that moved away are stopped.</summary>
    private void MovedOut()
    {
        if (_leaving.Count == 0) return;
        foreach (var block in _leaving.Values) Context.Stop(block);
        _leaving.Clear();
    }
}
