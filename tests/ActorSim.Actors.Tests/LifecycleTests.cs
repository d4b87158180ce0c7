using System.Collections.Concurrent;
using ActorSim.Actors.TestKit;
using FluentAssertions;
using Microsoft.Extensions.Logging;

namespace ActorSim.Actors.Tests;

public sealed class LifecycleTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>Builds a chain of <c>depth</c> descendants and records PostStop order.</summary>
    private sealed class ChainActor(int depth, ConcurrentQueue<string> stopped) : Actor
    {
        protected override void PreStart()
        {
            if (depth > 0) Context.ActorOf(Props.Create(() => new ChainActor(depth - 1, stopped)), "c" + depth);
        }

        protected override void Receive(object message) => Sender?.Tell(Context.Children.Count, Self);

        protected override void PostStop() => stopped.Enqueue(Self.Path.Value);
    }

    [Fact]
    public async Task Shutdown_stops_children_before_parents_and_is_idempotent()
    {
        var stopped = new ConcurrentQueue<string>();
        var system = new ActorSystem("shutdown");
        var a = system.ActorOf(Props.Create(() => new ChainActor(2, stopped)), "a");
        var b = system.ActorOf(Props.Create(() => new ChainActor(1, stopped)), "b");
        (await system.Ask<int>(a, "children?", Timeout)).Should().Be(1);
        (await system.Ask<int>(b, "children?", Timeout)).Should().Be(1);

        var first = system.ShutdownAsync();
        var second = system.ShutdownAsync();
        await Task.WhenAll(first, second);

        system.Terminated.IsCompletedSuccessfully.Should().BeTrue();
        var order = stopped.ToList();
        order.Should().BeEquivalentTo("/user/a", "/user/a/c2", "/user/a/c2/c1", "/user/b", "/user/b/c1");
        order.IndexOf("/user/a/c2/c1").Should().BeLessThan(order.IndexOf("/user/a/c2"));
        order.IndexOf("/user/a/c2").Should().BeLessThan(order.IndexOf("/user/a"));
        order.IndexOf("/user/b/c1").Should().BeLessThan(order.IndexOf("/user/b"));

        await system.ShutdownAsync(); // still fine afterwards
        stopped.Should().HaveCount(5, "PostStop runs once per actor");
        system.WhenFaulted.IsCompleted.Should().BeFalse();
    }

    [Fact]
    public async Task After_shutdown_tells_go_to_dead_letters_and_ActorOf_is_refused()
    {
        var logs = new CapturingLoggerFactory();
        var system = new ActorSystem("after", logs);
        var echo = system.ActorOf(Props.Create<EchoActor>(), "echo");
        await system.ShutdownAsync();

        echo.Tell(new Ping(1));
        echo.Tell(new Ping(2));

        system.DeadLetterCount.Should().Be(2);
        logs.Entries.Should().Contain(e => e.Level == LogLevel.Debug && e.Category == "ActorSim.Actors.DeadLetters"
                                           && e.Message.Contains("Ping") && e.Message.Contains("/user/echo"));
        var act = () => system.ActorOf(Props.Create<EchoActor>(), "late");
        act.Should().Throw<InvalidOperationException>().WithMessage("*'after' has been shut down*");
    }

    [Fact]
    public async Task Stopping_a_child_stops_its_subtree_and_releases_the_name()
    {
        await using var system = new ActorSystem("child-stop");
        var events = new TestProbe(system, "events");
        var grandChildProps = Props.Create(() => new ParentActor(events.Ref, "p/child")); // child with its own child
        var parent = system.ActorOf(Props.Create(() => new ParentActor(events.Ref, "p", grandChildProps)), "parent");
        events.ExpectStarted("p", "p/child", "p/child/child");

        parent.Tell("stop-child");

        events.ExpectMsg<Stopped>().Id.Should().Be("p/child/child");
        events.ExpectMsg<Stopped>().Id.Should().Be("p/child");
        (await system.Ask<string[]>(parent, "children", Timeout)).Should().BeEmpty();
        events.ExpectNoMsg(TimeSpan.FromMilliseconds(50)); // the parent itself keeps running
    }

    private sealed record Entered;

    /// <summary>Blocks in its first message until the gate opens.</summary>
    private sealed class GatedActor(ManualResetEventSlim gate, IActorRef events) : Actor
    {
        private int _processed;

        protected override void Receive(object message)
        {
            _processed++;
            if (_processed == 1)
            {
                events.Tell(new Entered());
                gate.Wait(TimeSpan.FromSeconds(10));
            }
        }

        protected override void PostStop() => events.Tell(_processed);
    }

    [Fact]
    public async Task Stop_takes_effect_after_the_current_message_and_pending_messages_become_dead_letters()
    {
        await using var system = new ActorSystem("stop-pending");
        var events = new TestProbe(system, "events");
        using var gate = new ManualResetEventSlim(false);
        var actor = system.ActorOf(Props.Create(() => new GatedActor(gate, events.Ref)), "gated");

        actor.Tell(new Ping(0));
        events.ExpectMsg<Entered>();
        for (var i = 1; i <= 10; i++) actor.Tell(new Ping(i));
        system.Stop(actor);
        gate.Set();

        events.ExpectMsg<int>().Should().Be(1, "only the message in progress is completed");
        system.DeadLetterCount.Should().Be(10);
    }

    [Fact]
    public async Task ScheduleTellOnce_delivers_and_can_be_cancelled()
    {
        await using var system = new ActorSystem("timers");
        var probe = new TestProbe(system);
        var sender = new TestProbe(system, "sender");

        system.ScheduleTellOnce(TimeSpan.FromMilliseconds(20), probe.Ref, "tick", sender.Ref);
        using (system.ScheduleTellOnce(TimeSpan.FromMilliseconds(150), probe.Ref, "cancelled")) { }

        probe.ExpectMsg<string>().Should().Be("tick");
        probe.LastSender.Should().BeSameAs(sender.Ref);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }
}
