using ActorSim.Actors.Trees;
using Akka.Actor;

namespace ActorSim.Simulation.Runtime.Cluster;

/// <summary>
/// The blocks of a cluster run reached through a <see cref="NodeGatherTree"/>: a round (<see cref="Particles.BlockRound"/>)
/// goes to the tree's root as a <see cref="TreeBroadcast"/> and comes back as one <see cref="Gathered"/>; every other
/// message (checkpoint requests, restores, snapshots) goes once to each node's block host as without the tree
/// (<see cref="NodeFanoutBlockSet"/>), and the blocks answer the sender directly.
/// </summary>
internal sealed class NodeTreeBlockSet(NodeFanoutBlockSet flat, IActorRef root) : BlockSet(flat.Blocks)
{
    public override void TellAll(object message, IActorRef sender)
    {
        if (message is Particles.BlockRound round) root.Tell(new TreeBroadcast(round.Seq, round), sender);
        else flat.TellAll(message, sender);
    }
}
