using Microsoft.Extensions.Logging;

namespace ActorSim.Cli;

/// <summary>
/// Log lines for a user's terminal: one line per entry on standard error (<c>warning: …</c>), an exception by its
/// message only; the stack trace only with <c>ACTORSIM_DEBUG=1</c>.
/// </summary>
internal sealed class StderrLoggerProvider(LogLevel minimum) : ILoggerProvider
{
    /// <summary>
    /// A logger factory with only this provider at <paramref name="minimum"/>. Built directly, not through
    /// <c>LoggerFactory.Create</c>: that one sets up a dependency-injection container, about 20 ms of every start-up.
    /// </summary>
    public static ILoggerFactory CreateFactory(LogLevel minimum = LogLevel.Warning) =>
        new LoggerFactory([new StderrLoggerProvider(minimum)], new LoggerFilterOptions { MinLevel = minimum });

    public ILogger CreateLogger(string categoryName) => new Logger(minimum);

    public void Dispose()
    {
    }

    private sealed class Logger(LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            string message = OneLine(formatter(state, exception));
            if (exception is not null)
                message = CliErrors.Debug ? $"{message}{Environment.NewLine}{exception}"
                    : message.Contains(OneLine(CliErrors.Innermost(exception).Message), StringComparison.Ordinal) ? message
                    : $"{message}: {OneLine(CliErrors.Innermost(exception).Message)}";
            string level = logLevel switch
            {
                LogLevel.Critical => "critical",
                LogLevel.Error => "error",
                LogLevel.Warning => "warning",
                LogLevel.Information => "info",
                _ => "debug",
            };
            Console.Error.WriteLine($"{level}: {message}");
        }

        private static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();
    }
}
