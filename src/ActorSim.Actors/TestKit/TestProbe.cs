using System.Collections.Concurrent;

namespace ActorSim.Actors.TestKit;

/// <summary>
/// A reference that records every message told to it, with blocking expectations for tests.
/// Expectations consume messages in arrival order; waiting is done on a blocking queue, not by polling.
/// </summary>
public sealed class TestProbe
{
    /// <summary>Timeout of the Expect methods when none is given.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);

    private readonly BlockingCollection<Envelope> _queue = new(new ConcurrentQueue<Envelope>());

    /// <summary>Creates a probe whose <see cref="Ref"/> has the path <c>/test/{name}</c>.</summary>
    public TestProbe(ActorSystem system, string name = "probe")
    {
        System = system ?? throw new ArgumentNullException(nameof(system));
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Ref = new ProbeRef(new ActorPath("/test/" + name), _queue);
    }

    /// <summary>The system the probe is used with.</summary>
    public ActorSystem System { get; }

    /// <summary>The probe's name.</summary>
    public string Name { get; }

    /// <summary>The reference to give to actors under test.</summary>
    public IActorRef Ref { get; }

    /// <summary>Sender of the last message consumed by an expectation.</summary>
    public IActorRef? LastSender { get; private set; }

    /// <summary>Number of received messages not yet consumed.</summary>
    public int PendingCount => _queue.Count;

    /// <summary>Waits for the next message and returns it if it is a <typeparamref name="T"/>; otherwise throws.</summary>
    /// <param name="timeout">How long to wait (default <see cref="DefaultTimeout"/>).</param>
    /// <exception cref="ExpectationFailedException">No message arrived in time, or it had another type.</exception>
    public T ExpectMsg<T>(TimeSpan? timeout = null) => ExpectMsg<T>(null, timeout);

    /// <summary>Waits for the next message and returns it if it is a <typeparamref name="T"/> matching <paramref name="predicate"/>.</summary>
    /// <exception cref="ExpectationFailedException">No message arrived in time, or it had another type or did not match.</exception>
    public T ExpectMsg<T>(Func<T, bool>? predicate, TimeSpan? timeout = null)
    {
        var wait = timeout ?? DefaultTimeout;
        var what = $"a message of type {TypeNames.Of(typeof(T))}" + (predicate is null ? "" : " matching the predicate");
        if (!_queue.TryTake(out var envelope, wait))
            throw new ExpectationFailedException(
                $"TestProbe '{Name}': expected {what} within {wait.TotalSeconds:0.###} s, but no message arrived.");
        LastSender = envelope.Sender;
        if (envelope.Message is not T typed)
            throw new ExpectationFailedException(
                $"TestProbe '{Name}': expected {what}, but received {TypeNames.Of(envelope.Message.GetType())}: {envelope.Message}");
        if (predicate is not null && !predicate(typed))
            throw new ExpectationFailedException(
                $"TestProbe '{Name}': expected {what}, but received {envelope.Message}, which does not match.");
        return typed;
    }

    /// <summary>Waits <paramref name="duration"/> and throws if any message arrives meanwhile.</summary>
    /// <exception cref="ExpectationFailedException">A message arrived.</exception>
    public void ExpectNoMsg(TimeSpan duration)
    {
        if (_queue.TryTake(out var envelope, duration))
        {
            LastSender = envelope.Sender;
            throw new ExpectationFailedException(
                $"TestProbe '{Name}': expected no message for {duration.TotalSeconds:0.###} s, but received " +
                $"{TypeNames.Of(envelope.Message.GetType())}: {envelope.Message}");
        }
    }

    /// <summary>Tells <paramref name="message"/> to <see cref="LastSender"/>, with the probe as sender.</summary>
    /// <exception cref="InvalidOperationException">No message with a sender has been consumed yet.</exception>
    public void Reply(object message)
    {
        var target = LastSender ?? throw new InvalidOperationException(
            $"TestProbe '{Name}': cannot reply, the last consumed message had no sender (or none was consumed).");
        target.Tell(message, Ref);
    }

    /// <summary>Tells <paramref name="message"/> to <paramref name="target"/> with the probe as sender.</summary>
    public void Send(IActorRef target, object message)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.Tell(message, Ref);
    }

    private sealed class ProbeRef(ActorPath path, BlockingCollection<Envelope> queue) : IActorRef
    {
        public ActorPath Path { get; } = path;

        public void Tell(object message, IActorRef? sender = null)
        {
            ArgumentNullException.ThrowIfNull(message);
            queue.Add(new Envelope(message, sender));
        }

        public override string ToString() => Path.Value;
    }
}
