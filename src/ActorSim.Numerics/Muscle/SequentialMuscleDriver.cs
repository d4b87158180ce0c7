namespace ActorSim.Numerics.Muscle;

/// <summary>Options of the in-process block driver.</summary>
public sealed record MuscleDriverOptions
{
    /// <summary>Number of particle blocks B (contiguous split, see <see cref="BlockPartition"/>).</summary>
    public int BlockCount { get; init; } = 1;

    /// <summary>
    /// Order in which blocks are evaluated within a stage (a permutation of 0..B-1; null = 0..B-1). Reductions
    /// always run in block-index order, so results do not depend on this order; tests use it to prove it.
    /// </summary>
    public IReadOnlyList<int>? EvaluationOrder { get; init; }

    /// <summary>
    /// Structure-preserving option: after every RK4 step project each particle back onto its constraint
    /// level set g(X_i, y_{n+1}) = g(X_i^init, y^init) (local Newton, closed form for built-ins).
    /// </summary>
    public bool ProjectOntoConstraints { get; init; }

    /// <summary>If set (and the model has a pair potential) the interaction uses this particle mesh; otherwise direct summation.</summary>
    public ParticleMeshGrid? Mesh { get; init; }
}

/// <summary>
/// Sequential in-process driver of the block protocol: B <see cref="ParticleBlock"/>s evaluated in a loop
/// (in the configured evaluation order), partials reduced in block order by <see cref="MuscleReduction"/>,
/// macroscopic RK4 by <see cref="MacroRk4"/>. The actor version must reproduce this bit for bit.
/// </summary>
public sealed class SequentialMuscleDriver
{
    private readonly MuscleModel _model;
    private readonly ParticleBlock[] _blocks;
    private readonly StagePartials[] _partials;
    private readonly StagePartials _total;
    private readonly DiagnosticPartials[] _diag;
    private readonly MacroRk4 _macro;
    private readonly int[] _order;
    private readonly bool _project;
    private readonly DirectSumField? _direct;
    private readonly ParticleMesh? _mesh;
    private readonly double[][]? _meshPartials;
    private readonly double[]? _meshTotal;
    private readonly double[] _accel;

    /// <param name="model">The model.</param>
    /// <param name="initialPositions">X^init as n_x component arrays of length N.</param>
    /// <param name="y0">y^init.</param>
    /// <param name="v0">y'^init.</param>
    /// <param name="options">Block count, evaluation order, projection, interaction method.</param>
    public SequentialMuscleDriver(MuscleModel model, IReadOnlyList<double[]> initialPositions, double[] y0, double[] v0,
        MuscleDriverOptions? options = null)
    {
        options ??= new MuscleDriverOptions();
        _model = model;
        if (initialPositions.Count != model.Nx) throw new ArgumentException($"expected {model.Nx} position components");
        if (y0.Length != model.Ny || v0.Length != model.Ny) throw new ArgumentException($"y and y' must have length {model.Ny}");
        int n = initialPositions[0].Length;
        ParticleCount = n;
        int nb = options.BlockCount;
        _blocks = new ParticleBlock[nb];
        _partials = new StagePartials[nb];
        _diag = new DiagnosticPartials[nb];
        for (int b = 0; b < nb; b++)
        {
            var (start, count) = BlockPartition.Range(n, nb, b);
            _blocks[b] = new ParticleBlock(model, b, start, count);
            _blocks[b].Initialize(initialPositions, y0);
            _partials[b] = new StagePartials(model.Ny);
            _diag[b] = new DiagnosticPartials();
        }
        _total = new StagePartials(model.Ny);
        _macro = new MacroRk4(y0, v0);
        _accel = new double[model.Ny];
        _order = options.EvaluationOrder?.ToArray() ?? Enumerable.Range(0, nb).ToArray();
        if (_order.Length != nb || _order.OrderBy(i => i).Where((v, i) => v != i).Any())
            throw new ArgumentException("EvaluationOrder must be a permutation of 0..B-1");
        _project = options.ProjectOntoConstraints;
        if (model.PairPotential is not null)
        {
            if (options.Mesh is not null)
            {
                if (options.Mesh.Dimension != model.Nx) throw new ArgumentException("mesh dimension must equal n_x");
                _mesh = new ParticleMesh(options.Mesh, model.PairPotential);
                _meshPartials = new double[nb][];
                for (int b = 0; b < nb; b++) _meshPartials[b] = new double[options.Mesh.NodeCount];
                _meshTotal = new double[options.Mesh.NodeCount];
            }
            else _direct = new DirectSumField(model.PairPotential, model.Nx, n);
        }
    }

    /// <summary>N.</summary>
    public int ParticleCount { get; }

    /// <summary>Time t (sum of the step sizes taken).</summary>
    public double Time { get; private set; }

    /// <summary>Completed steps.</summary>
    public long StepCount { get; private set; }

    /// <summary>Current y.</summary>
    public ReadOnlySpan<double> Y => _macro.Y;

    /// <summary>Current y'.</summary>
    public ReadOnlySpan<double> Velocity => _macro.Velocity;

    /// <summary>The blocks in block order.</summary>
    public IReadOnlyList<ParticleBlock> Blocks => _blocks;

    private IInteractionField? BuildField()
    {
        if (_direct is not null) { _direct.Load(_blocks); return _direct; }
        if (_mesh is null) return null;
        foreach (int b in _order)
        {
            Array.Clear(_meshPartials![b]);
            _mesh.Deposit(_blocks[b], _meshPartials[b]);
        }
        ParticleMesh.ReduceInBlockOrder(_meshPartials!, _meshTotal);
        _mesh.ComputeField(_meshTotal, ParticleCount);
        return _mesh;
    }

    /// <summary>One RK4 step of size dt (then the projection, if enabled).</summary>
    public void Step(double dt)
    {
        for (int s = 0; s < Rk4.Stages; s++)
        {
            var field = BuildField();
            var ys = _macro.StageY;
            var vs = _macro.StageVelocity;
            foreach (int b in _order) _blocks[b].EvaluateStage(s, dt, ys, vs, field, _partials[b]);
            MuscleReduction.Reduce(_partials, _total);
            MuscleReduction.SolveAcceleration(_model, ParticleCount, ys, _total, _accel);
            _macro.CompleteStage(dt, _accel);
        }
        if (_project)
            foreach (int b in _order) _blocks[b].Project(_macro.Y);
        Time += dt;
        StepCount++;
    }

    /// <summary><paramref name="steps"/> steps of size dt.</summary>
    public void Run(double dt, int steps)
    {
        for (int k = 0; k < steps; k++) Step(dt);
    }

    /// <summary>Energies and constraint drift at the current state (reduced in block order).</summary>
    public MuscleDiagnostics Diagnostics()
    {
        var field = BuildField();
        foreach (int b in _order) _blocks[b].ComputeDiagnostics(_macro.Y, _macro.Velocity, field, _diag[b]);
        return MuscleReduction.ReduceDiagnostics(_model, ParticleCount, _macro.Y, _macro.Velocity, _diag);
    }

    /// <summary>Current positions as n_x component arrays of length N (global order).</summary>
    public double[][] GatherPositions()
    {
        var r = new double[_model.Nx][];
        for (int c = 0; c < _model.Nx; c++)
        {
            r[c] = new double[ParticleCount];
            foreach (var b in _blocks) b.Position(c).CopyTo(r[c].AsSpan((int)b.FirstParticle, b.Count));
        }
        return r;
    }
}
