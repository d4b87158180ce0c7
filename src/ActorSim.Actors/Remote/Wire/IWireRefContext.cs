using Akka.Actor;
namespace ActorSim.Actors.Remote.Wire;

/// <summary>Turns actor refs into node-addressable (node, path) pairs and back; provided by the cluster node.</summary>
public interface IWireRefContext
{
    /// <summary>The address under which other nodes can reach <paramref name="actor"/>.</summary>
    RemoteAddress Export(IActorRef actor);

    /// <summary>A reference for an address read from the wire (a local ref when it names this node).</summary>
    IActorRef Resolve(RemoteAddress address);
}
