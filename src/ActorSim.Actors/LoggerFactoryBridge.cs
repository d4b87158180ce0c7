using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using Microsoft.Extensions.Logging;
using AkkaLogLevel = Akka.Event.LogLevel;
using MsLogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace ActorSim.Actors;

/// <summary>Akka.NET's own log events into the logger factory the actor system was created with (<see cref="ActorRuntime"/>).</summary>
public sealed class LoggerFactoryBridge : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public LoggerFactoryBridge()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e =>
        {
            var logs = ActorRuntime.LoggerFactoryOf(Context.System);
            var level = e.LogLevel() switch
            {
                AkkaLogLevel.ErrorLevel => MsLogLevel.Error,
                AkkaLogLevel.WarningLevel => MsLogLevel.Warning,
                AkkaLogLevel.InfoLevel => MsLogLevel.Information,
                _ => MsLogLevel.Debug,
            };
            var log = logs.CreateLogger("Akka." + e.LogSource);
            if (!log.IsEnabled(level)) return;
            log.Log(level, e is Error er ? er.Cause : null, "{Message}", e.Message?.ToString());
        });
    }
}
