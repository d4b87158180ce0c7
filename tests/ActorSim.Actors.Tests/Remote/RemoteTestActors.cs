using Akka.Actor;
namespace ActorSim.Actors.Tests.Remote;

/// <summary>Forwards every message, with its original sender, to <paramref name="target"/> (usually a test probe).</summary>
public sealed class ForwardActor(IActorRef target) : Actor
{
    protected override void Receive(object message) => target.Tell(message, Sender);
}

/// <summary>Tells <see cref="ReplyTo.Text"/> to <see cref="ReplyTo.Target"/>.</summary>
public sealed class ReplyToActor : Actor
{
    protected override void Receive(object message)
    {
        if (message is ReplyTo r) r.Target.Tell(r.Text, Self);
        else Unhandled(message);
    }
}

/// <summary>Result of <see cref="SequenceCheckerActor"/>.</summary>
public sealed record SequenceReport(IReadOnlyDictionary<string, int> Counts, IReadOnlyList<string> Violations);

/// <summary>
/// Checks that each sender's <see cref="Sequenced"/> numbers arrive as 0, 1, 2, ...; reports once
/// <paramref name="expectedTotal"/> messages have arrived.
/// </summary>
public sealed class SequenceCheckerActor(IActorRef report, int expectedTotal) : Actor
{
    private readonly Dictionary<string, int> _next = new();
    private readonly List<string> _violations = new();
    private int _total;

    protected override void Receive(object message)
    {
        if (message is not Sequenced s)
        {
            Unhandled(message);
            return;
        }
        var expected = _next.GetValueOrDefault(s.Sender);
        if (s.N != expected && _violations.Count < 10) _violations.Add($"{s.Sender}: expected {expected}, got {s.N}");
        _next[s.Sender] = s.N + 1;
        if (++_total == expectedTotal) report.Tell(new SequenceReport(new Dictionary<string, int>(_next), _violations.ToArray()));
    }
}
