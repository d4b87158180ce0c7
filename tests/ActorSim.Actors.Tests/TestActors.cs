using ActorSim.Actors;
using Akka.Actor;

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

