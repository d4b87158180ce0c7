using Akka.Actor;

namespace ActorSim.Actors.Remote;

/// <summary>Akka <see cref="ActorPath"/>s for cluster addresses: <c>actorsim://NODE/user/...</c>.</summary>
internal static class ClusterPaths
{
    public static ActorPath Of(RemoteAddress address)
    {
        ActorPath path = new RootActorPath(new Address("actorsim", address.NodeId));
        foreach (var element in address.Path.Split('/', StringSplitOptions.RemoveEmptyEntries)) path /= element;
        return path;
    }
}
