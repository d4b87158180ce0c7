using Akka.Actor;

namespace ActorSim.Actors.Remote;

/// <summary>
/// A cluster address that names this node: resolved by path at every Tell, so it stays valid when the actor is
/// created later or recreated under the same name. Messages stay in process.
/// </summary>
internal sealed class LocalPathRef : MinimalActorRef
{
    private readonly ClusterNode _node;

    internal LocalPathRef(ClusterNode node, string path)
    {
        _node = node;
        LocalPath = path;
        Path = ClusterPaths.Of(new RemoteAddress(node.NodeId, path));
    }

    internal string LocalPath { get; }

    public override ActorPath Path { get; }

    public override IActorRefProvider Provider => _node.Provider;

    protected override void TellInternal(object message, IActorRef sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        var target = _node.ResolveLocalTarget(LocalPath);
        if (target is null) _node.PublishDeadLetter(message, sender, this, $"there is no actor at {LocalPath} on node '{_node.NodeId}'");
        else target.Tell(message, sender);
    }

    public override string ToString() => LocalPath;
}
