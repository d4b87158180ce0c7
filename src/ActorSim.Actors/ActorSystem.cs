using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorSim.Actors;

/// <summary>
/// An in-process actor runtime: hosts the actor hierarchy under <c>/user</c>, dead letters, Ask and timers.
/// Actors run on the .NET thread pool, each processing one message at a time.
/// </summary>
/// <remarks>
/// A failure that no supervisor handles (it escalates past a top-level actor, or a restart limit is
/// exceeded there) faults <see cref="WhenFaulted"/>; a host should await
/// <c>Task.WhenAny(work, system.WhenFaulted)</c> so that a failed run ends with an error instead of hanging.
/// </remarks>
public sealed class ActorSystem : IAsyncDisposable
{
    /// <summary>Timeout used by <see cref="ShutdownAsync"/> when none is given.</summary>
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(30);

    private readonly ActorCell _guardian;
    private readonly TaskCompletionSource _faulted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<ScheduledTell, byte> _timers = new();
    private readonly ILogger _log;
    private long _askCounter;
    private int _shutdownRequested;

    /// <summary>Creates and starts an actor system.</summary>
    /// <param name="name">Name of the system, used in log messages.</param>
    /// <param name="loggerFactory">Logger factory; actor loggers use the actor path as category. Default: no logging.</param>
    /// <param name="guardianStrategy">Strategy supervising the top-level actors; default <see cref="SupervisorStrategy.Default"/>.</param>
    public ActorSystem(string name, ILoggerFactory? loggerFactory = null, SupervisorStrategy? guardianStrategy = null)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("The system name must not be empty.", nameof(name));
        Name = name;
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _log = LoggerFactory.CreateLogger("ActorSim.Actors.ActorSystem");
        DeadLetterRef = new DeadLetterRef(LoggerFactory);
        var guardianProps = new Props(static () => new GuardianActor(), guardianStrategy ?? SupervisorStrategy.Default);
        _guardian = new ActorCell(this, null, "user", new ActorPath("/user"), guardianProps);
        _guardian.SendSystem(CreateActor.Instance);
    }

    /// <summary>The system's name.</summary>
    public string Name { get; }

    /// <summary>
    /// Completes, faulted with an <see cref="ActorFailedException"/>, when a failure escalates past a
    /// top-level actor. Never completes otherwise (also not on shutdown).
    /// </summary>
    public Task WhenFaulted => _faulted.Task;

    /// <summary>Completes when <see cref="ShutdownAsync"/> has stopped every actor.</summary>
    public Task Terminated => _terminated.Task;

    /// <summary>Where undeliverable messages go (counted and logged at Debug).</summary>
    public IActorRef DeadLetters => DeadLetterRef;

    /// <summary>Number of messages that went to dead letters so far.</summary>
    public long DeadLetterCount => DeadLetterRef.Count;

    /// <summary>True once <see cref="ShutdownAsync"/> has been called.</summary>
    public bool IsShutdownRequested => Volatile.Read(ref _shutdownRequested) != 0;

    /// <summary>
    /// The cluster node this system belongs to, once <see cref="Remote.ClusterNode.StartAsync"/> has connected it;
    /// null for a purely in-process system (the default).
    /// </summary>
    public Remote.ClusterNode? Cluster { get; internal set; }

    internal ILoggerFactory LoggerFactory { get; }
    internal DeadLetterRef DeadLetterRef { get; }

    /// <summary>Creates a top-level actor at <c>/user/{name}</c>, supervised by the user guardian.</summary>
    /// <exception cref="ArgumentException">A live top-level actor already has this name.</exception>
    /// <exception cref="InvalidOperationException">The system is shutting down.</exception>
    public IActorRef ActorOf(Props props, string name)
    {
        if (IsShutdownRequested)
            throw new InvalidOperationException($"Cannot create actor '{name}': actor system '{Name}' has been shut down.");
        return _guardian.ActorOf(props, name);
    }

    /// <summary>Stops an actor (and its subtree) after its current message, like its parent's <see cref="IActorContext.Stop"/>.</summary>
    public void Stop(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor is not LocalActorRef { Cell: var cell } || cell == _guardian)
            throw new ArgumentException($"{actor.Path} is not an actor of system '{Name}' that can be stopped.", nameof(actor));
        cell.StopSelf();
    }

    /// <summary>
    /// Sends <paramref name="message"/> with a temporary reply reference as sender and returns the first reply.
    /// </summary>
    /// <returns>
    /// A task that completes with the reply (or the value of a <see cref="Status.Success"/> reply); faults with
    /// the cause of a <see cref="Status.Failure"/> reply, with <see cref="InvalidCastException"/> for a reply of
    /// another type, with <see cref="AskTimeoutException"/> on timeout, with <see cref="InvalidOperationException"/>
    /// if the message is undeliverable or the system is shut down; cancelled if <paramref name="cancellationToken"/> fires.
    /// </returns>
    public Task<T> Ask<T>(IActorRef target, object message, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(message);
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The Ask timeout must be positive.");
        if (IsShutdownRequested)
            return Task.FromException<T>(new InvalidOperationException(
                $"Cannot ask {target.Path} with message {TypeNames.Of(message.GetType())}: actor system '{Name}' has been shut down."));
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<T>(cancellationToken);

        var path = new ActorPath($"/temp/ask-{Interlocked.Increment(ref _askCounter)}");
        var ask = new AskRef<T>(path, target.Path, message.GetType(), timeout, DeadLetterRef);
        ask.Start(cancellationToken);
        target.Tell(message, ask);
        return ask.Task;
    }

    /// <summary>
    /// Tells <paramref name="message"/> to <paramref name="target"/> once after <paramref name="delay"/>.
    /// Dispose the result to cancel. Pending timers are cancelled by shutdown; after shutdown the message
    /// goes straight to dead letters.
    /// </summary>
    public IDisposable ScheduleTellOnce(TimeSpan delay, IActorRef target, object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(message);
        if (delay < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(delay), delay, "The delay must not be negative.");
        var tell = new ScheduledTell(this, target, message, sender);
        if (IsShutdownRequested)
        {
            DeadLetterRef.Publish(message, sender, target);
            tell.Dispose();
            return tell;
        }
        _timers.TryAdd(tell, 0);
        tell.Start(delay);
        return tell;
    }

    /// <summary>
    /// Stops all actors, children before parents (each gets <see cref="Actor.PostStop"/>); pending messages go
    /// to dead letters. Idempotent; completes when <see cref="Terminated"/> completes.
    /// </summary>
    /// <param name="timeout">How long to wait (default <see cref="DefaultShutdownTimeout"/>).</param>
    /// <exception cref="TimeoutException">Some actor did not stop in time (e.g. it is blocked in Receive).</exception>
    public async Task ShutdownAsync(TimeSpan? timeout = null)
    {
        if (Interlocked.Exchange(ref _shutdownRequested, 1) == 0)
        {
            _log.LogDebug("Actor system '{SystemName}' is shutting down", Name);
            _guardian.SendSystem(TerminateActor.Instance);
        }
        var wait = timeout ?? DefaultShutdownTimeout;
        try
        {
            await Terminated.WaitAsync(wait).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"Actor system '{Name}' did not terminate within {wait.TotalSeconds:0.###} s; an actor is probably blocked in Receive.");
        }
    }

    /// <summary>Shuts the system down (see <see cref="ShutdownAsync"/>).</summary>
    public async ValueTask DisposeAsync() => await ShutdownAsync().ConfigureAwait(false);

    /// <inheritdoc />
    public override string ToString() => $"ActorSystem({Name})";

    /// <summary>The live actor at <paramref name="path"/> (e.g. <c>/user/a/b</c>), or null.</summary>
    internal IActorRef? TryResolveLocal(string path)
    {
        if (!path.StartsWith("/user", StringComparison.Ordinal)) return null;
        var rest = path.AsSpan(5);
        if (rest.Length > 0 && rest[0] != '/') return null;
        var cell = _guardian;
        foreach (var range in rest.Split('/'))
        {
            var name = rest[range];
            if (name.IsEmpty) continue;
            cell = cell.GetLiveChild(name.ToString());
            if (cell is null) return null;
        }
        return cell == _guardian ? null : cell.SelfRef;
    }

    internal void ForgetTimer(ScheduledTell tell) => _timers.TryRemove(tell, out _);

    internal void ReportFatal(ActorFailedException error, string reason)
    {
        _log.LogCritical(error, "Actor system '{SystemName}' is faulted ({Reason}): {Error}", Name, reason, error.Message);
        if (_faulted.TrySetException(error))
            _ = _faulted.Task.Exception; // observed here; awaiting WhenFaulted still throws
    }

    internal void OnGuardianTerminated()
    {
        foreach (var tell in _timers.Keys) tell.Dispose();
        _log.LogDebug("Actor system '{SystemName}' terminated", Name);
        _terminated.TrySetResult();
    }
}
