namespace ActorSim.Bench;

/// <summary>
/// The transports of a benchmark's cluster: Akka.NET cluster members on loopback, the coordinator's node first (the
/// seed), then workers and submitters on free ports. (The RabbitMQ fabric this replaced was measured side by side
/// with it before it was retired; the figures are in bench/RESULTS.md.)
/// </summary>
internal sealed class BenchFabric : IDisposable
{
    private readonly int _seedPort = FreePort();

    /// <param name="name"><c>akka</c>: frames over direct TCP links between the members (the default; on loopback the
    /// links are trusted and the frames unsigned, every frame written by the link's task);
    /// <c>akka-inline</c>: the same, a small frame written by its sender when the link is idle; <c>akka-signed</c>: the same links with every frame HMAC-signed (as
    /// between hosts without TLS); <c>akka-tls</c>: the links and Akka.Remote with mutual TLS (certificates made with
    /// cluster-config/make-certs.sh into a temporary directory; needs openssl); <c>akka-remote</c>: frames over
    /// Akka.Remote (how it was before the links, kept for side-by-side figures).</param>
    public BenchFabric(string name)
    {
        if (name is not ("akka" or "akka-inline" or "akka-signed" or "akka-tls" or "akka-remote"))
            throw new ArgumentException($"unknown fabric {name}: akka, akka-inline, akka-signed, akka-tls or akka-remote (the RabbitMQ fabric was retired)");
        Inline = name == "akka-inline";
        Name = name;
        Direct = name != "akka-remote";
        Signed = name == "akka-signed";
        if (name == "akka-tls") _tls = MakeCertificates();
        Description = $"Akka.NET cluster on loopback (seed 127.0.0.1:{_seedPort}), frames node to node over " +
            (Direct ? "direct TCP links" : "Akka.Remote") + (Signed ? ", every frame HMAC-signed" : "") + (Inline ? ", small frames written by their sender when the link is idle" : "") + (_tls is null ? "" : ", mutual TLS");
    }

    private readonly Actors.Fabric.TlsSettings? _tls;
    private string? _certificateDirectory;
    private bool Signed { get; }
    private bool Inline { get; }

    public string Name { get; }
    public string Description { get; }
    private bool Direct { get; }
    public string Via => Direct ? "direct (TCP links)" : "direct (Akka.Remote)";

    public Actors.Remote.Transport.IClusterTransport Create(bool seed, bool submitter = false) =>
        new Actors.Fabric.AkkaClusterTransport(new Actors.Fabric.FabricSettings("unset", "127.0.0.1", seed ? _seedPort : 0, [$"127.0.0.1:{_seedPort}"], [])
        {
            DirectFrameLinks = Direct,
            SignFramesOnLinks = Signed,
            InlineFrameSends = Inline,
            Tls = _tls,
        }, submitter);

    public void Dispose()
    {
        if (_certificateDirectory is not null)
            try { Directory.Delete(_certificateDirectory, true); } catch (IOException) { }
    }

    /// <summary>A cluster CA and one node certificate (every node of the bench uses it; links check the chain to the CA).</summary>
    private Actors.Fabric.TlsSettings MakeCertificates()
    {
        _certificateDirectory = Directory.CreateTempSubdirectory("actorsim-bench-tls-").FullName;
        string script = SubdomainRunTiming.FindRepoFile(Path.Combine("cluster-config", "make-certs.sh"));
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", [script, _certificateDirectory, "node"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"make-certs.sh failed ({p.ExitCode}): {err}");
        return new Actors.Fabric.TlsSettings(Path.Combine(_certificateDirectory, "node.pfx"), "actorsim", Path.Combine(_certificateDirectory, "ca.pem"));
    }

    internal static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        int port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
