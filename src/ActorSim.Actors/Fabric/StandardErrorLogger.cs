using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace ActorSim.Actors.Fabric;

/// <summary>
/// Akka.NET's log messages (remoting, cluster membership, TLS refusals) on standard error, one line each with level,
/// time and source; standard output is left to the commands' own results.
/// </summary>
public sealed class StandardErrorLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private static bool IsConnectionNoise(LogEvent e) =>
        e is Error { Cause: { } cause } && cause.GetType().Name == "EndpointDisassociatedException" ||
        (e.LogLevel() == Akka.Event.LogLevel.WarningLevel && e.Message?.ToString() is { } m &&
         (m.Contains("address is now gated", StringComparison.Ordinal) || m.Contains("Address is now gated", StringComparison.Ordinal)));

    public StandardErrorLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e =>
        {
            // A member that leaves or dies closes its connections: Akka reports that at warning/error level, while the
            // cluster's own membership log says what happened. Keep standard error readable.
            if (IsConnectionNoise(e)) return;
            string level = e.LogLevel() switch
            {
                Akka.Event.LogLevel.ErrorLevel => "fail",
                Akka.Event.LogLevel.WarningLevel => "warn",
                Akka.Event.LogLevel.InfoLevel => "info",
                _ => "dbug",
            };
            string cause = e is Error { Cause: { } c } ? $" ({c.GetType().Name}: {c.Message})" : "";
            Console.Error.WriteLine($"{e.Timestamp:HH:mm:ss.fff} {level}: akka {e.LogSource}: {e.Message}{cause}");
        });
    }
}
