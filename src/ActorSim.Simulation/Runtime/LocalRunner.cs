using System.Diagnostics;
using ActorSim.Actors;
using Akka.Actor;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Subdomains;
using Microsoft.Extensions.Logging;

namespace ActorSim.Simulation.Runtime;

/// <summary>Options of a run on the in-process actor runtime.</summary>
public sealed record RunOptions(string OutputDirectory, bool Force = false, ILoggerFactory? LoggerFactory = null)
{
    /// <summary>The monitor the run's records and events go to (e.g. a dashboard's); default: a new one (<see cref="LocalRunner.CreateMonitor"/>).
    /// Either way the run also writes them to <c>monitor.jsonl</c> in its output directory.</summary>
    public Monitoring.RunMonitor? Monitor { get; init; }

    /// <summary>An actor system already being started for this run (<see cref="ActorSystemPrestart"/>, created with
    /// <see cref="LoggerFactory"/>); default: the run starts its own.</summary>
    public ActorSystemPrestart? Prestart { get; init; }

    /// <summary>
    /// When set, the run returns as soon as its outputs and run.json are written, and the stopping of its actor system
    /// is handed to this callback instead of being awaited (a sweep starts its next member meanwhile and awaits them all
    /// at its end). Default: the run awaits it.
    /// </summary>
    public Action<Task>? DeferShutdown { get; init; }

    /// <summary>
    /// When set, the run's own actor system is neither stopped nor awaited when the run returns (its outputs and run.json
    /// are complete by then): for a process that ends soon after the run (<c>actorsim run</c> in process), whose exit then
    /// neither waits for the system's graceful stop nor shares the CPU with it. The system's threads are background
    /// threads. Default: the system is stopped (awaited, or handed to <see cref="DeferShutdown"/>).
    /// </summary>
    public bool LeaveSystemToProcessExit { get; init; }

    /// <summary>Gather the blocks' replies over a tree (particle-block models, from a block count on); default: one
    /// reply per block straight to the coordinator. Results are bit-identical either way.</summary>
    public GatherTreeSettings? GatherTree { get; init; }

    /// <summary>
    /// A warm actor system shared by many runs (a sweep's members; <see cref="ActorRuntime.CreateLocal"/>, owned and
    /// stopped by the caller): the run's actors live under a root actor of their own (<see cref="RunRootActor"/>), which
    /// stops them at the end and ends this run alone with an error when one of them fails. Default: the run starts and
    /// stops a system of its own.
    /// </summary>
    public ActorSystem? SharedSystem { get; init; }
}

/// <summary>
/// Runs a scenario on the in-process actor runtime (the embedded default: no cluster, no open port): builds the actor
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
        StartupTrace.Mark("run: output directory prepared");
        var model = definition.Create(scenario);
        StartupTrace.Mark("run: model created");
        return RunModelAsync(scenario, model, options, onProgress, cancellation);
    }

    /// <summary>Runs an already created <paramref name="model"/> of <paramref name="scenario"/> into a prepared output directory.</summary>
    public static Task<RunResult> RunModelAsync(Scenario scenario, IRunnableModel model, RunOptions options, Action<RunProgress>? onProgress = null, CancellationToken cancellation = default) =>
        RunModelAsync(scenario, model, options, null, onProgress, cancellation);

    /// <summary>
    /// Continues the stopped or crashed run in <paramref name="runDirectory"/> (its <c>run.json</c> names the
    /// scenario) from its newest valid checkpoint; a checkpoint that fails its checks is reported through
    /// the log (naming the file) and the previous one is used. The outputs continue byte-identically, so
    /// the result equals an uninterrupted run's. <paramref name="models"/>: the model catalog (null: <see cref="ModelCatalog.All"/>).
    /// </summary>
    public static Task<RunResult> ResumeAsync(string runDirectory, RunOptions options, Action<RunProgress>? onProgress = null, CancellationToken cancellation = default,
        Action<string>? onWarning = null, IReadOnlyList<IModelDefinition>? models = null)
    {
        string recordPath = Path.Combine(runDirectory, "run.json");
        if (!File.Exists(recordPath)) throw new CheckpointException($"{recordPath} is missing: {runDirectory} is not a run directory");
        var doc = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(recordPath))!.AsObject();
        string file = (string?)doc["scenario_file"] ?? recordPath;
        var scenario = ScenarioLoader.Parse(doc["scenario"]!.ToJsonString(), file, models);
        IModelDefinition definition = (models ?? ModelCatalog.All).FirstOrDefault(m => m.Name == scenario.Model)
            ?? throw new InvalidOperationException($"model {scenario.Model} is not in the catalog");
        var model = definition.Create(scenario);
        string directory = CheckpointDirectory(scenario, runDirectory);
        var logger = options.LoggerFactory?.CreateLogger("ActorSim.Resume");
        var warnings = new List<string>();
        string timeseries = Path.Combine(runDirectory, "timeseries.csv");
        var checkpoint = CheckpointStore.LoadLatest(directory, w =>
        {
            warnings.Add(w);
            logger?.LogWarning("{Warning}", w);
            onWarning?.Invoke(w);
        }, m =>
        {
            if (m.Model != model.GetType().Name) return $"it was written by model {m.Model}, not {model.GetType().Name}";
            if (!File.Exists(timeseries) || OutputResume.LengthOfRows(File.ReadAllBytes(timeseries), m.TimeseriesRows) is null)
                return $"{timeseries} has fewer than the {m.TimeseriesRows} rows it needs";
            for (int i = 0; i < m.OutputIndex; i++)
                foreach (string n in m.FieldNames)
                    if (!File.Exists(Path.Combine(runDirectory, "fields", $"{n}_{i:D4}.npy"))) return $"field file fields/{n}_{i:D4}.npy is missing";
            return null;
        });
        var resume = new ResumeFrom(checkpoint, warnings);
        return RunModelAsync(scenario, model, options with { OutputDirectory = runDirectory }, resume, onProgress, cancellation);
    }

    /// <summary>The checkpoint directory of a run of <paramref name="scenario"/> into <paramref name="outputDirectory"/>.</summary>
    public static string CheckpointDirectory(Scenario scenario, string outputDirectory) =>
        (scenario.Run.Checkpoint ?? new CheckpointSettings(null, null, null)).DirectoryFor(outputDirectory);

    private sealed record ResumeFrom(LoadedCheckpoint Checkpoint, IReadOnlyList<string> Warnings);

    /// <summary>A monitor for an in-process run of <paramref name="scenario"/> with a new run id.</summary>
    public static Monitoring.RunMonitor CreateMonitor(Scenario scenario) =>
        new(new Monitoring.RunInfo(NewRunId(), scenario.Model, scenario.SourceFile, scenario.Time.End, null, "in-process"));

    /// <summary>A run id: UTC time and 6 random hex digits, e.g. <c>20260101T120000-a1b2c3</c>.</summary>
    public static string NewRunId() =>
        $"{DateTime.UtcNow:yyyyMMdd'T'HHmmss}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}";

    private static async Task<RunResult> RunModelAsync(Scenario scenario, IRunnableModel model, RunOptions options, ResumeFrom? resume, Action<RunProgress>? onProgress, CancellationToken cancellation)
    {
        Directory.CreateDirectory(options.OutputDirectory);
        var record = new RunRecord(scenario, options.OutputDirectory);
        if (resume is not null)
            record.Extra["resumed_from"] = new System.Text.Json.Nodes.JsonObject
            {
                ["checkpoint"] = resume.Checkpoint.Folder,
                ["step"] = resume.Checkpoint.Manifest.Step,
                ["t"] = resume.Checkpoint.Manifest.T,
                ["warnings"] = new System.Text.Json.Nodes.JsonArray(resume.Warnings.Select(w => (System.Text.Json.Nodes.JsonNode?)w).ToArray()),
            };
        record.WriteRunning();
        var monitor = options.Monitor ?? CreateMonitor(scenario);
        monitor.UpdateInfo(monitor.Info with { Blocks = Cluster.BlockModels.BlockCount(model) });
        using var monitorLog = Monitoring.MonitorLog.Attach(monitor, Path.Combine(options.OutputDirectory, Monitoring.MonitorLog.FileName), append: resume is not null);
        monitor.AddEvent(new Monitoring.RunEvent(Monitoring.RunEventKinds.Started, DateTimeOffset.UtcNow, resume?.Checkpoint.Manifest.Step ?? 0, resume?.Checkpoint.Manifest.T ?? 0,
            resume is null ? $"run {monitor.RunId} started in process" : $"run {monitor.RunId} resumed from {resume.Checkpoint.Folder}"));
        StartupTrace.Mark("run: run.json and monitor.jsonl started");
        var clock = Stopwatch.StartNew();
        var done = new TaskCompletionSource<RunCompleted>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = options.SharedSystem;
        var system = shared ?? (options.Prestart is { } prestart ? await prestart.TakeAsync() : ActorRuntime.CreateLocal("actorsim", options.LoggerFactory));
        StartupTrace.Mark("run: actor system ready");
        IActorRef? root = null;
        try
        {
            // The run's actors: on a system of its own at the top, on a shared system under the run's root actor.
            IActorRef Build(IActorRefFactory actors)
            {
                var listener = actors.ActorOf(ActorFactory.Props(() => new CallbackActor(m =>
                {
                    if (m is RunProgress p) onProgress?.Invoke(p);
                    else if (m is RunCompleted c) done.TrySetResult(c);
                    else if (m is Monitoring.StepRecord r) monitor.Add(r);
                    else if (m is Monitoring.RunEvent e) monitor.AddEvent(e);
                    else if (m is Monitoring.FieldPreview f) monitor.SetField(f);
                })), "listener");
                var writer = actors.ActorOf(ActorFactory.Props(() => new OutputWriterActor(options.OutputDirectory, model.Columns,
                    resume is null ? null : new OutputResume(resume.Checkpoint.Manifest.TimeseriesRows, resume.Checkpoint.Manifest.FieldNames))), "output-writer");
                var outputTimes = scenario.Time.OutputTimes();
                var checkpoint = scenario.Run.Checkpoint;
                string checkpointDirectory = CheckpointDirectory(scenario, options.OutputDirectory);
                var from = resume?.Checkpoint;
                Props coordinatorProps = model switch
                {
                    ICoordinatorModel m => ActorFactory.Props(() => new CoordinatorActor(m, outputTimes, writer, listener, checkpoint, checkpointDirectory, from, 0)),
                    ISubdomainModel m => ActorFactory.Props(() => new SubdomainCoordinatorActor(m, outputTimes, writer, listener, checkpoint, checkpointDirectory, from, null, 0)),
                    Particles.IParticleModel m => ActorFactory.Props(() => new Particles.ParticleCoordinatorActor(m, outputTimes, writer, listener, checkpoint, checkpointDirectory, from, null, 0, options.GatherTree)),
                    _ => throw new ArgumentException($"model type {model.GetType().Name} has no coordinator", nameof(model)),
                };
                var coordinator = actors.ActorOf(coordinatorProps.WithSupervisorStrategy(Strategies.EscalateAll), "coordinator");
                coordinator.Tell(new StartRun(), listener);
                return coordinator;
            }
            Task faulted;
            IActorRef target;
            if (shared is null)
            {
                target = Build(system);
                faulted = system.WhenFaulted();
            }
            else
            {
                var fault = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                root = target = system.ActorOf(RunRootActor.Props(Build, fault), RunRootActor.NextName());
                faulted = fault.Task;
            }
            using var stop = cancellation.Register(() => target.Tell(new StopRun(StopSignal.Reason)));

            var first = await Task.WhenAny(done.Task, faulted);
            if (first != done.Task)
            {
                Exception cause = faulted.Exception?.InnerException ?? new InvalidOperationException("the actor system failed");
                var failure = new RunFailedException($"the run failed: {cause.Message}", cause);
                monitor.AddEvent(new Monitoring.RunEvent(Monitoring.RunEventKinds.Failed, DateTimeOffset.UtcNow, null, null, failure.Message));
                record.WriteFailed(clock.Elapsed, model, failure);
                throw failure;
            }
            StartupTrace.Mark("run: completed");
            RunCompleted c = done.Task.Result;
            var result = new RunResult(c.Status, c.Reason, options.OutputDirectory, c.T,
                model.Columns.Select((name, i) => (name, c.FinalState[i])).ToDictionary(x => x.name, x => x.Item2),
                c.Counters, c.Rows, c.ResultsSha256, clock.Elapsed, model.Analysis());
            record.WriteCompleted(result);
            StartupTrace.Mark("run: run.json written");
            monitor.AddEvent(new Monitoring.RunEvent(c.Status == RunStatus.Completed ? Monitoring.RunEventKinds.Completed : Monitoring.RunEventKinds.Cancelled,
                DateTimeOffset.UtcNow, c.Counters.Accepted, c.T, c.Status == RunStatus.Completed ? "run completed" : $"run cancelled: {c.Reason}"));
            return result;
        }
        finally
        {
            if (shared is not null)
            {
                if (root is not null) shared.Stop(root); // the run's actors; the system goes on for the next run
                StartupTrace.Mark("run: actors stopping");
            }
            else if (options.LeaveSystemToProcessExit)
            {
                StartupTrace.Mark("run: actor system left to the process's exit");
            }
            else if (options.DeferShutdown is { } defer)
            {
                // Terminate() starts the coordinated shutdown synchronously (about 0.02 s at start-up): off this thread.
                defer(Task.Run(() => system.ShutdownAsync(TimeSpan.FromSeconds(10))));
                StartupTrace.Mark("run: actor system stopping");
            }
            else
            {
                await system.ShutdownAsync(TimeSpan.FromSeconds(10));
                StartupTrace.Mark("run: actor system shut down");
            }
        }
    }
}
