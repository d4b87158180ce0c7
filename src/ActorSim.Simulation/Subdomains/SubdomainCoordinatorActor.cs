using ActorSim.Actors;
using Akka.Actor;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Monitoring;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;
using Microsoft.Extensions.Logging;

namespace ActorSim.Simulation.Subdomains;

/// <summary>
/// Coordinator of a model run on subdomain actors. Owns t, the step counter and the step size; creates
/// one <see cref="SubdomainActor"/> per block, connects neighbours, and drives the bulk-synchronous step
/// protocol: collect every block's partial bounds, reduce them in block order, order the next step,
/// and at each output time gather the blocks' snapshots (in block order) into a time-series row and
/// field files. Because blocks reduce nothing among themselves and the coordinator reduces by block
/// index, the result does not depend on message arrival order.
/// In a cluster run the blocks are created beforehand on their nodes and passed in (<c>blocks</c>); the
/// coordinator then only connects them, and blocks, neighbours and coordinator may be on different nodes.
/// </summary>
public sealed class SubdomainCoordinatorActor : Actor
{
    private readonly ISubdomainModel _model;
    private readonly IReadOnlyList<double> _outputTimes;
    private readonly IActorRef _writer;
    private readonly IActorRef? _progress;
    private readonly IActorRef[] _blocks;
    private readonly bool _ownsBlocks;
    private BlockSet _all = null!;
    private readonly double[]?[] _bounds;
    private readonly double[]?[] _snapshots;
    private int _received;
    private IActorRef? _requester;

    private double _t;
    private long _step;
    private int _nextOutput;     // index into _outputTimes of the next output to write
    private double[]? _heldBounds; // bounds of the next step, held while an output is written
    private double[] _lastRow = [];
    private RunStatus _status = RunStatus.Completed;
    private string? _reason;
    private bool _stopRequested, _finishing;

    // Checkpoints and resume.
    private readonly CheckpointSchedule _checkpoints;
    private readonly LoadedCheckpoint? _resume;
    private Action? _afterCheckpoint;
    private IReadOnlyList<string> _fieldNames = [];

    // Leased steps (ISubdomainModel.PlansArePure, at most MaxPeerBlocks blocks): the blocks plan steps before
    // _leaseUntil themselves, never past _leaseTEnd; the coordinator follows from the same bounds.
    /// <summary>Blocks that send their bounds to every block to plan leased steps (beyond: one message per block and step to the coordinator only).</summary>
    public const int MaxPeerBlocks = 8;
    /// <summary>Steps a lease runs ahead of the coordinator.</summary>
    public const int LeaseSteps = 16;
    private readonly bool _leased;
    private readonly Dictionary<long, List<BlockBounds>> _earlyBounds = new();
    private long _leaseUntil;
    private double _leaseTEnd;

    // Monitoring (StepRecords to the progress listener; reads clocks only).
    private readonly StepRecorder _recorder;
    private double _lastDt = double.NaN;

    /// <param name="model">The model (its coordinator side).</param>
    /// <param name="outputTimes">The output times.</param>
    /// <param name="writer">Receives rows and fields (<see cref="OutputWriterActor"/>).</param>
    /// <param name="progress">Receives <see cref="RunProgress"/>, or null.</param>
    /// <param name="blocks">The block actors by block index, created elsewhere (a cluster run), with the way to reach
    /// them all at once; null: the coordinator creates them as its children.</param>
    public SubdomainCoordinatorActor(ISubdomainModel model, IReadOnlyList<double> outputTimes, IActorRef writer, IActorRef? progress,
        BlockSet? blocks = null)
        : this(model, outputTimes, writer, progress, null, null, null, blocks)
    {
    }

    /// <param name="checkpoint">Checkpoint settings, or null.</param>
    /// <param name="checkpointDirectory">Where checkpoints go (required with <paramref name="checkpoint"/>).</param>
    /// <param name="resume">A checkpoint to continue from, or null for a fresh run.</param>
    /// <param name="epoch">The epoch written into checkpoint manifests.</param>
    public SubdomainCoordinatorActor(ISubdomainModel model, IReadOnlyList<double> outputTimes, IActorRef writer, IActorRef? progress,
        CheckpointSettings? checkpoint, string? checkpointDirectory, LoadedCheckpoint? resume, BlockSet? blocks = null, int epoch = 0)
    {
        _checkpoints = new CheckpointSchedule(checkpoint, checkpointDirectory, model.BlockCount, resume, epoch);
        _resume = resume;
        _model = model;
        _outputTimes = outputTimes;
        _writer = writer;
        _progress = progress;
        if (blocks is not null && blocks.Blocks.Count != model.BlockCount)
            throw new ArgumentException($"{blocks.Blocks.Count} block actors given for {model.BlockCount} blocks", nameof(blocks));
        _ownsBlocks = blocks is null;
        _blocks = blocks?.Blocks.ToArray() ?? new IActorRef[model.BlockCount];
        if (blocks is not null) _all = blocks;
        _bounds = new double[]?[model.BlockCount];
        _snapshots = new double[]?[model.BlockCount];
        _recorder = new StepRecorder(model.BlockCount, model.Columns, outputTimes[^1], halos: true);
        _leased = model.PlansArePure && model.BlockCount <= MaxPeerBlocks;
    }

    protected override void PreStart()
    {
        // Blocks about to load a checkpoint's state skip building the initial state it replaces.
        bool forRestore = _resume is not null;
        for (int b = 0; b < _blocks.Length && _ownsBlocks; b++)
        {
            int block = b;
            _blocks[b] = Context.ActorOf(ActorFactory.Props(() => new SubdomainActor(
                () => forRestore ? _model.CreateKernelForRestore(block, distributed: false) : _model.CreateKernel(block), _leased ? _model : null, forRestore)), $"block-{b}");
        }
        if (_ownsBlocks) _all = new BlockSet(_blocks);
        // Neighbours of each block, by block index (periodic wrap and self-neighbours included).
        // A node-local cluster checkpoint's holders restored the blocks already (BlocksRestored).
        var restore = _resume is null || _resume.BlocksRestored ? null : CheckpointSchedule.RestoreMessages(_resume);
        if (_resume is not null && _model is ICheckpointableModel cm) cm.LoadCoordinatorState(_resume.Manifest.CoordinatorState);
        for (int b = 0; b < _blocks.Length; b++)
        {
            var neighbours = _model.Links(b).Where(l => !l.IsBoundary).Select(l => l.NeighbourBlock).Distinct().ToDictionary(n => n, n => _blocks[n]);
            _blocks[b].Tell(new ConnectBlock(neighbours) { Peers = _leased ? _blocks : null }, Self);
            if (restore is not null) _blocks[b].Tell(restore[b], Self);
        }
    }

    protected override void Receive(object message)
    {
        long started = StepRecorder.Now();
        Handle(message);
        _recorder.EndCoordinatorWork(started);
    }

    private void Handle(object message)
    {
        switch (message)
        {
            case StartRun:
                _requester = Sender;
                if (_resume is { Manifest: var m })
                {
                    _t = m.T;
                    _step = m.Step;
                    _nextOutput = m.OutputIndex;
                    _lastRow = m.LastRow;
                    _fieldNames = m.FieldNames;
                    _all.TellAll(new ReportBounds(_step), Self);
                }
                else RequestSnapshots();
                break;
            case StopRun stop:
                if (!_finishing)
                {
                    _stopRequested = true;
                    _status = RunStatus.Cancelled;
                    _reason = stop.Reason;
                    Log.LogWarning("run stopping at t = {T}: {Reason}", _t, stop.Reason);
                }
                break;
            case BlockSnapshot s when s.Index == _nextOutput:
                Collect(_snapshots, s.Block, s.Data, SnapshotsComplete);
                break;
            case BlockBounds b when b.Step == _step:
                OnBounds(b);
                break;
            case BlockBounds b when _leased && b.Step > _step:
                // Leased steps: a block that had every block's bounds ran on and reported its next step before another
                // block's report of this one arrived (different paths between nodes). Kept until the coordinator is there.
                if (!_earlyBounds.TryGetValue(b.Step, out var early)) _earlyBounds[b.Step] = early = new List<BlockBounds>();
                early.Add(b);
                break;
            case BlockStateSaved saved:
                if (_checkpoints.Collect(saved)) _writer.Tell(new FlushOutput(), Self);
                break;
            case OutputFlushed flushed when _checkpoints.InProgress:
                CheckpointComplete(flushed.Rows);
                break;
            case OutputClosed closed:
                _checkpoints.WaitForPruning();
                _requester?.Tell(new RunCompleted(_status, _reason, _t, _lastRow, new StepCounters(_step, 0, 0), closed.Rows, closed.Sha256), Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnBounds(BlockBounds b)
    {
        _recorder.BlockReply(b.Block, b.ComputeSeconds, b.HaloWaitSeconds);
        Collect(_bounds, b.Block, b.Bounds, BoundsComplete);
    }

    /// <summary>Takes up the reports of the current step that arrived early (leased steps).</summary>
    private void DrainEarly()
    {
        if (_earlyBounds.Remove(_step, out var early))
            foreach (var b in early) OnBounds(b);
    }

    private void Collect(double[]?[] slots, int block, double[] data, Action complete)
    {
        if (slots[block] is not null) throw new InvalidOperationException($"block {block} answered twice");
        slots[block] = data;
        if (++_received < slots.Length) return;
        _received = 0;
        complete();
    }

    private void RequestSnapshots()
    {
        _all.TellAll(new RequestSnapshot(_nextOutput), Self);
    }

    /// <summary>Every block reported the bounds of step <see cref="_step"/>: write an output first if one is due, then order the step.</summary>
    private void BoundsComplete()
    {
        _recorder.RoundComplete();
        if (_step > 0 && _recorder.Due) Record(atOutput: false);
        var global = _model.ReduceBounds(_bounds!);
        Array.Clear(_bounds);
        if (_leased && _step < _leaseUntil && _t < _leaseTEnd)
        {
            // A leased step: the blocks planned it themselves from the same bounds; follow, and keep the lease ahead.
            Advance(_model.Plan(_step, _t, _leaseTEnd, global));
            if (!_stopRequested && _leaseUntil - _step < LeaseSteps / 2)
            {
                long until = Math.Min(_step + LeaseSteps, _checkpoints.LeaseLimit(_step));
                if (until > _leaseUntil)
                {
                    _leaseUntil = until;
                    _all.TellAll(new ExtendLease(until), Self);
                }
            }
            DrainEarly();
            return;
        }
        if (_checkpoints.Due(_step, _stopRequested))
        {
            StartCheckpoint(() => AfterBounds(global));
            return;
        }
        AfterBounds(global);
    }

    private void AfterBounds(double[] global)
    {
        bool outputDue = _t >= _outputTimes[_nextOutput];
        if (outputDue || _stopRequested)
        {
            _heldBounds = global;
            RequestSnapshots();
            return;
        }
        OrderStep(global);
    }

    /// <summary>Every block sent its snapshot: write the row and fields, then go on, or close when done or stopped.</summary>
    private void SnapshotsComplete()
    {
        var row = new double[_model.Columns.Count];
        var fields = _model.Assemble(_t, _snapshots!, row);
        Array.Clear(_snapshots);
        _writer.Tell(new OutputRow(_t, row), Self);
        foreach (var f in fields) _writer.Tell(new WriteField(_nextOutput, f), Self);
        _lastRow = row;
        _fieldNames = fields.Select(f => f.Name).ToArray();
        _progress?.Tell(new RunProgress(_t, _outputTimes[^1], _step), Self);
        _recorder.Row(_t, row);
        Record(atOutput: true);
        if (StepRecorder.Preview(fields, _t) is { } preview) _progress?.Tell(preview, Self);
        _nextOutput++;
        if (_nextOutput == _outputTimes.Count) Finish();
        else if (_stopRequested)
        {
            // Stopped while this output was gathered: the blocks are still at the barrier of step _step
            // (when the bounds are held), so a final checkpoint can be taken before closing.
            if (_heldBounds is not null && _checkpoints.Due(_step, stopping: true)) StartCheckpoint(Finish);
            else Finish();
        }
        else if (_heldBounds is { } global)
        {
            _heldBounds = null;
            OrderStep(global);
        }
        else _all.TellAll(new ReportBounds(_step), Self);
    }

    /// <summary>Orders step <see cref="_step"/>, never past the next output time; the blocks answer with the next step's bounds.</summary>
    private void OrderStep(double[] global)
    {
        var order = _model.Plan(_step, _t, _outputTimes[_nextOutput], global);
        // The order replaces the blocks' lease: the steps after it they may plan themselves (none when stopping).
        _leaseUntil = _leased && !_stopRequested ? Math.Min(_step + 1 + LeaseSteps, _checkpoints.LeaseLimit(_step + 1)) : 0;
        _leaseTEnd = _outputTimes[_nextOutput];
        _all.TellAll(new RunStep(order) { LeaseUntil = _leaseUntil, LeaseTEnd = _leaseTEnd }, Self);
        Advance(order);
    }

    private void Advance(StepOrder order)
    {
        if (!(order.TNext > _t)) throw new InvalidOperationException($"step {_step} at t = {_t} would not advance (dt = {order.Dt})");
        _lastDt = order.Dt;
        _t = order.TNext;
        _step++;
    }

    /// <summary>Asks every block to save its state at the barrier of step <see cref="_step"/>; <paramref name="then"/> runs once the manifest is written.</summary>
    private void StartCheckpoint(Action then)
    {
        string folder = _checkpoints.Begin(_step);
        _afterCheckpoint = then;
        _all.TellAll(new SaveBlockState(_step, folder), Self);
    }

    /// <summary>Every block's file is written and the outputs are flushed: write the manifest, then go on.</summary>
    private void CheckpointComplete(long rowsFlushed)
    {
        _checkpoints.Complete(_model.GetType().Name, _t, _nextOutput, rowsFlushed, _fieldNames, _lastRow,
            _model is ICheckpointableModel cm ? cm.SaveCoordinatorState() : []);
        _progress?.Tell(RunEvent.Checkpoint(_step, _t), Self);
        var then = _afterCheckpoint!;
        _afterCheckpoint = null;
        then();
    }

    /// <summary>Sends a <see cref="StepRecord"/> of the steps since the previous one to the progress listener.</summary>
    private void Record(bool atOutput)
    {
        if (_progress is null) return;
        _progress.Tell(_recorder.Take(_step, _t, double.IsNaN(_lastDt) ? null : _lastDt, atOutput, _checkpoints.Last), Self);
    }

    private void Finish()
    {
        _finishing = true;
        _writer.Tell(new CloseOutput(), Self);
    }
}
