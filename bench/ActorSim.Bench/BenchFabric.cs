namespace ActorSim.Bench;

/// <summary>
/// The transports of a benchmark's cluster: Akka.NET cluster members on loopback, the coordinator's node first (the
/// seed), then workers and submitters on free ports. (The RabbitMQ fabric this replaced was measured side by side
/// with it before it was retired; the figures are in bench/RESULTS.md.)
/// </summary>
internal sealed class BenchFabric : IDisposable
{
    private readonly int _seedPort = FreePort();

    public BenchFabric(string name)
    {
        if (name != "akka") throw new ArgumentException($"unknown fabric {name}: only akka (the RabbitMQ fabric was retired)");
        Name = name;
        Description = $"Akka.NET cluster on loopback (seed 127.0.0.1:{_seedPort}), frames node to node over Akka.Remote";
    }

    public string Name { get; }
    public string Description { get; }
    public string Via => "direct (Akka.Remote)";

    public Actors.Remote.Transport.IClusterTransport Create(bool seed, bool submitter = false) =>
        new Actors.Fabric.AkkaClusterTransport(new Actors.Fabric.FabricSettings("unset", "127.0.0.1", seed ? _seedPort : 0, [$"127.0.0.1:{_seedPort}"], []), submitter);

    public void Dispose() { }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        int port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
