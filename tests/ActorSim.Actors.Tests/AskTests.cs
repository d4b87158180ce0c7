using ActorSim.Actors.TestKit;
using FluentAssertions;

namespace ActorSim.Actors.Tests;

public sealed class AskTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private sealed class ReplyWithActor(Func<object, object> reply) : Actor
    {
        protected override void Receive(object message) => Sender?.Tell(reply(message), Self);
    }

    [Fact]
    public async Task Ask_returns_the_reply()
    {
        await using var system = new ActorSystem("ask");
        var echo = system.ActorOf(Props.Create<EchoActor>(), "echo");

        (await system.Ask<Ping>(echo, new Ping(1), Timeout)).Should().Be(new Ping(1));
        (await echo.Ask<string>(system, "hello", Timeout)).Should().Be("hello");
    }

    [Fact]
    public async Task Ask_unwraps_a_success_status()
    {
        await using var system = new ActorSystem("ask");
        var actor = system.ActorOf(Props.Create(() => new ReplyWithActor(_ => new Status.Success(42))), "ok");

        (await system.Ask<int>(actor, "q", Timeout)).Should().Be(42);
    }

    [Fact]
    public async Task Ask_times_out_with_a_message_naming_target_message_type_and_timeout()
    {
        await using var system = new ActorSystem("ask");
        var silent = system.ActorOf(Props.Create<SilentActor>(), "silent");

        var act = () => system.Ask<string>(silent, new Ping(1), TimeSpan.FromMilliseconds(200));

        var thrown = await act.Should().ThrowAsync<AskTimeoutException>();
        thrown.Which.Message.Should().Contain("/user/silent").And.Contain("Ping").And.Contain("0.2 s");
        thrown.Which.Target.Should().Be(silent.Path);
    }

    [Fact]
    public async Task A_failure_status_reply_faults_the_ask_with_its_cause()
    {
        await using var system = new ActorSystem("ask");
        var actor = system.ActorOf(
            Props.Create(() => new ReplyWithActor(_ => new Status.Failure(new FormatException("bad input")))), "failing");

        var act = () => system.Ask<string>(actor, "q", Timeout);

        await act.Should().ThrowAsync<FormatException>().WithMessage("bad input");
    }

    [Fact]
    public async Task A_reply_of_the_wrong_type_gives_a_clear_invalid_cast()
    {
        await using var system = new ActorSystem("ask");
        var echo = system.ActorOf(Props.Create<EchoActor>(), "echo");

        var act = () => system.Ask<string>(echo, new Ping(3), Timeout);

        await act.Should().ThrowAsync<InvalidCastException>()
            .WithMessage("*/user/echo*expected a reply of type String but received Ping*");
    }

    [Fact]
    public async Task Ask_can_be_cancelled()
    {
        await using var system = new ActorSystem("ask");
        var silent = system.ActorOf(Props.Create<SilentActor>(), "silent");
        using var cts = new CancellationTokenSource();

        var task = system.Ask<string>(silent, "q", TimeSpan.FromSeconds(30), cts.Token);
        cts.Cancel();

        Func<Task> act = () => task;
        await act.Should().ThrowAsync<OperationCanceledException>();
        task.IsCanceled.Should().BeTrue();
    }

    [Fact]
    public async Task Ask_to_a_stopped_actor_fails_fast_instead_of_timing_out()
    {
        await using var system = new ActorSystem("ask");
        var probe = new TestProbe(system);
        var counter = system.ActorOf(Props.Create(() => new CounterActor(probe.Ref, "c")), "counter");
        probe.ExpectMsg<Started>();
        system.Stop(counter);
        probe.ExpectMsg<Stopped>();

        var act = () => system.Ask<int>(counter, new Get(), TimeSpan.FromSeconds(30));

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*/user/counter*could not be delivered*");
    }

    [Fact]
    public async Task Ask_after_shutdown_fails_fast()
    {
        var system = new ActorSystem("ask");
        var echo = system.ActorOf(Props.Create<EchoActor>(), "echo");
        await system.ShutdownAsync();

        var act = () => system.Ask<string>(echo, "q", TimeSpan.FromSeconds(30));

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*'ask' has been shut down*");
    }

    [Fact]
    public async Task A_probe_can_answer_an_ask_through_Reply()
    {
        await using var system = new ActorSystem("ask");
        var probe = new TestProbe(system);

        var task = system.Ask<string>(probe.Ref, "question", Timeout);
        probe.ExpectMsg<string>().Should().Be("question");
        probe.LastSender!.Path.Value.Should().StartWith("/temp/ask-");
        probe.Reply("answer");

        (await task).Should().Be("answer");
    }
}
