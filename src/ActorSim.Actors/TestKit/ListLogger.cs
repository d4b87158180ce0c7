using Microsoft.Extensions.Logging;

namespace ActorSim.Actors.TestKit;

/// <summary>An <see cref="ILogger"/> that records entries in memory, for assertions in tests.</summary>
public sealed class ListLogger : ILogger
{
    private readonly LogSink _sink;
    private readonly LogLevel _minimumLevel;

    /// <summary>A standalone logger with its own entry list.</summary>
    public ListLogger(string category = "", LogLevel minimumLevel = LogLevel.Trace)
        : this(category, minimumLevel, new LogSink()) { }

    internal ListLogger(string category, LogLevel minimumLevel, LogSink sink)
    {
        Category = category ?? "";
        _minimumLevel = minimumLevel;
        _sink = sink;
    }

    /// <summary>The logger's category.</summary>
    public string Category { get; }

    /// <summary>Snapshot of the entries captured so far (for factory loggers: of all the factory's loggers).</summary>
    public IReadOnlyList<LogEntry> Entries => _sink.Snapshot();

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= _minimumLevel;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        ArgumentNullException.ThrowIfNull(formatter);
        var properties = state is IEnumerable<KeyValuePair<string, object?>> kv
            ? kv.ToArray()
            : Array.Empty<KeyValuePair<string, object?>>();
        _sink.Add(new LogEntry(logLevel, Category, formatter(state, exception), exception, eventId, properties));
    }

    /// <summary>Waits (without polling) until an entry matching <paramref name="predicate"/> has been logged.</summary>
    /// <exception cref="ExpectationFailedException">None arrived within the timeout (default 3 s).</exception>
    public LogEntry WaitFor(Func<LogEntry, bool> predicate, TimeSpan? timeout = null) =>
        _sink.WaitFor(predicate, timeout ?? TimeSpan.FromSeconds(3), $"ListLogger '{Category}'");
}
