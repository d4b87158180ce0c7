using ActorSim.Actors.Remote.RabbitMq;
using ActorSim.Actors.Remote.Transport;
using Xunit.Abstractions;

namespace ActorSim.Actors.Tests.Remote;

/// <summary>The transport suite over RabbitMQ, through the broker of <see cref="BrokerFixture"/>.</summary>
[Collection(BrokerCollection.Name)]
public sealed class RabbitMqTransportTests(BrokerFixture broker, ITestOutputHelper output) : TransportSuite(output)
{
    protected override void RequireTransport() => broker.Require();

    protected override IClusterTransport CreateTransport() => new RabbitMqTransport(broker.Require());
}
