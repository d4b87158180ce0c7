using System.Text.Json.Nodes;
using ActorSim.Numerics.Muscle;
using ActorSim.Numerics.Ode;
using ActorSim.Numerics.Transport;
using ActorSim.Simulation.Particles;
using ActorSim.Simulation.Subdomains;

namespace ActorSim.Simulation.Models;

/// <summary>How the pair interaction K is evaluated.</summary>
public enum MuscleInteraction { None, Direct, Mesh }

/// <summary>What particle data an output writes as a field.</summary>
public enum ParticleSnapshotKind { None, Histogram, Positions }

/// <summary>y, y' → the macroscopic part of a conserved momentum (e.g. M theta' for the rotation map).</summary>
public delegate double MacroMomentum(ReadOnlySpan<double> y, ReadOnlySpan<double> ydot);

/// <summary>The mean-field reference a 1D particle run is compared with at every output (W1 and y).</summary>
/// <param name="Grid">Finite-volume grid.</param>
/// <param name="Density">Initial cell averages of rho0 (the density the particles are sampled from).</param>
/// <param name="Cfl">CFL number of the finite-volume solver.</param>
public sealed record MeanFieldReference(MeanFieldGrid1D Grid, double[] Density, double Cfl);

/// <summary>Everything a muscle particle run is made of (built by the model definitions from a scenario).</summary>
public sealed record MuscleParticleSetup
{
    public required MuscleModel Model { get; init; }
    public required int ParticleCount { get; init; }
    public int Blocks { get; init; } = 1;
    public required double[] Y0 { get; init; }
    public required double[] V0 { get; init; }
    public required IParticleSampler Sampler { get; init; }

    /// <summary>
    /// Largest RK4 step; every output interval is cut into equal steps no longer than this. With
    /// <see cref="Tolerances"/> set it only bounds the mean-field reference's steps (+infinity: no bound).
    /// </summary>
    public required double Dt { get; init; }

    /// <summary>
    /// If set: adaptive Dormand–Prince 5(4) steps with error control over y, y' and every particle position (RelTol,
    /// AbsTol, InitialStep; MaxStep and MaxSteps are not used) instead of fixed RK4 steps of <see cref="Dt"/>.
    /// </summary>
    public OdeTolerances? Tolerances { get; init; }

    /// <summary>Direct summation or particle mesh (ignored when the model has no pair potential).</summary>
    public MuscleInteraction Interaction { get; init; } = MuscleInteraction.Direct;
    public ParticleMeshGrid? Mesh { get; init; }

    /// <summary>Structure-preserving option: project every particle onto its constraint after each step.</summary>
    public bool Project { get; init; }

    public ParticleSnapshotKind Snapshot { get; init; }
    public int HistogramBins { get; init; } = 32;
    public double HistogramMin { get; init; } = -2.0;
    public double HistogramMax { get; init; } = 2.0;

    /// <summary>Column names of the components of y (y' columns get a "dot").</summary>
    public IReadOnlyList<string>? YNames { get; init; }

    /// <summary>If set (n_x = 2): an angular-momentum column, this macroscopic part plus (m/N) sum_i X_i x X_i'.</summary>
    public MacroMomentum? AngularMomentum { get; init; }

    /// <summary>If set (n_y = 1): y_exact / ydot_exact columns from the closed form of the linear constraint.</summary>
    public MuscleLinearClosedForm? ClosedForm { get; init; }

    /// <summary>If set (n_x = n_y = 1): y_meanfield and w1 columns against a finite-volume solution run alongside.</summary>
    public MeanFieldReference? MeanField { get; init; }

    public MuscleInteraction EffectiveInteraction => Model.PairPotential is null ? MuscleInteraction.None : Interaction;
}

/// <summary>
/// The muscle particle model (seed 003, index-reduced ODE) on the particle-block protocol. The coordinator owns
/// (y, y') in a <see cref="MacroRk4"/>, t and the step counter; each block owns a <see cref="ParticleBlock"/>.
/// Per RK4 stage: [interaction only: a gather round — blocks send their stage positions (direct summation) or
/// their cloud-in-cell deposits (particle mesh); the coordinator assembles them in block order and builds the
/// field] then a stage round — blocks evaluate their partial sums of m_eff and F_eff at the broadcast stage state
/// and advance their particles; the coordinator reduces in block order, solves m_eff y'' = F_eff and completes the
/// stage. The arithmetic is exactly <see cref="SequentialMuscleDriver"/>'s, so results agree bit for bit with it
/// for the same block count. The projection option rides on the first round after a step.
/// </summary>
public sealed class MuscleParticleRun : IParticleModel, Runtime.ICheckpointableModel
{
    internal const int KindGather = 1, KindStage = 2, KindDiagnostics = 3, KindAdaptiveStage = 4;

    /// <summary>Consecutive rejected attempts after which an adaptive run gives up.</summary>
    public const int MaxConsecutiveRejections = 60;

    private enum Phase { GatherForStage, Stage, GatherForOutput, Diagnostics }

    private readonly MuscleParticleSetup _s;
    private readonly MuscleModel _model;
    private readonly int _n, _nx, _ny, _blocks;
    private readonly MacroRk4 _macro;
    private readonly StagePartials[] _partials;
    private readonly StagePartials _total;
    private readonly DiagnosticPartials[] _diag;
    private readonly double[] _accel;
    private readonly double[] _header;
    private readonly double[][]? _positions;     // global stage positions (direct summation)
    private readonly ParticleMesh? _mesh;
    private readonly double[]? _meshTotal;
    private readonly double[][]? _meshField;     // broadcast copies of the mesh force / potential
    private readonly double[][]? _snapshotPositions;
    private readonly double[]? _histogram;
    private readonly SequentialMeanFieldDriver1D? _meanField;
    private readonly double[] _sumX;
    private Phase _phase;
    private int _stage;
    private double _dt, _tNext;
    private bool _projectPending;
    private long _steps, _stageRounds;

    // adaptive steps (null / unused with fixed steps)
    private readonly MacroDp45? _dp;
    private readonly AdaptiveStepController? _ctl;
    private double _tEnd;
    private bool _fsalValid;
    private int _commit;          // to ride on the next round: 1 accept, -1 reject the step the blocks hold
    private long _rejected;
    private int _consecutiveRejected;

    // output state
    private MuscleDiagnostics? _lastDiag;
    private double _angular, _w1, _yMeanField;
    private double _w1Initial = double.NaN;   // W1 at the first output (t = 0), for run.json's analysis
    private double _e0 = double.NaN, _l0 = double.NaN, _maxEnergyError, _maxDrift, _maxAngularError, _maxClosedFormError, _maxW1;
    private bool _closedFormReady;
    private double[] _closedFormMean = [];

    public MuscleParticleRun(MuscleParticleSetup setup)
    {
        _s = setup;
        _model = setup.Model;
        _n = setup.ParticleCount; _nx = _model.Nx; _ny = _model.Ny; _blocks = setup.Blocks;
        if (setup.Sampler.Nx != _nx) throw new ArgumentException($"sampler gives {setup.Sampler.Nx} components, the constraint needs n_x = {_nx}");
        if (setup.Y0.Length != _ny || setup.V0.Length != _ny) throw new ArgumentException($"y and y' need {_ny} components");
        if (_blocks < 1 || _blocks > _n) throw new ArgumentException($"blocks must be in 1..N = {_n}");
        _macro = new MacroRk4(setup.Y0, setup.V0);
        if (setup.Tolerances is { } tol)
        {
            if (!(tol.RelTol > 0 && tol.RelTol < 1) || !(tol.AbsTol > 0))
                throw new ArgumentException($"adaptive steps need 0 < rtol < 1 and atol > 0 (got {tol.RelTol}, {tol.AbsTol})");
            _dp = new MacroDp45(setup.Y0, setup.V0);
            _ctl = new AdaptiveStepController();
        }
        _partials = new StagePartials[_blocks];
        _diag = new DiagnosticPartials[_blocks];
        for (int b = 0; b < _blocks; b++) { _partials[b] = new StagePartials(_ny); _diag[b] = new DiagnosticPartials(); }
        _total = new StagePartials(_ny);
        _accel = new double[_ny];
        _header = new double[HeaderLength(_ny)];
        _sumX = new double[_nx];
        switch (setup.EffectiveInteraction)
        {
            case MuscleInteraction.Direct:
                _positions = Alloc(_nx, _n);
                break;
            case MuscleInteraction.Mesh:
                var grid = setup.Mesh ?? throw new ArgumentException("the particle-mesh interaction needs a mesh");
                _mesh = new ParticleMesh(grid, _model.PairPotential!);
                _meshTotal = new double[grid.NodeCount];
                _meshField = [new double[grid.NodeCount], _nx == 2 ? new double[grid.NodeCount] : [], new double[grid.NodeCount]];
                break;
        }
        if (NeedsPositions) _snapshotPositions = Alloc(_nx, _n);
        if (setup.Snapshot == ParticleSnapshotKind.Histogram) _histogram = new double[HistogramLength];
        if (setup.MeanField is { } mf)
        {
            if (_nx != 1 || _ny != 1) throw new ArgumentException("the mean-field reference is for n_x = n_y = 1");
            _meanField = new SequentialMeanFieldDriver1D(_model, mf.Grid, mf.Density, setup.Y0, setup.V0);
        }
        Columns = BuildColumns();
    }

    private static double[][] Alloc(int nx, int n)
    {
        var a = new double[nx][];
        for (int c = 0; c < nx; c++) a[c] = new double[n];
        return a;
    }

    /// <summary>[0] project flag, [1..1+n_y) y to project on, [1+n_y] stage, [2+n_y] step, stage y, stage y', then the adaptive commit flag.</summary>
    internal static int HeaderLength(int ny) => 4 + 3 * ny;

    internal bool NeedsPositions => _s.Snapshot == ParticleSnapshotKind.Positions || _s.MeanField is not null;

    internal int HistogramLength => _s.Snapshot != ParticleSnapshotKind.Histogram ? 0 : _nx == 1 ? _s.HistogramBins : _s.HistogramBins * _s.HistogramBins;

    public MuscleParticleSetup Setup => _s;
    public int BlockCount => _blocks;
    public double Time { get; private set; }
    public StepCounters Counters => new(_steps, _rejected, _stageRounds);

    /// <summary>True when the run takes adaptive Dormand–Prince steps.</summary>
    public bool Adaptive => _dp is not null;

    /// <summary>The adaptive step-size proposal for the next attempt (0 before the first step; NaN with fixed steps).</summary>
    public double StepProposal => _ctl?.H ?? double.NaN;

    /// <summary>The accepted y and y' (between steps), whichever integrator holds them.</summary>
    private ReadOnlySpan<double> MacroY => _dp is null ? _macro.Y : _dp.Y;
    private ReadOnlySpan<double> MacroV => _dp is null ? _macro.Velocity : _dp.Velocity;
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Current y (between steps).</summary>
    public ReadOnlySpan<double> Y => MacroY;

    /// <summary>Current y'.</summary>
    public ReadOnlySpan<double> Velocity => MacroV;

    private IReadOnlyList<string> BuildColumns()
    {
        var names = _s.YNames ?? (_ny == 1 ? ["y"] : Enumerable.Range(0, _ny).Select(k => $"y{k}").ToArray());
        if (names.Count != _ny) throw new ArgumentException("YNames must name every component of y");
        var cols = new List<string>(names);
        cols.AddRange(names.Select(DotName));
        cols.Add("energy");
        cols.Add("constraint_drift");
        if (_s.AngularMomentum is not null) cols.Add("angular_momentum");
        if (_s.ClosedForm is not null) { cols.Add("y_exact"); cols.Add("ydot_exact"); }
        if (_meanField is not null) { cols.Add("y_meanfield"); cols.Add("w1"); }
        return cols;
    }

    private static string DotName(string y) => y.Length > 1 && char.IsDigit(y[^1]) ? $"{y[..^1].TrimEnd('_')}dot{y[^1]}" : y + "dot";

    public IParticleKernel CreateKernel(int block) => new MuscleParticleKernel(this, block, sample: true);

    /// <summary>The block's arrays without its sampled particles and their constraint references (the checkpoint's state replaces both).</summary>
    public IParticleKernel CreateKernelForRestore(int block) => new MuscleParticleKernel(this, block, sample: false);

    // ---- rounds -------------------------------------------------------------------------------------------

    private ParticleRound Round(int kind, double[][]? bulk)
    {
        var h = _header;
        h[0] = _projectPending ? 1.0 : 0.0;
        if (_projectPending) MacroY.CopyTo(h.AsSpan(1, _ny));
        _projectPending = false;
        h[1 + _ny] = _stage;
        h[2 + _ny] = _dt;
        var y = kind == KindStage ? _macro.StageY : kind == KindAdaptiveStage ? _dp!.StageY : MacroY;
        var v = kind == KindStage ? _macro.StageVelocity : kind == KindAdaptiveStage ? _dp!.StageVelocity : MacroV;
        y.CopyTo(h.AsSpan(3 + _ny, _ny));
        v.CopyTo(h.AsSpan(3 + 2 * _ny, _ny));
        h[3 + 3 * _ny] = _commit;
        _commit = 0;
        return new ParticleRound(kind, h, bulk);
    }

    private double[][]? FieldBulk => _s.EffectiveInteraction switch
    {
        MuscleInteraction.Direct => _positions,
        MuscleInteraction.Mesh => _meshField,
        _ => null,
    };

    public ParticleRound BeginStep(double tEnd)
    {
        if (_dp is not null) return BeginAdaptiveStep(tEnd);
        (_dt, _tNext) = StepPlanner.Next(Time, tEnd, _s.Dt);
        _stage = 0;
        return NextStageRound();
    }

    private int StageKind => _dp is null ? KindStage : KindAdaptiveStage;

    private ParticleRound NextStageRound()
    {
        if (_s.EffectiveInteraction == MuscleInteraction.None) { _phase = Phase.Stage; return Round(StageKind, null); }
        _phase = Phase.GatherForStage;
        return Round(KindGather, null);
    }

    public ParticleRound BeginOutput()
    {
        _stage = -1; _dt = 0.0;
        if (_s.EffectiveInteraction == MuscleInteraction.None) { _phase = Phase.Diagnostics; return Round(KindDiagnostics, null); }
        _phase = Phase.GatherForOutput;
        return Round(KindGather, null);
    }

    public ParticleRound? Continue(IReadOnlyList<double[]> replies)
    {
        switch (_phase)
        {
            case Phase.GatherForStage:
                BuildField(replies);
                _phase = Phase.Stage;
                return Round(StageKind, FieldBulk);
            case Phase.GatherForOutput:
                BuildField(replies);
                _phase = Phase.Diagnostics;
                return Round(KindDiagnostics, FieldBulk);
            case Phase.Stage when _dp is not null:
                return ContinueAdaptive(replies);
            case Phase.Stage:
                for (int b = 0; b < _blocks; b++) replies[b].AsSpan(0, _partials[b].Values.Length).CopyTo(_partials[b].Values);
                MuscleReduction.Reduce(_partials, _total);
                MuscleReduction.SolveAcceleration(_model, _n, _macro.StageY, _total, _accel);
                _stageRounds++;
                if (!_macro.CompleteStage(_dt, _accel)) { _stage++; return NextStageRound(); }
                Time = _tNext;
                _steps++;
                _projectPending = _s.Project;
                return null;
            default:
                ReduceOutput(replies);
                return null;
        }
    }

    // ---- adaptive steps -------------------------------------------------------------------------------------

    /// <summary>
    /// An adaptive step: [stage 0 at the accepted state when its derivatives are not known (first step, after a
    /// restart or a projection)], then attempts of stages 1..6 (stage 6 at the 5th-order solution, reused as the next
    /// stage 0) until the error norm — over y, y' and every particle position, the blocks' partial sums added in block
    /// order — is at most 1. Rejected attempts are just more rounds; the blocks learn accept / reject on the next round.
    /// </summary>
    private ParticleRound BeginAdaptiveStep(double tEnd)
    {
        _tEnd = tEnd;
        _consecutiveRejected = 0;
        if (!_fsalValid)
        {
            _stage = 0; _dt = 0.0;
            _dp!.PrepareStage(0, 0.0);
            return NextStageRound();
        }
        return StartAttempt();
    }

    private ParticleRound StartAttempt()
    {
        (_dt, _tNext) = _ctl!.Plan(Time, _tEnd);
        _stage = 1;
        _dp!.PrepareStage(1, _dt);
        return NextStageRound();
    }

    private ParticleRound? ContinueAdaptive(IReadOnlyList<double[]> replies)
    {
        var dp = _dp!;
        int plen = _partials[0].Values.Length;
        for (int b = 0; b < _blocks; b++) replies[b].AsSpan(0, plen).CopyTo(_partials[b].Values);
        MuscleReduction.Reduce(_partials, _total);
        MuscleReduction.SolveAcceleration(_model, _n, dp.StageY, _total, _accel);
        _stageRounds++;
        dp.CompleteStage(_stage, _accel);
        var tol = _s.Tolerances!;
        if (_stage == 0)
        {
            _fsalValid = true;
            if (!(_ctl!.H > 0)) _ctl.Start(tol.InitialStep ?? InitialStepGuess(tol));
            return StartAttempt();
        }
        if (_stage < Dp45.Stages - 1)
        {
            _stage++;
            dp.PrepareStage(_stage, _dt);
            return NextStageRound();
        }
        double sum = 0.0;
        for (int b = 0; b < _blocks; b++) sum += replies[b][plen];
        sum += dp.ErrorSquares(_dt, tol.RelTol, tol.AbsTol);
        double err = Math.Sqrt(sum / (2.0 * _ny + (double)_n * _nx));
        if (_ctl!.Decide(err, _dt))
        {
            dp.Accept();
            _commit = 1;
            Time = _tNext;
            _steps++;
            _projectPending = _s.Project;
            if (_s.Project) _fsalValid = false; // the projection moves the particles: stage 0 is evaluated afresh
            return null;
        }
        _commit = -1;
        _rejected++;
        if (++_consecutiveRejected >= MaxConsecutiveRejections)
            throw new InvalidOperationException(FormattableString.Invariant(
                $"adaptive step at t = {Time:R}: {_consecutiveRejected} attempts in a row failed the error test (last error norm {err:G3}, step {_dt:G3}); the tolerances (rtol = {tol.RelTol:G3}, atol = {tol.AbsTol:G3}) cannot be met"));
        return StartAttempt();
    }

    /// <summary>Hairer's first guess from the macroscopic state and its derivative (the particles follow y'), within the output interval.</summary>
    private double InitialStepGuess(OdeTolerances tol)
    {
        double d0 = 0.0, d1 = 0.0;
        var y = _dp!.Y; var v = _dp.Velocity; var a = _dp.Acceleration;
        for (int k = 0; k < _ny; k++)
        {
            double sy = tol.AbsTol + tol.RelTol * Math.Abs(y[k]), sv = tol.AbsTol + tol.RelTol * Math.Abs(v[k]);
            d0 += (y[k] / sy) * (y[k] / sy) + (v[k] / sv) * (v[k] / sv);
            d1 += (v[k] / sy) * (v[k] / sy) + (a[k] / sv) * (a[k] / sv);
        }
        d0 = Math.Sqrt(d0 / (2 * _ny)); d1 = Math.Sqrt(d1 / (2 * _ny));
        return AdaptiveStepController.InitialGuess(d0, d1, _tEnd - Time);
    }

    private void BuildField(IReadOnlyList<double[]> replies)
    {
        if (_s.EffectiveInteraction == MuscleInteraction.Direct)
        {
            for (int b = 0; b < _blocks; b++)
            {
                var (start, count) = BlockPartition.Range(_n, _blocks, b);
                for (int c = 0; c < _nx; c++) replies[b].AsSpan(c * count, count).CopyTo(_positions![c].AsSpan(start, count));
            }
            return;
        }
        ParticleMesh.ReduceInBlockOrder(replies, _meshTotal);
        _mesh!.ComputeField(_meshTotal, _n);
        _mesh.ForceX.CopyTo(_meshField![0]);
        _mesh.ForceY.CopyTo(_meshField[1]);
        _mesh.PotentialMesh.CopyTo(_meshField[2]);
    }

    /// <summary>Layout of a diagnostics reply: [0..4) diagnostic partials, [4] angular-momentum partial, then sum X (n_x), histogram, positions.</summary>
    internal const int DiagFixed = 5;

    private void ReduceOutput(IReadOnlyList<double[]> replies)
    {
        for (int b = 0; b < _blocks; b++) replies[b].AsSpan(0, 4).CopyTo(_diag[b].Values);
        _lastDiag = MuscleReduction.ReduceDiagnostics(_model, _n, MacroY, MacroV, _diag);
        double micro = 0.0;
        Array.Clear(_sumX);
        if (_histogram is not null) Array.Clear(_histogram);
        int hist = HistogramLength;
        for (int b = 0; b < _blocks; b++)
        {
            var r = replies[b];
            micro += r[4];
            for (int c = 0; c < _nx; c++) _sumX[c] += r[DiagFixed + c];
            int k = DiagFixed + _nx;
            for (int j = 0; j < hist; j++) _histogram![j] += r[k + j];
            if (_snapshotPositions is not null)
            {
                var (start, count) = BlockPartition.Range(_n, _blocks, b);
                k += hist;
                for (int c = 0; c < _nx; c++) r.AsSpan(k + c * count, count).CopyTo(_snapshotPositions[c].AsSpan(start, count));
            }
        }
        if (_s.AngularMomentum is { } macro) _angular = macro(MacroY, MacroV) + _model.ParticleMass * micro / _n;
        if (_s.ClosedForm is { } cf && !_closedFormReady)
        {
            var mean = new double[_nx];
            for (int c = 0; c < _nx; c++) mean[c] = _sumX[c] / _n;
            cf.Initialize(mean, _s.Y0[0], _s.V0[0]);
            _closedFormReady = true;
            _closedFormMean = mean;
        }
        if (_meanField is not null)
        {
            var mf = _s.MeanField!;
            // The FV driver accumulates its own t; steps are planned to land on this output time.
            while (Time - _meanField.Time > 1e-12 * Math.Max(1.0, Time))
            {
                double dtMax = Math.Min(_s.Dt, _meanField.StableTimeStep(mf.Cfl));
                _meanField.Step(StepPlanner.Next(_meanField.Time, Time, dtMax).Dt);
            }
            var sorted = (double[])_snapshotPositions![0].Clone();
            Array.Sort(sorted);
            _w1 = Wasserstein1D.EmpiricalToCellDensity(sorted, mf.Grid.Origin, mf.Grid.Dx, _meanField.Density());
            _yMeanField = _meanField.Y[0];
        }
    }

    public IReadOnlyList<FieldSnapshot> CompleteOutput(Span<double> row)
    {
        var d = _lastDiag!;
        int k = 0;
        foreach (double y in MacroY) row[k++] = y;
        foreach (double v in MacroV) row[k++] = v;
        row[k++] = d.TotalEnergy;
        row[k++] = d.MaxConstraintDrift;
        if (double.IsNaN(_e0)) _e0 = d.TotalEnergy;
        _maxEnergyError = Math.Max(_maxEnergyError, Math.Abs(d.TotalEnergy - _e0));
        _maxDrift = Math.Max(_maxDrift, d.MaxConstraintDrift);
        if (_s.AngularMomentum is not null)
        {
            row[k++] = _angular;
            if (double.IsNaN(_l0)) _l0 = _angular;
            _maxAngularError = Math.Max(_maxAngularError, Math.Abs(_angular - _l0));
        }
        if (_s.ClosedForm is { } cf)
        {
            var (ye, ve) = cf.Evaluate(Time);
            row[k++] = ye; row[k++] = ve;
            _maxClosedFormError = Math.Max(_maxClosedFormError, Math.Max(Math.Abs(MacroY[0] - ye), Math.Abs(MacroV[0] - ve)));
        }
        if (_meanField is not null)
        {
            row[k++] = _yMeanField; row[k++] = _w1;
            _maxW1 = Math.Max(_maxW1, _w1);
            if (double.IsNaN(_w1Initial)) _w1Initial = _w1;
        }
        var fields = new List<FieldSnapshot>();
        if (_histogram is not null)
        {
            int bins = _s.HistogramBins;
            double width = (_s.HistogramMax - _s.HistogramMin) / bins;
            double norm = 1.0 / (_n * (_nx == 1 ? width : width * width));
            fields.Add(new FieldSnapshot("hist", _histogram.Select(c => c * norm).ToArray(), _nx == 1 ? [bins] : [bins, bins]));
        }
        if (_s.Snapshot == ParticleSnapshotKind.Positions)
        {
            var x = new double[_n * _nx];
            for (int i = 0; i < _n; i++)
                for (int c = 0; c < _nx; c++) x[i * _nx + c] = _snapshotPositions![c][i];
            fields.Add(new FieldSnapshot("X", x, _nx == 1 ? [_n] : [_n, _nx]));
        }
        return fields;
    }

    public JsonObject Analysis()
    {
        var a = new JsonObject
        {
            ["particles"] = _n,
            ["n_x"] = _nx,
            ["n_y"] = _ny,
            ["interaction"] = _s.EffectiveInteraction.ToString().ToLowerInvariant(),
            ["projection"] = _s.Project,
            ["initial_energy"] = double.IsNaN(_e0) ? null : _e0,
            ["max_energy_error"] = _maxEnergyError,
            ["max_relative_energy_error"] = double.IsNaN(_e0) || _e0 == 0 ? null : _maxEnergyError / Math.Abs(_e0),
            ["max_constraint_drift"] = _maxDrift,
        };
        if (_s.AngularMomentum is not null)
        {
            a["initial_angular_momentum"] = double.IsNaN(_l0) ? null : _l0;
            a["max_angular_momentum_error"] = _maxAngularError;
        }
        if (_s.ClosedForm is { } cf && _closedFormReady)
        {
            a["closed_form"] = cf.Describe();
            a["max_closed_form_error"] = _maxClosedFormError;
        }
        if (_meanField is not null)
        {
            a["max_w1_to_meanfield"] = _maxW1;
            // What a convergence study (actorsim converge) reads from each member: W1 at t = 0 and at the end, and
            // |y_N - y| against the mean-field reference at the end.
            a["w1_initial"] = double.IsNaN(_w1Initial) ? null : _w1Initial;
            a["w1_final"] = _w1;
            a["y_meanfield_final"] = _yMeanField;
            a["y_error_final"] = Math.Abs(_macro.Y[0] - _yMeanField);
        }
        return a;
    }

    // ---- checkpoints --------------------------------------------------------------------------------------

    private const int FixedState = 12;

    /// <summary>
    /// The coordinator state at a step barrier: t, counters, the pending projection, the running diagnostics, y, y',
    /// the particles' mean position the closed form was fitted to, [adaptive: the step-size controller (proposal,
    /// error memory, rejection flag) and the rejected count,] and the mean-field reference's state. The FSAL stage is
    /// not saved: a resumed adaptive run evaluates stage 0 afresh at the saved state, which gives the same bits.
    /// </summary>
    public double[] SaveCoordinatorState()
    {
        var state = new List<double>
        {
            Time, _steps, _stageRounds, _projectPending ? 1 : 0, _e0, _l0, _maxEnergyError, _maxDrift, _maxAngularError,
            _maxClosedFormError, _maxW1, _closedFormReady ? 1 : 0,
        };
        state.AddRange(MacroY.ToArray());
        state.AddRange(MacroV.ToArray());
        if (_closedFormReady) state.AddRange(_closedFormMean);
        if (_ctl is not null)
        {
            var c = new double[AdaptiveStepController.StateLength];
            _ctl.Save(c);
            state.AddRange(c);
            state.Add(_rejected);
        }
        if (_meanField is not null)
        {
            var mf = new double[_meanField.StateLength];
            _meanField.SaveState(mf);
            state.AddRange(mf);
            state.Add(_w1Initial);
        }
        return state.ToArray();
    }

    public void LoadCoordinatorState(ReadOnlySpan<double> state)
    {
        int expected = FixedState + 2 * _ny + (state.Length > 11 && state[11] != 0 ? _nx : 0)
            + (_ctl is null ? 0 : AdaptiveStepController.StateLength + 1) + (_meanField?.StateLength ?? 0);
        // With a mean-field reference, W1 at t = 0 follows its state (checkpoints written before it was kept lack it).
        bool hasW1Initial = _meanField is not null && state.Length == expected + 1;
        if (hasW1Initial) expected++;
        if (state.Length != expected) throw new ArgumentException($"a muscle particle coordinator state has {expected} values here, not {state.Length}", nameof(state));
        Time = state[0];
        _steps = (long)state[1];
        _stageRounds = (long)state[2];
        _projectPending = state[3] != 0;
        _e0 = state[4]; _l0 = state[5]; _maxEnergyError = state[6]; _maxDrift = state[7]; _maxAngularError = state[8];
        _maxClosedFormError = state[9]; _maxW1 = state[10]; _closedFormReady = state[11] != 0;
        int k = FixedState;
        _macro.Reset(state.Slice(k, _ny), state.Slice(k + _ny, _ny));
        _dp?.Reset(state.Slice(k, _ny), state.Slice(k + _ny, _ny));
        k += 2 * _ny;
        if (_closedFormReady)
        {
            _closedFormMean = state.Slice(k, _nx).ToArray();
            _s.ClosedForm!.Initialize(_closedFormMean, _s.Y0[0], _s.V0[0]);
            k += _nx;
        }
        if (_ctl is not null)
        {
            _ctl.Load(state.Slice(k, AdaptiveStepController.StateLength));
            k += AdaptiveStepController.StateLength;
            _rejected = (long)state[k++];
            _fsalValid = false;
            _commit = 0;
        }
        if (_meanField is not null)
        {
            _meanField.LoadState(state.Slice(k, _meanField.StateLength));
            _w1Initial = hasW1Initial ? state[^1] : double.NaN;
        }
    }

    // ---- block side -------------------------------------------------------------------------------------

    /// <summary>One block of the muscle particle model: a <see cref="ParticleBlock"/> plus its interaction field view.</summary>
    private sealed class MuscleParticleKernel : IParticleKernel, Runtime.ICheckpointableKernel
    {
        private readonly MuscleParticleRun _run;
        private readonly MuscleParticleSetup _s;
        private readonly ParticleBlock _block;
        private readonly int _nx, _ny;
        private readonly DirectSumField? _direct;
        private readonly ParticleMesh? _mesh;
        private readonly StagePartials _partials;
        private readonly DiagnosticPartials _diag = new();
        private readonly double[] _gather;
        private readonly double[] _diagReply;
        private readonly double[] _adaptiveReply;   // stage partials, then the partial error norm (adaptive only)

        /// <param name="sample">Sample the block's initial particles (and their constraint references); false: leave the
        /// arrays zero for a state loaded before the first round (<see cref="CreateKernelForRestore"/>).</param>
        public MuscleParticleKernel(MuscleParticleRun run, int block, bool sample)
        {
            _run = run; _s = run._s;
            var model = _s.Model;
            _nx = model.Nx; _ny = model.Ny;
            var (start, count) = BlockPartition.Range(_s.ParticleCount, _s.Blocks, block);
            Block = block;
            _block = new ParticleBlock(model, block, start, count);
            if (sample) _block.Initialize(ParticleSampling.SampleRange(_s.Sampler, start, count), 0, _s.Y0);
            _partials = new StagePartials(_ny);
            switch (_s.EffectiveInteraction)
            {
                case MuscleInteraction.Direct:
                    _direct = new DirectSumField(model.PairPotential!, _nx, _s.ParticleCount);
                    _gather = new double[_nx * count];
                    break;
                case MuscleInteraction.Mesh:
                    _mesh = new ParticleMesh(_s.Mesh!, model.PairPotential!);
                    _gather = new double[_s.Mesh!.NodeCount];
                    break;
                default:
                    _gather = [];
                    break;
            }
            _adaptiveReply = _s.Tolerances is null ? [] : new double[_partials.Values.Length + 1];
            _diagReply = new double[DiagFixed + _nx + run.HistogramLength + (run.NeedsPositions ? _nx * count : 0)];
        }

        public int Block { get; }

        /// <summary>Positions and constraint references of the block's particles (between steps).</summary>
        public int StateLength => _block.StateLength;
        public void SaveState(Span<double> state) => _block.WriteState(state);
        public void LoadState(ReadOnlySpan<double> state)
        {
            if (state.Length != _block.StateLength) throw new ArgumentException($"block {Block}: a state of {state.Length} values, expected {_block.StateLength}", nameof(state));
            _block.ReadState(state);
        }

        public double[] Handle(ParticleRound round)
        {
            var h = round.Header;
            double commit = h[3 + 3 * _ny];
            if (commit != 0.0) _block.AdaptiveCommit(commit > 0);
            if (h[0] != 0.0) _block.Project(h.AsSpan(1, _ny));
            var y = h.AsSpan(3 + _ny, _ny);
            var v = h.AsSpan(3 + 2 * _ny, _ny);
            switch (round.Kind)
            {
                case KindGather:
                    if (_s.Tolerances is not null && h[1 + _ny] >= 1) _block.AdaptiveAdvance((int)h[1 + _ny], h[2 + _ny], Field);
                    if (_direct is not null)
                        for (int c = 0; c < _nx; c++) _block.Position(c).CopyTo(_gather.AsSpan(c * _block.Count, _block.Count));
                    else
                    {
                        Array.Clear(_gather);
                        _mesh!.Deposit(_block, _gather);
                    }
                    return _gather;
                case KindStage:
                    _block.EvaluateStage((int)h[1 + _ny], h[2 + _ny], y, v, LoadField(round.Bulk), _partials);
                    return _partials.Values;
                case KindAdaptiveStage:
                {
                    var tol = _s.Tolerances!;
                    double err = _block.AdaptiveStage((int)h[1 + _ny], h[2 + _ny], y, v, LoadField(round.Bulk), tol.RelTol, tol.AbsTol, _partials);
                    _partials.Values.CopyTo(_adaptiveReply, 0);
                    _adaptiveReply[^1] = err;
                    return _adaptiveReply;
                }
                case KindDiagnostics:
                    return Diagnostics(y, v, LoadField(round.Bulk));
                default:
                    throw new InvalidOperationException($"muscle block {Block}: unknown round kind {round.Kind}");
            }
        }

        private IInteractionField? Field => _direct is not null ? _direct : _mesh;

        private IInteractionField? LoadField(double[][]? bulk)
        {
            if (_direct is not null) { _direct.Load(bulk!); return _direct; }
            if (_mesh is not null) { _mesh.LoadField(bulk![0], bulk[1], bulk[2]); return _mesh; }
            return null;
        }

        private double[] Diagnostics(ReadOnlySpan<double> y, ReadOnlySpan<double> v, IInteractionField? field)
        {
            _block.ComputeDiagnostics(y, v, field, _diag);
            var r = _diagReply;
            Array.Clear(r);
            _diag.Values.CopyTo(r, 0);
            int n = _block.Count;
            if (_s.AngularMomentum is not null && _nx == 2)
            {
                var con = _s.Model.Constraint;
                Span<double> x = stackalloc double[2];
                Span<double> phi = stackalloc double[2 * _ny];
                Span<double> xd = stackalloc double[2];
                Span<double> om = stackalloc double[2];
                double l = 0.0;
                var p0 = _block.Position(0); var p1 = _block.Position(1);
                for (int i = 0; i < n; i++)
                {
                    x[0] = p0[i]; x[1] = p1[i];
                    con.Kinematics(x, y, v, phi, xd, om);
                    l += x[0] * xd[1] - x[1] * xd[0];
                }
                r[4] = l;
            }
            for (int c = 0; c < _nx; c++)
            {
                double s = 0.0;
                foreach (double xc in _block.Position(c)) s += xc;
                r[DiagFixed + c] = s;
            }
            int k = DiagFixed + _nx;
            int hist = _run.HistogramLength;
            if (hist > 0)
            {
                int bins = _s.HistogramBins;
                double lo = _s.HistogramMin, scale = bins / (_s.HistogramMax - _s.HistogramMin);
                var p0 = _block.Position(0);
                var p1 = _nx == 2 ? _block.Position(1) : default;
                for (int i = 0; i < n; i++)
                {
                    int a = (int)Math.Floor((p0[i] - lo) * scale);
                    if ((uint)a >= (uint)bins) continue;
                    if (_nx == 1) { r[k + a] += 1.0; continue; }
                    int b = (int)Math.Floor((p1[i] - lo) * scale);
                    if ((uint)b >= (uint)bins) continue;
                    r[k + a * bins + b] += 1.0;
                }
            }
            k += hist;
            if (_run.NeedsPositions)
                for (int c = 0; c < _nx; c++) _block.Position(c).CopyTo(r.AsSpan(k + c * n, n));
            return r;
        }
    }
}
