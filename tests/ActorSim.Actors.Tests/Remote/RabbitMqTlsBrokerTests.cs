using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorSim.Actors.Remote;
using ActorSim.Actors.Remote.RabbitMq;
using FluentAssertions;

namespace ActorSim.Actors.Tests.Remote;

/// <summary>
/// TLS end to end: broker.sh starts a broker with a TLS listener (certificate from a CA made here), two nodes connect
/// over amqps with that CA as the only trust anchor and exchange messages; a node trusting another CA is refused.
/// Uses its own broker (the shared fixture has no TLS listener); skipped like the other broker tests when no broker can
/// be started, and fails loudly with CI=true.
/// </summary>
public sealed class RabbitMqTlsBrokerTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorsim-tls-broker-").FullName;
    private Dictionary<string, string> _env = new();
    private RabbitMqOptions? _tls;
    private string _otherCa = "";
    private string? _unavailable;

    public async Task InitializeAsync()
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=ActorSim TLS test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        using var leafKey = RSA.Create(2048);
        var leafRequest = new CertificateRequest("CN=127.0.0.1", leafKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        leafRequest.CertificateExtensions.Add(san.Build());
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var leaf = leafRequest.Create(ca, now.AddHours(-1), now.AddHours(12), RandomNumberGenerator.GetBytes(8));
        using var otherKey = RSA.Create(2048);
        using var other = new CertificateRequest("CN=Other CA", otherKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        string Write(string name, string pem) { var p = Path.Combine(_dir, name); File.WriteAllText(p, pem); return p; }
        var caFile = Write("ca.pem", ca.ExportCertificatePem());
        _otherCa = Write("other-ca.pem", other.ExportCertificatePem());
        var ports = FreePorts(4);
        _env = new Dictionary<string, string>
        {
            ["ACTORSIM_BROKER_DIR"] = Path.Combine(_dir, "broker"),
            ["ACTORSIM_BROKER_PORT"] = ports[0].ToString(),
            ["ACTORSIM_BROKER_DIST_PORT"] = ports[1].ToString(),
            ["ACTORSIM_BROKER_EPMD_PORT"] = ports[2].ToString(),
            ["ACTORSIM_BROKER_TLS_PORT"] = ports[3].ToString(),
            ["ACTORSIM_BROKER_NODENAME"] = $"actorsim-tls-{ports[0]}@localhost",
            ["ACTORSIM_BROKER_PASSWORD"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)),
            ["ACTORSIM_BROKER_TLS_CERT"] = Write("broker.pem", leaf.ExportCertificatePem()),
            ["ACTORSIM_BROKER_TLS_KEY"] = Write("broker-key.pem", leafKey.ExportPkcs8PrivateKeyPem()),
            ["ACTORSIM_BROKER_TLS_CA"] = caFile,
        };
        var (code, output) = await BrokerScriptAsync("start");
        if (code != 0)
        {
            var message = $"broker.sh start with TLS failed (exit {code}): {output}";
            if (BrokerFixture.InCi) throw new InvalidOperationException("CI=true and the TLS broker cannot be started: " + message);
            _unavailable = message;
            return;
        }
        output.Should().Contain($"ACTORSIM_BROKER_TLS_URL=amqps://actorsim@127.0.0.1:{ports[3]}/actorsim");
        _tls = new RabbitMqOptions("127.0.0.1", ports[3], "actorsim", "actorsim", _env["ACTORSIM_BROKER_PASSWORD"]) { Tls = true, TlsCaFile = caFile };
    }

    public async Task DisposeAsync()
    {
        if (_env.Count > 0) await BrokerScriptAsync("stop");
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private RabbitMqOptions Require()
    {
        if (_tls is not null) return _tls;
        Skip.If(true, "No TLS broker: " + _unavailable);
        throw new InvalidOperationException("unreachable");
    }

    [SkippableFact]
    public async Task Nodes_talk_over_TLS_and_a_node_trusting_another_CA_is_refused()
    {
        var tls = Require();
        var cluster = new TestCluster(() => new RabbitMqTransport(tls));
        await using (cluster)
        {
            await cluster.StartAsync(["a", "b"]);
            cluster["b"].System.ActorOf(Props.Create<EchoActor>(), "echo");
            var reply = await cluster["a"].System.Ask<Ping>(cluster["a"].Ref("b", "/user/echo"), new Ping(42), TimeSpan.FromSeconds(10));
            reply.Should().Be(new Ping(42));

            var wrongTrust = new TestCluster(() => new RabbitMqTransport(tls with { TlsCaFile = _otherCa }), cluster.ClusterId);
            await using (wrongTrust)
            {
                var error = await Assert.ThrowsAsync<ClusterConfigurationException>(() => wrongTrust.StartNodeAsync("c"));
                error.Message.Should().Contain("cannot connect to the broker at amqps://");
            }
        }
    }

    private async Task<(int, string)> BrokerScriptAsync(string command)
    {
        var psi = new ProcessStartInfo("bash", [Path.Combine(BrokerFixture.RepositoryRoot, "cluster-config", "broker.sh"), command])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var (k, v) in _env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (p.ExitCode, await stdout + await stderr);
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        foreach (var l in listeners) l.Start();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var l in listeners) l.Stop();
        return ports;
    }
}
