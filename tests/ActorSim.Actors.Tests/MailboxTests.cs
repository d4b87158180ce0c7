using ActorSim.Actors.TestKit;
using FluentAssertions;

namespace ActorSim.Actors.Tests;

public sealed class MailboxTests
{
    private sealed record Seq(int Sender, int N);
    private sealed record Report(int Received, int OrderViolations, int MaxConcurrentReceives);

    /// <summary>Checks per-sender order and counts overlapping Receive calls.</summary>
    private sealed class OrderCheckingActor(int senders, int perSender, IActorRef reportTo) : Actor
    {
        private static int s_inFlight;
        private readonly int[] _next = new int[senders];
        private int _received, _violations, _maxConcurrent;

        protected override void Receive(object message)
        {
            var inFlight = Interlocked.Increment(ref s_inFlight);
            _maxConcurrent = Math.Max(_maxConcurrent, inFlight);
            var m = (Seq)message;
            if (m.N != _next[m.Sender]) _violations++;
            _next[m.Sender] = m.N + 1;
            Thread.SpinWait(20); // widen the window in which an overlapping Receive would be seen
            _received++;
            if (_received == senders * perSender) reportTo.Tell(new Report(_received, _violations, _maxConcurrent));
            Interlocked.Decrement(ref s_inFlight);
        }
    }

    [Fact]
    public async Task Messages_from_each_of_four_concurrent_senders_arrive_in_send_order_one_at_a_time()
    {
        const int senders = 4, perSender = 10_000;
        await using var system = new ActorSystem("ordering");
        var probe = new TestProbe(system);
        var actor = system.ActorOf(Props.Create(() => new OrderCheckingActor(senders, perSender, probe.Ref)), "checker");

        using var go = new Barrier(senders);
        var threads = Enumerable.Range(0, senders).Select(s => new Thread(() =>
        {
            go.SignalAndWait();
            for (var n = 0; n < perSender; n++) actor.Tell(new Seq(s, n));
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        var report = probe.ExpectMsg<Report>(TimeSpan.FromSeconds(20));
        report.Should().Be(new Report(senders * perSender, OrderViolations: 0, MaxConcurrentReceives: 1));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task Actor_path_and_refs_are_stable_and_named_after_the_hierarchy()
    {
        await using var system = new ActorSystem("paths");
        var probe = new TestProbe(system);
        var parent = system.ActorOf(Props.Create(() => new ParentActor(probe.Ref, "p")), "coordinator");
        parent.Path.Should().Be(new ActorPath("/user/coordinator"));
        probe.ExpectMsg<Started>();

        var children = await system.Ask<string[]>(parent, "children", TimeSpan.FromSeconds(3));
        children.Should().Equal("/user/coordinator/child");
    }

    [Fact]
    public async Task Actor_names_must_be_unique_among_siblings_and_valid()
    {
        await using var system = new ActorSystem("names");
        system.ActorOf(Props.Create<SilentActor>(), "a");

        var duplicate = () => system.ActorOf(Props.Create<SilentActor>(), "a");
        duplicate.Should().Throw<ArgumentException>().WithMessage("*'a' already exists under /user*");
        var slash = () => system.ActorOf(Props.Create<SilentActor>(), "a/b");
        slash.Should().Throw<ArgumentException>();
        var empty = () => system.ActorOf(Props.Create<SilentActor>(), " ");
        empty.Should().Throw<ArgumentException>();
    }

    [Fact]
    public async Task Unhandled_messages_are_logged_as_warnings()
    {
        var logs = new CapturingLoggerFactory();
        await using var system = new ActorSystem("unhandled", logs);
        var probe = new TestProbe(system);
        var counter = system.ActorOf(Props.Create(() => new CounterActor(probe.Ref, "c")), "counter");

        counter.Tell(new Ping(7));

        var entry = logs.WaitFor(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("Unhandled"));
        entry.Category.Should().Be("/user/counter");
        entry.Message.Should().Contain("Ping");
    }
}
