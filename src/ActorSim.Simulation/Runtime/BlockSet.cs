using ActorSim.Actors;
using Akka.Actor;

namespace ActorSim.Simulation.Runtime;

/// <summary>
/// The block actors of a run as a coordinator sees them: each by block index, and a way to send one message to all of
/// them. In process that is a loop; in a cluster run the message goes once to each node that holds blocks, and that
/// node hands it to its blocks (<c>Cluster.BlockFanout</c>), so a round costs one frame per node instead of one per
/// block, and bulk arrays cross the network once per node.
/// </summary>
public class BlockSet
{
    public BlockSet(IReadOnlyList<IActorRef> blocks) => Blocks = blocks;

    /// <summary>The block actors, by block index.</summary>
    public IReadOnlyList<IActorRef> Blocks { get; }

    /// <summary>Sends <paramref name="message"/> to every block (each sees <paramref name="sender"/> as its sender).</summary>
    public virtual void TellAll(object message, IActorRef sender)
    {
        foreach (var b in Blocks) b.Tell(message, sender);
    }
}
