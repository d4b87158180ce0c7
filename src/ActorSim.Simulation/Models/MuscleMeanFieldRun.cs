using System.Text.Json.Nodes;
using ActorSim.Numerics.Muscle;
using ActorSim.Simulation.Particles;
using ActorSim.Simulation.Subdomains;

namespace ActorSim.Simulation.Models;

/// <summary>Everything a finite-volume mean-field run is made of.</summary>
public sealed record MuscleMeanFieldSetup
{
    public required MuscleModel Model { get; init; }
    public required MeanFieldGrid1D Grid { get; init; }

    /// <summary>Initial cell averages of rho (a probability density).</summary>
    public required double[] Density { get; init; }

    public required double[] Y0 { get; init; }
    public required double[] V0 { get; init; }
    public int Blocks { get; init; } = 1;

    /// <summary>Upper bound of the step (besides the CFL bound).</summary>
    public double DtMax { get; init; } = double.PositiveInfinity;

    /// <summary>dt &lt;= Cfl dx / max |u| with u = Phi(x, y) y' over all faces, at the start of each step.</summary>
    public double Cfl { get; init; } = 0.4;
}

/// <summary>
/// The mean-field PDE d_t rho = -d_x(rho Phi(x, y) y') coupled to m_eff(y, rho) y'' = F_eff(y, y', rho) (seed 003),
/// conservative finite volumes (<see cref="MeanFieldSlab1D"/>) on slab blocks of the particle-block protocol.
/// Per RK4 stage one round: the coordinator broadcasts the stage state (y_s, y'_s) and every slab's current edge
/// cells; each slab fills its ghost cells from its neighbours' edges (zeros at the domain ends), returns its
/// partial integrals of m_eff and F_eff plus its new edge cells; the coordinator reduces in slab order and solves.
/// <para>
/// Why not the subdomain protocol: its blocks exchange halos directly but only reduce once per step (the step
/// bounds); here every stage needs a global reduction (y'' enters the next stage), so the halo relay rides on the
/// stage broadcast the coordinator must send anyway — 4 doubles per slab per stage. Results equal
/// <see cref="SequentialMeanFieldDriver1D"/> bit for bit for the same slab count.
/// </para>
/// </summary>
public sealed class MuscleMeanFieldRun : IParticleModel, Runtime.ICheckpointableModel
{
    internal const int KindStage = 1, KindDiagnostics = 2;
    private const int G = MeanFieldSlab1D.GhostCells;

    private readonly MuscleMeanFieldSetup _s;
    private readonly int _ny, _blocks;
    private readonly MacroRk4 _macro;
    private readonly StagePartials[] _partials;
    private readonly StagePartials _total;
    private readonly DiagnosticPartials[] _diag;
    private readonly double[] _accel, _header, _edges, _density;
    private readonly MeanFieldSlab1D _probe;      // whole-grid slab used only for the face speeds (CFL bound)
    private bool _diagnostics;
    private int _stage;
    private double _dt, _tNext;
    private long _steps, _stageRounds;
    private MuscleDiagnostics? _lastDiag;
    private double _mass, _mass0 = double.NaN, _e0 = double.NaN, _maxMassError, _maxEnergyError, _minDensity = double.PositiveInfinity;

    public MuscleMeanFieldRun(MuscleMeanFieldSetup setup)
    {
        _s = setup;
        _ny = setup.Model.Ny;
        _blocks = setup.Blocks;
        if (setup.Density.Length != setup.Grid.Cells) throw new ArgumentException("density length must equal the number of cells");
        if (_blocks < 1 || setup.Grid.Cells / _blocks < G) throw new ArgumentException($"every slab needs at least {G} cells");
        _macro = new MacroRk4(setup.Y0, setup.V0);
        _partials = new StagePartials[_blocks];
        _diag = new DiagnosticPartials[_blocks];
        for (int b = 0; b < _blocks; b++) { _partials[b] = new StagePartials(_ny); _diag[b] = new DiagnosticPartials(); }
        _total = new StagePartials(_ny);
        _accel = new double[_ny];
        _header = new double[2 + 2 * _ny];
        _edges = new double[2 * G * _blocks];
        _density = new double[setup.Grid.Cells];
        _probe = new MeanFieldSlab1D(setup.Model, setup.Grid, 0, 0, setup.Grid.Cells);
        Columns = [.. (_ny == 1 ? new[] { "y" } : Enumerable.Range(0, _ny).Select(k => $"y{k}")),
                   .. (_ny == 1 ? new[] { "ydot" } : Enumerable.Range(0, _ny).Select(k => $"ydot{k}")),
                   "energy", "mass"];
    }

    public int BlockCount => _blocks;
    public double Time { get; private set; }
    public StepCounters Counters => new(_steps, 0, _stageRounds);
    public IReadOnlyList<string> Columns { get; }
    public ReadOnlySpan<double> Y => _macro.Y;
    public ReadOnlySpan<double> Velocity => _macro.Velocity;

    /// <summary>The density at the last output (cell averages, global order).</summary>
    public ReadOnlySpan<double> Density => _density;

    /// <summary>The step bound at (y, y'): min(DtMax, Cfl dx / max |u|), the same expression as <see cref="SequentialMeanFieldDriver1D.StableTimeStep"/>.</summary>
    public double StepBound()
    {
        double u = _probe.MaxFaceSpeed(_macro.Y, _macro.Velocity);
        double cflStep = u == 0.0 ? double.PositiveInfinity : _s.Cfl * _s.Grid.Dx / u;
        return Math.Min(_s.DtMax, cflStep);
    }

    public IParticleKernel CreateKernel(int block) => new SlabKernel(this, block, initialize: true);

    /// <summary>The slab's arrays without its initial density (the checkpoint's state replaces it).</summary>
    public IParticleKernel CreateKernelForRestore(int block) => new SlabKernel(this, block, initialize: false);

    private ParticleRound Round(int kind)
    {
        var h = _header;
        h[0] = _stage; h[1] = _dt;
        var y = kind == KindStage ? _macro.StageY : _macro.Y;
        var v = kind == KindStage ? _macro.StageVelocity : _macro.Velocity;
        y.CopyTo(h.AsSpan(2, _ny));
        v.CopyTo(h.AsSpan(2 + _ny, _ny));
        return new ParticleRound(kind, h, [_edges]);
    }

    public ParticleRound BeginStep(double tEnd)
    {
        double bound = StepBound();
        if (!(bound > 0) || double.IsPositiveInfinity(bound)) bound = tEnd - Time;
        (_dt, _tNext) = StepPlanner.Next(Time, tEnd, bound);
        _stage = 0;
        _diagnostics = false;
        return Round(KindStage);
    }

    public ParticleRound BeginOutput()
    {
        _diagnostics = true;
        return Round(KindDiagnostics);
    }

    public ParticleRound? Continue(IReadOnlyList<double[]> replies)
    {
        int np = _ny * _ny + _ny;
        if (_diagnostics)
        {
            _mass = 0.0;
            for (int b = 0; b < _blocks; b++)
            {
                var r = replies[b];
                r.AsSpan(0, 4).CopyTo(_diag[b].Values);
                _mass += r[4];
                r.AsSpan(5, 2 * G).CopyTo(_edges.AsSpan(2 * G * b));
                var (start, count) = BlockPartition.Range(_s.Grid.Cells, _blocks, b);
                r.AsSpan(5 + 2 * G, count).CopyTo(_density.AsSpan(start, count));
            }
            _lastDiag = MuscleReduction.ReduceDiagnostics(_s.Model, 1, _macro.Y, _macro.Velocity, _diag);
            return null;
        }
        for (int b = 0; b < _blocks; b++)
        {
            replies[b].AsSpan(0, np).CopyTo(_partials[b].Values);
            replies[b].AsSpan(np, 2 * G).CopyTo(_edges.AsSpan(2 * G * b));
        }
        MuscleReduction.Reduce(_partials, _total);
        MuscleReduction.SolveAcceleration(_s.Model, 1, _macro.StageY, _total, _accel);
        _stageRounds++;
        if (!_macro.CompleteStage(_dt, _accel)) { _stage++; return Round(KindStage); }
        Time = _tNext;
        _steps++;
        return null;
    }

    public IReadOnlyList<FieldSnapshot> CompleteOutput(Span<double> row)
    {
        int k = 0;
        foreach (double y in _macro.Y) row[k++] = y;
        foreach (double v in _macro.Velocity) row[k++] = v;
        double e = _lastDiag!.TotalEnergy;
        row[k++] = e;
        row[k] = _mass;
        if (double.IsNaN(_e0)) { _e0 = e; _mass0 = _mass; }
        _maxEnergyError = Math.Max(_maxEnergyError, Math.Abs(e - _e0));
        _maxMassError = Math.Max(_maxMassError, Math.Abs(_mass - _mass0));
        foreach (double r in _density) _minDensity = Math.Min(_minDensity, r);
        return [new FieldSnapshot("rho", (double[])_density.Clone(), [_s.Grid.Cells])];
    }

    public JsonObject Analysis() => new()
    {
        ["cells"] = _s.Grid.Cells,
        ["dx"] = _s.Grid.Dx,
        ["slabs"] = _blocks,
        ["initial_energy"] = double.IsNaN(_e0) ? null : _e0,
        ["max_energy_error"] = _maxEnergyError,
        ["max_mass_error"] = _maxMassError,
        ["min_density"] = double.IsPositiveInfinity(_minDensity) ? null : _minDensity,
    };

    /// <summary>The coordinator state at a step barrier: t, counters, y, y', the running diagnostics, and every slab's edge cells (the next round's ghosts).</summary>
    public double[] SaveCoordinatorState() =>
        [Time, _steps, _stageRounds, _mass0, _e0, _maxMassError, _maxEnergyError, _minDensity, .. _macro.Y, .. _macro.Velocity, .. _edges];

    public void LoadCoordinatorState(ReadOnlySpan<double> state)
    {
        int expected = 8 + 2 * _ny + _edges.Length;
        if (state.Length != expected) throw new ArgumentException($"a mean-field coordinator state has {expected} values here, not {state.Length}", nameof(state));
        Time = state[0];
        _steps = (long)state[1];
        _stageRounds = (long)state[2];
        _mass0 = state[3]; _e0 = state[4]; _maxMassError = state[5]; _maxEnergyError = state[6]; _minDensity = state[7];
        _macro.Reset(state.Slice(8, _ny), state.Slice(8 + _ny, _ny));
        state[(8 + 2 * _ny)..].CopyTo(_edges);
    }

    /// <summary>One slab: a <see cref="MeanFieldSlab1D"/> whose ghosts come from the broadcast edge cells.</summary>
    private sealed class SlabKernel : IParticleKernel, Runtime.ICheckpointableKernel
    {
        private static readonly double[] Zeros = new double[G];
        private readonly MuscleMeanFieldRun _run;
        private readonly MeanFieldSlab1D _slab;
        private readonly StagePartials _partials;
        private readonly DiagnosticPartials _diag = new();
        private readonly double[] _stageReply, _diagReply;
        private readonly int _ny;

        public SlabKernel(MuscleMeanFieldRun run, int block, bool initialize)
        {
            _run = run;
            var s = run._s;
            _ny = s.Model.Ny;
            Block = block;
            var (start, count) = BlockPartition.Range(s.Grid.Cells, run._blocks, block);
            _slab = new MeanFieldSlab1D(s.Model, s.Grid, block, start, count);
            if (initialize) _slab.Initialize(s.Density);
            _partials = new StagePartials(_ny);
            _stageReply = new double[_ny * _ny + _ny + 2 * G];
            _diagReply = new double[5 + 2 * G + count];
        }

        public int Block { get; }

        public int StateLength => _slab.StateLength;
        public void SaveState(Span<double> state) => _slab.SaveState(state);
        public void LoadState(ReadOnlySpan<double> state) => _slab.LoadState(state);

        private void Edges(Span<double> destination)
        {
            _slab.LeftEdge.CopyTo(destination);
            _slab.RightEdge.CopyTo(destination[G..]);
        }

        public double[] Handle(ParticleRound round)
        {
            var h = round.Header;
            var y = h.AsSpan(2, _ny);
            var v = h.AsSpan(2 + _ny, _ny);
            if (round.Kind == KindDiagnostics)
            {
                _slab.ComputeDiagnostics(y, v, _diag);
                _diag.Values.CopyTo(_diagReply, 0);
                _diagReply[4] = _slab.Mass();
                Edges(_diagReply.AsSpan(5, 2 * G));
                _slab.Density.CopyTo(_diagReply.AsSpan(5 + 2 * G));
                return _diagReply;
            }
            if (round.Kind != KindStage) throw new InvalidOperationException($"mean-field slab {Block}: unknown round kind {round.Kind}");
            var edges = round.Bulk![0];
            int last = _run._blocks - 1;
            // left ghosts = the left neighbour's right edge; right ghosts = the right neighbour's left edge.
            _slab.SetLeftGhosts(Block == 0 ? Zeros : edges.AsSpan(2 * G * (Block - 1) + G, G));
            _slab.SetRightGhosts(Block == last ? Zeros : edges.AsSpan(2 * G * (Block + 1), G));
            _slab.EvaluateStage((int)h[0], h[1], y, v, _partials);
            _partials.Values.CopyTo(_stageReply, 0);
            Edges(_stageReply.AsSpan(_partials.Values.Length, 2 * G));
            return _stageReply;
        }
    }
}
