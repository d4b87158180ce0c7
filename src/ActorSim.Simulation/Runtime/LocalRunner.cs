using System.Diagnostics;
using ActorSim.Actors;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Subdomains;
using Microsoft.Extensions.Logging;

namespace ActorSim.Simulation.Runtime;

/// <summary>Options of a run on the in-process actor runtime.</summary>
public sealed record RunOptions(string OutputDirectory, bool Force = false, ILoggerFactory? LoggerFactory = null);

/// <summary>
/// Runs a scenario on the in-process actor runtime (the embedded default, no broker): builds the actor
/// graph (coordinator, time-series writer), waits for the coordinator's answer or the first escalated
/// failure, and writes <c>run.json</c> — also when the run failed or was cancelled, so nothing is lost.
/// </summary>
public static class LocalRunner
{
    public static Task<RunResult> RunAsync(Scenario scenario, RunOptions options, Action<RunProgress>? onProgress = null, CancellationToken cancellation = default)
    {
        IModelDefinition definition = ModelCatalog.Find(scenario.Model)
            ?? throw new InvalidOperationException($"model {scenario.Model} is not in the catalog");
        OutputDirectory.Prepare(options.OutputDirectory, options.Force);
        return RunModelAsync(scenario, definition.Create(scenario), options, onProgress, cancellation);
    }

    /// <summary>Runs an already created <paramref name="model"/> of <paramref name="scenario"/> into a prepared output directory.</summary>
    public static async Task<RunResult> RunModelAsync(Scenario scenario, IRunnableModel model, RunOptions options, Action<RunProgress>? onProgress = null, CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(options.OutputDirectory);
        var record = new RunRecord(scenario, options.OutputDirectory);
        var clock = Stopwatch.StartNew();
        var done = new TaskCompletionSource<RunCompleted>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var system = new ActorSystem("actorsim", options.LoggerFactory, SupervisorStrategy.EscalateAll);
        try
        {
            var listener = system.ActorOf(Props.Create(() => new CallbackActor(m =>
            {
                if (m is RunProgress p) onProgress?.Invoke(p);
                else if (m is RunCompleted c) done.TrySetResult(c);
            })), "listener");
            var writer = system.ActorOf(Props.Create(() => new OutputWriterActor(options.OutputDirectory, model.Columns)), "output-writer");
            var outputTimes = scenario.Time.OutputTimes();
            Props coordinatorProps = model switch
            {
                ICoordinatorModel m => Props.Create(() => new CoordinatorActor(m, outputTimes, writer, listener)),
                ISubdomainModel m => Props.Create(() => new SubdomainCoordinatorActor(m, outputTimes, writer, listener)),
                Particles.IParticleModel m => Props.Create(() => new Particles.ParticleCoordinatorActor(m, outputTimes, writer, listener)),
                _ => throw new ArgumentException($"model type {model.GetType().Name} has no coordinator", nameof(model)),
            };
            var coordinator = system.ActorOf(coordinatorProps with { SupervisorStrategy = SupervisorStrategy.EscalateAll }, "coordinator");
            coordinator.Tell(new StartRun(), listener);
            using var stop = cancellation.Register(() => coordinator.Tell(new StopRun("cancelled by the user (Ctrl-C)")));

            var first = await Task.WhenAny(done.Task, system.WhenFaulted);
            if (first != done.Task)
            {
                Exception cause = system.WhenFaulted.Exception?.InnerException ?? new InvalidOperationException("the actor system failed");
                var failure = new RunFailedException($"the run failed: {cause.Message}", cause);
                record.WriteFailed(clock.Elapsed, model, failure);
                throw failure;
            }
            RunCompleted c = done.Task.Result;
            var result = new RunResult(c.Status, c.Reason, options.OutputDirectory, c.T,
                model.Columns.Select((name, i) => (name, c.FinalState[i])).ToDictionary(x => x.name, x => x.Item2),
                c.Counters, c.Rows, c.ResultsSha256, clock.Elapsed, model.Analysis());
            record.WriteCompleted(result);
            return result;
        }
        finally
        {
            await system.ShutdownAsync(TimeSpan.FromSeconds(10));
        }
    }
}
