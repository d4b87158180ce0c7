namespace ActorSim.Actors.Remote;

/// <summary>Where an actor lives in a cluster: a node id and the actor's path on that node.</summary>
/// <param name="NodeId">The node's id (unique in the cluster).</param>
/// <param name="Path">The actor's path on that node, e.g. <c>/user/coordinator</c>.</param>
public sealed record RemoteAddress(string NodeId, string Path)
{
    /// <summary>The URI form, e.g. <c>actorsim://node-a/user/coordinator</c>.</summary>
    public override string ToString() => $"actorsim://{NodeId}{Path}";
}
