using Akka.Actor.Internal;
using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorSim.Actors;

/// <summary>
/// Creates ActorSim's Akka.NET actor systems and keeps what ActorSim attaches to each: the host's logger factory
/// (actors' <see cref="Actor.Log"/> and Akka's own log go there) and a task that faults when a failure escalates past a
/// top-level actor (<see cref="WhenFaulted"/>), so that a host awaiting its work together with that task ends with an
/// error instead of hanging.
/// </summary>
public static class ActorRuntime
{
    private static readonly ConditionalWeakTable<ActorSystem, State> States = new();

    /// <summary>What ActorSim attaches to an actor system.</summary>
    internal sealed class State(ILoggerFactory logs)
    {
        public ILoggerFactory Logs { get; } = logs;
        public TaskCompletionSource Faulted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public object? Cluster;
    }

    /// <summary>The HOCON of a local actor system: no remoting, no open port, top-level failures reported, Akka's log to the logger factory.</summary>
    private static Config LocalConfig { get; } = ConfigurationFactory.ParseString("""
        akka {
          loglevel = WARNING
          stdout-loglevel = OFF
          loggers = ["ActorSim.Actors.LoggerFactoryBridge, ActorSim.Actors"]
          logger-startup-timeout = 10s
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          log-config-on-start = off
          actor {
            guardian-supervisor-strategy = "ActorSim.Actors.FaultReportingGuardian, ActorSim.Actors"
          }
          coordinated-shutdown {
            run-by-clr-shutdown-hook = off
            run-by-actor-system-terminate = on
          }
        }
        """);

    /// <summary>
    /// A local actor system (the embedded default: in process, no remoting, nothing to install) with ActorSim's state attached.
    /// </summary>
    /// <param name="name">The system's name (letters, digits, '-' and '_').</param>
    /// <param name="logs">Where actors' and Akka's log lines go; default: nowhere.</param>
    public static ActorSystem CreateLocal(string name, ILoggerFactory? logs = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var state = new State(logs ?? NullLoggerFactory.Instance);
        // The logger bridge and the guardian's strategy look the state up by system name while the system starts, so
        // systems started at the same time (a sweep's members) get distinct names: actorsim, actorsim-2, ...
        string actual = name;
        for (int n = 2; !Pending.TryAdd(actual, state); n++) actual = $"{name}-{n}";
        try
        {
            var system = ActorSystem.Create(actual, LocalConfig);
            States.AddOrUpdate(system, state);
            return system;
        }
        finally
        {
            Pending.TryRemove(KeyValuePair.Create(actual, state));
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, State> Pending = new();

    private static Task? _warmUp;

    /// <summary>
    /// Starts and stops a throwaway local actor system on a thread-pool thread, once per process, so that the JIT work of
    /// Akka.NET's start and stop (about 0.2 s) overlaps with the caller's own start-up (argument parsing, scenario
    /// validation, model set-up) instead of adding to it. Call it first thing in a program that will run actors.
    /// </summary>
    public static Task WarmUp() => LazyInitializer.EnsureInitialized(ref _warmUp, static () => Task.Run(static async () =>
    {
        var system = CreateLocal("actorsim-warm-up");
        await system.Terminate().ConfigureAwait(false);
    }));

    /// <summary>The state of <paramref name="system"/>: the one made at its creation here (found by name while it starts),
    /// or, for a system made elsewhere (a test kit's), one of its own with a null logger factory.</summary>
    internal static State StateOf(ActorSystem system) =>
        States.GetValue(system, static s => Pending.TryGetValue(s.Name, out var starting) ? starting : new State(NullLoggerFactory.Instance));

    /// <summary>The logger factory <paramref name="system"/> was created with (a null factory for systems not made here).</summary>
    public static ILoggerFactory LoggerFactoryOf(ActorSystem system) => StateOf(system).Logs;

    /// <summary>Faults with the failure that escalated past a top-level actor of <paramref name="system"/>; never completes otherwise.</summary>
    public static Task WhenFaulted(this ActorSystem system) => StateOf(system).Faulted.Task;

    /// <summary>Terminates <paramref name="system"/> (its coordinated shutdown runs too) and waits at most <paramref name="timeout"/>.</summary>
    public static async Task ShutdownAsync(this ActorSystem system, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(system);
        try
        {
            await system.Terminate().WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LoggerFactoryOf(system).CreateLogger("ActorSim.Actors.ActorRuntime")
                .LogWarning("Actor system {Name} did not stop within {Timeout}", system.Name, timeout);
        }
    }

    /// <summary>Reports a failure that escalated past a top-level actor.</summary>
    internal static void ReportFault(ActorSystem system, IActorRef child, Exception cause)
    {
        var state = StateOf(system);
        state.Logs.CreateLogger("ActorSim.Actors.ActorRuntime")
            .LogError(cause, "Actor {ActorPath} failed: {Message}", child.Path.ToStringWithoutAddress(), cause.Message);
        state.Faulted.TrySetException(cause);
    }
}

/// <summary>The user guardian's strategy: a top-level actor that fails is stopped and the failure faults <see cref="ActorRuntime.WhenFaulted"/>.</summary>
public sealed class FaultReportingGuardian : SupervisorStrategyConfigurator
{
    public override SupervisorStrategy Create() => new Strategy();

    private sealed class Strategy() : OneForOneStrategy(static _ => Directive.Stop, loggingEnabled: false)
    {
        public override void ProcessFailure(IActorContext context, bool restart, IActorRef child, Exception cause,
            ChildRestartStats stats, IReadOnlyCollection<ChildRestartStats> children)
        {
            ActorRuntime.ReportFault(context.System, child, cause);
            base.ProcessFailure(context, restart, child, cause, stats, children);
        }
    }
}
