using System.Runtime.CompilerServices;
using ActorSim.Numerics.Grid;

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
    /// <summary>Ghost layers per side (MUSCL needs two cells on each side of a face).</summary>
    public const int GhostWidth = 2;

    private readonly VirusPdeProblem _problem;
    private readonly PatchLayout _p;
    private readonly int _dim, _nx, _ny, _stride;
    private readonly double _hx, _hy, _vol;
    private readonly double _du, _dv, _dw, _chi, _d1, _d2, _d3, _beta, _k;
    private readonly SlopeLimiter _limiter;
    private readonly double[] _xc, _yc;

    // State and work arrays (ghosted). _u,_v,_w is the current state (= Y0 during a step); _a*, _b* are work
    // arrays whose roles rotate during the RKL2 stages; _l* hold F(Y0); _f* hold F(Y_{j-1}).
    private double[] _u, _v, _w, _au, _av, _aw, _bu, _bv, _bw;
    // (The state arrays are swapped, never copied, at the end of each RKL2 substep.)
    private readonly double[] _lu, _lv, _lw, _fu, _fv, _fw;
    private readonly double[] _fx, _fy;        // taxis face fluxes
    private readonly double[] _ru, _rv, _rw;   // sources at the current stage time (interior, row-major)

    // Field the next stage reads (target of halo operations) and RKL2 bookkeeping.
    private double[] _hu, _hv, _hw;
    private double[] _pu = null!, _pv = null!, _pw = null!; // Y_{j-1}
    private double[] _qu = null!, _qv = null!, _qw = null!; // Y_{j-2}
    private StepPlan? _plan;
    private int _next;
    private double _cPrev, _cPrev2; // stage times c_{j-1}, c_{j-2} (fractions of the substep)
    // Reaction budget: cumulative, and the RKL2 recursion of the current step (per species: stage j-1, j-2, F(Y0)).
    private double _budgetU, _budgetV, _budgetW;
    private double _pbU, _pbV, _pbW, _qbU, _qbV, _qbW, _lbU, _lbV, _lbW;

    /// <summary>Creates the kernel of block <paramref name="block"/> of <paramref name="layout"/>; all fields start at 0.</summary>
    public VirusSubdomain(VirusPdeProblem problem, BlockLayout layout, int block)
    {
        if (!ReferenceEquals(problem.Grid, layout.Grid) && problem.Grid != layout.Grid)
            throw new ArgumentException("layout and problem use different grids");
        _problem = problem;
        Layout = layout;
        Block = block;
        var g = problem.Grid;
        _p = layout.Patch(block, GhostWidth);
        _dim = g.Dimension; _nx = _p.Nx; _ny = _p.Ny; _stride = _p.Stride;
        _hx = g.Hx; _hy = g.Hy; _vol = g.CellVolume;
        var pr = problem.Parameters;
        _du = pr.Du; _dv = pr.Dv; _dw = pr.Dw; _chi = pr.Chi;
        _d1 = pr.Reaction.D1; _d2 = pr.Reaction.D2; _d3 = pr.Reaction.D3; _beta = pr.Reaction.Beta; _k = pr.Reaction.K;
        _limiter = problem.Limiter;

        _xc = new double[_nx];
        for (int i = 0; i < _nx; i++) _xc[i] = g.XCentre(_p.I0 + i);
        _yc = new double[_ny];
        for (int j = 0; j < _ny; j++) _yc[j] = g.YCentre(_p.J0 + j);

        int n = _p.Length;
        _u = new double[n]; _v = new double[n]; _w = new double[n];
        _au = new double[n]; _av = new double[n]; _aw = new double[n];
        _bu = new double[n]; _bv = new double[n]; _bw = new double[n];
        _lu = new double[n]; _lv = new double[n]; _lw = new double[n];
        _fu = new double[n]; _fv = new double[n]; _fw = new double[n];
        _fx = new double[(_nx + 1) * _ny];
        _fy = _dim == 2 ? new double[_nx * (_ny + 1)] : Array.Empty<double>();
        _ru = new double[_p.InteriorCount]; _rv = new double[_p.InteriorCount]; _rw = new double[_p.InteriorCount];
        _hu = _u; _hv = _v; _hw = _w;
    }

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
        for (int j = 0; j < _ny; j++)
            for (int i = 0; i < _nx; i++)
            {
                var q = f(_xc[i], _yc[j]);
                int c = _p.Index(i, j);
                _u[c] = q.U; _v[c] = q.V; _w[c] = q.W;
            }
    }

    // ---------------------------------------------------------------- halos

    /// <summary>Doubles in the halo message across <paramref name="side"/> (3 species × ghost layers × side length).</summary>
    public int HaloLength(Side side) => 3 * _p.HaloValues(side);

    /// <summary>
    /// Writes the interior layers next to <paramref name="side"/> of the field the next stage reads, as
    /// [species u,v,w][layer 0 = adjacent to the side .. G−1][position along the side].
    /// </summary>
    public void ExtractHalo(Side side, Span<double> buffer)
    {
        int along = CheckHalo(side, buffer.Length);
        int o = 0;
        for (int s = 0; s < 3; s++)
        {
            var f = HaloField(s);
            for (int l = 0; l < GhostWidth; l++)
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
        int along = CheckHalo(side, buffer.Length);
        int o = 0;
        for (int s = 0; s < 3; s++)
        {
            var f = HaloField(s);
            for (int l = 0; l < GhostWidth; l++)
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
        int along = _p.HaloValues(side) / GhostWidth;
        for (int s = 0; s < 3; s++)
        {
            var f = HaloField(s);
            for (int l = 0; l < GhostWidth; l++)
                for (int m = 0; m < along; m++)
                    f[GhostIndex(side, l, m)] = f[InteriorIndex(side, l, m)];
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

    private int CheckHalo(Side side, int length)
    {
        if (side.Axis() >= _dim) throw new ArgumentException("no such side in this dimension", nameof(side));
        int per = _p.HaloValues(side);
        if (length != 3 * per) throw new ArgumentException($"halo buffer must hold {3 * per} values");
        return per / GhostWidth;
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
        RklStage(axis, s, j, tau, t0, rate, weight);

        if (k == plan.StageCount)
        {
            SetHaloTarget(_u, _v, _w);
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
            var (ru, rv, rw) = EvaluateRhs(axis, weight, t0, _u, _v, _w, _lu, _lv, _lw);
            double m = co.MuTilde * tau;
            for (int jj = 0; jj < _ny; jj++)
                for (int i = 0; i < _nx; i++)
                {
                    int c = _p.Index(i, jj);
                    _au[c] = _u[c] + m * _lu[c];
                    _av[c] = _v[c] + m * _lv[c];
                    _aw[c] = _w[c] + m * _lw[c];
                }
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
            var (ru, rv, rw) = EvaluateRhs(axis, weight, t0 + rate * _cPrev * tau, _pu, _pv, _pw, _fu, _fv, _fw);
            Combine(ou, _pu, _qu, _u, _lu, _fu, co.Mu, co.Nu, omn, mt, gt);
            Combine(ov, _pv, _qv, _v, _lv, _fv, co.Mu, co.Nu, omn, mt, gt);
            Combine(ow, _pw, _qw, _w, _lw, _fw, co.Mu, co.Nu, omn, mt, gt);
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

    private void Combine(double[] outp, double[] p, double[] q, double[] y0, double[] l0, double[] f,
        double mu, double nu, double omn, double muTildeDt, double gammaTildeDt)
    {
        for (int j = 0; j < _ny; j++)
            for (int i = 0; i < _nx; i++)
            {
                int c = _p.Index(i, j);
                outp[c] = mu * p[c] + nu * q[c] + omn * y0[c] + muTildeDt * f[c] + gammaTildeDt * l0[c];
            }
    }

    private void FillSources(double t)
    {
        _problem.SourceU.Fill(t, _xc, _yc, _ru);
        if (_problem.SourceV is { } sv) sv.Fill(t, _xc, _yc, _rv);
        if (_problem.SourceW is { } sw) sw.Fill(t, _xc, _yc, _rw);
    }

    /// <summary>
    /// F_axis(t, y) into (fu, fv, fw) on interior cells: D ∂²q along the axis − ∂(χ u ∂v) along the axis (u only)
    /// + weight × (reactions + sources). Returns the sums over cells of the weighted reaction + source parts (what
    /// changes the integrals).
    /// </summary>
    private (double U, double V, double W) EvaluateRhs(int axis, double weight, double t, double[] yu, double[] yv, double[] yw,
        double[] fu, double[] fv, double[] fw)
    {
        FillSources(t);
        int off;
        double h, faceRow;
        if (axis == 0)
        {
            ComputeTaxisFluxesX(yu, yv);
            off = 1; h = _hx; faceRow = _nx + 1;
        }
        else
        {
            ComputeTaxisFluxesY(yu, yv);
            off = _stride; h = _hy; faceRow = _nx;
        }
        double cu = _du / (h * h), cv = _dv / (h * h), cw = _dw / (h * h);
        double[] flux = axis == 0 ? _fx : _fy;
        double sumU = 0, sumV = 0, sumW = 0;
        for (int j = 0; j < _ny; j++)
            for (int i = 0; i < _nx; i++)
            {
                int c = _p.Index(i, j), r = j * _nx + i;
                // x faces: (j, i) and (j, i+1) in rows of Nx+1; y faces: (j, i) and (j+1, i) in rows of Nx.
                int f0 = axis == 0 ? j * (_nx + 1) + i : j * _nx + i;
                int f1 = axis == 0 ? f0 + 1 : f0 + _nx;
                double div = (flux[f1] - flux[f0]) / h;
                double u = yu[c], v = yv[c], w = yw[c];
                double infection = _beta * u * w;
                double reU = weight * (-_d1 * u - infection + _ru[r]);
                double reV = weight * (-_d2 * v + infection + _rv[r]);
                double reW = weight * (-_d3 * w + _k * v + _rw[r]);
                sumU += reU; sumV += reV; sumW += reW;
                fu[c] = cu * ((yu[c + off] - u) - (u - yu[c - off])) - div + reU;
                fv[c] = cv * ((yv[c + off] - v) - (v - yv[c - off])) + reV;
                fw[c] = cw * ((yw[c + off] - w) - (w - yw[c - off])) + reW;
            }
        return (sumU, sumV, sumW);
    }

    private void ComputeTaxisFluxesX(double[] u, double[] v)
    {
        if (_chi == 0.0)
        {
            Array.Clear(_fx);
            return;
        }
        int fxRow = _nx + 1;
        for (int j = 0; j < _ny; j++)
            for (int f = 0; f <= _nx; f++)
            {
                int c = _p.Index(f, j); // face f lies between local cells f−1 and f
                _fx[j * fxRow + f] = FaceFlux(u[c - 2], u[c - 1], u[c], u[c + 1], v[c - 1], v[c], _hx);
            }
    }

    private void ComputeTaxisFluxesY(double[] u, double[] v)
    {
        if (_chi == 0.0)
        {
            Array.Clear(_fy);
            return;
        }
        int s = _stride;
        for (int f = 0; f <= _ny; f++)
            for (int i = 0; i < _nx; i++)
            {
                int c = _p.Index(i, f); // face f lies between local rows f−1 and f
                _fy[f * _nx + i] = FaceFlux(u[c - 2 * s], u[c - s], u[c], u[c + s], v[c - s], v[c], _hy);
            }
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
