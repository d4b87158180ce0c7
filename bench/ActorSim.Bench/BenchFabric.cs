namespace ActorSim.Bench;

/// <summary>
/// The transports of a benchmark's cluster: Akka.NET cluster members on loopback, the coordinator's node first (the
/// seed), then workers and submitters on free ports. (The RabbitMQ fabric this replaced was measured side by side
/// with it before it was retired; the figures are in bench/RESULTS.md.)
/// </summary>
internal sealed class BenchFabric : IDisposable
{
    private readonly int _seedPort = FreePort();

    /// <param name="name"><c>akka</c>: frames over direct TCP links between the members (the default);
    /// <c>akka-remote</c>: frames over Akka.Remote (how it was before the links, kept for side-by-side figures).</param>
    public BenchFabric(string name)
    {
        if (name is not ("akka" or "akka-remote"))
            throw new ArgumentException($"unknown fabric {name}: akka or akka-remote (the RabbitMQ fabric was retired)");
        Name = name;
        Direct = name == "akka";
        Description = $"Akka.NET cluster on loopback (seed 127.0.0.1:{_seedPort}), frames node to node over " +
            (Direct ? "direct TCP links" : "Akka.Remote");
    }

    public string Name { get; }
    public string Description { get; }
    private bool Direct { get; }
    public string Via => Direct ? "direct (TCP links)" : "direct (Akka.Remote)";

    public Actors.Remote.Transport.IClusterTransport Create(bool seed, bool submitter = false) =>
        new Actors.Fabric.AkkaClusterTransport(new Actors.Fabric.FabricSettings("unset", "127.0.0.1", seed ? _seedPort : 0, [$"127.0.0.1:{_seedPort}"], [])
        {
            DirectFrameLinks = Direct,
        }, submitter);

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
