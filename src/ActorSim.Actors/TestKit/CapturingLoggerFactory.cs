using Microsoft.Extensions.Logging;

namespace ActorSim.Actors.TestKit;

/// <summary>
/// An <see cref="ILoggerFactory"/> whose loggers all record into one shared in-memory list; pass it to
/// <see cref="ActorRuntime.CreateLocal"/> to assert on what actors (and Akka.NET itself) logged.
/// </summary>
public sealed class CapturingLoggerFactory : ILoggerFactory
{
    private readonly LogSink _sink = new();
    private readonly LogLevel _minimumLevel;

    /// <summary>Creates a factory capturing entries at or above <paramref name="minimumLevel"/>.</summary>
    public CapturingLoggerFactory(LogLevel minimumLevel = LogLevel.Trace) => _minimumLevel = minimumLevel;

    /// <summary>Snapshot of all entries captured so far, in logging order.</summary>
    public IReadOnlyList<LogEntry> Entries => _sink.Snapshot();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new ListLogger(categoryName, _minimumLevel, _sink);

    /// <summary>Providers are ignored; everything is captured in <see cref="Entries"/>.</summary>
    public void AddProvider(ILoggerProvider provider) { }

    /// <summary>Waits (without polling) until an entry matching <paramref name="predicate"/> has been logged, and returns it.</summary>
    /// <exception cref="ExpectationFailedException">None arrived within the timeout (default 3 s); the message lists the captured entries.</exception>
    public LogEntry WaitFor(Func<LogEntry, bool> predicate, TimeSpan? timeout = null) =>
        _sink.WaitFor(predicate, timeout ?? TimeSpan.FromSeconds(3), nameof(CapturingLoggerFactory));

    /// <summary>Removes all captured entries.</summary>
    public void Clear() => _sink.Clear();

    /// <inheritdoc />
    public void Dispose() { }
}
