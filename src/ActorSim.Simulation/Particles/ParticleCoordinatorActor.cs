using ActorSim.Actors;
using ActorSim.Actors.Trees;
using Akka.Actor;
using ActorSim.Simulation.Monitoring;
using ActorSim.Simulation.Runtime;
using Microsoft.Extensions.Logging;

namespace ActorSim.Simulation.Particles;

/// <summary>
/// Coordinator of a model run on particle-block actors. Creates one <see cref="ParticleBlockActor"/> per
/// block (children <c>block-0</c> …), then drives the model's activities: an output at t = 0, then steps
/// until the next output time (which the model lands on exactly), an output there, and so on. Every round
/// is broadcast to all blocks; replies are slotted by block index and handed to the model in block order
/// once all are in, so the result depends on the scenario and the block count only, never on arrival order.
/// A <see cref="StopRun"/> is honoured after the current step: the state at that time is written as a
/// last row and the outputs are closed.
/// <para>
/// Checkpoints are taken at step barriers (after a step's last round, before the next activity): every block writes its
/// kernel's state, the model's coordinator state (macroscopic state, reference solutions, running diagnostics) goes
/// into the manifest after the outputs were flushed. A stopped run takes a final one. A resumed run restores the
/// blocks from their files and continues with the activity that was next, so its outputs are bit-identical.
/// </para>
/// </summary>
public sealed class ParticleCoordinatorActor : Actor
{
    private enum Activity { None, Output, Step }

    private readonly IParticleModel _model;
    private readonly IReadOnlyList<double> _outputTimes;
    private readonly IActorRef _writer;
    private readonly IActorRef? _progress;
    private IActorRef[] _blocks;
    private BlockSet _all;
    private readonly GatherTreeSettings? _tree;
    private readonly bool _ownBlocks;
    private readonly double[]?[] _replies;
    private int _received;
    private long _seq;
    private Activity _activity;
    private IActorRef? _requester;
    private int _nextOutput;
    private double[] _lastRow = [];
    private RunStatus _status = RunStatus.Completed;
    private string? _reason;
    private bool _stopRequested, _finishing;
    private IReadOnlyList<string> _fieldNames = [];

    // A live block move (cluster runs): who asked to hold at the next step barrier, and whether the coordinator holds.
    private IActorRef? _pauseRequester;
    private bool _paused;

    private readonly CheckpointSchedule _checkpoints;
    private readonly LoadedCheckpoint? _resume;
    private Action? _afterCheckpoint;

    // Monitoring (StepRecords to the progress listener; reads clocks only).
    private readonly StepRecorder _recorder;
    private double _stepStartT = double.NaN, _lastDt = double.NaN;

    /// <param name="blocks">The block actors by block index, created elsewhere (a cluster run places them on worker
    /// nodes), with the way to reach them all at once; null: the coordinator creates them as its children.</param>
    public ParticleCoordinatorActor(IParticleModel model, IReadOnlyList<double> outputTimes, IActorRef writer, IActorRef? progress,
        BlockSet? blocks = null)
        : this(model, outputTimes, writer, progress, null, null, null, blocks)
    {
    }

    /// <param name="checkpoint">Checkpoint settings, or null.</param>
    /// <param name="checkpointDirectory">Where checkpoints go (required with <paramref name="checkpoint"/>).</param>
    /// <param name="resume">A checkpoint to continue from, or null for a fresh run.</param>
    /// <param name="epoch">The epoch written into checkpoint manifests.</param>
    /// <param name="tree">Gather the replies of the blocks this coordinator creates over a tree (when the block count
    /// reaches its threshold), or null for one reply per block straight to the coordinator. Results are the same.</param>
    public ParticleCoordinatorActor(IParticleModel model, IReadOnlyList<double> outputTimes, IActorRef writer, IActorRef? progress,
        Scenarios.CheckpointSettings? checkpoint, string? checkpointDirectory, LoadedCheckpoint? resume, BlockSet? blocks = null, int epoch = 0,
        GatherTreeSettings? tree = null)
    {
        tree?.Validate();
        _tree = tree;
        _ownBlocks = blocks is null;
        _checkpoints = new CheckpointSchedule(checkpoint, checkpointDirectory, model.BlockCount, resume, epoch);
        _resume = resume;
        _model = model;
        _outputTimes = outputTimes;
        _writer = writer;
        _progress = progress;
        if (blocks is not null && blocks.Blocks.Count != model.BlockCount)
            throw new ArgumentException($"{blocks.Blocks.Count} block actors given for {model.BlockCount} blocks", nameof(blocks));
        _blocks = blocks?.Blocks.ToArray() ?? new IActorRef[model.BlockCount];
        _all = blocks ?? new BlockSet(_blocks);
        _replies = new double[]?[model.BlockCount];
        _recorder = new StepRecorder(model.BlockCount, model.Columns, outputTimes[^1], halos: false);
    }

    protected override void PreStart()
    {
        // Blocks about to load a checkpoint's state skip building the initial state it replaces.
        bool forRestore = _resume is not null;
        for (int b = 0; b < _blocks.Length && _blocks[b] is null; b++)
        {
            int block = b;
            _blocks[b] = Context.ActorOf(ActorFactory.Props(() => new ParticleBlockActor(
                () => forRestore ? _model.CreateKernelForRestore(block) : _model.CreateKernel(block), forRestore)), $"block-{b}");
        }
        if (_ownBlocks && _tree is { } tree && tree.AppliesTo(_blocks.Length)) BuildTree(tree);
        if (_resume is not { Manifest: var m }) return;
        Checkpointable.LoadCoordinatorState(m.CoordinatorState);
        _nextOutput = m.OutputIndex;
        _lastRow = m.LastRow;
        _fieldNames = m.FieldNames;
        if (_resume.BlocksRestored) return; // a node-local cluster checkpoint: its holders restored the blocks already
        var restore = CheckpointSchedule.RestoreMessages(_resume);
        for (int b = 0; b < _blocks.Length; b++) _blocks[b].Tell(restore[b], Self);
    }

    private ICheckpointableModel Checkpointable => _model as ICheckpointableModel
        ?? throw new NotSupportedException($"model {_model.GetType().Name} cannot save or load its coordinator state, so the run cannot be checkpointed");

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
                if (_requester is not null) throw new InvalidOperationException("the run was already started");
                _requester = Sender;
                if (_resume is null) Begin(Activity.Output, _model.BeginOutput());
                else AfterStep();
                break;
            case StopRun stop:
                if (!_finishing && !_stopRequested)
                {
                    _stopRequested = true;
                    _status = RunStatus.Cancelled;
                    _reason = stop.Reason;
                    Log.LogWarning("run stopping at t = {T}: {Reason}", _model.Time, stop.Reason);
                }
                break;
            case BlockReply r:
                Reply(r);
                break;
            case Gathered g:
                if (g.Round != _seq) throw new InvalidOperationException($"the tree delivered round {g.Round} while round {_seq} is open");
                foreach (var part in g.Parts) Reply((BlockReply)part);
                break;
            case GatherFailed f:
                throw new GatherFailedException(f);
            case PauseAtBarrier:
                if (_pauseRequester is not null || _paused) throw new InvalidOperationException("a block move is already under way");
                _pauseRequester = Sender;
                break;
            case ResumeWithBlocks resume:
                if (!_paused) throw new InvalidOperationException("the coordinator was asked to resume but does not hold at a barrier");
                if (resume.Blocks.Blocks.Count != _blocks.Length)
                    throw new ArgumentException($"{resume.Blocks.Blocks.Count} block actors given for {_blocks.Length} blocks");
                _blocks = resume.Blocks.Blocks.ToArray();
                _all = resume.Blocks;
                _paused = false;
                AfterStep(); // a stop asked for while it held is honoured now
                break;
            case BlockStateSaved saved:
                if (_checkpoints.Collect(saved)) _writer.Tell(new FlushOutput(), Self);
                break;
            case OutputFlushed flushed when _checkpoints.InProgress:
                CheckpointComplete(flushed.Rows);
                break;
            case OutputClosed closed:
                _checkpoints.WaitForPruning();
                _requester?.Tell(new RunCompleted(_status, _reason, _model.Time, _lastRow, _model.Counters, closed.Rows, closed.Sha256), Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Reply(BlockReply r)
    {
        if (r.Seq != _seq) throw new InvalidOperationException($"block {r.Block} answered round {r.Seq} while round {_seq} is open");
        if ((uint)r.Block >= (uint)_replies.Length) throw new InvalidOperationException($"reply from unknown block {r.Block}");
        if (_replies[r.Block] is not null) throw new InvalidOperationException($"block {r.Block} answered round {r.Seq} twice");
        _replies[r.Block] = r.Data;
        _recorder.BlockReply(r.Block, r.ComputeSeconds, 0);
        if (++_received == _replies.Length) RoundComplete();
    }

    /// <summary>How a gather tree recognises a block's reply: its round and block index.</summary>
    public static GatherKey? ReplyKey(object message) => message is BlockReply r ? new GatherKey(r.Seq, r.Block) : null;

    /// <summary>Groups the blocks into tree nodes of consecutive blocks and sends every round over the tree.</summary>
    private void BuildTree(GatherTreeSettings tree)
    {
        int nodes = (_blocks.Length + tree.BlocksPerNode - 1) / tree.BlocksPerNode;
        var layout = new TreeLayout(nodes, tree.FanIn);
        var placement = Enumerable.Range(0, _blocks.Length).Select(b => b / tree.BlocksPerNode).ToArray();
        var root = GatherTree.Build(layout, placement, _blocks, ReplyKey,
            tree.Timeout, (_, props, name) => Context.ActorOf(props, name));
        _all = new TreeBlockSet(_blocks, root, m => m is BlockRound r ? r.Seq : null);
        Log.LogInformation("replies gathered over a tree of {Nodes} nodes ({PerNode} blocks each, fan-in {FanIn}, depth {Depth})",
            nodes, tree.BlocksPerNode, tree.FanIn, layout.MaxDepth);
    }

    private void Begin(Activity activity, ParticleRound first)
    {
        _activity = activity;
        Broadcast(first);
    }

    private void Broadcast(ParticleRound round)
    {
        _seq++;
        var message = new BlockRound(_seq, round);
        _all.TellAll(message, Self);
    }

    private void RoundComplete()
    {
        _recorder.RoundComplete();
        _received = 0;
        var next = _model.Continue(_replies!);
        Array.Clear(_replies);
        if (next is not null) { Broadcast(next); return; }
        var done = _activity;
        _activity = Activity.None;
        if (done == Activity.Output) OutputComplete();
        else StepComplete();
    }

    private void OutputComplete()
    {
        var row = new double[_model.Columns.Count];
        var fields = _model.CompleteOutput(row);
        _writer.Tell(new OutputRow(_model.Time, row), Self);
        foreach (var f in fields) _writer.Tell(new WriteField(_nextOutput, f), Self);
        _lastRow = row;
        _fieldNames = fields.Select(f => f.Name).ToArray();
        _progress?.Tell(new RunProgress(_model.Time, _outputTimes[^1], _model.Counters.Accepted), Self);
        _recorder.Row(_model.Time, row);
        Record(atOutput: true);
        if (StepRecorder.Preview(fields, _model.Time) is { } preview) _progress?.Tell(preview, Self);
        _nextOutput++;
        if (_nextOutput >= _outputTimes.Count) Finish();
        else if (_stopRequested)
        {
            // Stopped during a regular output: the blocks are at a barrier, so a final checkpoint can still be taken
            // (unless one was taken at this step already, before a stop-time output).
            if (_checkpoints.Due(_model.Counters.Accepted, stopping: true)) StartCheckpoint(Finish);
            else Finish();
        }
        else NextStep();
    }

    private void StepComplete()
    {
        _lastDt = _model.Time - _stepStartT;
        if (_recorder.Due) Record(atOutput: false);
        if (_checkpoints.Due(_model.Counters.Accepted, _stopRequested)) StartCheckpoint(AfterStep);
        else AfterStep();
    }

    /// <summary>At a step barrier: an output if one is due (or the run is stopping), else the next step.</summary>
    private void AfterStep()
    {
        if (_stopRequested || _model.Time >= _outputTimes[_nextOutput]) Begin(Activity.Output, _model.BeginOutput());
        else NextStep();
    }

    /// <summary>Asks every block to save its state at this step barrier; <paramref name="then"/> runs once the manifest is written.</summary>
    private void StartCheckpoint(Action then)
    {
        long step = _model.Counters.Accepted;
        string folder = _checkpoints.Begin(step);
        _afterCheckpoint = then;
        _all.TellAll(new SaveBlockState(step, folder), Self);
    }

    /// <summary>Every block's file is written and the outputs are flushed: write the manifest, then go on.</summary>
    private void CheckpointComplete(long rowsFlushed)
    {
        _checkpoints.Complete(_model.GetType().Name, _model.Time, _nextOutput, rowsFlushed, _fieldNames, _lastRow, Checkpointable.SaveCoordinatorState());
        _progress?.Tell(RunEvent.Checkpoint(_model.Counters.Accepted, _model.Time), Self);
        var then = _afterCheckpoint!;
        _afterCheckpoint = null;
        then();
    }

    private void NextStep()
    {
        if (_pauseRequester is { } requester)
        {
            // A live block move: hold here, between steps, until the blocks are where they should be.
            _pauseRequester = null;
            _paused = true;
            requester.Tell(new PausedAtBarrier(_model.Counters.Accepted, _model.Time), Self);
            return;
        }
        double target = _outputTimes[_nextOutput];
        if (!(target > _model.Time)) throw new InvalidOperationException($"output time {target} is not after t = {_model.Time}");
        _stepStartT = _model.Time;
        Begin(Activity.Step, _model.BeginStep(target));
    }

    /// <summary>Sends a <see cref="StepRecord"/> of the steps since the previous one to the progress listener.</summary>
    private void Record(bool atOutput)
    {
        _progress?.Tell(_recorder.Take(_model.Counters.Accepted, _model.Time, double.IsNaN(_lastDt) ? null : _lastDt, atOutput, _checkpoints.Last), Self);
    }

    private void Finish()
    {
        _finishing = true;
        _writer.Tell(new CloseOutput(), Self);
    }
}
