using System.Diagnostics;
using ActorSim.Actors.Fabric;
using Akka.Actor;
using AkkaSystem = Akka.Actor.ActorSystem;
using Microsoft.Extensions.Logging;

namespace ActorSim.Actors.Tests.Fabric;

using Props = Akka.Actor.Props;

/// <summary>
/// Mutual TLS between nodes with certificates made by <c>cluster-config/make-certs.sh</c>: nodes with certificates from
/// the cluster's CA form a cluster; a node whose certificate comes from another CA can neither join nor deliver a message.
/// </summary>
public sealed class MutualTlsTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorsim-tls-").FullName;
    private readonly List<AkkaSystem> _nodes = new();

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ActorSim.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("ActorSim.sln not found above the test binaries");
    }

    private void MakeCerts(string dir, params string[] nodes)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepoRoot(), "cluster-config", "make-certs.sh"), dir, .. nodes])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(start)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"make-certs.sh failed ({p.ExitCode}): {err}");
    }

    private AkkaSystem Start(string id, int port, int seedPort, string certDir)
    {
        var settings = FabricTestNodes.Settings(id, port, seedPort, "worker") with
        {
            Tls = new TlsSettings(Path.Combine(certDir, id + ".pfx"), "actorsim", Path.Combine(certDir, "ca.pem")),
        };
        var system = FabricSystem.CreateClusterNode(settings);
        _nodes.Add(system);
        return system;
    }

    [Fact]
    public async Task Nodes_with_the_clusters_certificates_join_and_a_node_with_a_foreign_certificate_cannot_join_or_send()
    {
        string cluster = Path.Combine(_dir, "cluster"), foreign = Path.Combine(_dir, "foreign");
        MakeCerts(cluster, "a", "b");
        MakeCerts(foreign, "evil");
        Assert.True(File.Exists(Path.Combine(cluster, "ca.pem")) && File.Exists(Path.Combine(cluster, "a.pfx")));

        int seedPort = FabricTestNodes.FreePort();
        var a = Start("a", seedPort, seedPort, cluster);
        var b = Start("b", 0, seedPort, cluster);
        await Task.WhenAll(FabricSystem.WhenUp(a, TimeSpan.FromSeconds(30)), FabricSystem.WhenUp(b, TimeSpan.FromSeconds(30)));
        var inbox = CreateTestProbe(a);
        a.ActorOf(ActorFactory.Props(() => new Relay(inbox.Ref)), "inbox");
        var fromB = await b.ActorSelection($"akka.ssl.tcp://actorsim@127.0.0.1:{seedPort}/user/inbox").ResolveOne(TimeSpan.FromSeconds(10));
        fromB.Tell(new FabricPong(1, 1, "b"));
        Assert.Equal("b", inbox.ExpectMsg<FabricPong>(TimeSpan.FromSeconds(10)).Node);

        var evil = Start("evil", 0, seedPort, foreign);
        await Assert.ThrowsAsync<TimeoutException>(() => FabricSystem.WhenUp(evil, TimeSpan.FromSeconds(6)));
        evil.ActorSelection($"akka.ssl.tcp://actorsim@127.0.0.1:{seedPort}/user/inbox").Tell(new FabricPong(2, 2, "evil"));
        inbox.ExpectNoMsg(TimeSpan.FromSeconds(2));
        var members = Akka.Cluster.Cluster.Get(a).State.Members.Select(m => NodeIdentity.Of(m.Roles)).ToArray();
        Assert.Equal(["a", "b"], members.Order());
    }

    [Fact]
    public async Task Frame_links_carry_frames_between_the_clusters_certificates_and_refuse_a_foreign_one()
    {
        string cluster = Path.Combine(_dir, "cluster"), foreign = Path.Combine(_dir, "foreign");
        MakeCerts(cluster, "a", "b");
        MakeCerts(foreign, "evil");
        TlsSettings Tls(string dir, string id) => new(Path.Combine(dir, id + ".pfx"), "actorsim", Path.Combine(dir, "ca.pem"));
        var logs = new ActorSim.Actors.TestKit.CapturingLoggerFactory();
        var log = logs.CreateLogger("links");
        var received = System.Threading.Channels.Channel.CreateUnbounded<byte[]>();
        var secret = ActorSim.Actors.Remote.ClusterSecret.FromString("links-test-secret-0123456789");
        await using var a = new FrameLinks("a", "127.0.0.1", 0, Tls(cluster, "a"), secret, 1 << 20, (bytes, _, peer) => { if (peer == "b") received.Writer.TryWrite(bytes.ToArray()); }, log);
        await using var b = new FrameLinks("b", "127.0.0.1", 0, Tls(cluster, "b"), secret, 1 << 20, (_, _, _) => { }, log);
        await using var evil = new FrameLinks("evil", "127.0.0.1", 0, Tls(foreign, "evil"), secret, 1 << 20, (_, _, _) => { }, log);
        a.Start("a");
        b.Start("b");
        evil.Start("evil");

        for (byte i = 1; i <= 3; i++) b.Send("a", "127.0.0.1", a.Port, new byte[] { i, i, i }, null);
        for (byte i = 1; i <= 3; i++)
            Assert.Equal(new byte[] { i, i, i }, await received.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));

        evil.Send("a", "127.0.0.1", a.Port, new byte[] { 6, 6, 6 }, null);
        logs.WaitFor(e => e.Message.Contains("TLS refused the frame link certificate"), TimeSpan.FromSeconds(10));
        b.Send("a", "127.0.0.1", a.Port, new byte[] { 4 }, null); // a is still serving the cluster's nodes
        Assert.Equal(new byte[] { 4 }, await received.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(received.Reader.TryRead(out _), "the foreign node's frame must not arrive");
    }

    [Fact]
    public async Task A_frame_link_is_opened_only_with_the_cluster_secret_and_a_loopback_one_is_trusted()
    {
        var logs = new ActorSim.Actors.TestKit.CapturingLoggerFactory();
        var log = logs.CreateLogger("links");
        var secret = ActorSim.Actors.Remote.ClusterSecret.FromString("links-test-secret-0123456789");
        var other = ActorSim.Actors.Remote.ClusterSecret.FromString("another-secret-0123456789abc");
        var received = System.Threading.Channels.Channel.CreateUnbounded<(byte[] Bytes, string Peer)>();
        await using var a = new FrameLinks("a", "127.0.0.1", 0, null, secret, 1 << 20,
            (bytes, _, peer) => received.Writer.TryWrite((bytes.ToArray(), peer)), log);
        await using var b = new FrameLinks("b", "127.0.0.1", 0, null, secret, 1 << 20, (_, _, _) => { }, log);
        await using var stranger = new FrameLinks("stranger", "127.0.0.1", 0, null, other, 1 << 20, (_, _, _) => { }, log);
        a.Start("a");
        b.Start("b");
        stranger.Start("b"); // claims to be b, without b's secret
        Assert.True(a.Trusted, "both ends on loopback, opened with the secret's challenge");

        stranger.Send("a", "127.0.0.1", a.Port, new byte[] { 6, 6, 6 }, null);
        logs.WaitFor(e => e.Message.Contains("does not match the cluster secret"), TimeSpan.FromSeconds(10));
        b.Send("a", "127.0.0.1", a.Port, new byte[] { 1, 2, 3 }, null);
        var first = await received.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new byte[] { 1, 2, 3 }, first.Bytes);
        Assert.Equal("b", first.Peer);
        Assert.False(received.Reader.TryRead(out _), "the stranger's frame must not arrive");
    }

    public new void Dispose()
    {
        foreach (var n in _nodes) n.Terminate().Wait(TimeSpan.FromSeconds(20));
        try { Directory.Delete(_dir, true); } catch (IOException) { }
        base.Dispose();
    }

    private sealed class Relay : ReceiveActor
    {
        public Relay(Akka.Actor.IActorRef to) => ReceiveAny(m => to.Forward(m));
    }
}
