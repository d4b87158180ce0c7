using ActorSim.Actors.Fabric;
using Akka.Actor;
using Akka.Cluster.Tools.Singleton;
using AkkaSystem = Akka.Actor.ActorSystem;

namespace ActorSim.Actors.Tests.Fabric;

using Akka.Actor;
using IActorRef = Akka.Actor.IActorRef;
using Props = Akka.Actor.Props;

/// <summary>Cluster members on loopback in this process: joining, messages across nodes, serialization, a singleton.</summary>
public sealed class ClusterFabricTests : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private readonly List<AkkaSystem> _nodes = new();

    private AkkaSystem Start(FabricSettings settings)
    {
        var system = FabricSystem.CreateClusterNode(settings);
        _nodes.Add(system);
        return system;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var n in _nodes) await n.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Two_nodes_join_through_a_seed_and_exchange_records_with_arrays_and_actor_references()
    {
        int seedPort = FabricTestNodes.FreePort();
        var a = Start(FabricTestNodes.Settings("a", seedPort, seedPort, "coordinator"));
        var b = Start(FabricTestNodes.Settings("b", 0, seedPort, "worker"));
        await Task.WhenAll(FabricSystem.WhenUp(a, TimeSpan.FromSeconds(30)), FabricSystem.WhenUp(b, TimeSpan.FromSeconds(30)));

        // Both are Up members, named by their identity role, with their own roles.
        await AwaitAssertAsync(() =>
        {
            var up = Akka.Cluster.Cluster.Get(a).State.Members.Where(m => m.Status == Akka.Cluster.MemberStatus.Up).ToArray();
            Assert.Equal(["a", "b"], up.Select(m => NodeIdentity.Of(m.Roles)).Order());
            Assert.Equal(["worker"], up.Single(m => NodeIdentity.Of(m.Roles) == "b").Roles.Where(r => !r.StartsWith(NodeIdentity.Prefix, StringComparison.Ordinal)));
        }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(100));

        a.ActorOf(ActorFactory.Props(() => new FabricEcho("a")), "echo");
        var echo = await b.ActorSelection($"akka.tcp://actorsim@127.0.0.1:{seedPort}/user/echo").ResolveOne(TimeSpan.FromSeconds(10));
        var replies = CreateTestProbe(b);
        var data = Enumerable.Range(0, 100_000).Select(i => i * 0.5).ToArray();
        echo.Tell(new FabricPing(7, data, replies.Ref));
        var pong = replies.ExpectMsg<FabricPong>(TimeSpan.FromSeconds(10));
        Assert.Equal(new FabricPong(7, data.Sum(), "a"), pong);

        // A bare double[] goes through the raw serializer and comes back bit for bit.
        Assert.IsType<DoubleArraySerializer>(b.Serialization.FindSerializerFor(data));
        echo.Tell(new[] { -0.0, double.NaN, 1e-310 }, replies.Ref);
        var back = replies.ExpectMsg<double[]>(TimeSpan.FromSeconds(10));
        Assert.Equal([BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(double.NaN), BitConverter.DoubleToInt64Bits(1e-310)],
            back.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public async Task A_payload_naming_a_type_outside_the_allow_list_is_refused_and_the_node_keeps_running()
    {
        int seedPort = FabricTestNodes.FreePort();
        var a = Start(FabricTestNodes.Settings("a", seedPort, seedPort, "coordinator"));
        var b = Start(FabricTestNodes.Settings("b", 0, seedPort, "worker"));
        await Task.WhenAll(FabricSystem.WhenUp(a, TimeSpan.FromSeconds(30)), FabricSystem.WhenUp(b, TimeSpan.FromSeconds(30)));
        var received = CreateTestProbe(a);
        a.ActorOf(ActorFactory.Props(() => new Forwarder(received.Ref)), "inbox");
        var inbox = await b.ActorSelection($"akka.tcp://actorsim@127.0.0.1:{seedPort}/user/inbox").ResolveOne(TimeSpan.FromSeconds(10));

        long refusedBefore = AllowListTypeFilter.Instance.Refused;
        inbox.Tell(new DirectoryInfo("/tmp")); // serialized by the sender (it may send anything), refused by the receiver
        inbox.Tell(new FabricPong(1, 2, "after"));
        var got = received.ExpectMsg<FabricPong>(TimeSpan.FromSeconds(10));
        Assert.Equal("after", got.Node);
        received.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.True(AllowListTypeFilter.Instance.Refused > refusedBefore, "the filter saw the foreign type");
        Assert.Contains("System.IO.DirectoryInfo", AllowListTypeFilter.Instance.LastRefused);
        Assert.False(a.WhenTerminated.IsCompleted);
        Assert.False(b.WhenTerminated.IsCompleted);
    }

    [Fact]
    public async Task The_coordinator_singleton_moves_to_another_coordinator_node_when_its_node_leaves()
    {
        int seedPort = FabricTestNodes.FreePort();
        var a = Start(FabricTestNodes.Settings("a", seedPort, seedPort, "coordinator"));
        var b = Start(FabricTestNodes.Settings("b", 0, seedPort, "coordinator"));
        var w = Start(FabricTestNodes.Settings("w", 0, seedPort, "worker"));
        await Task.WhenAll(new[] { a, b, w }.Select(n => FabricSystem.WhenUp(n, TimeSpan.FromSeconds(30))));
        foreach (var (node, name) in new[] { (a, "a"), (b, "b") })
            node.ActorOf(ClusterSingletonManager.Props(ActorFactory.Props(() => new FabricEcho(name)), PoisonPill.Instance,
                ClusterSingletonManagerSettings.Create(node).WithRole("coordinator")), "coordinator");
        var proxy = w.ActorOf(ClusterSingletonProxy.Props("/user/coordinator", ClusterSingletonProxySettings.Create(w).WithRole("coordinator")), "proxy");
        var replies = CreateTestProbe(w);

        proxy.Tell(new FabricPing(1, [1, 2], replies.Ref));
        Assert.Equal("a", replies.ExpectMsg<FabricPong>(TimeSpan.FromSeconds(30)).Node); // the oldest coordinator node

        await Akka.Cluster.Cluster.Get(a).LeaveAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await AwaitAssertAsync(() =>
        {
            proxy.Tell(new FabricPing(2, [3], replies.Ref));
            Assert.Equal("b", replies.ExpectMsg<FabricPong>(TimeSpan.FromSeconds(2)).Node);
        }, TimeSpan.FromSeconds(40), TimeSpan.FromMilliseconds(200));
    }

    private sealed class Forwarder : ReceiveActor
    {
        public Forwarder(IActorRef to) => ReceiveAny(m => to.Forward(m));
    }
}
