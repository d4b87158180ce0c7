using ActorSim.Actors.TestKit;
using Akka.Actor;
using Akka.Event;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;
using Akka.TestKit.Xunit2;
using FluentAssertions;
using Microsoft.Extensions.Logging;

namespace ActorSim.Actors.Tests;

/// <summary>
/// ActorSim's layer over Akka.NET (<see cref="ActorRuntime"/>, <see cref="Actor"/>, <see cref="ActorFactory"/>,
/// <see cref="Strategies"/>): failures that escalate past a top-level actor fault the host's task and still name the
/// actor and message where they began, logs reach the host's logger factory, factories build a fresh instance on restart.
/// </summary>
public sealed class ActorRuntimeTests : Akka.TestKit.Xunit2.TestKit
{
    private sealed record Fail(string Text);
    private sealed record Spawn(string Name);

    /// <summary>Creates the children it is asked to (with escalation), forwards <see cref="Fail"/> to them, throws on its own Fail.</summary>
    private sealed class Parent : Actor
    {
        protected override void Receive(object message)
        {
            switch (message)
            {
                case Spawn s:
                    Sender.Tell(Context.ActorOf(ActorFactory.Props(() => new Thrower()), s.Name));
                    break;
                default:
                    Unhandled(message);
                    break;
            }
        }

        protected override SupervisorStrategy SupervisorStrategy() => Strategies.EscalateAll;
    }

    private sealed class Thrower : Actor
    {
        protected override void Receive(object message)
        {
            if (message is Fail f) throw new InvalidOperationException(f.Text);
            Log.LogInformation("got {Message}", message);
            Sender.Tell(message);
        }
    }

    private sealed class Counter : Actor
    {
        private int _count;

        protected override void Receive(object message)
        {
            if (message is Fail f) throw new InvalidOperationException(f.Text);
            Sender.Tell(++_count);
        }
    }

    [Fact]
    public async Task A_failure_escalated_past_the_top_faults_the_system_task_naming_the_actor_and_message_where_it_began()
    {
        var logs = new CapturingLoggerFactory();
        var system = ActorRuntime.CreateLocal("faults", logs);
        try
        {
            var parent = system.ActorOf(ActorFactory.Props(() => new Parent()), "parent");
            var child = await parent.Ask<IActorRef>(new Spawn("child"), TimeSpan.FromSeconds(5));
            system.WhenFaulted().IsCompleted.Should().BeFalse();

            child.Tell(new Fail("boom in the child"));

            var act = () => system.WhenFaulted().WaitAsync(TimeSpan.FromSeconds(10));
            var error = (await act.Should().ThrowAsync<ActorFailedException>()).Which;
            error.Path.Should().Be("/user/parent/child");
            error.MessageType.Should().Be(typeof(Fail));
            error.Message.Should().Be("actor /user/parent/child failed while processing Fail: boom in the child");
            error.InnerException.Should().BeOfType<InvalidOperationException>();
            logs.WaitFor(e => e.Level == LogLevel.Error && e.Message.Contains("/user/parent failed"));
        }
        finally
        {
            await system.ShutdownAsync(TimeSpan.FromSeconds(10));
        }
        system.WhenTerminated.IsCompleted.Should().BeTrue();
    }

    [Fact]
    public void Actor_logs_and_Akka_s_own_log_reach_the_logger_factory()
    {
        var logs = new CapturingLoggerFactory();
        var system = ActorRuntime.CreateLocal("logs", logs);
        try
        {
            var thrower = system.ActorOf(ActorFactory.Props(() => new Thrower()), "talker");
            var probe = CreateTestProbe(system);
            thrower.Tell("hello", probe.Ref);
            probe.ExpectMsg("hello");
            logs.WaitFor(e => e.Category == "/user/talker" && e.Level == LogLevel.Information && e.Message == "got hello");

            system.Log.Warning("a warning from Akka itself");
            logs.WaitFor(e => e.Category.StartsWith("Akka.", StringComparison.Ordinal) && e.Level == LogLevel.Warning
                && e.Message == "a warning from Akka itself");

            var parent = system.ActorOf(ActorFactory.Props(() => new Parent()), "parent");
            parent.Tell(42, probe.Ref);
            logs.WaitFor(e => e.Level == LogLevel.Warning && e.Message.Contains("Unhandled message Int32") && e.Message.Contains("/user/parent"));
        }
        finally
        {
            system.Terminate().Wait(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public void A_restarted_actor_is_a_fresh_instance_from_its_factory()
    {
        int created = 0;
        var counter = Sys.ActorOf(ActorFactory.Props(() => { created++; return new Counter(); }), "counter");
        counter.Tell("a");
        counter.Tell("b");
        ExpectMsg(1);
        ExpectMsg(2);

        EventFilter.Exception<ActorFailedException>().ExpectOne(() => counter.Tell(new Fail("reset me")));
        counter.Tell("c");

        ExpectMsg(1); // the default strategy restarts the actor with a new instance, so its count starts again
        created.Should().Be(2);
    }

    [Fact]
    public void A_system_not_made_by_the_runtime_still_gives_a_logger_factory_and_never_faults()
    {
        ActorRuntime.LoggerFactoryOf(Sys).Should().NotBeNull();
        Sys.WhenFaulted().IsCompleted.Should().BeFalse();
    }
}
