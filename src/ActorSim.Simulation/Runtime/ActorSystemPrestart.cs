using ActorSim.Actors;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorSim.Simulation.Runtime;

/// <summary>
/// Starts the in-process actor system (and the first use of the monitor's JSON contracts) on thread-pool threads while
/// the command still parses its options, loads and validates the scenario and prepares the output directory: on two
/// or more cores about 0.1 s of every <c>actorsim run</c> that no longer adds to the wall time (issue 14, bench
/// <c>startup</c>). The system is the same one <see cref="LocalRunner"/> would create (<see cref="ActorRuntime.CreateLocal"/>,
/// named <c>actorsim</c>, logging to the same factory), so the run behaves the same. A run takes it over
/// (<see cref="RunOptions.Prestart"/>); one that never starts (bad input) has it shut down by <see cref="DisposeAsync"/>.
/// </summary>
public sealed class ActorSystemPrestart : IAsyncDisposable
{
    private readonly Task<ActorSystem> _system;
    private int _taken;

    /// <summary>Begins starting the system; <paramref name="logs"/> is the factory the run's <see cref="RunOptions"/> name.</summary>
    public ActorSystemPrestart(ILoggerFactory? logs)
    {
        _system = Task.Run(() => ActorRuntime.CreateLocal("actorsim", logs));
        _ = Task.Run(WarmMonitorJson);
    }

    /// <summary>The system, for the one run that uses it (it shuts it down when it ends).</summary>
    public Task<ActorSystem> TakeAsync() =>
        Interlocked.Exchange(ref _taken, 1) == 0 ? _system : throw new InvalidOperationException("the prestarted actor system was already taken by a run");

    /// <summary>Shuts the system down unless a run took it over.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _taken, 1) != 0) return;
        ActorSystem system;
        try
        {
            system = await _system.ConfigureAwait(false);
        }
        catch (Exception)
        {
            return; // it never started: a run would have reported this when it created its own
        }
        await system.ShutdownAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

    /// <summary>The first serialisation with <see cref="Monitoring.MonitorJson.Options"/> costs about 25 ms (the run writes its first monitor.jsonl line with it).</summary>
    private static void WarmMonitorJson()
    {
        try
        {
            System.Text.Json.JsonSerializer.SerializeToNode(new Monitoring.RunInfo("", "", "", 0, null, ""), Monitoring.MonitorJson.Options)?.ToJsonString();
        }
        catch (Exception)
        {
            // only a warm-up: the run serialises (and reports any error) itself
        }
    }
}
