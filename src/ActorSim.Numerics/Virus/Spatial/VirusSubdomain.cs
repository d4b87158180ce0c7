using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ActorSim.Numerics.Grid;

using Vec = System.Runtime.Intrinsics.Vector256<double>;

namespace ActorSim.Numerics.Virus.Spatial;

/// <summary>
/// The per-subdomain kernel of the reaction–diffusion–taxis system (seed 000, eq. (3)) on one patch of a
/// <see cref="BlockLayout"/>: cell-centred finite volumes, two ghost layers, structure-of-arrays storage.
/// <para>
/// Space: diffusion by the 2nd-order two-point flux D (q_{i+1} − q_i)/h; taxis by the conservative flux
/// a·u_face at each face with a = χ (v_{i+1} − v_i)/h and u_face the MUSCL (limited, piecewise-linear) value of u
/// on the upwind side of a. Reactions and sources are pointwise.
/// </para>
/// <para>
/// Time: s-stage RKL2 super-time-stepping (see <see cref="Rkl2"/>) of the whole right-hand side — diffusion, taxis,
/// reactions and sources together, never split from each other. In 1D one step is one RKL2 step. In 2D a step is
/// the Strang product X(Dt/2)·Y(Dt)·X(Dt/2) of RKL2 steps for the x and y operators, each carrying its own
/// direction's diffusion and taxis and half of the reactions and sources: this keeps RKL2's proven monotonicity
/// for diffusion (a property of the 1D 3-point Laplacian only — the unsplit 5-point RKL2 step undershoots on
/// point data) and costs no accuracy order. Second order in time; s ≈ √(2 Dt ρ / safety) with ρ the diffusion
/// spectral radius, so Dt is limited by the taxis Courant number and the reaction rates, not by diffusion.
/// Taxis+reaction must stay in the same RKL2 operator as diffusion: split off, the loop u → v (infection),
/// v → u (taxis) grows at rate √(χ u β w μ_h) ~ 1/h, which RKL2, not damping stiff modes, cannot cancel.
/// </para>
/// <para>
/// Stage protocol (what a subdomain actor does; <see cref="SequentialDriver"/> is the reference):
/// (1) halo exchange (<see cref="ExtractHalo"/> → neighbour's <see cref="ApplyHalo"/>, or
/// <see cref="ApplyPhysicalBoundary"/> on Neumann sides) of the current state; (2) <see cref="ComputeBounds"/>,
/// reduced to a global maximum by the coordinator, which calls <see cref="StepController.Plan"/>;
/// (3) <see cref="BeginStep"/>(plan); (4) for k = 1 .. plan.StageCount: if k &gt; 1, halo exchange; then
/// <see cref="Stage"/>(k). Halo functions always act on the field the next stage reads. Every cell's update
/// reads only its stencil (ghosts included) with the same arithmetic for every cell, so the result is
/// bit-identical for any partition.
/// </para>
/// </summary>
public sealed class VirusSubdomain
{
    /// <summary>Ghost layers a stage reads per side (MUSCL needs two cells on each side of a face).</summary>
    public const int GhostWidth = 2;

    /// <summary>
    /// Default deepest halo (ghost layers) along an axis that crosses block boundaries: one exchange then serves up to
    /// <c>depth / 2</c> stages of a substep (see <see cref="HaloWidth"/>).
    /// </summary>
    public const int DefaultHaloDepth = 8;

    private readonly VirusPdeProblem _problem;
    private readonly PatchLayout _p;
    private readonly int _dim, _nx, _ny, _stride;
    private readonly double _hx, _hy, _vol;
    private readonly double _du, _dv, _dw, _chi, _d1, _d2, _d3, _beta, _k;
    private readonly SlopeLimiter _limiter;
    private readonly double[] _xc, _yc;
    private readonly double[] _xs, _ys; // cell-centre coordinates of every stored column and row (ghosts included)
    private readonly int _depthX, _depthY; // ghost layers stored per axis (GhostWidth unless the axis crosses blocks)
    private readonly bool _nbXLow, _nbXHigh, _nbYLow, _nbYHigh; // a neighbouring block (not a wall) across each side
    // Slabs of rows between x walls: the first x substep also computes the ghost rows the y substep reads (a ghost row
    // needs no corner from a diagonal neighbour, its x ghosts are mirrored), so the exchange before the bounds carries
    // the y substep's halo too and a step has one exchange. The same for every block of the layout.
    private readonly bool _rowsAhead;

    // State and work arrays (ghosted). _u,_v,_w is the current state (= Y0 during a step); _a*, _b* are work
    // arrays whose roles rotate during the RKL2 stages; _l* hold F(Y0); _f* hold F(Y_{j-1}).
    private double[] _u, _v, _w, _au, _av, _aw, _bu, _bv, _bw;
    // (The state arrays are swapped, never copied, at the end of each RKL2 substep.)
    private readonly double[] _lu, _lv, _lw;
    private readonly double[] _faceLo, _faceHi; // taxis face fluxes of one row of faces (x: faces 0..Nx of a row; y: a face row)
    // Sources: a constant value (ConstantSource, or 0 for an absent source) or, for any other source, its values at
    // the current stage time (every stored cell, in storage order: stages also compute ghost cells).
    private readonly double _su, _sv, _sw;
    private readonly double[]? _ru, _rv, _rw;

    // Field the next stage reads (target of halo operations) and RKL2 bookkeeping.
    private double[] _hu, _hv, _hw;
    private double[] _pu = null!, _pv = null!, _pw = null!; // Y_{j-1}
    private double[] _qu = null!, _qv = null!, _qw = null!; // Y_{j-2}
    private StepPlan? _plan;
    private int _next;
    private int _extension; // ghost cells the running stage computes beyond each side of its axis that faces a block
    private int _rowExtension; // ghost rows an x stage computes beyond each y side that faces a block (_rowsAhead)
    private bool _stateRowsValid; // the state's ghost row beyond each y side facing a block is current (KeepsRow)
    private double _cPrev, _cPrev2; // stage times c_{j-1}, c_{j-2} (fractions of the substep)
    // Reaction budget: cumulative, and the RKL2 recursion of the current step (per species: stage j-1, j-2, F(Y0)).
    private double _budgetU, _budgetV, _budgetW;
    private double _pbU, _pbV, _pbW, _qbU, _qbV, _qbW, _lbU, _lbV, _lbW;

    /// <summary>Creates the kernel of block <paramref name="block"/> of <paramref name="layout"/>; all fields start at 0.</summary>
    /// <param name="problem">The problem.</param>
    /// <param name="layout">The block decomposition.</param>
    /// <param name="block">This block's index.</param>
    /// <param name="haloDepth">Deepest halo along an axis that crosses block boundaries (even, ≥ 2; capped by the
    /// narrowest patch along that axis): with depth 2m one exchange serves m stages of a substep. Results do not depend
    /// on it, bit for bit; only the number of exchanges (and the ghost cells computed twice) does.</param>
    public VirusSubdomain(VirusPdeProblem problem, BlockLayout layout, int block, int haloDepth = DefaultHaloDepth)
    {
        if (haloDepth < GhostWidth || haloDepth % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(haloDepth), haloDepth, $"the halo depth must be even and at least {GhostWidth}");
        if (!ReferenceEquals(problem.Grid, layout.Grid) && problem.Grid != layout.Grid)
            throw new ArgumentException("layout and problem use different grids");
        _problem = problem;
        Layout = layout;
        Block = block;
        var g = problem.Grid;
        _depthX = AxisDepth(layout, 0, haloDepth);
        _depthY = g.Dimension == 2 ? AxisDepth(layout, 1, haloDepth) : 0;
        _p = layout.Patch(block, GhostWidth) with { GhostX = _depthX, GhostY = _depthY };
        _dim = g.Dimension;
        _nbXLow = layout.Neighbour(block, Side.XLow) >= 0; _nbXHigh = layout.Neighbour(block, Side.XHigh) >= 0;
        if (_dim == 2) { _nbYLow = layout.Neighbour(block, Side.YLow) >= 0; _nbYHigh = layout.Neighbour(block, Side.YHigh) >= 0; }
        _rowsAhead = _dim == 2 && layout.BlocksX == 1 && g.BoundaryX == BoundaryKind.Neumann && _depthY > GhostWidth; _nx = _p.Nx; _ny = _p.Ny; _stride = _p.Stride;
        _hx = g.Hx; _hy = g.Hy; _vol = g.CellVolume;
        var pr = problem.Parameters;
        _du = pr.Du; _dv = pr.Dv; _dw = pr.Dw; _chi = pr.Chi;
        _d1 = pr.Reaction.D1; _d2 = pr.Reaction.D2; _d3 = pr.Reaction.D3; _beta = pr.Reaction.Beta; _k = pr.Reaction.K;
        _limiter = problem.Limiter;

        _xc = new double[_nx];
        for (int i = 0; i < _nx; i++) _xc[i] = g.XCentre(_p.I0 + i);
        _yc = new double[_ny];
        for (int j = 0; j < _ny; j++) _yc[j] = g.YCentre(_p.J0 + j);
        // Ghost columns and rows stand for cells of a neighbour (wrapped around a periodic axis): the same global
        // index, hence the same coordinate and the same source value as where that cell is interior.
        _xs = new double[_p.Stride];
        for (int i = 0; i < _xs.Length; i++) _xs[i] = g.XCentre(Wrap(_p.I0 + i - _depthX, g.Nx, g.BoundaryX));
        _ys = new double[_p.Rows];
        for (int j = 0; j < _ys.Length; j++) _ys[j] = _dim == 2 ? g.YCentre(Wrap(_p.J0 + j - _depthY, g.Ny, g.BoundaryY)) : 0.0;

        int n = _p.Length;
        _u = new double[n]; _v = new double[n]; _w = new double[n];
        _au = new double[n]; _av = new double[n]; _aw = new double[n];
        _bu = new double[n]; _bv = new double[n]; _bw = new double[n];
        _lu = new double[n]; _lv = new double[n]; _lw = new double[n];
        _faceLo = new double[_p.Stride + 1]; _faceHi = new double[_p.Stride + 1];
        (_su, _ru) = SourceStorage(problem.SourceU, n);
        (_sv, _rv) = SourceStorage(problem.SourceV, n);
        (_sw, _rw) = SourceStorage(problem.SourceW, n);
        _hu = _u; _hv = _v; _hw = _w;
    }

    /// <summary>
    /// Ghost layers stored along <paramref name="axis"/>: <see cref="GhostWidth"/> when no block boundary crosses the
    /// axis (walls only), else the requested depth capped by the narrowest patch along the axis (a halo is cut from the
    /// neighbour's interior) — the same for every block.
    /// </summary>
    private static int AxisDepth(BlockLayout layout, int axis, int haloDepth)
    {
        var g = layout.Grid;
        int blocks = axis == 0 ? layout.BlocksX : layout.BlocksY, cells = axis == 0 ? g.Nx : g.Ny;
        if (blocks == 1 && g.Boundary(axis) != BoundaryKind.Periodic) return GhostWidth;
        return Math.Max(GhostWidth, Math.Min(haloDepth, cells / blocks) & ~1);
    }

    private static int Wrap(int index, int n, BoundaryKind boundary) =>
        boundary == BoundaryKind.Periodic ? ((index % n) + n) % n : index;

    /// <summary>The block decomposition this subdomain belongs to.</summary>
    public BlockLayout Layout { get; }
    /// <summary>Block index (reduction order).</summary>
    public int Block { get; }
    /// <summary>Offsets, sizes and storage layout of this patch.</summary>
    public PatchLayout Patch => _p;
    /// <summary>True between <see cref="BeginStep"/> and the last stage of that step.</summary>
    public bool StepInProgress => _plan is not null;
    /// <summary>Index of the next stage of the current step.</summary>
    public int NextStage => _next;
    /// <summary>x coordinates of the patch's cell centres.</summary>
    public ReadOnlySpan<double> XCentres => _xc;
    /// <summary>y coordinates of the patch's cell centres (one entry, 0, in 1D).</summary>
    public ReadOnlySpan<double> YCentres => _yc;

    // ---------------------------------------------------------------- state access

    private double[] State(Species s) => s switch { Species.U => _u, Species.V => _v, _ => _w };

    /// <summary>Sets the cell values of one species from <paramref name="values"/>[j·Nx + i] (patch-local, row-major).</summary>
    public void SetInterior(Species species, ReadOnlySpan<double> values)
    {
        EnsureIdle();
        if (values.Length != _p.InteriorCount) throw new ArgumentException("wrong length", nameof(values));
        var a = State(species);
        for (int j = 0; j < _ny; j++) values.Slice(j * _nx, _nx).CopyTo(a.AsSpan(_p.Index(0, j), _nx));
        _stateRowsValid = false;
    }

    /// <summary>Copies the cell values of one species to <paramref name="destination"/>[j·Nx + i] (patch-local, row-major).</summary>
    public void CopyInterior(Species species, Span<double> destination)
    {
        EnsureIdle();
        if (destination.Length != _p.InteriorCount) throw new ArgumentException("wrong length", nameof(destination));
        var a = State(species);
        for (int j = 0; j < _ny; j++) a.AsSpan(_p.Index(0, j), _nx).CopyTo(destination.Slice(j * _nx, _nx));
    }

    /// <summary>Sets all three fields to f(x, y) at the cell centres.</summary>
    public void Initialise(Func<double, double, SpeciesTriple> f)
    {
        EnsureIdle();
        _stateRowsValid = false;
        for (int j = 0; j < _ny; j++)
            for (int i = 0; i < _nx; i++)
            {
                var q = f(_xc[i], _yc[j]);
                int c = _p.Index(i, j);
                _u[c] = q.U; _v[c] = q.V; _w[c] = q.W;
            }
    }

    // ---------------------------------------------------------------- halos

    /// <summary>Doubles in the halo message across <paramref name="side"/> now (3 species × <see cref="HaloWidth"/> × side length).</summary>
    public int HaloLength(Side side) => 3 * HaloWidth(side) * Along(side);

    /// <summary>
    /// Ghost layers the halo exchange about to happen fills across <paramref name="side"/> — the same on every block.
    /// Between steps (before the bounds and stage 1): the x axis gets its whole depth (the first substep runs along x),
    /// the y axis <see cref="GhostWidth"/>. Inside a step, before the first stage of a substep: 2·min(m, s) layers along
    /// the substep's axis (s its stages, 2m the axis's depth), so that its first min(m, s) stages run without another
    /// exchange — each computes the ghost cells the later ones read, as the neighbour computes them, bit for bit; later
    /// stages of a long substep exchange <see cref="GhostWidth"/> layers each. Sides not read next get
    /// <see cref="GhostWidth"/> (an exchange there is harmless and, by <see cref="HaloNeeded"/>, skippable).
    /// </summary>
    public int HaloWidth(Side side)
    {
        int axis = side.Axis();
        if (axis >= _dim) throw new ArgumentException("no such side in this dimension", nameof(side));
        int needed = ExchangeWidth(axis);
        return needed > 0 ? needed : GhostWidth;
    }

    /// <summary>
    /// Whether what comes next reads ghost layers across <paramref name="side"/> that are not already current: between
    /// steps (bounds, then stage 1) every side; inside a step only the sides of the next stage's axis, and only before
    /// the first stage of a substep or a stage past its first <c>depth / 2</c> (an x stage of the Strang split reads cells
    /// i±1, i±2 of its own row only — diffusion, taxis and the MUSCL slopes are along the axis, reactions and sources are
    /// pointwise — and the stages after a substep's first compute on ghost cells filled by its first exchange). A halo
    /// exchange may skip the other sides; the result is the same, bit for bit.
    /// </summary>
    public bool HaloNeeded(Side side)
    {
        int axis = side.Axis();
        if (axis >= _dim) throw new ArgumentException("no such side in this dimension", nameof(side));
        return ExchangeWidth(axis) > 0;
    }

    /// <summary>Layers to exchange along <paramref name="axis"/> before what comes next, or 0 when its ghosts are current.</summary>
    private int ExchangeWidth(int axis)
    {
        int depth = axis == 0 ? _depthX : _depthY;
        if (_plan is not { } plan) return axis == 0 || _rowsAhead ? depth : GhostWidth;
        var (stageAxis, s, j) = SubstepOf(plan, _next);
        if (stageAxis != axis) return 0;
        int m = StagesPerExchange(axis);
        if (j == 1) return axis == 1 && _rowsAhead ? 0 : 2 * Math.Min(m, s);
        return j > m ? GhostWidth : 0;
    }

    /// <summary>
    /// Stages of a substep along <paramref name="axis"/> that its first exchange serves: half the axis's depth; for the
    /// y axis of slabs between x walls one layer less, kept for the ghost row the next bounds read.
    /// </summary>
    private int StagesPerExchange(int axis) =>
        axis == 0 ? _depthX / 2 : _rowsAhead ? (_depthY - 1) / 2 : _depthY / 2;

    /// <summary>Slabs between x walls whose y substep is served by one exchange: the step also computes the ghost row
    /// beyond each y side facing a block, so the next bounds need no exchange (<see cref="BoundsNeedHalos"/>).</summary>
    private bool KeepsRow(StepPlan plan) => _rowsAhead && plan.StagesY <= StagesPerExchange(1);

    /// <summary>Ghost rows x stage <paramref name="k"/> computes beyond each y side that faces a block.</summary>
    private int RowExtension(StepPlan plan, int k)
    {
        if (!_rowsAhead) return 0;
        int keep = KeepsRow(plan) ? 1 : 0;
        if (k <= plan.StagesX) return 2 * Math.Min(StagesPerExchange(1), plan.StagesY) + keep; // what the y substep reads
        return k > plan.StagesX + plan.StagesY ? keep : 0;
    }

    /// <summary>
    /// Whether the bounds need the exchange that follows a step: false when the step computed the ghost row they read
    /// (slabs between x walls, <see cref="KeepsRow"/>) — then they may be taken at once, with the walls mirrored, while
    /// that exchange travels; the values it brings for that row are the same, bit for bit.
    /// </summary>
    public bool BoundsNeedHalos => !_stateRowsValid;

    /// <summary>
    /// Ghost cells stage <paramref name="k"/> computes beyond each side of its axis that faces a neighbouring block:
    /// what the stages after it, up to the substep's next exchange, read there.
    /// </summary>
    private int Extension(StepPlan plan, int k)
    {
        var (axis, s, j) = SubstepOf(plan, k);
        int m = StagesPerExchange(axis);
        if (j > m) return 0;
        return 2 * (Math.Min(m, s) - j) + (axis == 1 && KeepsRow(plan) ? 1 : 0);
    }

    /// <summary>The axis of stage <paramref name="k"/>, its substep's stage count and its index j (1-based) in that substep.</summary>
    private (int Axis, int Stages, int J) SubstepOf(StepPlan plan, int k)
    {
        if (_dim == 1) return (0, plan.StagesX, k);
        int sx = plan.StagesX, sy = plan.StagesY;
        if (k <= sx) return (0, sx, k);
        if (k <= sx + sy) return (1, sy, k - sx);
        return (0, sx, k - sx - sy);
    }

    private int Along(Side side) => side.Axis() == 0 ? _ny : _nx;

    /// <summary>
    /// Writes the interior layers next to <paramref name="side"/> of the field the next stage reads, as
    /// [species u,v,w][layer 0 = adjacent to the side .. width−1][position along the side], width =
    /// <see cref="HaloWidth"/> (the buffer holds <see cref="HaloLength"/> values).
    /// </summary>
    public void ExtractHalo(Side side, Span<double> buffer)
    {
        var (along, width) = CheckHalo(side, buffer.Length);
        int o = 0;
        for (int s = 0; s < 3; s++)
        {
            var f = HaloField(s);
            for (int l = 0; l < width; l++)
                for (int m = 0; m < along; m++, o++)
                    buffer[o] = f[InteriorIndex(side, l, m)];
        }
    }

    /// <summary>
    /// Fills the ghost layers beyond <paramref name="side"/> from a neighbour's <see cref="ExtractHalo"/> of the
    /// opposite side (layer l goes to the ghost layer at distance l from the face).
    /// </summary>
    public void ApplyHalo(Side side, ReadOnlySpan<double> buffer)
    {
        var (along, width) = CheckHalo(side, buffer.Length);
        int o = 0;
        for (int s = 0; s < 3; s++)
        {
            var f = HaloField(s);
            for (int l = 0; l < width; l++)
                for (int m = 0; m < along; m++, o++)
                    f[GhostIndex(side, l, m)] = buffer[o];
        }
    }

    /// <summary>Fills the ghost layers of a physical (Neumann, no-flux) side by mirroring the interior.</summary>
    public void ApplyPhysicalBoundary(Side side)
    {
        if (side.Axis() >= _dim) throw new ArgumentException("no such side in this dimension", nameof(side));
        if (_problem.Grid.Boundary(side.Axis()) != BoundaryKind.Neumann)
            throw new InvalidOperationException("periodic sides have no physical boundary; exchange with the neighbour");
        Mirror(side, 0, Along(side));
    }

    /// <summary>Mirrors the interior layers next to <paramref name="side"/> into its ghost layers at positions m0 ≤ m &lt; m1 along it (ghost rows allowed).</summary>
    private void Mirror(Side side, int m0, int m1)
    {
        for (int s = 0; s < 3; s++)
        {
            var f = HaloField(s);
            for (int l = 0; l < GhostWidth; l++)
                for (int m = m0; m < m1; m++)
                    f[GhostIndex(side, l, m)] = f[InteriorIndex(side, l, m)];
        }
    }

    /// <summary>The x walls' ghost columns of the ghost rows (j &lt; 0 or j ≥ Ny) in [j0, j1), mirrored as on interior rows.</summary>
    /// <remarks>The field mirrored is the one the stage reads (the halo target).</remarks>
    private void MirrorWallColumns(int j0, int j1)
    {
        foreach (var side in (ReadOnlySpan<Side>)[Side.XLow, Side.XHigh])
        {
            Mirror(side, j0, 0);
            Mirror(side, _ny, j1);
        }
    }

    private int InteriorIndex(Side side, int layer, int m) => side switch
    {
        Side.XLow => _p.Index(layer, m),
        Side.XHigh => _p.Index(_nx - 1 - layer, m),
        Side.YLow => _p.Index(m, layer),
        _ => _p.Index(m, _ny - 1 - layer),
    };

    private int GhostIndex(Side side, int layer, int m) => side switch
    {
        Side.XLow => _p.Index(-1 - layer, m),
        Side.XHigh => _p.Index(_nx + layer, m),
        Side.YLow => _p.Index(m, -1 - layer),
        _ => _p.Index(m, _ny + layer),
    };

    private double[] HaloField(int species) => species == 0 ? _hu : species == 1 ? _hv : _hw;

    private (int Along, int Width) CheckHalo(Side side, int length)
    {
        int width = HaloWidth(side), along = Along(side);
        if (length != 3 * width * along)
            throw new ArgumentException($"halo buffer across {side} must hold {3 * width * along} values (3 species × {width} layers × {along}), not {length}");
        return (along, width);
    }

    // ---------------------------------------------------------------- partial reductions

    /// <summary>
    /// Local step-size bounds from the current state (call between steps, after a halo exchange: face gradients
    /// on the patch boundary use ghost values of v).
    /// </summary>
    public SubdomainBounds ComputeBounds()
    {
        EnsureIdle();
        double advX = 0.0, advY = 0.0, react = _k + _d3, speed = 0.0;
        for (int j = 0; j < _ny; j++)
            for (int i = 0; i < _nx; i++)
            {
                int c = _p.Index(i, j);
                double ax = Math.Max(Math.Abs(_chi * (_v[c] - _v[c - 1]) / _hx), Math.Abs(_chi * (_v[c + 1] - _v[c]) / _hx));
                double ay = 0.0;
                if (_dim == 2)
                    ay = Math.Max(Math.Abs(_chi * (_v[c] - _v[c - _stride]) / _hy), Math.Abs(_chi * (_v[c + _stride] - _v[c]) / _hy));
                double bu = _beta * Math.Abs(_u[c]), bw = _beta * Math.Abs(_w[c]);
                double r = Math.Max(_d1 + bw + bu, bw + _d2 + bu); // Gershgorin rows of the reaction Jacobian
                if (!double.IsFinite(_u[c]) || !double.IsFinite(_v[c]) || !double.IsFinite(_w[c])) r = double.NaN;
                advX = Math.Max(advX, ax / _hx);
                advY = Math.Max(advY, ay / _hy);
                react = Math.Max(react, r);
                speed = Math.Max(speed, Math.Max(ax, ay));
            }
        return new SubdomainBounds(advX, advY, react, speed);
    }

    /// <summary>Integrals (cell volume × sum), extrema and the cumulative reaction budget of the current state.</summary>
    public SubdomainDiagnostics ComputeDiagnostics()
    {
        EnsureIdle();
        double su = 0, sv = 0, sw = 0;
        double mnu = double.PositiveInfinity, mnv = double.PositiveInfinity, mnw = double.PositiveInfinity;
        double mxu = double.NegativeInfinity, mxv = double.NegativeInfinity, mxw = double.NegativeInfinity;
        for (int j = 0; j < _ny; j++)
            for (int i = 0; i < _nx; i++)
            {
                int c = _p.Index(i, j);
                double u = _u[c], v = _v[c], w = _w[c];
                su += u; sv += v; sw += w;
                mnu = Math.Min(mnu, u); mnv = Math.Min(mnv, v); mnw = Math.Min(mnw, w);
                mxu = Math.Max(mxu, u); mxv = Math.Max(mxv, v); mxw = Math.Max(mxw, w);
            }
        return new SubdomainDiagnostics(new SpeciesTriple(su * _vol, sv * _vol, sw * _vol),
            new SpeciesTriple(mnu, mnv, mnw), new SpeciesTriple(mxu, mxv, mxw),
            new SpeciesTriple(_budgetU, _budgetV, _budgetW));
    }

    // ---------------------------------------------------------------- stepping

    /// <summary>Starts a step. The halos of the current state must be up to date (they are after the bounds exchange).</summary>
    public void BeginStep(StepPlan plan)
    {
        EnsureIdle();
        if (plan.StagesX < 2 || (_dim == 2) != (plan.StagesY > 0) || (_dim == 2 && plan.StagesY < 2))
            throw new ArgumentOutOfRangeException(nameof(plan), "stage counts do not fit this grid (RKL2 needs s >= 2)");
        _plan = plan;
        _next = 1;
        _stateRowsValid = false;
        SetHaloTarget(_u, _v, _w);
    }

    /// <summary>
    /// Runs stage <paramref name="k"/> (1 ≤ k ≤ plan.StageCount, in order) of the current step. It reads the previous
    /// stage's field, whose halos must have been exchanged; afterwards the halo functions act on the field this
    /// stage produced (after the last stage: the new state).
    /// </summary>
    public void Stage(int k)
    {
        var plan = _plan ?? throw new InvalidOperationException("no step in progress: call BeginStep");
        if (k != _next) throw new InvalidOperationException($"expected stage {_next}, got {k}");
        double dt = plan.Dt;
        int axis, s, j;
        double tau, t0, rate, weight;
        if (_dim == 1)
        {
            (axis, s, j, tau, t0, rate, weight) = (0, plan.StagesX, k, dt, plan.T, 1.0, 1.0);
        }
        else
        {
            // X(Dt/2) · Y(Dt) · X(Dt/2), each operator with half the reactions and sources; the time variable is
            // split the same way (dt/dt = 1/2 + 1/2), so the stages see times T..T+Dt/4, T+Dt/4..T+3Dt/4, T+3Dt/4..T+Dt.
            int sx = plan.StagesX, sy = plan.StagesY;
            if (k <= sx) (axis, s, j, tau, t0) = (0, sx, k, 0.5 * dt, plan.T);
            else if (k <= sx + sy) (axis, s, j, tau, t0) = (1, sy, k - sx, dt, plan.T + 0.25 * dt);
            else (axis, s, j, tau, t0) = (0, sx, k - sx - sy, 0.5 * dt, plan.T + 0.75 * dt);
            rate = 0.5;
            weight = 0.5;
        }
        _extension = Extension(plan, k);
        _rowExtension = RowExtension(plan, k);
        RklStage(axis, s, j, tau, t0, rate, weight);

        if (k == plan.StageCount)
        {
            SetHaloTarget(_u, _v, _w);
            _stateRowsValid = KeepsRow(plan);
            _plan = null;
            _next = 0;
        }
        else _next++;
    }

    /// <summary>
    /// Stage j of an s-stage RKL2 substep of length τ for y' = F_axis(t, y), t = t0 + rate·(elapsed substep time),
    /// F_axis = diffusion and taxis along the axis + weight × (reactions + sources).
    /// </summary>
    private void RklStage(int axis, int s, int j, double tau, double t0, double rate, double weight)
    {
        var co = Rkl2.Stage(s, j);
        if (j == 1)
        {
            // F(Y0), kept for the γ̃ terms; Y1 = Y0 + μ̃1 τ F(Y0).
            var (ru, rv, rw) = FusedStage(axis, weight, t0, first: true, co.MuTilde * tau, 0, 0, 0, 0,
                _u, _v, _w, _lu, _lv, _lw, _au, _av, _aw);
            _lbU = tau * ru; _lbV = tau * rv; _lbW = tau * rw;
            _qbU = 0; _qbV = 0; _qbW = 0;
            _pbU = co.MuTilde * _lbU; _pbV = co.MuTilde * _lbV; _pbW = co.MuTilde * _lbW;
            _pu = _au; _pv = _av; _pw = _aw;
            _qu = _u; _qv = _v; _qw = _w;
            _cPrev2 = 0.0;
            _cPrev = co.MuTilde;
        }
        else
        {
            // Y_j = μ Y_{j-1} + ν Y_{j-2} + (1-μ-ν) Y0 + μ̃ τ F(Y_{j-1}) + γ̃ τ F(Y0). Stage 2 must not overwrite
            // Y0 (= Y_{j-2}); later stages overwrite Y_{j-2} in place (each cell reads only its own old value).
            double[] ou = j == 2 ? _bu : _qu, ov = j == 2 ? _bv : _qv, ow = j == 2 ? _bw : _qw;
            double omn = 1.0 - co.Mu - co.Nu, mt = co.MuTilde * tau, gt = co.GammaTilde * tau;
            var (ru, rv, rw) = FusedStage(axis, weight, t0 + rate * _cPrev * tau, first: false, 0, co.Mu, co.Nu, omn, gt,
                _pu, _pv, _pw, _qu, _qv, _qw, ou, ov, ow, mt);
            double nbU = co.Mu * _pbU + co.Nu * _qbU + mt * ru + co.GammaTilde * _lbU;
            double nbV = co.Mu * _pbV + co.Nu * _qbV + mt * rv + co.GammaTilde * _lbV;
            double nbW = co.Mu * _pbW + co.Nu * _qbW + mt * rw + co.GammaTilde * _lbW;
            _qbU = _pbU; _qbV = _pbV; _qbW = _pbW;
            _pbU = nbU; _pbV = nbV; _pbW = nbW;
            double cNew = co.Mu * _cPrev + co.Nu * _cPrev2 + co.MuTilde + co.GammaTilde;
            _cPrev2 = _cPrev; _cPrev = cNew;
            _qu = _pu; _qv = _pv; _qw = _pw;
            _pu = ou; _pv = ov; _pw = ow;
        }

        if (j == s)
        {
            // Y_s becomes the state; the other two arrays become the work arrays.
            double[] oldU = _u, oldV = _v, oldW = _w;
            _u = _pu; _v = _pv; _w = _pw;
            (_au, _bu) = OtherTwo(oldU, _au, _bu, _u);
            (_av, _bv) = OtherTwo(oldV, _av, _bv, _v);
            (_aw, _bw) = OtherTwo(oldW, _aw, _bw, _w);
            _budgetU += _pbU * _vol; _budgetV += _pbV * _vol; _budgetW += _pbW * _vol;
            SetHaloTarget(_u, _v, _w);
        }
        else SetHaloTarget(_pu, _pv, _pw);
    }

    private void EnsureIdle()
    {
        if (_plan is not null) throw new InvalidOperationException("a step is in progress");
    }

    private void SetHaloTarget(double[] u, double[] v, double[] w)
    {
        _hu = u; _hv = v; _hw = w;
    }

    private static (double[], double[]) OtherTwo(double[] x, double[] y, double[] z, double[] taken) =>
        ReferenceEquals(taken, x) ? (y, z) : ReferenceEquals(taken, y) ? (x, z) : (x, y);

    private static (double, double[]?) SourceStorage(ISourceTerm? source, int cells) => source switch
    {
        null => (0.0, null),                   // an absent source adds 0
        ConstantSource c => (c.Value, null),   // Fill would write Value into every cell
        _ => (0.0, new double[cells]),
    };

    private void FillSources(double t)
    {
        if (_ru is not null) _problem.SourceU.Fill(t, _xs, _ys, _ru);
        if (_rv is not null) _problem.SourceV!.Fill(t, _xs, _ys, _rv);
        if (_rw is not null) _problem.SourceW!.Fill(t, _xs, _ys, _rw);
    }

    // ---------------------------------------------------------------- the stage kernel

    /// <summary>
    /// One RKL2 stage in one pass over the patch, row by row: the taxis fluxes of the row's faces, then per cell
    /// F = F_axis(t, Y) (D ∂²q along the axis − ∂(χ u ∂v) along the axis for u, + weight × (reactions + sources)) from
    /// <c>y*</c> (the previous stage), and at once the stage update:
    /// <list type="bullet">
    /// <item><paramref name="first"/>: <c>x* = F</c> (F(Y0), kept) and <c>o* = y* + m·F</c> (Y1);</item>
    /// <item>otherwise <c>o* = μ y* + ν x* + (1−μ−ν) Y0 + μ̃τ·F + γ̃τ·F(Y0)</c> with x* = Y_{j−2} (o* may be x*: each
    /// cell reads its own old value before writing it).</item>
    /// </list>
    /// Returns the sums over cells (row-major order) of the weighted reaction + source parts. Every value is the
    /// same expression, evaluated in the same order, as a cell-by-cell evaluation (the 4-wide SIMD lanes and the
    /// scalar remainder do identical IEEE operations; no fused multiply-add), so results do not depend on the
    /// partition or on where a cell falls in a SIMD vector.
    /// </summary>
    private (double U, double V, double W) FusedStage(int axis, double weight, double t, bool first, double m,
        double mu, double nu, double omn, double gt,
        double[] yu, double[] yv, double[] yw, double[] xu, double[] xv, double[] xw, double[] ou, double[] ov, double[] ow,
        double mt = 0)
    {
        FillSources(t);
        int off;
        double h;
        if (axis == 0) { off = 1; h = _hx; }
        else { off = _stride; h = _hy; }
        var k = new RowConstants
        {
            First = first, Off = off, H = h, Weight = weight,
            Cu = _du / (h * h), Cv = _dv / (h * h), Cw = _dw / (h * h),
            M = m, Mu = mu, Nu = nu, Omn = omn, Mt = mt, Gt = gt,
        };
        var sums = new Sums();
        double[] lo = _faceLo, hi = _faceHi;
        // Cells computed: the interior plus _extension ghost cells beyond each side of the axis that faces a block
        // (they stand for the neighbour's cells, computed as the neighbour computes them); only interior cells enter
        // the sums, in row-major order.
        int e = _extension;
        if (axis == 0)
        {
            int i0 = _nbXLow ? -e : 0, i1 = _nx + (_nbXHigh ? e : 0);
            int er = _rowExtension, j0 = _nbYLow ? -er : 0, j1 = _ny + (_nbYHigh ? er : 0);
            if (er > 0) MirrorWallColumns(j0, j1);
            for (int j = j0; j < j1; j++)
            {
                // faces i0..i1 of row j: cell i has faces i, i+1, at lo[i - i0] and lo[i - i0 + 1]
                FaceRow(yu, yv, _p.Index(i0, j), 1, i1 - i0 + 1, _hx, lo);
                Row(j, i0, i1, in k, ref sums, lo, -i0, lo, 1 - i0, yu, yv, yw, xu, xv, xw, ou, ov, ow);
            }
        }
        else
        {
            int j0 = _nbYLow ? -e : 0, j1 = _ny + (_nbYHigh ? e : 0);
            FaceRow(yu, yv, _p.Index(0, j0), _stride, _nx, _hy, lo); // the face row below row j0
            for (int j = j0; j < j1; j++)
            {
                FaceRow(yu, yv, _p.Index(0, j + 1), _stride, _nx, _hy, hi); // face row j+1 (above row j)
                Row(j, 0, _nx, in k, ref sums, lo, 0, hi, 0, yu, yv, yw, xu, xv, xw, ou, ov, ow);
                (lo, hi) = (hi, lo);
            }
        }
        return (sums.U, sums.V, sums.W);
    }

    private struct Sums
    {
        public double U, V, W;
    }

    private struct RowConstants
    {
        public bool First;
        public int Off;
        public double H, Weight, Cu, Cv, Cw, M, Mu, Nu, Omn, Mt, Gt;
    }

    /// <summary>
    /// The cells i0 ≤ i &lt; i1 of row <paramref name="j"/> (ghost cells allowed); cell i's taxis fluxes are lo[loOff + i]
    /// (low face) and hi[hiOff + i] (high face). Only the interior cells of an interior row enter the sums.
    /// </summary>
    private void Row(int j, int i0, int i1, in RowConstants k, ref Sums sums, double[] lo, int loOff, double[] hi, int hiOff,
        double[] yu, double[] yv, double[] yw, double[] xu, double[] xv, double[] xw, double[] ou, double[] ov, double[] ow)
    {
        bool interiorRow = j >= 0 && j < _ny;
        if (i0 < 0) Cells(j, i0, 0, false, in k, ref sums, lo, loOff, hi, hiOff, yu, yv, yw, xu, xv, xw, ou, ov, ow);
        Cells(j, 0, _nx, interiorRow, in k, ref sums, lo, loOff, hi, hiOff, yu, yv, yw, xu, xv, xw, ou, ov, ow);
        if (i1 > _nx) Cells(j, _nx, i1, false, in k, ref sums, lo, loOff, hi, hiOff, yu, yv, yw, xu, xv, xw, ou, ov, ow);
    }

    /// <summary>Cells i0 ≤ i &lt; i1 of row <paramref name="j"/>; <paramref name="sum"/>: add their reaction parts to the sums, in order.</summary>
    private void Cells(int j, int i0, int i1, bool sum, in RowConstants k, ref Sums sums, double[] lo, int loOff, double[] hi, int hiOff,
        double[] yu, double[] yv, double[] yw, double[] xu, double[] xv, double[] xw, double[] ou, double[] ov, double[] ow)
    {
        int nx = i1 - i0, c0 = _p.Index(i0, j), r0 = c0, off = k.Off;
        loOff += i0; hiOff += i0;
        if (c0 - off < 0 || c0 + off + nx > yu.Length || loOff < 0 || hiOff < 0 || loOff + nx > lo.Length || hiOff + nx > hi.Length)
            throw new InvalidOperationException("stencil out of range");
        ref double pu = ref MemoryMarshal.GetArrayDataReference(yu);
        ref double pv = ref MemoryMarshal.GetArrayDataReference(yv);
        ref double pw = ref MemoryMarshal.GetArrayDataReference(yw);
        ref double qu = ref MemoryMarshal.GetArrayDataReference(xu);
        ref double qv = ref MemoryMarshal.GetArrayDataReference(xv);
        ref double qw = ref MemoryMarshal.GetArrayDataReference(xw);
        ref double su = ref MemoryMarshal.GetArrayDataReference(ou);
        ref double sv = ref MemoryMarshal.GetArrayDataReference(ov);
        ref double sw = ref MemoryMarshal.GetArrayDataReference(ow);
        ref double zu = ref MemoryMarshal.GetArrayDataReference(_u); // Y0 (read only when !First)
        ref double zv = ref MemoryMarshal.GetArrayDataReference(_v);
        ref double zw = ref MemoryMarshal.GetArrayDataReference(_w);
        ref double lu = ref MemoryMarshal.GetArrayDataReference(_lu); // F(Y0) (read only when !First)
        ref double lv = ref MemoryMarshal.GetArrayDataReference(_lv);
        ref double lw = ref MemoryMarshal.GetArrayDataReference(_lw);
        ref double fl = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(lo), loOff);
        ref double fh = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(hi), hiOff);
        // Sources: an array row, or the constant (a stride-0 "row").
        ref double ru = ref _ru is null ? ref Unsafe.AsRef(in _su) : ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_ru), r0);
        ref double rv = ref _rv is null ? ref Unsafe.AsRef(in _sv) : ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_rv), r0);
        ref double rw = ref _rw is null ? ref Unsafe.AsRef(in _sw) : ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_rw), r0);
        bool aru = _ru is not null, arv = _rv is not null, arw = _rw is not null;

        double h = k.H, weight = k.Weight, cu = k.Cu, cv = k.Cv, cw = k.Cw;
        double nd1 = -_d1, nd2 = -_d2, nd3 = -_d3, beta = _beta, kk = _k;
        double mm = k.M, mu = k.Mu, nu = k.Nu, omn = k.Omn, mt = k.Mt, gt = k.Gt;
        bool first = k.First;
        double sU = sums.U, sV = sums.V, sW = sums.W;

        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vec vh = Vector256.Create(h), vweight = Vector256.Create(weight), vcu = Vector256.Create(cu), vcv = Vector256.Create(cv), vcw = Vector256.Create(cw);
            Vec vnd1 = Vector256.Create(nd1), vnd2 = Vector256.Create(nd2), vnd3 = Vector256.Create(nd3), vbeta = Vector256.Create(beta), vk = Vector256.Create(kk);
            Vec vm = Vector256.Create(mm), vmu = Vector256.Create(mu), vnu = Vector256.Create(nu), vomn = Vector256.Create(omn), vmt = Vector256.Create(mt), vgt = Vector256.Create(gt);
            Vec cru = Vector256.Create(ru), crv = Vector256.Create(rv), crw = Vector256.Create(rw);
            for (; i <= nx - Vec.Count; i += Vec.Count)
            {
                nuint c = (nuint)(c0 + i), cm = (nuint)(c0 + i - off), cp = (nuint)(c0 + i + off), ni = (nuint)i;
                Vec u = Vector256.LoadUnsafe(ref pu, c), v = Vector256.LoadUnsafe(ref pv, c), w = Vector256.LoadUnsafe(ref pw, c);
                Vec div = (Vector256.LoadUnsafe(ref fh, ni) - Vector256.LoadUnsafe(ref fl, ni)) / vh;
                Vec infection = vbeta * u * w;
                Vec reU = vweight * (vnd1 * u - infection + (aru ? Vector256.LoadUnsafe(ref ru, ni) : cru));
                Vec reV = vweight * (vnd2 * v + infection + (arv ? Vector256.LoadUnsafe(ref rv, ni) : crv));
                Vec reW = vweight * (vnd3 * w + vk * v + (arw ? Vector256.LoadUnsafe(ref rw, ni) : crw));
                if (sum)
                {
                    sU += reU.GetElement(0); sU += reU.GetElement(1); sU += reU.GetElement(2); sU += reU.GetElement(3);
                    sV += reV.GetElement(0); sV += reV.GetElement(1); sV += reV.GetElement(2); sV += reV.GetElement(3);
                    sW += reW.GetElement(0); sW += reW.GetElement(1); sW += reW.GetElement(2); sW += reW.GetElement(3);
                }
                Vec fu = vcu * ((Vector256.LoadUnsafe(ref pu, cp) - u) - (u - Vector256.LoadUnsafe(ref pu, cm))) - div + reU;
                Vec fv = vcv * ((Vector256.LoadUnsafe(ref pv, cp) - v) - (v - Vector256.LoadUnsafe(ref pv, cm))) + reV;
                Vec fw = vcw * ((Vector256.LoadUnsafe(ref pw, cp) - w) - (w - Vector256.LoadUnsafe(ref pw, cm))) + reW;
                if (first)
                {
                    Vector256.StoreUnsafe(fu, ref qu, c); Vector256.StoreUnsafe(u + vm * fu, ref su, c);
                    Vector256.StoreUnsafe(fv, ref qv, c); Vector256.StoreUnsafe(v + vm * fv, ref sv, c);
                    Vector256.StoreUnsafe(fw, ref qw, c); Vector256.StoreUnsafe(w + vm * fw, ref sw, c);
                }
                else
                {
                    Vector256.StoreUnsafe(vmu * u + vnu * Vector256.LoadUnsafe(ref qu, c) + vomn * Vector256.LoadUnsafe(ref zu, c) + vmt * fu + vgt * Vector256.LoadUnsafe(ref lu, c), ref su, c);
                    Vector256.StoreUnsafe(vmu * v + vnu * Vector256.LoadUnsafe(ref qv, c) + vomn * Vector256.LoadUnsafe(ref zv, c) + vmt * fv + vgt * Vector256.LoadUnsafe(ref lv, c), ref sv, c);
                    Vector256.StoreUnsafe(vmu * w + vnu * Vector256.LoadUnsafe(ref qw, c) + vomn * Vector256.LoadUnsafe(ref zw, c) + vmt * fw + vgt * Vector256.LoadUnsafe(ref lw, c), ref sw, c);
                }
            }
        }
        for (; i < nx; i++)
        {
            int c = c0 + i;
            double u = Unsafe.Add(ref pu, c), v = Unsafe.Add(ref pv, c), w = Unsafe.Add(ref pw, c);
            double div = (Unsafe.Add(ref fh, i) - Unsafe.Add(ref fl, i)) / h;
            double infection = beta * u * w;
            double reU = weight * (nd1 * u - infection + (aru ? Unsafe.Add(ref ru, i) : ru));
            double reV = weight * (nd2 * v + infection + (arv ? Unsafe.Add(ref rv, i) : rv));
            double reW = weight * (nd3 * w + kk * v + (arw ? Unsafe.Add(ref rw, i) : rw));
            if (sum) { sU += reU; sV += reV; sW += reW; }
            double fu = cu * ((Unsafe.Add(ref pu, c + off) - u) - (u - Unsafe.Add(ref pu, c - off))) - div + reU;
            double fv = cv * ((Unsafe.Add(ref pv, c + off) - v) - (v - Unsafe.Add(ref pv, c - off))) + reV;
            double fw = cw * ((Unsafe.Add(ref pw, c + off) - w) - (w - Unsafe.Add(ref pw, c - off))) + reW;
            if (first)
            {
                Unsafe.Add(ref qu, c) = fu; Unsafe.Add(ref su, c) = u + mm * fu;
                Unsafe.Add(ref qv, c) = fv; Unsafe.Add(ref sv, c) = v + mm * fv;
                Unsafe.Add(ref qw, c) = fw; Unsafe.Add(ref sw, c) = w + mm * fw;
            }
            else
            {
                Unsafe.Add(ref su, c) = mu * u + nu * Unsafe.Add(ref qu, c) + omn * Unsafe.Add(ref zu, c) + mt * fu + gt * Unsafe.Add(ref lu, c);
                Unsafe.Add(ref sv, c) = mu * v + nu * Unsafe.Add(ref qv, c) + omn * Unsafe.Add(ref zv, c) + mt * fv + gt * Unsafe.Add(ref lv, c);
                Unsafe.Add(ref sw, c) = mu * w + nu * Unsafe.Add(ref qw, c) + omn * Unsafe.Add(ref zw, c) + mt * fw + gt * Unsafe.Add(ref lw, c);
            }
        }
        sums.U = sU; sums.V = sV; sums.W = sW;
    }

    /// <summary>
    /// Taxis fluxes of <paramref name="count"/> faces into <paramref name="faces"/>: face n lies between the cells at
    /// storage indices c − d and c (c = <paramref name="c0"/> + n; d = 1 for x faces, the stride for y faces).
    /// </summary>
    private void FaceRow(double[] u, double[] v, int c0, int d, int count, double h, double[] faces)
    {
        if (_chi == 0.0)
        {
            Array.Clear(faces, 0, count);
            return;
        }
        if (c0 - 2 * d < 0 || c0 + (count - 1) + d >= u.Length || count > faces.Length)
            throw new InvalidOperationException("stencil out of range");
        int n = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            if (_limiter == SlopeLimiter.VanLeer) n = FaceRowSimd<VanLeerSlope>(u, v, c0, d, count, h, faces);
            else if (_limiter == SlopeLimiter.Minmod) n = FaceRowSimd<MinmodSlope>(u, v, c0, d, count, h, faces);
        }
        for (; n < count; n++)
        {
            int c = c0 + n;
            faces[n] = FaceFlux(u[c - 2 * d], u[c - d], u[c], u[c + d], v[c - d], v[c], h);
        }
    }

    /// <summary>The vector part of <see cref="FaceRow"/> (the same arithmetic as <see cref="FaceFlux"/>, lane by lane); returns the faces done.</summary>
    private int FaceRowSimd<TLimiter>(double[] u, double[] v, int c0, int d, int count, double h, double[] faces)
        where TLimiter : struct, ISlope
    {
        ref double pu = ref MemoryMarshal.GetArrayDataReference(u);
        ref double pv = ref MemoryMarshal.GetArrayDataReference(v);
        ref double pf = ref MemoryMarshal.GetArrayDataReference(faces);
        Vec chi = Vector256.Create(_chi), vh = Vector256.Create(h), half = Vector256.Create(0.5);
        int n = 0;
        for (; n <= count - Vec.Count; n += Vec.Count)
        {
            nuint c = (nuint)(c0 + n), dd = (nuint)d;
            Vec um2 = Vector256.LoadUnsafe(ref pu, c - 2 * dd), um1 = Vector256.LoadUnsafe(ref pu, c - dd);
            Vec up0 = Vector256.LoadUnsafe(ref pu, c), up1 = Vector256.LoadUnsafe(ref pu, c + dd);
            Vec a = chi * (Vector256.LoadUnsafe(ref pv, c) - Vector256.LoadUnsafe(ref pv, c - dd)) / vh;
            Vec pos = a * (um1 + half * TLimiter.Limit(um1 - um2, up0 - um1));
            Vec neg = a * (up0 - half * TLimiter.Limit(up0 - um1, up1 - up0));
            Vec flux = Vector256.ConditionalSelect(Vector256.GreaterThan(a, Vec.Zero), pos,
                Vector256.ConditionalSelect(Vector256.LessThan(a, Vec.Zero), neg, Vec.Zero));
            Vector256.StoreUnsafe(flux, ref pf, (nuint)n);
        }
        return n;
    }

    /// <summary>A slope limiter on 4 lanes, lane by lane equal to <see cref="Limiters.Limit"/>.</summary>
    private interface ISlope
    {
        static abstract Vec Limit(Vec a, Vec b);
    }

    private struct VanLeerSlope : ISlope
    {
        // a·b ≤ 0 → 0, else 2·a·b/(a + b)
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vec Limit(Vec a, Vec b) =>
            Vector256.ConditionalSelect(Vector256.LessThanOrEqual(a * b, Vec.Zero), Vec.Zero, Vector256.Create(2.0) * a * b / (a + b));
    }

    private struct MinmodSlope : ISlope
    {
        // a·b ≤ 0 → 0, else |a| < |b| ? a : b
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vec Limit(Vec a, Vec b) =>
            Vector256.ConditionalSelect(Vector256.LessThanOrEqual(a * b, Vec.Zero), Vec.Zero,
                Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(a), Vector256.Abs(b)), a, b));
    }

    /// <summary>Upwind MUSCL taxis flux a·u_face across the face between cells "m1" and "p0", a = χ (v_p0 − v_m1)/h.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double FaceFlux(double um2, double um1, double up0, double up1, double vm1, double vp0, double h)
    {
        double a = _chi * (vp0 - vm1) / h;
        if (a > 0.0) return a * (um1 + 0.5 * Limiters.Limit(_limiter, um1 - um2, up0 - um1));
        if (a < 0.0) return a * (up0 - 0.5 * Limiters.Limit(_limiter, up0 - um1, up1 - up0));
        return 0.0;
    }
}
