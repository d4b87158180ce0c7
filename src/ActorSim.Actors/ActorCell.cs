using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ActorSim.Actors;

/// <summary>
/// The runtime side of one actor: mailbox, current instance, lifecycle, children and supervision.
/// </summary>
/// <remarks>
/// The mailbox is drained on the thread pool by at most one work item at a time (the <c>_scheduled</c>
/// flag), so everything except the children lists and the termination flags is touched by one thread at
/// a time. System messages are processed before user messages and between any two user messages.
/// </remarks>
internal sealed class ActorCell : IActorContext, IThreadPoolWorkItem
{
    /// <summary>Maximum user messages per turn, so that busy actors do not starve others.</summary>
    internal const int Throughput = 100;

    private readonly ActorSystem _system;
    private readonly ActorCell? _parent;
    private readonly Props _props;
    private readonly ConcurrentQueue<Envelope> _mailbox = new();
    private readonly ConcurrentQueue<SystemMessage> _systemMailbox = new();

    // Guarded by _childrenLock (ActorOf/Stop may be called from other threads, e.g. ActorSystem.ActorOf).
    private readonly object _childrenLock = new();
    private readonly Dictionary<string, ActorCell> _liveByName = new(StringComparer.Ordinal);
    private readonly List<ActorCell> _liveChildren = new();
    private readonly List<ActorCell> _allChildren = new(); // live + stopping, until ChildTerminated

    // Touched only while processing (one thread at a time).
    private readonly Dictionary<ActorCell, Queue<long>> _restartTimes = new();
    private readonly List<ActorCell> _escalatedChildren = new();
    private Actor? _actor;
    private IActorRef? _currentSender;
    private bool _suspended;

    private int _scheduled;
    private volatile bool _terminating;
    private volatile bool _terminated;
    private ILogger? _log;

    internal ActorCell(ActorSystem system, ActorCell? parent, string name, ActorPath path, Props props)
    {
        _system = system;
        _parent = parent;
        _props = props;
        Name = name;
        Path = path;
        SelfRef = new LocalActorRef(this);
    }

    internal string Name { get; }
    internal ActorPath Path { get; }
    internal LocalActorRef SelfRef { get; }
    internal bool IsTerminated => _terminated;

    // ---- IActorContext ----------------------------------------------------------------------

    public IActorRef Self => SelfRef;
    public IActorRef? Sender => _currentSender;
    public IActorRef? Parent => _parent?.SelfRef;
    public ActorSystem System => _system;
    public ILogger Log => _log ??= _system.LoggerFactory.CreateLogger(Path.Value);

    public IReadOnlyList<IActorRef> Children
    {
        get
        {
            lock (_childrenLock) return _liveChildren.Select(c => (IActorRef)c.SelfRef).ToArray();
        }
    }

    public IActorRef ActorOf(Props props, string name)
    {
        ArgumentNullException.ThrowIfNull(props);
        ValidateName(name);
        ActorCell child;
        lock (_childrenLock)
        {
            if (_terminating)
                throw new InvalidOperationException($"Cannot create child '{name}' of {Path}: the actor is stopping.");
            if (_liveByName.ContainsKey(name))
                throw new ArgumentException($"An actor named '{name}' already exists under {Path}.", nameof(name));
            child = new ActorCell(_system, this, name, new ActorPath(ChildPath(name)), props);
            _liveByName.Add(name, child);
            _liveChildren.Add(child);
            _allChildren.Add(child);
        }
        child.SendSystem(CreateActor.Instance);
        return child.SelfRef;
    }

    public void Stop(IActorRef child)
    {
        ArgumentNullException.ThrowIfNull(child);
        if (child is not LocalActorRef { Cell: var cell })
            throw new ArgumentException($"{child.Path} is not a local actor and cannot be stopped by {Path}.", nameof(child));
        if (cell == this)
        {
            StopSelf();
            return;
        }
        if (cell._parent != this)
            throw new ArgumentException($"{child.Path} is not a child of {Path}.", nameof(child));
        RequestStopChild(cell);
    }

    // ---- Message entry points (any thread) ----------------------------------------------------

    internal void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_terminated)
        {
            _system.DeadLetterRef.Publish(message, sender, SelfRef);
            return;
        }
        _mailbox.Enqueue(new Envelope(message, sender));
        Schedule(); // if termination raced with the enqueue, the next turn drains to dead letters
    }

    internal void SendSystem(SystemMessage message)
    {
        _systemMailbox.Enqueue(message);
        Schedule();
    }

    /// <summary>Stops this actor via its parent (so the name is released) or, for the guardian, directly.</summary>
    internal void StopSelf()
    {
        if (_parent is null) SendSystem(TerminateActor.Instance);
        else _parent.RequestStopChild(this);
    }

    private void Schedule()
    {
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    // ---- Processing (one thread at a time) ----------------------------------------------------

    private bool CanProcessUserMessages => _actor is not null && !_suspended && !_terminating;

    void IThreadPoolWorkItem.Execute()
    {
        try
        {
            ProcessSystemMessages();
            for (var i = 0; i < Throughput && CanProcessUserMessages && _mailbox.TryDequeue(out var envelope); i++)
            {
                Invoke(envelope);
                if (!_systemMailbox.IsEmpty) ProcessSystemMessages();
            }
            if (_terminated) DrainToDeadLetters();
        }
        catch (Exception ex) // runtime bug or a throwing logger: never crash the process from a pool thread
        {
            _system.ReportFatal(new ActorFailedException(Path, null, ex), "internal runtime error");
        }
        finally
        {
            Interlocked.Exchange(ref _scheduled, 0); // a full fence: the mailbox checks below must not move before this store
            if (!_systemMailbox.IsEmpty || (!_mailbox.IsEmpty && (_terminated || CanProcessUserMessages)))
                Schedule();
        }
    }

    private void Invoke(Envelope envelope)
    {
        _currentSender = envelope.Sender;
        try
        {
            _actor!.InvokeReceive(envelope.Message);
        }
        catch (Exception ex)
        {
            HandleFailure(ex, envelope.Message);
        }
        finally
        {
            _currentSender = null;
        }
    }

    private void ProcessSystemMessages()
    {
        while (_systemMailbox.TryDequeue(out var message))
        {
            switch (message)
            {
                case CreateActor when !_terminating:
                    CreateInstance(null);
                    break;
                case TerminateActor:
                    BeginTerminate();
                    break;
                case ResumeActor when !_terminating:
                    DoResume();
                    break;
                case RestartActor r when !_terminating:
                    DoRestart(r.Cause, r.Message);
                    break;
                case ChildFailed f:
                    OnChildFailed(f);
                    break;
                case ChildTerminated t:
                    OnChildTerminated(t.Child);
                    break;
            }
        }
    }

    private void DrainToDeadLetters()
    {
        while (_mailbox.TryDequeue(out var envelope))
            _system.DeadLetterRef.Publish(envelope.Message, envelope.Sender, SelfRef);
    }

    // ---- Lifecycle --------------------------------------------------------------------------------

    private void CreateInstance(Exception? restartCause)
    {
        try
        {
            var actor = _props.Factory()
                ?? throw new InvalidOperationException($"The Props factory of {Path} returned null.");
            actor.Attach(this);
            _actor = actor;
            actor.InvokePreStart();
            if (restartCause is not null) actor.InvokePostRestart(restartCause);
        }
        catch (Exception ex)
        {
            HandleFailure(ex, null);
        }
    }

    private void DoResume()
    {
        _suspended = false;
        if (_actor is null) CreateInstance(null); // no instance to resume (creation failed): try again
        foreach (var child in _escalatedChildren)
            if (IsLiveChild(child)) child.SendSystem(ResumeActor.Instance);
        _escalatedChildren.Clear();
    }

    private void DoRestart(Exception cause, object? message)
    {
        var old = _actor;
        _actor = null;
        if (old is not null)
        {
            try { old.InvokePreRestart(cause, message); }
            catch (Exception ex) { Log.LogError(ex, "PreRestart of {ActorPath} threw; continuing the restart", Path.Value); }
        }
        StopAllChildren();
        _escalatedChildren.Clear();
        _suspended = false;
        Log.LogInformation("Restarting {ActorPath} after {ExceptionType}: {ExceptionMessage}",
            Path.Value, cause.GetType().Name, cause.Message);
        CreateInstance(cause);
    }

    private void BeginTerminate()
    {
        if (_terminating) return;
        ActorCell[] children;
        lock (_childrenLock)
        {
            _terminating = true;
            _liveByName.Clear();
            _liveChildren.Clear();
            children = _allChildren.ToArray();
        }
        foreach (var child in children) child.SendSystem(TerminateActor.Instance);
        if (children.Length == 0) FinishTerminate();
    }

    private void FinishTerminate()
    {
        // Pending (and from now on all new) messages go to dead letters before PostStop runs.
        _terminated = true;
        DrainToDeadLetters();
        var actor = _actor;
        _actor = null;
        if (actor is not null)
        {
            try { actor.InvokePostStop(); }
            catch (Exception ex) { Log.LogError(ex, "PostStop of {ActorPath} threw", Path.Value); }
        }
        if (_parent is not null) _parent.SendSystem(new ChildTerminated(this));
        else _system.OnGuardianTerminated();
    }

    // ---- Children --------------------------------------------------------------------------------

    internal void RequestStopChild(ActorCell child)
    {
        lock (_childrenLock)
        {
            if (!_liveByName.TryGetValue(child.Name, out var live) || live != child) return; // already stopping
            _liveByName.Remove(child.Name);
            _liveChildren.Remove(child);
        }
        child.SendSystem(TerminateActor.Instance);
    }

    private void StopAllChildren()
    {
        ActorCell[] children;
        lock (_childrenLock)
        {
            children = _liveChildren.ToArray();
            _liveByName.Clear();
            _liveChildren.Clear();
        }
        foreach (var child in children) child.SendSystem(TerminateActor.Instance);
    }

    private bool IsLiveChild(ActorCell child)
    {
        lock (_childrenLock) return _liveByName.TryGetValue(child.Name, out var live) && live == child;
    }

    private void OnChildTerminated(ActorCell child)
    {
        bool done;
        lock (_childrenLock)
        {
            _allChildren.Remove(child);
            if (_liveByName.TryGetValue(child.Name, out var live) && live == child)
            {
                _liveByName.Remove(child.Name);
                _liveChildren.Remove(child);
            }
            done = _terminating && _allChildren.Count == 0;
        }
        _restartTimes.Remove(child);
        _escalatedChildren.Remove(child);
        if (done && !_terminated) FinishTerminate();
    }

    // ---- Supervision -----------------------------------------------------------------------------

    /// <summary>This actor failed: log, suspend, and ask the parent for a decision.</summary>
    private void HandleFailure(Exception cause, object? message)
    {
        var messageType = message?.GetType();
        if (messageType is null)
            Log.LogError(cause, "Actor {ActorPath} failed while starting", Path.Value);
        else
            Log.LogError(cause, "Actor {ActorPath} failed while processing {MessageType}", Path.Value, TypeNames.Of(messageType));
        _suspended = true;
        if (_parent is null)
            _system.ReportFatal(new ActorFailedException(Path, messageType, cause), "the user guardian failed");
        else
            _parent.SendSystem(new ChildFailed(this, cause, messageType, message, DuringStart: message is null));
    }

    private void OnChildFailed(ChildFailed failure)
    {
        var child = failure.Child;
        if (_terminating || !IsLiveChild(child)) return; // the child is being stopped anyway

        var strategy = _props.SupervisorStrategy ?? SupervisorStrategy.Default;
        Directive directive;
        try
        {
            directive = strategy.Decider(failure.Cause);
        }
        catch (Exception ex)
        {
            Log.LogError(ex, "Supervisor decider of {ActorPath} threw; escalating", Path.Value);
            directive = Directive.Escalate;
        }
        if (directive == Directive.Resume && failure.DuringStart) directive = Directive.Restart;

        string? limitNote = null;
        if (directive == Directive.Restart && !TryCountRestart(child, strategy))
        {
            limitNote = $"restart limit of {strategy.MaxRestarts} within {strategy.Within?.ToString() ?? "the actor's lifetime"} exceeded";
            directive = Directive.Escalate;
        }

        Log.LogInformation("Supervisor {ActorPath} decided {Directive} for failed child {ChildPath}{Note}",
            Path.Value, directive, child.Path.Value, limitNote is null ? "" : " (" + limitNote + ")");
        switch (directive)
        {
            case Directive.Resume:
                child.SendSystem(ResumeActor.Instance);
                break;
            case Directive.Restart:
                child.SendSystem(new RestartActor(failure.Cause, failure.Message));
                break;
            case Directive.Stop:
                RequestStopChild(child);
                break;
            default:
                Escalate(failure, limitNote);
                break;
        }
    }

    private void Escalate(ChildFailed failure, string? limitNote)
    {
        var error = failure.Cause as ActorFailedException
            ?? new ActorFailedException(failure.Child.Path, failure.MessageType, failure.Cause);
        if (_parent is null)
        {
            // The user guardian: the run has failed. Stop the top-level actor and fault the system.
            _system.ReportFatal(error, limitNote ?? "escalated to the user guardian");
            RequestStopChild(failure.Child);
            return;
        }
        _escalatedChildren.Add(failure.Child); // stays suspended; our own supervisor's decision settles it
        if (_suspended) return;                // already failed and awaiting a decision
        _suspended = true;
        Log.LogWarning("Actor {ActorPath} fails because it escalates the failure of child {ChildPath}: {Error}",
            Path.Value, failure.Child.Path.Value, error.Message);
        _parent.SendSystem(new ChildFailed(this, error, error.MessageType, null, DuringStart: false));
    }

    private bool TryCountRestart(ActorCell child, SupervisorStrategy strategy)
    {
        if (strategy.MaxRestarts < 0) return true;
        if (!_restartTimes.TryGetValue(child, out var times))
            _restartTimes[child] = times = new Queue<long>();
        var now = Stopwatch.GetTimestamp();
        if (strategy.Within is { } window)
            while (times.Count > 0 && Stopwatch.GetElapsedTime(times.Peek(), now) > window) times.Dequeue();
        if (times.Count >= strategy.MaxRestarts) return false;
        times.Enqueue(now);
        return true;
    }

    // ---- Helpers ---------------------------------------------------------------------------------

    /// <summary>The live child named <paramref name="name"/>, or null (any thread).</summary>
    internal ActorCell? GetLiveChild(string name)
    {
        lock (_childrenLock) return _liveByName.GetValueOrDefault(name);
    }

    private string ChildPath(string name) => Path.Value.EndsWith('/') ? Path.Value + name : Path.Value + "/" + name;

    internal static void ValidateName(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("Actor names must not be empty.", nameof(name));
        if (name.Contains('/'))
            throw new ArgumentException($"Actor name '{name}' must not contain '/'.", nameof(name));
    }

    public override string ToString() => Path.Value;
}
