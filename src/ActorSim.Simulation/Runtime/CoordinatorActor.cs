using ActorSim.Actors;
using Akka.Actor;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Scenarios;
using Microsoft.Extensions.Logging;

namespace ActorSim.Simulation.Runtime;

/// <summary>
/// Owns t, the step counters and the macroscopic state of a run. Advances the model one output interval
/// per message (so a <see cref="StopRun"/> is seen between intervals), sends each output row to the
/// writer and progress to the listener, and answers <see cref="StartRun"/> with <see cref="RunCompleted"/>
/// once the writer has closed the time series.
/// <para>
/// Checkpoints are taken at output barriers (the only barriers this coordinator has): with <c>steps = N</c> at the
/// first output after every N accepted integrator steps, with <c>seconds</c> at the first output after that much wall
/// time, and a final one when the run is stopped. The model's state (e.g. the integrator's state, step-size
/// controller included) goes into the manifest, so a resumed run continues bit for bit.
/// </para>
/// </summary>
public sealed class CoordinatorActor : Actor
{
    private readonly ICoordinatorModel _model;
    private readonly IReadOnlyList<double> _outputTimes;
    private readonly IActorRef _writer;
    private readonly IActorRef? _progress;
    private IActorRef? _requester;
    private RunStatus _status = RunStatus.Completed;
    private string? _reason;
    private bool _finishing, _stopRequested;
    private int _nextOutput;
    private double[] _lastRow = [];
    private readonly Monitoring.StepRecorder _recorder;

    private readonly CheckpointSchedule _checkpoints;
    private readonly LoadedCheckpoint? _resume;
    private Action? _afterCheckpoint;

    public CoordinatorActor(ICoordinatorModel model, IReadOnlyList<double> outputTimes, IActorRef writer, IActorRef? progress)
        : this(model, outputTimes, writer, progress, null, null, null)
    {
    }

    /// <param name="checkpoint">Checkpoint settings, or null.</param>
    /// <param name="checkpointDirectory">Where checkpoints go (required with <paramref name="checkpoint"/>).</param>
    /// <param name="resume">A checkpoint to continue from, or null for a fresh run (the model must then be <see cref="ICheckpointableModel"/>).</param>
    /// <param name="epoch">The epoch written into checkpoint manifests.</param>
    public CoordinatorActor(ICoordinatorModel model, IReadOnlyList<double> outputTimes, IActorRef writer, IActorRef? progress,
        CheckpointSettings? checkpoint, string? checkpointDirectory, LoadedCheckpoint? resume, int epoch = 0)
    {
        _model = model;
        _outputTimes = outputTimes;
        _writer = writer;
        _progress = progress;
        _recorder = new Monitoring.StepRecorder(0, model.Columns, outputTimes[^1], halos: false);
        _checkpoints = new CheckpointSchedule(checkpoint, checkpointDirectory, 0, resume, epoch);
        _resume = resume;
    }

    private ICheckpointableModel Checkpointable => _model as ICheckpointableModel
        ?? throw new NotSupportedException($"model {_model.GetType().Name} cannot save or load its state, so the run cannot be checkpointed");

    protected override void PreStart()
    {
        if (_resume is not { Manifest: var m }) return;
        Checkpointable.LoadCoordinatorState(m.CoordinatorState);
        _nextOutput = m.OutputIndex;
        _lastRow = m.LastRow;
    }

    protected override void Receive(object message)
    {
        switch (message)
        {
            case StartRun:
                if (_requester is not null) throw new InvalidOperationException("the run was already started");
                _requester = Sender;
                Self.Tell(new AdvanceOutput(_nextOutput));
                break;
            case AdvanceOutput(var index) when !_finishing && !_checkpoints.InProgress && index == _nextOutput:
                Advance(index);
                break;
            case AdvanceOutput:
                break;
            case StopRun(var reason) when !_finishing && !_stopRequested:
                _stopRequested = true;
                _status = RunStatus.Cancelled;
                _reason = reason;
                Log.LogWarning("run stopping at t = {T}: {Reason}", _model.Time, reason);
                if (_checkpoints.InProgress) break;   // the checkpoint's continuation sees the stop
                if (_nextOutput < _outputTimes.Count && _checkpoints.Due(Step, stopping: true)) StartCheckpoint(Finish);
                else Finish();
                break;
            case StopRun:
                break;
            case OutputFlushed flushed when _checkpoints.InProgress:
                CheckpointComplete(flushed.Rows);
                break;
            case OutputClosed closed:
                _checkpoints.WaitForPruning();
                var state = new double[_model.Columns.Count];
                _model.ReadState(state);
                _requester?.Tell(new RunCompleted(_status, _reason, _model.Time, state, _model.Counters, closed.Rows, closed.Sha256), Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private long Step => _model.Counters.Accepted;

    private void Advance(int index)
    {
        double t = _outputTimes[index];
        long started = Monitoring.StepRecorder.Now();
        _model.AdvanceTo(t);
        _recorder.EndCoordinatorWork(started);
        var values = new double[_model.Columns.Count];
        _model.ReadState(values);
        _writer.Tell(new OutputRow(t, values), Self);
        _lastRow = values;
        _nextOutput = index + 1;
        _progress?.Tell(new RunProgress(t, _outputTimes[^1], _model.Counters.Accepted), Self);
        _recorder.Row(t, values);
        _progress?.Tell(_recorder.Take(_model.Counters.Accepted, t, null, atOutput: true, _checkpoints.Last), Self);
        if (_nextOutput >= _outputTimes.Count) { Finish(); return; }
        if (_checkpoints.Due(Step, _stopRequested)) StartCheckpoint(Continue);
        else Continue();
    }

    private void Continue()
    {
        if (_stopRequested) Finish();
        else Self.Tell(new AdvanceOutput(_nextOutput));
    }

    /// <summary>A checkpoint at the current output barrier: no blocks, so the outputs are flushed right away; <paramref name="then"/> runs once the manifest is written.</summary>
    private void StartCheckpoint(Action then)
    {
        _checkpoints.Begin(Step);
        _afterCheckpoint = then;
        _writer.Tell(new FlushOutput(), Self);
    }

    private void CheckpointComplete(long rowsFlushed)
    {
        _checkpoints.Complete(_model.GetType().Name, _model.Time, _nextOutput, rowsFlushed, [], _lastRow, Checkpointable.SaveCoordinatorState());
        _progress?.Tell(Monitoring.RunEvent.Checkpoint(Step, _model.Time), Self);
        var then = _afterCheckpoint!;
        _afterCheckpoint = null;
        then();
    }

    private void Finish()
    {
        _finishing = true;
        _writer.Tell(new CloseOutput(), Self);
    }
}
