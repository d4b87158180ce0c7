namespace ActorSim.Actors.Remote;

/// <summary>
/// A cluster address that names this node: resolved by path at every Tell, so it stays valid when the actor is
/// created later or recreated under the same name. Messages stay in process.
/// </summary>
internal sealed class LocalPathRef : IActorRef
{
    private readonly ClusterNode _node;

    internal LocalPathRef(ClusterNode node, string path)
    {
        _node = node;
        LocalPath = path;
        Path = new ActorPath(path);
    }

    internal string LocalPath { get; }

    public ActorPath Path { get; }

    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var target = _node.ResolveLocalTarget(LocalPath);
        if (target is null) _node.System.DeadLetterRef.Publish(message, sender, this);
        else target.Tell(message, sender);
    }

    public override string ToString() => Path.Value;
}
