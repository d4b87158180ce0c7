using ActorSim.Actors.Fabric;
using ActorSim.Actors.Remote.Transport;
using Xunit.Abstractions;

namespace ActorSim.Actors.Tests.Remote;

/// <summary>
/// The transport suite over Akka.NET: every node an Akka.Cluster member on loopback, the first node of a test the seed,
/// frames over Akka.Remote, the leadership a cluster singleton.
/// </summary>
public sealed class AkkaTransportTests(ITestOutputHelper output) : TransportSuite(output)
{
    private readonly int _seedPort = Fabric.FabricTestNodes.FreePort();
    private int _created;

    protected override bool RefusesForeignNodesAtTheTransport => true;

    protected override IClusterTransport CreateTransport()
    {
        bool first = Interlocked.Increment(ref _created) == 1;
        var settings = new FabricSettings("unset", "127.0.0.1", first ? _seedPort : 0, [$"127.0.0.1:{_seedPort}"], []);
        return new AkkaClusterTransport(settings, joinTimeout: TimeSpan.FromSeconds(20));
    }
}
