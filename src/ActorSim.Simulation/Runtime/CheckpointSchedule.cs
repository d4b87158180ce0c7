using System.Diagnostics;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Runtime;

/// <summary>
/// The coordinator's side of coordinated checkpoints, shared by the three coordinators (knows no actors): when a
/// checkpoint is due (every N steps, every S seconds of wall time, and a final one when the run is stopped), the
/// folder of a new checkpoint, the blocks' answers collected by block index, and the manifest written last.
/// A coordinator calls <see cref="Due"/> at each step barrier, <see cref="Begin"/> (then sends
/// <see cref="SaveBlockState"/> to every block), <see cref="Collect"/> for each <see cref="BlockStateSaved"/>, asks
/// the output writer to flush once <see cref="AllSaved"/>, and <see cref="Complete"/> after <see cref="OutputFlushed"/>.
/// </summary>
public sealed class CheckpointSchedule
{
    private readonly CheckpointSettings? _settings;
    private readonly string? _directory;
    private readonly int _blocks;
    private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
    private long _lastChecked;
    private CheckpointBlockFile?[]? _saved;
    private int _savedCount;
    private Task _pruning = Task.CompletedTask;

    /// <param name="settings">The scenario's <c>run.checkpoint</c>, or null for none.</param>
    /// <param name="directory">Where checkpoints go (required with <paramref name="settings"/>).</param>
    /// <param name="blocks">Number of blocks that each write a file (0 for a coordinator without blocks).</param>
    /// <param name="resume">The checkpoint a resumed run starts from (its step counts as the last checkpoint), or null.</param>
    /// <param name="epoch">Written into every manifest (0 in process; a cluster recovery bumps it).</param>
    public CheckpointSchedule(CheckpointSettings? settings, string? directory, int blocks, LoadedCheckpoint? resume = null, int epoch = 0)
    {
        if (settings is not null && directory is null) throw new ArgumentNullException(nameof(directory), "checkpoints need a directory");
        if (resume is not null && resume.Manifest.Blocks.Count != blocks)
            throw new ArgumentException($"the checkpoint has {resume.Manifest.Blocks.Count} blocks, the model {blocks}", nameof(resume));
        _settings = settings;
        _directory = directory;
        _blocks = blocks;
        Epoch = epoch;
        LastStep = resume?.Manifest.Step ?? -1;
        _lastChecked = resume?.Manifest.Step ?? 0;
    }

    /// <summary>Whether the run takes checkpoints at all.</summary>
    public bool Enabled => _settings is not null;

    /// <summary>The epoch written into the manifests.</summary>
    public int Epoch { get; }

    /// <summary>The step of the last complete checkpoint (or the one resumed from), −1 if none.</summary>
    public long LastStep { get; private set; }

    /// <summary>Wall-clock seconds since the last complete checkpoint (or since the run started).</summary>
    public double SecondsSinceLast => _sinceLast.Elapsed.TotalSeconds;

    /// <summary>The last complete checkpoint's step and age in seconds, for the step records; nulls when there is none.</summary>
    public (long? Step, double? AgeS) Last => Enabled && LastStep >= 0 ? (LastStep, SecondsSinceLast) : (null, null);

    /// <summary>A checkpoint is being taken (between <see cref="Begin"/> and <see cref="Complete"/>).</summary>
    public bool InProgress => Folder is not null;

    /// <summary>The folder of the checkpoint in progress.</summary>
    public string? Folder { get; private set; }

    /// <summary>The step of the checkpoint in progress.</summary>
    public long Step { get; private set; }

    /// <summary>
    /// At a step barrier at <paramref name="step"/>: is a checkpoint due? Yes when the run is stopping (a final one),
    /// when a multiple of <c>steps</c> was reached since the previous call (every step for the block coordinators;
    /// the ODE coordinator asks at its output barriers), or when <c>seconds</c> of wall time passed since the last
    /// checkpoint; never twice at the same step.
    /// </summary>
    /// <summary>
    /// The first step, from <paramref name="from"/> on, that must be a barrier for a checkpoint: the next multiple of a
    /// step interval, <paramref name="from"/> itself when a time interval has run out (or a checkpoint is in progress),
    /// else none (<see cref="long.MaxValue"/>). Steps planned by the blocks themselves stop there (see <see cref="Due"/>).
    /// </summary>
    public long LeaseLimit(long from)
    {
        if (_settings is null) return long.MaxValue;
        if (InProgress) return from;
        long limit = long.MaxValue;
        if (_settings.Steps is { } n) limit = (from + n - 1) / n * n;
        if (_settings.Seconds is { } s && _sinceLast.Elapsed.TotalSeconds >= s) limit = from;
        return limit;
    }

    public bool Due(long step, bool stopping)
    {
        long previous = _lastChecked;
        _lastChecked = step;
        if (_settings is null || InProgress || step == LastStep) return false;
        if (stopping) return true;
        if (_settings.Steps is { } n && step / n > previous / n) return true;
        return _settings.Seconds is { } s && _sinceLast.Elapsed.TotalSeconds >= s;
    }

    /// <summary>Starts the checkpoint at <paramref name="step"/>: creates its folder (an error names the checkpoint directory when it cannot) and returns it.</summary>
    public string Begin(long step)
    {
        if (InProgress) throw new InvalidOperationException($"a checkpoint at step {Step} is still in progress");
        string folder = CheckpointStore.CreateFolder(_directory ?? throw new InvalidOperationException("checkpoints are not enabled"), step);
        Step = step;
        Folder = folder;
        _saved = new CheckpointBlockFile?[_blocks];
        _savedCount = 0;
        return folder;
    }

    /// <summary>Every block's file is in (immediately true for a coordinator without blocks).</summary>
    public bool AllSaved => InProgress && _savedCount == _blocks;

    /// <summary>Records one block's answer; returns <see cref="AllSaved"/>. Answers for another step are ignored.</summary>
    public bool Collect(BlockStateSaved saved)
    {
        if (!InProgress || saved.Step != Step) return false;
        if ((uint)saved.Block >= (uint)_blocks) throw new InvalidOperationException($"checkpoint answer from unknown block {saved.Block}");
        if (_saved![saved.Block] is not null) throw new InvalidOperationException($"block {saved.Block} saved checkpoint {Step} twice");
        if (saved.File.Block != saved.Block) throw new InvalidOperationException($"block {saved.Block} reported the file of block {saved.File.Block}");
        _saved[saved.Block] = saved.File;
        _savedCount++;
        return AllSaved;
    }

    /// <summary>
    /// Writes the manifest of the checkpoint in progress — which makes it complete and prunes older ones — and returns
    /// it. Called once the output writer answered <see cref="FlushOutput"/> with <paramref name="rowsFlushed"/> rows on
    /// disk: one row per output written, i.e. exactly <paramref name="outputIndex"/>, or the checkpoint would be ahead of
    /// (or behind) its outputs.
    /// </summary>
    public CheckpointManifest Complete(string model, double t, int outputIndex, long rowsFlushed, IReadOnlyList<string> fieldNames,
        double[] lastRow, double[] coordinatorState)
    {
        if (!AllSaved) throw new InvalidOperationException("the checkpoint's block files are not all written yet");
        if (rowsFlushed != outputIndex) throw new InvalidOperationException($"the output writer flushed {rowsFlushed} rows, the checkpoint needs {outputIndex}");
        long timeseriesRows = rowsFlushed;
        var manifest = new CheckpointManifest(model, Epoch, Step, t, outputIndex, timeseriesRows, fieldNames, lastRow,
            _saved!.Select(f => f!).ToArray(), coordinatorState);
        CheckpointStore.WriteManifest(Folder!, manifest, prune: false);
        // Removing the oldest checkpoint (deleting its files costs more than writing the new ones on some file
        // systems) runs beside the next steps; at most one removal at a time, and WaitForPruning at the end of the run.
        WaitForPruning();
        string directory = Path.GetDirectoryName(Folder!)!;
        _pruning = Task.Run(() => CheckpointStore.Prune(directory));
        LastStep = Step;
        Folder = null;
        _saved = null;
        _sinceLast.Restart();
        return manifest;
    }

    /// <summary>Waits until the removal of old checkpoints started by <see cref="Complete"/> is done (coordinators call it before they report the end of the run).</summary>
    public void WaitForPruning()
    {
        try { _pruning.GetAwaiter().GetResult(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* best effort, as in CheckpointStore.Prune */ }
    }

    /// <summary>Every block's <see cref="RestoreBlock"/> message for resuming from <paramref name="checkpoint"/>, by block index.</summary>
    public static RestoreBlock[] RestoreMessages(LoadedCheckpoint checkpoint)
    {
        var messages = new RestoreBlock[checkpoint.Manifest.Blocks.Count];
        foreach (var f in checkpoint.Manifest.Blocks) messages[f.Block] = new RestoreBlock(checkpoint.Folder, f);
        return messages;
    }
}
