namespace ActorSim.Actors;

/// <summary>Temporary refs used as the sender of an Ask.</summary>
internal interface IAskRef
{
    /// <summary>The asked message could not be delivered: fail the Ask now.</summary>
    void FailUndeliverable(ActorPath recipient, object message);

    /// <summary>Completes (in any way) when the Ask is over; a cluster node then forgets the exported reply address.</summary>
    Task Completion { get; }
}

/// <summary>
/// A one-shot, <see cref="TaskCompletionSource{T}"/>-backed reference that completes an Ask with the
/// first reply, a timeout or a cancellation. Later replies go to dead letters.
/// </summary>
internal sealed class AskRef<T> : IActorRef, IAskRef
{
    private readonly TaskCompletionSource<T> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ActorPath _target;
    private readonly Type _messageType;
    private readonly TimeSpan _timeout;
    private readonly DeadLetterRef _deadLetters;
    private Timer? _timer;
    private CancellationTokenRegistration _registration;

    internal AskRef(ActorPath path, ActorPath target, Type messageType, TimeSpan timeout, DeadLetterRef deadLetters)
    {
        Path = path;
        _target = target;
        _messageType = messageType;
        _timeout = timeout;
        _deadLetters = deadLetters;
    }

    public ActorPath Path { get; }

    internal Task<T> Task => _tcs.Task;

    Task IAskRef.Completion => _tcs.Task;

    internal void Start(CancellationToken cancellationToken)
    {
        if (_timeout != Timeout.InfiniteTimeSpan)
            _timer = new Timer(static s => ((AskRef<T>)s!).OnTimeout(), this, _timeout, Timeout.InfiniteTimeSpan);
        if (cancellationToken.CanBeCanceled)
            _registration = cancellationToken.Register(static (s, ct) => ((AskRef<T>)s!).Complete(t => t.TrySetCanceled(ct)), this);
        if (_tcs.Task.IsCompleted) Cleanup(); // completed synchronously while starting
    }

    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_tcs.Task.IsCompleted)
        {
            _deadLetters.Publish(message, sender, this);
            return;
        }
        bool accepted = message switch
        {
            T reply => Complete(t => t.TrySetResult(reply)),
            Status.Failure failure => Complete(t => t.TrySetException(failure.Cause)),
            Status.Success { Value: T value } => Complete(t => t.TrySetResult(value)),
            Status.Success { Value: null } when default(T) is null => Complete(t => t.TrySetResult(default!)),
            _ => Complete(t => t.TrySetException(new InvalidCastException(
                $"Ask to {_target} with message {TypeNames.Of(_messageType)} expected a reply of type " +
                $"{TypeNames.Of(typeof(T))} but received {DescribeReply(message)}."))),
        };
        if (!accepted) _deadLetters.Publish(message, sender, this);
    }

    public void FailUndeliverable(ActorPath recipient, object message) =>
        Complete(t => t.TrySetException(new InvalidOperationException(
            $"Ask to {_target} with message {TypeNames.Of(_messageType)} failed: the message could not be " +
            $"delivered to {recipient} (the actor is stopped or the system is shut down).")));

    private void OnTimeout() =>
        Complete(t => t.TrySetException(new AskTimeoutException(_target, _messageType, _timeout)));

    private bool Complete(Func<TaskCompletionSource<T>, bool> complete)
    {
        if (!complete(_tcs)) return false;
        Cleanup();
        return true;
    }

    private void Cleanup()
    {
        _timer?.Dispose();
        _registration.Unregister();
    }

    private static string DescribeReply(object message) => message switch
    {
        Status.Success s => $"Status.Success with a value of type {TypeNames.Of(s.Value?.GetType())}",
        _ => TypeNames.Of(message.GetType()),
    };

    public override string ToString() => Path.Value;
}
