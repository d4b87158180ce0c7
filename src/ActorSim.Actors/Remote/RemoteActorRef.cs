namespace ActorSim.Actors.Remote;

/// <summary>
/// A reference to an actor on another node of the cluster: <see cref="Tell"/> encodes the message with its wire
/// contract, signs it and queues it for that node (messages from one sender keep their order). Obtain one from
/// <see cref="ClusterNode.ActorFor"/> or as the sender/field of a message that came from another node.
/// </summary>
public sealed class RemoteActorRef : IActorRef
{
    private readonly ClusterNode _node;

    internal RemoteActorRef(ClusterNode node, RemoteAddress address)
    {
        _node = node;
        Address = address;
        Path = new ActorPath(address.ToString());
    }

    /// <summary>The node and path of the actor.</summary>
    public RemoteAddress Address { get; }

    /// <summary>The URI form of <see cref="Address"/>, e.g. <c>actorsim://node-b/user/block-3</c>.</summary>
    public ActorPath Path { get; }

    /// <summary>
    /// Sends <paramref name="message"/> to the remote actor. Undeliverable messages (the node is gone) go to dead
    /// letters (an Ask fails at once).
    /// </summary>
    /// <exception cref="Wire.WireContractException">No wire contract is registered for the message's type.</exception>
    public void Tell(object message, IActorRef? sender = null) => _node.SendTo(Address, message, sender, this);

    internal ClusterNode Node => _node;

    /// <inheritdoc />
    public override string ToString() => Path.Value;
}
