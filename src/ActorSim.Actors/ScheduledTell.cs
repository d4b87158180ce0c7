namespace ActorSim.Actors;

/// <summary>A one-shot timer that tells a message; disposing it before it fires cancels it.</summary>
internal sealed class ScheduledTell : IDisposable
{
    private readonly ActorSystem _system;
    private readonly IActorRef _target;
    private readonly object _message;
    private readonly IActorRef? _sender;
    private Timer? _timer;
    private int _done;

    internal ScheduledTell(ActorSystem system, IActorRef target, object message, IActorRef? sender)
    {
        _system = system;
        _target = target;
        _message = message;
        _sender = sender;
    }

    internal void Start(TimeSpan delay)
    {
        _timer = new Timer(static s => ((ScheduledTell)s!).Fire(), this, delay, Timeout.InfiniteTimeSpan);
        if (Volatile.Read(ref _done) == 1) _timer.Dispose(); // fired or cancelled before _timer was set
    }

    private void Fire()
    {
        if (Interlocked.Exchange(ref _done, 1) != 0) return;
        _system.ForgetTimer(this);
        _timer?.Dispose();
        _target.Tell(_message, _sender);
    }

    /// <summary>Cancels the tell if it has not fired yet.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _done, 1) != 0) return;
        _system.ForgetTimer(this);
        _timer?.Dispose();
    }
}
