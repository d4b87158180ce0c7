using ActorSim.Actors.Fabric;
using ActorSim.Actors.Remote;

using Akka.Actor;
using Akka.TestKit;

namespace ActorSim.Actors.Tests.Remote;

/// <summary>
/// Entry point of the test assembly when run as a program: <c>dotnet ActorSim.Actors.Tests.dll cluster-node CLUSTER NODE
/// SEED-PORT [PORT] [coordinator]</c> starts a cluster node on the Akka.NET transport on loopback (the secret from
/// ACTORSIM_CLUSTER_SECRET) with an echo actor at /user/echo, prints <c>READY</c> and runs until its standard input
/// closes. The crash tests kill or stop it.
/// </summary>
public static class TestNodeProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["cluster-node", var clusterId, var nodeId, var seed, ..])
        {
            Console.Error.WriteLine("usage: dotnet ActorSim.Actors.Tests.dll cluster-node CLUSTER NODE SEED-PORT [PORT] [coordinator]");
            return 2;
        }
        int port = args.Length > 4 && int.TryParse(args[4], out int p) ? p : 0;
        bool candidate = args.Contains("coordinator");
        try
        {
            var system = ActorRuntime.CreateLocal("node", null);
            system.ActorOf(ActorFactory.Props(() => new EchoActor()), "echo");
            var options = new ClusterOptions(clusterId, nodeId, ClusterSecret.FromEnvironment()) { LeaderCandidate = candidate };
            var transport = new AkkaClusterTransport(new FabricSettings(nodeId, "127.0.0.1", port, [$"127.0.0.1:{seed}"], []));
            var node = await ClusterNode.StartAsync(system, options, transport, RemoteTestContracts.CreateRegistry());
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
