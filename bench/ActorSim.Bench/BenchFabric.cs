using ActorSim.Actors.Remote.RabbitMq;

namespace ActorSim.Bench;

/// <summary>Transports of one fabric: the coordinator's node first (the seed), then workers, then submitters.</summary>
internal sealed class BenchFabric : IDisposable
{
    private readonly ClusterBroker? _broker;
    private readonly int _seedPort = FreePort();

    public BenchFabric(string name)
    {
        Name = name;
        if (name == "rabbitmq") _broker = ClusterBroker.Start();
        else if (name != "akka") throw new ArgumentException($"unknown fabric {name}: akka or rabbitmq");
        Description = _broker?.Description ?? $"Akka.NET cluster on loopback (seed 127.0.0.1:{_seedPort}), frames node to node over Akka.Remote";
    }

    public string Name { get; }
    public string Description { get; }
    public string Via => _broker is null ? "direct (Akka.Remote)" : "via the broker";

    public Actors.Remote.Transport.IClusterTransport Create(bool seed, bool submitter = false) => _broker is { } b
        ? new RabbitMqTransport(b.Options)
        : new Actors.Fabric.AkkaClusterTransport(new Actors.Fabric.FabricSettings("unset", "127.0.0.1", seed ? _seedPort : 0, [$"127.0.0.1:{_seedPort}"], []), submitter);

    public void Dispose() => _broker?.Dispose();

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        int port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}

