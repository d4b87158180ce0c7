using ActorSim.Actors.Remote;
using ActorSim.Actors.Remote.RabbitMq;

namespace ActorSim.Actors.Tests.Remote;

/// <summary>
/// Entry point of the test assembly when run as a program: <c>dotnet ActorSim.Actors.Tests.dll cluster-node
/// CLUSTER NODE</c> starts a cluster node over RabbitMQ (settings from ACTORSIM_BROKER_* and
/// ACTORSIM_CLUSTER_SECRET) with an echo actor at /user/echo, prints <c>READY</c> and runs until its standard
/// input closes. The crash tests kill or stop it.
/// </summary>
public static class TestNodeProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["cluster-node", var clusterId, var nodeId])
        {
            Console.Error.WriteLine("usage: dotnet ActorSim.Actors.Tests.dll cluster-node CLUSTER NODE");
            return 2;
        }
        try
        {
            await using var system = new ActorSystem(nodeId);
            system.ActorOf(Props.Create<EchoActor>(), "echo");
            var options = new ClusterOptions(clusterId, nodeId, ClusterSecret.FromEnvironment());
            var node = await ClusterNode.StartAsync(system, options, new RabbitMqTransport(RabbitMqOptions.FromEnvironment()),
                RemoteTestContracts.CreateRegistry());
            await using (node)
            {
                Console.WriteLine($"READY {nodeId} {node.Incarnation}");
                await Console.In.ReadToEndAsync();
            }
            return 0;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"cluster-node {nodeId}: {ex}");
            return 1;
        }
    }
}
