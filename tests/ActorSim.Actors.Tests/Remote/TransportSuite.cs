using System.Diagnostics;
using ActorSim.Actors.Remote;
using ActorSim.Actors.Remote.Membership;
using ActorSim.Actors.Remote.Transport;
using ActorSim.Actors.TestKit;
using FluentAssertions;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

using Akka.Actor;
using Akka.TestKit;

namespace ActorSim.Actors.Tests.Remote;

/// <summary>
/// The transport test suite: every transport (in-process, Akka.NET) must pass it. Nodes are ActorSystems in this
/// process connected only through the transport under test; all messages are encoded, signed and checked.
/// </summary>
public abstract class TransportSuite(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private TestKitBase Probes => this;

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    protected new ITestOutputHelper Output { get; } = output;

    /// <summary>A fresh transport for one node.</summary>
    protected abstract IClusterTransport CreateTransport();

    /// <summary>Whether nodes of another secret never reach this cluster's nodes at all (they are not even sent frames),
    /// instead of reaching them and being refused by the HMAC check.</summary>
    protected virtual bool RefusesForeignNodesAtTheTransport => false;

    /// <summary>Called at the start of every test (e.g. to skip when a service is missing).</summary>
    protected virtual void RequireTransport() { }

    private TestCluster NewCluster()
    {
        RequireTransport();
        return new TestCluster(CreateTransport, this);
    }

    private async Task<TestCluster> StartClusterAsync(params string[] ids)
    {
        var cluster = NewCluster();
        await cluster.StartAsync(ids);
        return cluster;
    }

    [SkippableFact]
    public async Task Messages_from_one_sender_arrive_in_the_order_they_were_sent()
    {
        await using var cluster = await StartClusterAsync("a", "b", "c");
        const int perSender = 2000;
        var probe = Probes.CreateTestProbe(cluster["c"].System);
        cluster["c"].System.ActorOf(ActorFactory.Props(() => new SequenceCheckerActor(probe.Ref, 3 * perSender)), "checker");

        var senders = new[] { ("a", "a-1"), ("a", "a-2"), ("b", "b-1") }.Select(s => Task.Run(() =>
        {
            var target = cluster[s.Item1].Ref("c", "/user/checker");
            for (var i = 0; i < perSender; i++) target.Tell(new Sequenced(s.Item2, i));
        })).ToArray();
        await Task.WhenAll(senders);

        var report = probe.ExpectMsg<SequenceReport>(TimeSpan.FromSeconds(30));
        report.Violations.Should().BeEmpty();
        report.Counts.Should().BeEquivalentTo(new Dictionary<string, int> { ["a-1"] = perSender, ["a-2"] = perSender, ["b-1"] = perSender });
    }

    [SkippableFact]
    public async Task Ask_across_nodes_returns_the_reply()
    {
        await using var cluster = await StartClusterAsync("a", "b");
        cluster["b"].System.ActorOf(ActorFactory.Props(() => new EchoActor()), "echo");
        var a = cluster["a"];

        (await a.Ref("b", "/user/echo").Ask<Ping>(new Ping(7), Wait)).Should().Be(new Ping(7));
        (await a.Ref("b", "/user/echo").Ask<string>("text", Wait)).Should().Be("text");
    }

    [SkippableFact]
    public async Task Ask_across_nodes_times_out()
    {
        await using var cluster = await StartClusterAsync("a", "b");
        cluster["b"].System.ActorOf(ActorFactory.Props(() => new SilentActor()), "silent");
        var a = cluster["a"];

        var act = () => a.Ref("b", "/user/silent").Ask<Ping>(new Ping(1), TimeSpan.FromMilliseconds(300));

        await act.Should().ThrowAsync<AskTimeoutException>();
    }

    [SkippableFact]
    public async Task Ask_to_a_node_that_is_not_there_fails_without_waiting_for_the_timeout()
    {
        await using var cluster = await StartClusterAsync("a");
        var a = cluster["a"];

        var act = () => a.Ref("nobody", "/user/echo").Ask<Ping>(new Ping(1), TimeSpan.FromMinutes(5));

        (await act.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*could not be delivered to actorsim://nobody/user/echo*");
        a.Logs.Entries.Should().Contain(e => e.Level == LogLevel.Warning && e.Message.Contains("node 'nobody'"));
    }

    [SkippableFact]
    public async Task Ask_to_a_missing_actor_on_a_live_node_fails_without_waiting_for_the_timeout()
    {
        await using var cluster = await StartClusterAsync("a", "b");
        var a = cluster["a"];

        var act = () => a.Ref("b", "/user/nobody").Ask<Ping>(new Ping(1), TimeSpan.FromMinutes(5));

        (await act.Should().ThrowAsync<RemoteActorException>()).WithMessage("*no actor at /user/nobody on node 'b'*");
    }

    [SkippableFact]
    public async Task Several_megabytes_of_doubles_travel_bit_exactly()
    {
        await using var cluster = await StartClusterAsync("a", "b");
        cluster["b"].System.ActorOf(ActorFactory.Props(() => new EchoActor()), "echo");
        var a = cluster["a"];
        var values = new double[1_000_000]; // 8 MB
        var random = new Random(12345);
        for (var i = 0; i < values.Length; i++) values[i] = BitConverter.Int64BitsToDouble(random.NextInt64());

        var reply = await a.Ref("b", "/user/echo").Ask<Bulk>(new Bulk(99, values), TimeSpan.FromSeconds(30));

        reply.Id.Should().Be(99);
        reply.Values.Length.Should().Be(values.Length);
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(reply.Values.AsSpan())
            .SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())).Should().BeTrue();
    }

    [SkippableFact]
    public async Task A_broadcast_reaches_the_path_on_every_node_in_order_with_direct_messages()
    {
        await using var cluster = await StartClusterAsync("a", "b", "c");
        var probes = cluster.Nodes.ToDictionary(n => n.Id, n =>
        {
            var probe = Probes.CreateTestProbe(n.System, "listener-" + n.Id);
            n.System.ActorOf(ActorFactory.Props(() => new ForwardActor(probe.Ref)), "listener");
            return probe;
        });
        var a = cluster["a"];
        var toB = a.Ref("b", "/user/listener");

        a.Cluster.Broadcast("/user/listener", new Sequenced("x", 0));
        toB.Tell(new Sequenced("x", 1));
        a.Cluster.Broadcast("/user/listener", new Sequenced("x", 2));

        foreach (var id in new[] { "a", "c" })
        {
            probes[id].ExpectMsg<Sequenced>(Wait).N.Should().Be(0);
            probes[id].ExpectMsg<Sequenced>(Wait).N.Should().Be(2);
        }
        probes["b"].ExpectMsg<Sequenced>(Wait).N.Should().Be(0);
        probes["b"].ExpectMsg<Sequenced>(Wait).N.Should().Be(1);
        probes["b"].ExpectMsg<Sequenced>(Wait).N.Should().Be(2);
    }

    [SkippableFact]
    public async Task Actor_refs_inside_messages_and_as_senders_reach_the_right_node()
    {
        await using var cluster = await StartClusterAsync("a", "b", "c");
        cluster["b"].System.ActorOf(ActorFactory.Props(() => new ReplyToActor()), "replier");
        var probeOnA = Probes.CreateTestProbe(cluster["a"].System, "on-a");
        var probeOnC = Probes.CreateTestProbe(cluster["c"].System, "on-c");
        cluster["c"].System.ActorOf(ActorFactory.Props(() => new ForwardActor(probeOnC.Ref)), "sink");
        var a = cluster["a"];

        a.Ref("b", "/user/replier").Tell(new ReplyTo(probeOnA.Ref, "to a's probe"));
        a.Ref("b", "/user/replier").Tell(new ReplyTo(a.Ref("c", "/user/sink"), "to c's sink"));

        probeOnA.ExpectMsg<string>(Wait).Should().Be("to a's probe");
        probeOnA.LastSender!.Path.ToString().Should().Be("actorsim://b/user/replier");
        probeOnC.ExpectMsg<string>(Wait).Should().Be("to c's sink");
        probeOnC.LastSender!.Path.ToString().Should().Be("actorsim://b/user/replier");
    }

    [SkippableFact]
    public async Task Members_see_each_other_and_agree_on_a_single_leader()
    {
        await using var cluster = await StartClusterAsync("a", "b", "c");

        foreach (var node in cluster.Nodes) node.ExpectLeader(l => l is not null);
        cluster.Nodes.Count(n => n.Cluster.IsLeader).Should().Be(1);
        var leader = cluster.Nodes.Single(n => n.Cluster.IsLeader).Id;
        cluster.Nodes.Select(n => n.Cluster.Leader).Should().AllBe(leader);
        cluster["b"].Cluster.Members.Select(m => m.NodeId).Should().Equal("a", "b", "c");
    }

    [SkippableFact]
    public async Task An_orderly_leave_is_reported_as_left()
    {
        await using var cluster = await StartClusterAsync("a", "b", "c");

        await cluster["c"].Cluster.DisposeAsync();

        cluster["a"].ExpectEvent<MemberLeft>(e => e.NodeId == "c").Incarnation.Should().Be(cluster["c"].Cluster.Incarnation);
        cluster["b"].ExpectEvent<MemberLeft>(e => e.NodeId == "c");
        cluster["a"].Logs.WaitFor(e => e.Message.Contains("member 'c' left"));
    }

    [SkippableFact]
    public async Task A_crashed_node_is_detected_through_its_vanished_inbox_and_the_leadership_moves()
    {
        var cluster = NewCluster();
        await using var _ = cluster;
        // Heartbeat timeout far away: only the inbox check can detect the crash here.
        await cluster.StartAsync(["a", "b", "c"], o => o with { FailureTimeout = TimeSpan.FromSeconds(60) });
        var first = cluster["a"];
        first.ExpectLeader(l => l == "a");

        var clock = Stopwatch.StartNew();
        await first.Cluster.SimulateCrashAsync();

        var crashed = cluster["b"].ExpectEvent<MemberCrashed>(e => e.NodeId == "a");
        Output.WriteLine($"{CreateTransport().Name}: crash of 'a' detected by 'b' after {clock.Elapsed.TotalMilliseconds:0} ms");
        crashed.Reason.Should().Contain("inbox disappeared");
        cluster["c"].ExpectEvent<MemberCrashed>(e => e.NodeId == "a");
        var newLeader = cluster["b"].ExpectLeader(l => l is not null and not "a");
        Output.WriteLine($"{CreateTransport().Name}: new leader '{newLeader}' known to 'b' after {clock.Elapsed.TotalMilliseconds:0} ms");
        new[] { "b", "c" }.Should().Contain(newLeader);
        cluster[newLeader!].Cluster.IsLeader.Should().BeTrue();
    }

    [SkippableFact]
    public async Task A_hung_node_is_detected_through_its_missing_heartbeat()
    {
        var cluster = NewCluster();
        await using var _ = cluster;
        await cluster.StartAsync(["a", "b"], o => o with { HeartbeatInterval = TimeSpan.FromMilliseconds(100), FailureTimeout = TimeSpan.FromSeconds(1) });

        await cluster["b"].Cluster.SimulateHangAsync();

        var crashed = cluster["a"].ExpectEvent<MemberCrashed>(e => e.NodeId == "b");
        crashed.Reason.Should().Contain("no heartbeat");
        crashed.SilentFor.Should().BeGreaterThan(TimeSpan.FromSeconds(1));
    }

    [SkippableFact]
    public async Task A_node_with_another_secret_is_not_admitted_and_cannot_inject_messages()
    {
        var cluster = NewCluster();
        await using var _ = cluster;
        await cluster.StartAsync(["a"]);
        var a = cluster["a"];
        a.System.ActorOf(ActorFactory.Props(() => new EchoActor()), "echo");

        var intruder = await cluster.StartNodeAsync("intruder", secret: ClusterSecret.FromString("a-different-secret-987654321"));
        var probe = Probes.CreateTestProbe(intruder.System, "intruder-probe");
        probe.Send(intruder.Ref("a", "/user/echo"), new Ping(666));

        if (RefusesForeignNodesAtTheTransport)
        {
            // The intruder is not one of this cluster's members: it learns no member, and its message goes nowhere.
            intruder.Logs.WaitFor(e => e.Message.Contains("node 'a' is not a member of this cluster"), Wait);
            await Task.Delay(TimeSpan.FromSeconds(1));
            a.Cluster.Members.Select(m => m.NodeId).Should().Equal("a");
            intruder.Cluster.Members.Select(m => m.NodeId).Should().Equal("intruder");
            a.Cluster.Leader.Should().Be("a");
            probe.HasMessages.Should().BeFalse();
            return;
        }
        var joinRejected = a.Logs.WaitFor(e => e.Level == LogLevel.Warning && e.Message.Contains("actorsim://intruder/system/intruder-probe") == false
            && e.Message.Contains("node 'intruder'") && e.Message.Contains("not admitted"), Wait);
        var injectRejected = a.Logs.WaitFor(e => e.Level == LogLevel.Warning && e.Message.Contains("actorsim://intruder/system/intruder-probe")
            && e.Message.Contains($"contract {RemoteTestContracts.PingId}"), Wait);
        Output.WriteLine(joinRejected.Message);
        Output.WriteLine(injectRejected.Message);
        joinRejected.Message.Should().Contain("HMAC does not match");
        a.Cluster.Members.Select(m => m.NodeId).Should().Equal("a");
        a.Cluster.RejectedFrameCount.Should().BeGreaterThanOrEqualTo(2);
        probe.HasMessages.Should().BeFalse();
    }

    [SkippableFact]
    public async Task A_message_of_an_unknown_contract_is_dropped_and_logged_and_an_ask_fails_at_once()
    {
        var cluster = NewCluster();
        await using var _ = cluster;
        var a = await cluster.StartNodeAsync("a", registry: RemoteTestContracts.CreateRegistry(withOnlyOnSomeNodes: true));
        var b = await cluster.StartNodeAsync("b");
        b.System.ActorOf(ActorFactory.Props(() => new EchoActor()), "echo");
        a.ExpectMembers(["a", "b"]);

        var act = () => a.Ref("b", "/user/echo").Ask<OnlyOnSomeNodes>(new OnlyOnSomeNodes("?"), TimeSpan.FromMinutes(5));

        (await act.Should().ThrowAsync<RemoteActorException>())
            .Which.Should().Match<RemoteActorException>(e => e.RemoteType.EndsWith("WireContractException") &&
                e.RemoteMessage.Contains($"Unknown contract id {RemoteTestContracts.OnlyOnSomeNodesId}"));
        b.Logs.WaitFor(e => e.Level == LogLevel.Error && e.Message.Contains($"Unknown contract id {RemoteTestContracts.OnlyOnSomeNodesId}"));
        b.Cluster.DroppedFrameCount.Should().Be(1);
    }

    [SkippableFact]
    public async Task Messages_from_an_older_epoch_are_dropped()
    {
        await using var cluster = await StartClusterAsync("a", "b");
        var probe = Probes.CreateTestProbe(cluster["b"].System);
        cluster["b"].System.ActorOf(ActorFactory.Props(() => new ForwardActor(probe.Ref)), "sink");
        var a = cluster["a"];
        cluster["b"].Cluster.Epoch = 2;

        a.Ref("b", "/user/sink").Tell(new Ping(1)); // epoch 0: dropped
        cluster["b"].Logs.WaitFor(e => e.Message.Contains("of epoch 0 (current epoch 2)"), Wait);
        a.Cluster.Epoch = 2;
        a.Ref("b", "/user/sink").Tell(new Ping(2));

        probe.ExpectMsg<Ping>(Wait).N.Should().Be(2);
        FluentActions.Invoking(() => a.Cluster.Epoch = 1).Should().Throw<ArgumentOutOfRangeException>();
    }

    [SkippableFact]
    public async Task A_node_id_already_in_use_is_refused()
    {
        var cluster = NewCluster();
        await using var _ = cluster;
        await cluster.StartNodeAsync("a");

        var act = () => cluster.StartNodeAsync("a");

        (await act.Should().ThrowAsync<ClusterConfigurationException>()).WithMessage("Node id 'a' is already in use in cluster*");
    }
}
