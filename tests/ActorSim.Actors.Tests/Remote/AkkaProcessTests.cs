using System.Diagnostics;
using ActorSim.Actors.Fabric;
using ActorSim.Actors.Remote;
using ActorSim.Actors.Remote.Membership;
using FluentAssertions;
using Xunit.Abstractions;

using Akka.Actor;
using Akka.TestKit;

namespace ActorSim.Actors.Tests.Remote;

/// <summary>
/// Failure detection and failover on the Akka.NET transport with real node processes: a child process (this test
/// assembly run as a program) joins the cluster of an observer node in this process and is killed (SIGKILL) or frozen
/// (SIGSTOP); the observer must notice within the bounds (SIGKILL 2 s, SIGSTOP 10 s, with margin for a loaded
/// two-core machine stated in each assertion), and the leadership must pass when the leader's process is killed.
/// </summary>
public sealed class AkkaProcessTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private const string SecretText = "process-test-secret-0123456789";
    private static readonly ClusterSecret Secret = ClusterSecret.FromString(SecretText);
    private readonly int _seedPort = Fabric.FabricTestNodes.FreePort();
    private int _created;

    private TestCluster NewCluster() => new(() =>
    {
        bool first = Interlocked.Increment(ref _created) == 1;
        return new AkkaClusterTransport(new FabricSettings("unset", "127.0.0.1", first ? _seedPort : 0, [$"127.0.0.1:{_seedPort}"], []));
    }, this);

    [Fact]
    public async Task A_killed_node_process_is_noticed_within_two_seconds()
    {
        var cluster = NewCluster();
        await using var _ = cluster;
        // ActorSim's own heartbeat timeout far away: only Akka's failure detector can notice the kill.
        var observer = await cluster.StartNodeAsync("observer", o => o with { FailureTimeout = TimeSpan.FromSeconds(60) }, Secret);
        await cluster.StartNodeAsync("witness", o => o with { FailureTimeout = TimeSpan.FromSeconds(60), LeaderCandidate = false }, Secret); // a majority of 2 of 3
        using var child = await ChildNodeProcess.StartAsync(cluster.ClusterId, "worker", SecretText, _seedPort);
        observer.ExpectEvent<MemberJoined>(e => e.NodeId == "worker", TimeSpan.FromSeconds(30));
        (await observer.Ref("worker", "/user/echo").Ask<Ping>(new Ping(5), TimeSpan.FromSeconds(10))).Should().Be(new Ping(5));

        var clock = Stopwatch.StartNew();
        child.Kill();
        var crashed = observer.ExpectEvent<MemberCrashed>(e => e.NodeId == "worker", TimeSpan.FromSeconds(15));
        var detected = clock.Elapsed;

        output.WriteLine($"SIGKILL of the worker process noticed after {detected.TotalMilliseconds:0} ms: {crashed.Reason}");
        crashed.Reason.Should().Contain("no longer reachable");
        detected.Should().BeLessThan(TimeSpan.FromSeconds(2), "a killed process drops its connections: the node is absent at the next presence check (250 ms)");
    }

    [Fact]
    public async Task A_frozen_node_process_is_noticed_within_ten_seconds_and_downed()
    {
        var cluster = NewCluster();
        await using var _ = cluster;
        var observer = await cluster.StartNodeAsync("observer", o => o with { FailureTimeout = TimeSpan.FromSeconds(60) }, Secret);
        await cluster.StartNodeAsync("witness", o => o with { FailureTimeout = TimeSpan.FromSeconds(60), LeaderCandidate = false }, Secret); // a majority of 2 of 3
        using var child = await ChildNodeProcess.StartAsync(cluster.ClusterId, "worker", SecretText, _seedPort);
        observer.ExpectEvent<MemberJoined>(e => e.NodeId == "worker", TimeSpan.FromSeconds(30));

        var clock = Stopwatch.StartNew();
        child.Stop();
        var crashed = observer.ExpectEvent<MemberCrashed>(e => e.NodeId == "worker", TimeSpan.FromSeconds(15));
        var detected = clock.Elapsed;
        output.WriteLine($"SIGSTOP of the worker process noticed after {detected.TotalMilliseconds:0} ms: {crashed.Reason}");
        detected.Should().BeLessThan(TimeSpan.FromSeconds(10));

        // The split brain resolver of the majority (observer and witness) downs it; once continued, the node finds itself
        // out of the cluster and never rejoins by itself.
        var akka = (AkkaClusterTransport)typeof(ClusterNode).GetField("_transport", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .GetValue(observer.Cluster)!;
        var deadline = Stopwatch.StartNew();
        while (Akka.Cluster.Cluster.Get(akka.System!).State.Members.Any(m => NodeIdentity.Of(m.Roles) == "worker"))
        {
            deadline.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20), "the resolver downs the frozen node");
            await Task.Delay(100);
        }
        output.WriteLine($"the frozen worker was downed and removed after {clock.Elapsed.TotalMilliseconds:0} ms");
        child.Continue();
        await Task.Delay(TimeSpan.FromSeconds(2));
        observer.Cluster.Members.Select(m => m.NodeId).Should().Equal("observer", "witness");
    }

    [Fact]
    public async Task The_leadership_passes_to_the_next_coordinator_when_the_leaders_process_is_killed()
    {
        var cluster = NewCluster();
        await using var _ = cluster;
        // The leader is the oldest coordinator node: the child process, started first as the seed.
        using var leader = await ChildNodeProcess.StartAsync(cluster.ClusterId, "leader", SecretText, _seedPort, _seedPort, coordinator: true);
        Interlocked.Increment(ref _created); // the seed port is taken by the child
        var standby = await cluster.StartNodeAsync("standby", o => o with { FailureTimeout = TimeSpan.FromSeconds(60) }, Secret);
        await cluster.StartNodeAsync("witness", o => o with { FailureTimeout = TimeSpan.FromSeconds(60), LeaderCandidate = false }, Secret); // a majority of 2 of 3
        standby.ExpectLeader(l => l == "leader", TimeSpan.FromSeconds(30));

        var clock = Stopwatch.StartNew();
        leader.Kill();
        standby.ExpectLeader(l => l == "standby", TimeSpan.FromSeconds(30));
        output.WriteLine($"leadership passed to the standby {clock.Elapsed.TotalMilliseconds:0} ms after SIGKILL of the leader's process");
        standby.Cluster.IsLeader.Should().BeTrue();
    }

    [Fact]
    public async Task Round_trip_latency_between_two_processes_is_measured()
    {
        var cluster = NewCluster();
        await using var _ = cluster;
        var a = await cluster.StartNodeAsync("a", null, Secret);
        using var child = await ChildNodeProcess.StartAsync(cluster.ClusterId, "b", SecretText, _seedPort);
        a.ExpectEvent<MemberJoined>(e => e.NodeId == "b", TimeSpan.FromSeconds(30));
        var echo = a.Ref("b", "/user/echo");
        var times = new List<double>();
        for (int i = 0; i < 300; i++)
        {
            var clock = Stopwatch.StartNew();
            (await echo.Ask<Ping>(new Ping(i), TimeSpan.FromSeconds(10))).N.Should().Be(i);
            if (i >= 50) times.Add(clock.Elapsed.TotalMicroseconds);
        }
        times.Sort();
        output.WriteLine($"Ask round trip over Akka.Remote between two processes: p50 {times[times.Count / 2]:0} µs, p99 {times[(int)(times.Count * 0.99)]:0} µs");
        times[times.Count / 2].Should().BeLessThan(50_000, "a round trip on loopback takes well under 50 ms even on a loaded machine");
    }
}
