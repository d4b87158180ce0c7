namespace ActorSim.Numerics.Muscle;

/// <summary>
/// Sequential driver of the slab-decomposed finite-volume mean-field solver: per RK4 stage it exchanges the
/// halo (ghost cells) between neighbouring slabs, evaluates the slabs (in any order), reduces the partial
/// integrals in slab order and solves m_eff y'' = F_eff.
/// </summary>
public sealed class SequentialMeanFieldDriver1D
{
    private readonly MuscleModel _model;
    private readonly MeanFieldGrid1D _grid;
    private readonly MeanFieldSlab1D[] _slabs;
    private readonly StagePartials[] _partials;
    private readonly DiagnosticPartials[] _diag;
    private readonly StagePartials _total;
    private readonly MacroRk4 _macro;
    private readonly int[] _order;
    private readonly double[] _accel;
    private static readonly double[] Zeros = new double[MeanFieldSlab1D.GhostCells];

    /// <param name="model">Model with n_x = 1 and no pair potential.</param>
    /// <param name="grid">The grid.</param>
    /// <param name="density">Initial cell averages rho(x, 0) (a probability density: sum rho dx = 1).</param>
    /// <param name="y0">y(0).</param>
    /// <param name="v0">y'(0).</param>
    /// <param name="slabCount">Number of slabs S (each at least <see cref="MeanFieldSlab1D.GhostCells"/> cells).</param>
    /// <param name="evaluationOrder">Slab evaluation order (a permutation; null = 0..S-1). Does not change results.</param>
    public SequentialMeanFieldDriver1D(MuscleModel model, MeanFieldGrid1D grid, double[] density, double[] y0, double[] v0,
        int slabCount = 1, IReadOnlyList<int>? evaluationOrder = null)
    {
        if (density.Length != grid.Cells) throw new ArgumentException("density length must equal the number of cells");
        _model = model; _grid = grid;
        _slabs = new MeanFieldSlab1D[slabCount];
        _partials = new StagePartials[slabCount];
        _diag = new DiagnosticPartials[slabCount];
        for (int s = 0; s < slabCount; s++)
        {
            var (start, count) = BlockPartition.Range(grid.Cells, slabCount, s);
            if (count < MeanFieldSlab1D.GhostCells) throw new ArgumentException("too many slabs for the grid");
            _slabs[s] = new MeanFieldSlab1D(model, grid, s, start, count);
            _slabs[s].Initialize(density);
            _partials[s] = new StagePartials(model.Ny);
            _diag[s] = new DiagnosticPartials();
        }
        _total = new StagePartials(model.Ny);
        _macro = new MacroRk4(y0, v0);
        _accel = new double[model.Ny];
        _order = evaluationOrder?.ToArray() ?? Enumerable.Range(0, slabCount).ToArray();
        if (_order.Length != slabCount || _order.OrderBy(i => i).Where((v, i) => v != i).Any())
            throw new ArgumentException("evaluation order must be a permutation of 0..S-1");
    }

    public double Time { get; private set; }
    public ReadOnlySpan<double> Y => _macro.Y;
    public ReadOnlySpan<double> Velocity => _macro.Velocity;
    public IReadOnlyList<MeanFieldSlab1D> Slabs => _slabs;
    public MeanFieldGrid1D Grid => _grid;

    /// <summary>Number of doubles of the driver's state for checkpoints: t, y, y', then every slab's state in slab order.</summary>
    public int StateLength => 1 + 2 * _macro.Y.Length + _slabs.Sum(s => s.StateLength);

    /// <summary>Copies the state between steps into <paramref name="state"/> (length <see cref="StateLength"/>).</summary>
    public void SaveState(Span<double> state)
    {
        if (state.Length != StateLength) throw new ArgumentException("wrong state length", nameof(state));
        int ny = _macro.Y.Length, o = 1 + 2 * ny;
        state[0] = Time;
        _macro.Y.CopyTo(state.Slice(1, ny));
        _macro.Velocity.CopyTo(state.Slice(1 + ny, ny));
        foreach (var s in _slabs) { s.SaveState(state.Slice(o, s.StateLength)); o += s.StateLength; }
    }

    /// <summary>Restores a state written by <see cref="SaveState"/>.</summary>
    public void LoadState(ReadOnlySpan<double> state)
    {
        if (state.Length != StateLength) throw new ArgumentException("wrong state length", nameof(state));
        int ny = _macro.Y.Length, o = 1 + 2 * ny;
        Time = state[0];
        _macro.Reset(state.Slice(1, ny), state.Slice(1 + ny, ny));
        foreach (var s in _slabs) { s.LoadState(state.Slice(o, s.StateLength)); o += s.StateLength; }
    }

    private void ExchangeHalos()
    {
        for (int s = 0; s < _slabs.Length; s++)
        {
            _slabs[s].SetLeftGhosts(s == 0 ? Zeros : _slabs[s - 1].RightEdge);
            _slabs[s].SetRightGhosts(s == _slabs.Length - 1 ? Zeros : _slabs[s + 1].LeftEdge);
        }
    }

    /// <summary>Largest stable step for the given CFL number (global minimum over slabs).</summary>
    public double StableTimeStep(double cfl)
    {
        double u = 0.0;
        foreach (var s in _slabs) u = Math.Max(u, s.MaxFaceSpeed(_macro.Y, _macro.Velocity));
        return u == 0.0 ? double.PositiveInfinity : cfl * _grid.Dx / u;
    }

    /// <summary>One RK4 step.</summary>
    public void Step(double dt)
    {
        for (int st = 0; st < Rk4.Stages; st++)
        {
            ExchangeHalos();
            var ys = _macro.StageY; var vs = _macro.StageVelocity;
            foreach (int s in _order) _slabs[s].EvaluateStage(st, dt, ys, vs, _partials[s]);
            MuscleReduction.Reduce(_partials, _total);
            MuscleReduction.SolveAcceleration(_model, 1, ys, _total, _accel);
            _macro.CompleteStage(dt, _accel);
        }
        Time += dt;
    }

    /// <summary>Advances to time t with equal steps no larger than dtMax.</summary>
    public void RunTo(double t, double dtMax)
    {
        double span = t - Time;
        if (span <= 0) return;
        int steps = (int)Math.Ceiling(span / dtMax - 1e-12);
        double dt = span / steps;
        for (int k = 0; k < steps; k++) Step(dt);
    }

    /// <summary>Energies (drift 0) reduced in slab order.</summary>
    public MuscleDiagnostics Diagnostics()
    {
        foreach (int s in _order) _slabs[s].ComputeDiagnostics(_macro.Y, _macro.Velocity, _diag[s]);
        return MuscleReduction.ReduceDiagnostics(_model, 1, _macro.Y, _macro.Velocity, _diag);
    }

    /// <summary>Total mass int rho dx, reduced in slab order.</summary>
    public double Mass()
    {
        double m = 0.0;
        foreach (var s in _slabs) m += s.Mass();
        return m;
    }

    /// <summary>The whole density (cell averages).</summary>
    public double[] Density()
    {
        var r = new double[_grid.Cells];
        foreach (var s in _slabs) s.Density.CopyTo(r.AsSpan(s.Start, s.Count));
        return r;
    }
}
