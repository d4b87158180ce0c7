using ActorSim.Actors.TestKit;
using FluentAssertions;
using Microsoft.Extensions.Logging;

namespace ActorSim.Actors.Tests;

public sealed class SupervisionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private static SupervisorStrategy Always(Directive d) => new(_ => d);

    [Fact]
    public async Task Restart_resets_state_calls_hooks_drops_the_failing_message_and_processes_later_ones()
    {
        await using var system = new ActorSystem("restart");
        var events = new TestProbe(system, "events");
        var counter = system.ActorOf(Props.Create(() => new CounterActor(events.Ref, "c")), "counter");
        events.ExpectMsg<Started>();
        counter.Tell(new Inc());
        counter.Tell(new Inc());
        (await system.Ask<int>(counter, new Get(), Timeout)).Should().Be(2);

        var boom = new Boom("kaput");
        counter.Tell(boom);
        counter.Tell(new Inc()); // queued while the actor is suspended, processed by the new instance

        var pre = events.ExpectMsg<PreRestarted>();
        pre.Reason.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Be("kaput");
        pre.Message.Should().BeSameAs(boom);
        events.ExpectMsg<Started>();
        events.ExpectMsg<PostRestarted>().Reason.Message.Should().Be("kaput");
        (await system.Ask<int>(counter, new Get(), Timeout)).Should().Be(1);
        system.WhenFaulted.IsCompleted.Should().BeFalse();
    }

    [Fact]
    public async Task Resume_keeps_state_and_does_not_restart()
    {
        await using var system = new ActorSystem("resume", guardianStrategy: Always(Directive.Resume));
        var events = new TestProbe(system, "events");
        var counter = system.ActorOf(Props.Create(() => new CounterActor(events.Ref, "c")), "counter");
        events.ExpectMsg<Started>();

        counter.Tell(new Inc());
        counter.Tell(new Inc());
        counter.Tell(new Boom("x"));
        counter.Tell(new Inc());

        (await system.Ask<int>(counter, new Get(), Timeout)).Should().Be(3);
        events.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // no restart hooks, no stop
    }

    [Fact]
    public async Task Stop_directive_stops_the_actor_and_later_messages_become_dead_letters()
    {
        await using var system = new ActorSystem("stop", guardianStrategy: SupervisorStrategy.StopAll);
        var events = new TestProbe(system, "events");
        var counter = system.ActorOf(Props.Create(() => new CounterActor(events.Ref, "c")), "counter");
        events.ExpectMsg<Started>();

        counter.Tell(new Boom("x"));
        events.ExpectMsg<Stopped>();
        var before = system.DeadLetterCount;
        counter.Tell(new Inc());

        system.DeadLetterCount.Should().Be(before + 1);
        system.WhenFaulted.IsCompleted.Should().BeFalse();
        // the name is free again
        system.ActorOf(Props.Create(() => new CounterActor(events.Ref, "c2")), "counter");
        events.ExpectMsg<Started>().Id.Should().Be("c2");
    }

    [Fact]
    public async Task The_failure_is_logged_at_error_with_the_actor_path_and_message_type()
    {
        var logs = new CapturingLoggerFactory();
        await using var system = new ActorSystem("logging", logs);
        var events = new TestProbe(system, "events");
        var counter = system.ActorOf(Props.Create(() => new CounterActor(events.Ref, "c")), "counter");

        counter.Tell(new Boom("disk on fire"));

        var entry = logs.WaitFor(e => e.Level == LogLevel.Error);
        entry.Category.Should().Be("/user/counter");
        entry.Message.Should().Contain("/user/counter").And.Contain("Boom");
        entry.Exception.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Be("disk on fire");
    }

    [Fact]
    public async Task Escalation_goes_through_the_parent_to_WhenFaulted_with_path_and_message_type()
    {
        var logs = new CapturingLoggerFactory();
        await using var system = new ActorSystem("escalate", logs, SupervisorStrategy.EscalateAll);
        var events = new TestProbe(system, "events");
        var parentProps = Props.Create(() => new ParentActor(events.Ref, "p"))
            .WithSupervisorStrategy(SupervisorStrategy.EscalateAll);
        var parent = system.ActorOf(parentProps, "parent");
        events.ExpectStarted("p", "p/child");

        parent.Tell(new Boom("division by zero")); // forwarded to /user/parent/child, which throws

        var act = () => system.WhenFaulted.WaitAsync(TimeSpan.FromSeconds(5));
        var error = (await act.Should().ThrowAsync<ActorFailedException>()).Which;
        error.Path.Should().Be(new ActorPath("/user/parent/child"));
        error.MessageType.Should().Be(typeof(Boom));
        error.Message.Should().Be("actor /user/parent/child failed while processing Boom: division by zero");
        error.InnerException.Should().BeOfType<InvalidOperationException>();

        // the top-level actor is stopped, children first
        events.ExpectMsg<Stopped>().Id.Should().Be("p/child");
        events.ExpectMsg<Stopped>().Id.Should().Be("p");
        logs.WaitFor(e => e.Level == LogLevel.Critical).Message.Should().Contain("/user/parent/child");
    }

    [Fact]
    public async Task An_escalated_failure_restarts_the_parent_which_stops_the_old_children()
    {
        await using var system = new ActorSystem("escalate-restart");
        var events = new TestProbe(system, "events");
        var parentProps = Props.Create(() => new ParentActor(events.Ref, "p"))
            .WithSupervisorStrategy(SupervisorStrategy.EscalateAll);
        var parent = system.ActorOf(parentProps, "parent");
        events.ExpectStarted("p", "p/child");
        parent.Tell(new Inc());

        parent.Tell(new Boom("bad"));

        var pre = events.ExpectMsg<PreRestarted>(p => p.Id == "p");
        var reason = pre.Reason.Should().BeOfType<ActorFailedException>().Which;
        reason.Path.Value.Should().Be("/user/parent/child");
        pre.Message.Should().BeNull(); // the parent was not processing a message when it failed
        var rest = Enumerable.Range(0, 4).Select(_ => events.ExpectMsg<object>()).ToList();
        rest.Should().ContainEquivalentOf(new Stopped("p/child"))
            .And.ContainEquivalentOf(new Started("p/child"))
            .And.ContainEquivalentOf(new Started("p"));
        rest.OfType<PostRestarted>().Should().ContainSingle(r => r.Id == "p");

        (await system.Ask<int>(parent, new Get(), Timeout)).Should().Be(0, "the new child has fresh state");
        system.WhenFaulted.IsCompleted.Should().BeFalse();
    }

    [Fact]
    public async Task Exceeding_the_restart_limit_escalates_to_WhenFaulted()
    {
        var logs = new CapturingLoggerFactory();
        var strategy = new SupervisorStrategy(_ => Directive.Restart, MaxRestarts: 2, Within: TimeSpan.FromMinutes(1));
        await using var system = new ActorSystem("limit", logs, strategy);
        var events = new TestProbe(system, "events");
        var counter = system.ActorOf(Props.Create(() => new CounterActor(events.Ref, "c")), "counter");

        for (var i = 1; i <= 3; i++) counter.Tell(new Boom("failure " + i));

        var act = () => system.WhenFaulted.WaitAsync(TimeSpan.FromSeconds(5));
        var error = (await act.Should().ThrowAsync<ActorFailedException>()).Which;
        error.Message.Should().Be("actor /user/counter failed while processing Boom: failure 3");
        events.ExpectMsg<Started>();
        for (var i = 0; i < 2; i++)
        {
            events.ExpectMsg<PreRestarted>();
            events.ExpectMsg<Started>();
            events.ExpectMsg<PostRestarted>();
        }
        events.ExpectMsg<Stopped>();
        logs.WaitFor(e => e.Level == LogLevel.Critical).Message.Should().Contain("restart limit of 2");
    }

    private sealed class FailingStartActor(Func<bool> shouldFail, IActorRef events) : Actor
    {
        protected override void PreStart()
        {
            if (shouldFail()) throw new InvalidOperationException("cannot start");
            events.Tell(new Started("s"));
        }

        protected override void Receive(object message) => Sender?.Tell(message, Self);
    }

    [Fact]
    public async Task A_PreStart_failure_is_supervised_and_messages_wait_for_the_restarted_instance()
    {
        var logs = new CapturingLoggerFactory();
        await using var system = new ActorSystem("prestart", logs);
        var events = new TestProbe(system, "events");
        var attempts = 0;
        var actor = system.ActorOf(
            Props.Create(() => new FailingStartActor(() => Interlocked.Increment(ref attempts) == 1, events.Ref)), "starter");

        (await system.Ask<string>(actor, "hi", Timeout)).Should().Be("hi");
        events.ExpectMsg<Started>();
        attempts.Should().Be(2);
        logs.Entries.Should().Contain(e => e.Level == LogLevel.Error && e.Message.Contains("/user/starter failed while starting"));
    }

    [Fact]
    public async Task A_PreStart_failure_that_escalates_names_the_start_in_WhenFaulted()
    {
        await using var system = new ActorSystem("prestart", guardianStrategy: SupervisorStrategy.EscalateAll);
        var events = new TestProbe(system, "events");
        system.ActorOf(Props.Create(() => new FailingStartActor(() => true, events.Ref)), "starter");

        var act = () => system.WhenFaulted.WaitAsync(TimeSpan.FromSeconds(5));
        var error = (await act.Should().ThrowAsync<ActorFailedException>()).Which;
        error.MessageType.Should().BeNull();
        error.Message.Should().Be("actor /user/starter failed while starting: cannot start");
    }

    [Fact]
    public async Task A_suspended_actor_processes_no_messages_until_its_parent_decides()
    {
        // The parent is suspended itself (its child escalated) and its own supervisor resumes it,
        // which also resumes the child: state is kept everywhere and queued messages then flow.
        await using var system = new ActorSystem("suspend", guardianStrategy: Always(Directive.Resume));
        var events = new TestProbe(system, "events");
        var parent = system.ActorOf(
            Props.Create(() => new ParentActor(events.Ref, "p")).WithSupervisorStrategy(SupervisorStrategy.EscalateAll), "parent");
        events.ExpectStarted("p", "p/child");
        parent.Tell(new Inc());
        parent.Tell(new Boom("x"));
        parent.Tell(new Inc());

        (await system.Ask<int>(parent, new Get(), Timeout)).Should().Be(2);
        events.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }
}
