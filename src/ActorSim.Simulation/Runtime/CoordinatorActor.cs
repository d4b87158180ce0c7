using ActorSim.Actors;
using ActorSim.Simulation.Models;
using Microsoft.Extensions.Logging;

namespace ActorSim.Simulation.Runtime;

/// <summary>
/// Owns t, the step counters and the macroscopic state of a run. Advances the model one output interval
/// per message (so a <see cref="StopRun"/> is seen between intervals), sends each output row to the
/// writer and progress to the listener, and answers <see cref="StartRun"/> with <see cref="RunCompleted"/>
/// once the writer has closed the time series.
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
    private bool _finishing;
    private readonly Monitoring.StepRecorder _recorder;

    public CoordinatorActor(ICoordinatorModel model, IReadOnlyList<double> outputTimes, IActorRef writer, IActorRef? progress)
    {
        _model = model;
        _outputTimes = outputTimes;
        _writer = writer;
        _progress = progress;
        _recorder = new Monitoring.StepRecorder(0, model.Columns, outputTimes[^1], halos: false);
    }

    protected override void Receive(object message)
    {
        switch (message)
        {
            case StartRun:
                if (_requester is not null) throw new InvalidOperationException("the run was already started");
                _requester = Sender;
                Self.Tell(new AdvanceOutput(0));
                break;
            case AdvanceOutput(var index) when !_finishing:
                Advance(index);
                break;
            case AdvanceOutput:
                break;
            case StopRun(var reason) when !_finishing:
                _status = RunStatus.Cancelled;
                _reason = reason;
                Context.Log.LogWarning("run stopping at t = {T}: {Reason}", _model.Time, reason);
                Finish();
                break;
            case StopRun:
                break;
            case OutputClosed closed:
                var state = new double[_model.Columns.Count];
                _model.ReadState(state);
                _requester?.Tell(new RunCompleted(_status, _reason, _model.Time, state, _model.Counters, closed.Rows, closed.Sha256), Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Advance(int index)
    {
        double t = _outputTimes[index];
        long started = Monitoring.StepRecorder.Now();
        _model.AdvanceTo(t);
        _recorder.EndCoordinatorWork(started);
        var values = new double[_model.Columns.Count];
        _model.ReadState(values);
        _writer.Tell(new OutputRow(t, values), Self);
        _progress?.Tell(new RunProgress(t, _outputTimes[^1], _model.Counters.Accepted), Self);
        _recorder.Row(t, values);
        _progress?.Tell(_recorder.Take(_model.Counters.Accepted, t, null, atOutput: true), Self);
        if (index + 1 < _outputTimes.Count) Self.Tell(new AdvanceOutput(index + 1));
        else Finish();
    }

    private void Finish()
    {
        _finishing = true;
        _writer.Tell(new CloseOutput(), Self);
    }
}
