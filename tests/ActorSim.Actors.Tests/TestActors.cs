using ActorSim.Actors;

namespace ActorSim.Actors.Tests;

// Messages used by the test actors.
public sealed record Inc;
public sealed record Get;
public sealed record Boom(string Text);
public sealed record Ping(int N);
public sealed record Started(string Id);
public sealed record Stopped(string Id);
public sealed record PreRestarted(string Id, Exception Reason, object? Message);
public sealed record PostRestarted(string Id, Exception Reason);

/// <summary>Replies every message to its sender.</summary>
public sealed class EchoActor : Actor
{
    protected override void Receive(object message) => Sender?.Tell(message, Self);
}

/// <summary>Never replies.</summary>
public sealed class SilentActor : Actor
{
    protected override void Receive(object message) { }
}

/// <summary>
/// Counts <see cref="Inc"/>, replies the count to <see cref="Get"/>, throws on <see cref="Boom"/>, and
/// reports its lifecycle hooks to <c>events</c>.
/// </summary>
public sealed class CounterActor(IActorRef events, string id) : Actor
{
    private int _count;

    protected override void Receive(object message)
    {
        switch (message)
        {
            case Inc: _count++; break;
            case Get: Sender?.Tell(_count, Self); break;
            case Boom b: throw new InvalidOperationException(b.Text);
            default: Unhandled(message); break;
        }
    }

    protected override void PreStart() => events.Tell(new Started(id));
    protected override void PostStop() => events.Tell(new Stopped(id));
    protected override void PreRestart(Exception reason, object? message) => events.Tell(new PreRestarted(id, reason, message));
    protected override void PostRestart(Exception reason) => events.Tell(new PostRestarted(id, reason));
}

/// <summary>
/// Creates one <see cref="CounterActor"/> child named "child" in PreStart, reports its own lifecycle, and
/// forwards every other message to the child (keeping the original sender).
/// </summary>
public sealed class ParentActor(IActorRef events, string id, Props? childProps = null) : Actor
{
    private IActorRef? _child;

    protected override void PreStart()
    {
        _child = Context.ActorOf(childProps ?? Props.Create(() => new CounterActor(events, id + "/child")), "child");
        events.Tell(new Started(id));
    }

    protected override void Receive(object message)
    {
        switch (message)
        {
            case "stop-child": Context.Stop(_child!); break;
            case "children": Sender?.Tell(Context.Children.Select(c => c.Path.Value).ToArray(), Self); break;
            default: _child!.Tell(message, Sender); break;
        }
    }

    protected override void PostStop() => events.Tell(new Stopped(id));
    protected override void PreRestart(Exception reason, object? message) => events.Tell(new PreRestarted(id, reason, message));
    protected override void PostRestart(Exception reason) => events.Tell(new PostRestarted(id, reason));
}

public static class ProbeExtensions
{
    /// <summary>Expects <see cref="Started"/> events for exactly these ids, in any order.</summary>
    public static void ExpectStarted(this ActorSim.Actors.TestKit.TestProbe probe, params string[] ids)
    {
        var got = ids.Select(_ => probe.ExpectMsg<Started>().Id).ToList();
        FluentAssertions.AssertionExtensions.Should(got).BeEquivalentTo(ids);
    }
}
