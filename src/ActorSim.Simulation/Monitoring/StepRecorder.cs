using System.Diagnostics;
using ActorSim.Simulation.Subdomains;

namespace ActorSim.Simulation.Monitoring;

/// <summary>
/// The coordinator's side of monitoring (no actors, no physics): gathers the blocks' reported compute and halo-wait
/// seconds, the spread of each round's replies (reduction time) and the coordinator's own time, and turns them into a
/// <see cref="StepRecord"/> at most every <see cref="MinInterval"/> (plus at every output). It only reads clocks, so
/// the run's results do not change; it allocates only when it builds a record.
/// </summary>
public sealed class StepRecorder
{
    /// <summary>Column names treated as diagnostics rather than state.</summary>
    public static readonly IReadOnlySet<string> DiagnosticColumns =
        new HashSet<string>(["energy", "mass", "constraint_drift", "angular_momentum", "w1", "F_sigma"], StringComparer.Ordinal);

    private readonly IReadOnlyList<string> _columns;
    private readonly double _tEnd;
    private readonly bool _halos;
    private readonly double[] _compute, _wait;
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _lastRecord;
    private long _stepsAtLast = -1;
    private double _reduction, _coordinator;
    private long _roundFirst;
    private bool _inRound;
    private double[]? _row;
    private double _rowT;
    private double? _t0, _wall0;

    /// <param name="blocks">Number of blocks (0: the model has none).</param>
    /// <param name="columns">The model's time-series columns.</param>
    /// <param name="tEnd">Simulated end time.</param>
    /// <param name="halos">Whether blocks exchange halos (they report halo-wait time).</param>
    public StepRecorder(int blocks, IReadOnlyList<string> columns, double tEnd, bool halos)
    {
        _columns = columns;
        _tEnd = tEnd;
        _halos = halos;
        _compute = new double[blocks];
        _wait = new double[blocks];
        _lastRecord = _start;
    }

    /// <summary>Minimum wall time between two records that are not taken at outputs.</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>A timestamp for <see cref="EndCoordinatorWork"/>.</summary>
    public static long Now() => Stopwatch.GetTimestamp();

    /// <summary>Adds the coordinator's own time since <paramref name="start"/>.</summary>
    public void EndCoordinatorWork(long start) => _coordinator += Stopwatch.GetElapsedTime(start).TotalSeconds;

    /// <summary>A block replied, with the compute and halo-wait seconds it spent since its previous reply.</summary>
    public void BlockReply(int block, double computeSeconds, double haloWaitSeconds)
    {
        if (!_inRound)
        {
            _inRound = true;
            _roundFirst = Stopwatch.GetTimestamp();
        }
        if ((uint)block < (uint)_compute.Length)
        {
            _compute[block] += computeSeconds;
            _wait[block] += haloWaitSeconds;
        }
    }

    /// <summary>The last reply of the round is in.</summary>
    public void RoundComplete()
    {
        if (!_inRound) return;
        _inRound = false;
        _reduction += Stopwatch.GetElapsedTime(_roundFirst).TotalSeconds;
    }

    /// <summary>Remembers the last output row (the state the records report until the next output).</summary>
    public void Row(double t, double[] row)
    {
        _rowT = t;
        _row = row;
    }

    /// <summary>Whether a record is due (the minimum interval has passed).</summary>
    public bool Due => Stopwatch.GetElapsedTime(_lastRecord) >= MinInterval;

    /// <summary>Builds a record of the interval since the previous one and starts a new interval.</summary>
    public StepRecord Take(long step, double t, double? dt, bool atOutput, (long? Step, double? AgeS) lastCheckpoint = default)
    {
        var (lastCheckpointStep, lastCheckpointAgeS) = lastCheckpoint;
        long now = Stopwatch.GetTimestamp();
        double wall = Stopwatch.GetElapsedTime(_start, now).TotalSeconds;
        double interval = Stopwatch.GetElapsedTime(_lastRecord, now).TotalSeconds;
        long steps = _stepsAtLast < 0 ? 0 : step - _stepsAtLast;
        _t0 ??= t;
        _wall0 ??= wall;
        double? eta = t > _t0 && _tEnd > t ? (wall - _wall0.Value) * (_tEnd - t) / (t - _t0.Value) : t >= _tEnd ? 0 : null;

        var state = new Dictionary<string, double>(StringComparer.Ordinal);
        var diagnostics = new Dictionary<string, double>(StringComparer.Ordinal);
        if (_row is { } row)
            for (int i = 0; i < _columns.Count && i < row.Length; i++)
                (DiagnosticColumns.Contains(_columns[i]) ? diagnostics : state)[_columns[i]] = row[i];

        int blocks = _compute.Length;
        double? compute = null, wait = null, imbalance = null;
        double[]? perBlock = null;
        int? slowest = null;
        double perStep = steps > 0 ? 1.0 / steps : 0;
        if (blocks > 0)
        {
            double sum = 0, max = -1;
            for (int b = 0; b < blocks; b++)
            {
                sum += _compute[b];
                if (_compute[b] > max) { max = _compute[b]; slowest = b; }
            }
            double mean = sum / blocks;
            compute = mean * perStep;
            imbalance = mean > 0 ? max / mean : null;
            if (_halos)
            {
                double w = 0;
                for (int b = 0; b < blocks; b++) w += _wait[b];
                wait = w / blocks * perStep;
            }
            if (steps == 0) slowest = null;
            else
            {
                perBlock = new double[blocks];
                for (int b = 0; b < blocks; b++) perBlock[b] = _compute[b] * perStep;
            }
        }
        var record = new StepRecord
        {
            Step = step,
            T = t,
            TEnd = _tEnd,
            Dt = dt,
            Progress = _tEnd > 0 ? Math.Clamp(t / _tEnd, 0, 1) : 0,
            WallS = wall,
            EtaS = eta,
            StepsPerS = steps > 0 && interval > 0 ? steps / interval : null,
            AtOutput = atOutput,
            StateT = _row is null ? null : _rowT,
            State = state,
            Diagnostics = diagnostics,
            StepWallS = steps > 0 ? interval / steps : null,
            ComputeS = steps > 0 ? compute : null,
            HaloWaitS = steps > 0 ? wait : null,
            ReductionS = steps > 0 && blocks > 0 ? _reduction * perStep : null,
            CoordinatorS = steps > 0 ? _coordinator * perStep : null,
            SlowestBlock = slowest,
            Imbalance = steps > 0 ? imbalance : null,
            BlockComputeS = perBlock,
            Blocks = blocks > 0 ? blocks : null,
            LastCheckpointStep = lastCheckpointStep,
            LastCheckpointAgeS = lastCheckpointStep is null ? null : lastCheckpointAgeS,
        };
        if (steps > 0 || _stepsAtLast < 0)
        {
            Array.Clear(_compute);
            Array.Clear(_wait);
            _reduction = 0;
            _coordinator = 0;
            _lastRecord = now;
            _stepsAtLast = step;
        }
        return record;
    }

    /// <summary>A preview of the first field of an output (null when it has none).</summary>
    public static FieldPreview? Preview(IReadOnlyList<FieldSnapshot> fields, double t) =>
        fields.Count == 0 ? null : FieldPreview.Downsample(fields[0].Name, t, fields[0].Values, fields[0].Shape);
}
