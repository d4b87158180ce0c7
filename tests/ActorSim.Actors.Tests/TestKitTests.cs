using ActorSim.Actors.TestKit;
using FluentAssertions;
using Microsoft.Extensions.Logging;

namespace ActorSim.Actors.Tests;

public sealed class TestKitTests
{
    [Fact]
    public async Task ExpectMsg_timeout_says_what_was_expected_and_that_nothing_arrived()
    {
        await using var system = new ActorSystem("kit");
        var probe = new TestProbe(system, "waiter");

        var act = () => probe.ExpectMsg<Ping>(TimeSpan.FromMilliseconds(100));

        act.Should().Throw<ExpectationFailedException>()
            .WithMessage("TestProbe 'waiter': expected a message of type Ping within 0.1 s, but no message arrived.");
    }

    [Fact]
    public async Task ExpectMsg_of_the_wrong_type_or_not_matching_says_what_arrived()
    {
        await using var system = new ActorSystem("kit");
        var probe = new TestProbe(system);

        probe.Ref.Tell(42);
        var wrongType = () => probe.ExpectMsg<Ping>();
        wrongType.Should().Throw<ExpectationFailedException>().WithMessage("*expected a message of type Ping*received Int32: 42*");

        probe.Ref.Tell(new Ping(1));
        var noMatch = () => probe.ExpectMsg<Ping>(p => p.N == 2);
        noMatch.Should().Throw<ExpectationFailedException>().WithMessage("*matching the predicate*Ping { N = 1 }*");

        probe.Ref.Tell(new Ping(2));
        probe.ExpectMsg<Ping>(p => p.N == 2).Should().Be(new Ping(2));
    }

    [Fact]
    public async Task ExpectNoMsg_passes_when_quiet_and_fails_when_a_message_arrives()
    {
        await using var system = new ActorSystem("kit");
        var probe = new TestProbe(system);

        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(50));

        system.ScheduleTellOnce(TimeSpan.FromMilliseconds(20), probe.Ref, new Ping(5));
        var act = () => probe.ExpectNoMsg(TimeSpan.FromSeconds(3));
        act.Should().Throw<ExpectationFailedException>().WithMessage("*expected no message*received Ping*");
    }

    [Fact]
    public async Task Send_uses_the_probe_as_sender_and_LastSender_tracks_the_replier()
    {
        await using var system = new ActorSystem("kit");
        var probe = new TestProbe(system);
        var echo = system.ActorOf(Props.Create<EchoActor>(), "echo");

        probe.Send(echo, "ping");

        probe.ExpectMsg<string>().Should().Be("ping");
        probe.LastSender.Should().BeSameAs(echo);
        probe.Reply("pong"); // echoed back to the probe
        probe.ExpectMsg<string>().Should().Be("pong");
    }

    [Fact]
    public void Reply_without_a_sender_is_a_clear_error()
    {
        var system = new ActorSystem("kit");
        var probe = new TestProbe(system);
        probe.Ref.Tell("no sender");
        probe.ExpectMsg<string>();

        var act = () => probe.Reply("x");

        act.Should().Throw<InvalidOperationException>().WithMessage("*cannot reply*");
    }

    [Fact]
    public void CapturingLoggerFactory_records_entries_and_WaitFor_reports_what_was_captured()
    {
        var logs = new CapturingLoggerFactory(LogLevel.Information);
        var logger = logs.CreateLogger("cat");
        logger.LogDebug("ignored");
        logger.LogWarning(new FormatException("bad"), "Value {Value} rejected", 7);

        var entry = logs.Entries.Should().ContainSingle().Which;
        entry.Should().BeEquivalentTo(new { Level = LogLevel.Warning, Category = "cat", Message = "Value 7 rejected" });
        entry.Exception.Should().BeOfType<FormatException>();
        entry.Properties.Should().Contain(new KeyValuePair<string, object?>("Value", 7));

        var act = () => logs.WaitFor(e => e.Level == LogLevel.Error, TimeSpan.FromMilliseconds(50));
        act.Should().Throw<ExpectationFailedException>().WithMessage("*no log entry matching*Value 7 rejected*");
    }
}
