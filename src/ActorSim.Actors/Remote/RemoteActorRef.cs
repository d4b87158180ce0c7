using Akka.Actor;

namespace ActorSim.Actors.Remote;

/// <summary>
/// A reference to an actor on another node of the cluster: a Tell encodes the message with its wire contract, signs it
/// and queues it for that node (messages from one sender keep their order). Obtain one from
/// <see cref="ClusterNode.ActorFor"/> or as the sender/field of a message that came from another node. Its path reads
/// <c>actorsim://NODE/user/...</c>.
/// </summary>
public sealed class RemoteActorRef : MinimalActorRef
{
    private readonly ClusterNode _node;

    internal RemoteActorRef(ClusterNode node, RemoteAddress address)
    {
        _node = node;
        Address = address;
        Path = ClusterPaths.Of(address);
    }

    /// <summary>The node and path of the actor.</summary>
    public RemoteAddress Address { get; }

    /// <inheritdoc />
    public override ActorPath Path { get; }

    /// <inheritdoc />
    public override IActorRefProvider Provider => _node.Provider;

    /// <summary>
    /// Sends the message to the remote actor. Undeliverable messages (the node is gone) go to dead letters.
    /// </summary>
    /// <exception cref="Wire.WireContractException">No wire contract is registered for the message's type.</exception>
    protected override void TellInternal(object message, IActorRef sender) => _node.SendTo(Address, message, sender, this);

    internal ClusterNode Node => _node;

    /// <inheritdoc />
    public override string ToString() => Address.ToString();
}
