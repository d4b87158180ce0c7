using System.Diagnostics;
using ActorSim.Actors.Remote;
using ActorSim.Actors.Remote.Membership;
using ActorSim.Actors.Remote.RabbitMq;
using FluentAssertions;
using Xunit.Abstractions;

namespace ActorSim.Actors.Tests.Remote;

/// <summary>
/// Failure detection and failover with a real node process: a child process (this test assembly run as a
/// program) joins the cluster through the broker and is killed (SIGKILL) or hung (SIGSTOP).
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class RabbitMqProcessTests(BrokerFixture broker, ITestOutputHelper output)
{
    private const string SecretText = "process-test-secret-0123456789";

    private TestCluster NewCluster()
    {
        var options = broker.Require();
        return new TestCluster(() => new RabbitMqTransport(options));
    }

    [SkippableFact]
    public async Task A_killed_node_process_is_detected_through_its_vanished_inbox()
    {
        var cluster = NewCluster();
        await using var _ = cluster;
        // Heartbeat timeout far away: only the inbox check can notice the kill.
        var observer = await cluster.StartNodeAsync("observer", o => o with { FailureTimeout = TimeSpan.FromSeconds(60) }, ClusterSecret.FromString(SecretText));
        using var child = await ChildNodeProcess.StartAsync(broker, cluster.ClusterId, "worker", SecretText);
        observer.ExpectEvent<MemberJoined>(e => e.NodeId == "worker");
        (await observer.System.Ask<Ping>(observer.Ref("worker", "/user/echo"), new Ping(5), TimeSpan.FromSeconds(10))).Should().Be(new Ping(5));

        var clock = Stopwatch.StartNew();
        child.Kill();
        var crashed = observer.ExpectEvent<MemberCrashed>(e => e.NodeId == "worker");

        output.WriteLine($"SIGKILL of the worker process detected after {clock.Elapsed.TotalMilliseconds:0} ms: {crashed.Reason}");
        crashed.Reason.Should().Contain("inbox disappeared");
    }

    [SkippableFact]
    public async Task A_stopped_node_process_is_detected_through_its_missing_heartbeat()
    {
        var cluster = NewCluster();
        await using var _ = cluster;
        var observer = await cluster.StartNodeAsync("observer", o => o with { FailureTimeout = TimeSpan.FromSeconds(2) }, ClusterSecret.FromString(SecretText));
        using var child = await ChildNodeProcess.StartAsync(broker, cluster.ClusterId, "worker", SecretText);
        observer.ExpectEvent<MemberJoined>(e => e.NodeId == "worker");

        var clock = Stopwatch.StartNew();
        child.Stop();
        var crashed = observer.ExpectEvent<MemberCrashed>(e => e.NodeId == "worker", TimeSpan.FromSeconds(15));

        output.WriteLine($"SIGSTOP of the worker process detected after {clock.Elapsed.TotalMilliseconds:0} ms: {crashed.Reason}");
        crashed.Reason.Should().Contain("no heartbeat");
        child.Kill();
    }

    [SkippableFact]
    public async Task Leadership_passes_to_the_next_candidate_when_the_leader_process_is_killed()
    {
        var cluster = NewCluster();
        await using var _ = cluster;
        using var child = await ChildNodeProcess.StartAsync(broker, cluster.ClusterId, "first", SecretText);
        var observer = await cluster.StartNodeAsync("second", o => o with { FailureTimeout = TimeSpan.FromSeconds(60) }, ClusterSecret.FromString(SecretText));
        observer.ExpectLeader(l => l == "first");
        observer.Cluster.IsLeader.Should().BeFalse();

        var clock = Stopwatch.StartNew();
        child.Kill();
        observer.ExpectLeader(l => l == "second");

        output.WriteLine($"leadership passed from the killed process to 'second' after {clock.Elapsed.TotalMilliseconds:0} ms");
        observer.Cluster.IsLeader.Should().BeTrue();
    }

    [SkippableFact]
    public async Task Round_trip_latency_through_the_broker_is_measured()
    {
        var cluster = NewCluster();
        await using var _ = cluster;
        await cluster.StartAsync(["a", "b"]);
        cluster["b"].System.ActorOf(Props.Create<EchoActor>(), "echo");
        var a = cluster["a"];
        var echo = a.Ref("b", "/user/echo");
        for (var i = 0; i < 200; i++) await a.System.Ask<Ping>(echo, new Ping(i), TimeSpan.FromSeconds(10)); // warm-up

        var samples = new double[2000];
        for (var i = 0; i < samples.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            (await a.System.Ask<Ping>(echo, new Ping(i), TimeSpan.FromSeconds(10))).N.Should().Be(i);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(samples);
        output.WriteLine($"Ask round trip a -> b -> a through the broker (publisher confirms, manual acks), n={samples.Length}: " +
                         $"p50 {samples[samples.Length / 2]:0} µs, p99 {samples[samples.Length * 99 / 100]:0} µs, max {samples[^1]:0} µs; broker start {broker.StartSeconds} s");
    }

    [SkippableFact]
    public async Task The_broker_script_reports_the_running_broker_and_start_is_idempotent()
    {
        broker.Require();

        var status = await broker.RunScriptAsync("status", TimeSpan.FromSeconds(60));
        var again = await broker.RunScriptAsync("start", TimeSpan.FromSeconds(60));

        status.ExitCode.Should().Be(0, status.Stderr);
        status.Stdout.Should().StartWith("running: node actorsim-test-");
        again.ExitCode.Should().Be(0, again.Stderr);
        again.Stderr.Should().Contain("already running");
        again.Stdout.Should().Contain("ACTORSIM_BROKER_STARTED_SECONDS=0");
    }
}
