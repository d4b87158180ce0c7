namespace ActorSim.Actors.Remote.RabbitMq;

/// <summary>
/// Broker resources of a cluster: one direct exchange <c>actorsim.{cluster}</c>; per node an inbox queue
/// <c>actorsim.{cluster}.node.{node}</c> bound with the keys <c>node.{node}</c> (direct messages) and
/// <c>broadcast</c> (every node); the leader queue <c>actorsim.{cluster}.leader</c>. Direct messages and
/// broadcasts go through the same exchange and channel, so the broker keeps them in the order they were sent.
/// </summary>
internal static class RabbitMqNames
{
    public const string BroadcastKey = "broadcast";

    public static string Exchange(string cluster) => $"actorsim.{cluster}";

    public static string Inbox(string cluster, string node) => $"actorsim.{cluster}.node.{node}";

    public static string NodeKey(string node) => $"node.{node}";

    public static string LeaderQueue(string cluster) => $"actorsim.{cluster}.leader";
}
