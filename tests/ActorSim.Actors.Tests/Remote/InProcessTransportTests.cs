using ActorSim.Actors.Remote.InProcess;
using ActorSim.Actors.Remote.Transport;
using Xunit.Abstractions;

namespace ActorSim.Actors.Tests.Remote;

/// <summary>The transport suite over the in-process transport (every test gets its own network).</summary>
public sealed class InProcessTransportTests(ITestOutputHelper output) : TransportSuite(output)
{
    private readonly InProcessNetwork _network = new();

    protected override IClusterTransport CreateTransport() => _network.CreateTransport();
}
