using ActorSim.Numerics.Virus.Kinetic;

namespace ActorSim.Bench;

/// <summary>
/// A frozen copy of the 1D AP slab as it was before issue 14 (commit f831f61: first-order upwinded micro transport,
/// separate micro, wall and macro passes over jagged arrays with per-interface scratch), kept in the bench only so that
/// <c>kinetic-ap</c> can time the previous kernel against the current one in the same run. Not used by the product.
/// </summary>
internal sealed class LegacyMicroMacroSlab1D
{
    private const int S = KineticVirusParameters.SpeciesCount;
    private readonly KineticVirusParameters _p;
    private readonly double _eps, _dx, _taxisBias, _m;
    private readonly int _n, _k;
    private readonly double[] _velocity;   // [s*K + k]
    private readonly double[] _sigma;      // [s]
    private readonly int[] _reflect;       // k -> index of -v_k
    private double[][] _rho, _rhoNew;      // [s][n + 2]
    private double[][] _g, _gNew;          // [s*K + k][n + 3]
    private readonly double[][] _flux;     // [s][n + 1], scratch
    private readonly double[] _s13;        // [n + 1], scratch: Σ_k g1_k g3_k
    private readonly double[] _transport;  // [s*K + k], scratch for one interface
    private bool _leftFresh, _rightFresh;

    /// <summary>Creates slab <paramref name="blockIndex"/> owning <paramref name="cellCount"/> cells from <paramref name="firstCell"/>; all densities start at 0, g at 0.</summary>
    public LegacyMicroMacroSlab1D(KineticGrid1D grid, KineticVirusParameters parameters, double epsilon, int blockIndex, int firstCell, int cellCount)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive");
        if (cellCount < 1 || firstCell < 0 || firstCell + cellCount > grid.CellCount) throw new ArgumentOutOfRangeException(nameof(cellCount));
        Grid = grid; _p = parameters; _eps = epsilon; BlockIndex = blockIndex; FirstCell = firstCell; _n = cellCount;
        _dx = grid.Dx;
        var unit = DiscreteVelocitySet.OneDimensional(1.0);
        _k = unit.Count;
        _m = unit.Equilibrium;
        _reflect = new int[_k];
        for (int k = 0; k < _k; k++) _reflect[k] = unit.Reflect(k, 0);
        _velocity = new double[S * _k];
        _sigma = new double[S];
        for (int s = 0; s < S; s++)
        {
            var tr = parameters.Species(s);
            _sigma[s] = tr.TurningRate;
            for (int k = 0; k < _k; k++) _velocity[s * _k + k] = tr.Speed * unit.Vx[k];
        }
        _taxisBias = parameters.TaxisBias(1);
        _rho = Jagged(S, _n + 2); _rhoNew = Jagged(S, _n + 2);
        _g = Jagged(S * _k, _n + 3); _gNew = Jagged(S * _k, _n + 3);
        _flux = Jagged(S, _n + 1);
        _s13 = new double[_n + 1];
        _transport = new double[S * _k];
    }

    /// <summary>The global grid.</summary>
    public KineticGrid1D Grid { get; }

    /// <summary>Index of this slab (its rank in the fixed reduction order).</summary>
    public int BlockIndex { get; }

    /// <summary>Global index of the first owned cell.</summary>
    public int FirstCell { get; }

    /// <summary>Number of owned cells.</summary>
    public int CellCount => _n;

    /// <summary>Number of velocities per species (2 in 1D).</summary>
    public int VelocityCount => _k;

    /// <summary>Parabolic scaling parameter ε.</summary>
    public double Epsilon => _eps;

    /// <summary>True if the slab touches x = 0 and the boundary is reflecting.</summary>
    public bool HasLeftWall => Grid.Boundary == KineticBoundary.Reflecting && FirstCell == 0;

    /// <summary>True if the slab touches x = L and the boundary is reflecting.</summary>
    public bool HasRightWall => Grid.Boundary == KineticBoundary.Reflecting && FirstCell + _n == Grid.CellCount;

    /// <summary>Number of doubles exchanged per side and step: 3 ghost densities + 3K ghost g values.</summary>
    public int HaloLength => S + S * _k;

    /// <summary>Number of doubles of owned state (for checkpoints): 3 N densities + 3 K (N+1) g values.</summary>
    public int StateLength => S * _n + S * _k * (_n + 1);

    /// <summary>Density ρ_i (per length) of the owned cells.</summary>
    public ReadOnlySpan<double> Density(int species) => _rho[species].AsSpan(1, _n);

    /// <summary>Non-equilibrium part g_i,k on the owned interfaces (f_i,k = ρ_i M + ε g_i,k).</summary>
    public ReadOnlySpan<double> Perturbation(int species, int velocity) => _g[species * _k + velocity].AsSpan(1, _n + 1);

    /// <summary>
    /// Sets the owned densities of one species and puts it on the equilibrium manifold (g = 0, i.e.
    /// f = ρ M). <paramref name="density"/> has CellCount entries.
    /// </summary>
    public void SetEquilibrium(int species, ReadOnlySpan<double> density)
    {
        if (density.Length != _n) throw new ArgumentException("need one value per owned cell", nameof(density));
        density.CopyTo(_rho[species].AsSpan(1, _n));
        for (int k = 0; k < _k; k++) Array.Clear(_g[species * _k + k]);
        _leftFresh = _rightFresh = false;
    }

    /// <summary>
    /// Well-prepared initial data: sets the owned densities from the global arrays (one value per grid cell, all
    /// three species) and g on every owned interface to the first-order Chapman–Enskog term, the balance of the
    /// micro equation at leading order in ε: σ_i g_i,k = −(v_k M ∂x ρ_i − [i = u] σ_u a v_k M ∂x ρ_v ρ̄_u), i.e.
    /// f = ρ M + ε g⁰ (the discrete gradients and averages of <see cref="Step"/>; walls mirror the boundary cell,
    /// giving g⁰ = 0 there). The macroscopic flux Σ_k v_k g⁰ is then the diffusion limit's −D ∂x ρ (+ taxis), and
    /// the initial layer of g is O(ε) instead of the O(1) of equilibrium data (g = 0).
    /// </summary>
    public void SetWellPrepared(ReadOnlySpan<double> u, ReadOnlySpan<double> v, ReadOnlySpan<double> w)
    {
        int nGlobal = Grid.CellCount;
        if (u.Length != nGlobal || v.Length != nGlobal || w.Length != nGlobal) throw new ArgumentException("need one value per grid cell for each species");
        bool periodic = Grid.Boundary == KineticBoundary.Periodic;
        double invDx = 1.0 / _dx, m = _m, taxisFactor = _sigma[0] * _taxisBias * m;
        for (int i = 0; i < _n; i++)
        {
            _rho[0][i + 1] = u[FirstCell + i]; _rho[1][i + 1] = v[FirstCell + i]; _rho[2][i + 1] = w[FirstCell + i];
        }
        for (int j = 0; j <= _n; j++)
        {
            int right = FirstCell + j, left = right - 1;
            if (left < 0) left = periodic ? nGlobal - 1 : right;
            if (right >= nGlobal) right = periodic ? 0 : left;
            double gradV = (v[right] - v[left]) * invDx, uBar = 0.5 * (u[left] + u[right]);
            for (int sp = 0; sp < S; sp++)
            {
                var rho = sp == 0 ? u : sp == 1 ? v : w;
                double grad = (rho[right] - rho[left]) * invDx;
                for (int k = 0; k < _k; k++)
                {
                    int c = sp * _k + k;
                    double vel = _velocity[c];
                    double drive = vel * m * grad;
                    if (sp == 0) drive -= taxisFactor * vel * gradV * uBar;
                    _g[c][j + 1] = -drive / _sigma[sp];
                }
            }
        }
        _leftFresh = _rightFresh = false;
    }

    /// <summary>
    /// Sets the full kinetic state from cell values f_{i,k}(x_c) on the whole grid, laid out [species][velocity][cell]
    /// (velocity 0 moves right, 1 left): ρ_i = Σ_k f_i,k per cell, and g_i,k = (f_i,k − ρ_i M)/ε per cell averaged
    /// onto the interfaces (periodic: wrapped; at a wall the ghost cell is the mirror image, f_k(ghost) =
    /// f_{R k}(boundary cell)). f = ρ M everywhere gives exactly the equilibrium state (g = 0).
    /// </summary>
    public void SetKinetic(ReadOnlySpan<double> f)
    {
        int nGlobal = Grid.CellCount;
        if (f.Length != S * _k * nGlobal) throw new ArgumentException($"need {S} x {_k} x {nGlobal} values", nameof(f));
        bool periodic = Grid.Boundary == KineticBoundary.Periodic;
        for (int sp = 0; sp < S; sp++)
        {
            for (int i = 0; i < _n; i++) _rho[sp][i + 1] = CellDensity(f, sp, FirstCell + i);
            for (int j = 0; j <= _n; j++)
            {
                int right = FirstCell + j, left = right - 1;
                for (int k = 0; k < _k; k++)
                {
                    double gl, gr;
                    if (left < 0) { gr = CellG(f, sp, right, k); gl = periodic ? CellG(f, sp, nGlobal - 1, k) : CellG(f, sp, right, _reflect[k]); }
                    else if (right >= nGlobal) { gl = CellG(f, sp, left, k); gr = periodic ? CellG(f, sp, 0, k) : CellG(f, sp, left, _reflect[k]); }
                    else { gl = CellG(f, sp, left, k); gr = CellG(f, sp, right, k); }
                    _g[sp * _k + k][j + 1] = 0.5 * (gl + gr);
                }
            }
        }
        _leftFresh = _rightFresh = false;
    }

    private double CellDensity(ReadOnlySpan<double> f, int species, int cell)
    {
        int n = Grid.CellCount;
        double r = 0;
        for (int k = 0; k < _k; k++) r += f[(species * _k + k) * n + cell];
        return r;
    }

    private double CellG(ReadOnlySpan<double> f, int species, int cell, int k) =>
        (f[(species * _k + k) * Grid.CellCount + cell] - CellDensity(f, species, cell) * _m) / _eps;

    /// <summary>Partial mass Σ_i ρ_i Δx of one species over the owned cells, summed in cell order.</summary>
    public double PartialMass(int species)
    {
        double sum = 0;
        var r = _rho[species];
        for (int i = 1; i <= _n; i++) sum += r[i];
        return sum * _dx;
    }

    /// <summary>
    /// Writes what the neighbour on <paramref name="side"/> needs as its ghosts: the densities of the
    /// owned cell on that side and g on the second owned interface from that side. Layout: ρ_0..ρ_2,
    /// then g_{s,k} for s = 0..2, k = 0..K−1.
    /// </summary>
    public void ExtractHalo(HaloSide side, Span<double> buffer)
    {
        if (buffer.Length < HaloLength) throw new ArgumentException("halo buffer too short", nameof(buffer));
        int cell = side == HaloSide.Left ? 1 : _n;       // storage index of owned boundary cell
        int face = side == HaloSide.Left ? 2 : _n;       // storage index of interface 1 or n-1
        for (int s = 0; s < S; s++) buffer[s] = _rho[s][cell];
        for (int c = 0; c < S * _k; c++) buffer[S + c] = _g[c][face];
    }

    /// <summary>Fills the ghosts on <paramref name="side"/> from the neighbour's <see cref="ExtractHalo"/> of the opposite side.</summary>
    public void ApplyHalo(HaloSide side, ReadOnlySpan<double> buffer)
    {
        if (buffer.Length < HaloLength) throw new ArgumentException("halo buffer too short", nameof(buffer));
        int cell = side == HaloSide.Left ? 0 : _n + 1;
        int face = side == HaloSide.Left ? 0 : _n + 2;
        for (int s = 0; s < S; s++) _rho[s][cell] = buffer[s];
        for (int c = 0; c < S * _k; c++) _g[c][face] = buffer[S + c];
        if (side == HaloSide.Left) _leftFresh = true; else _rightFresh = true;
    }

    /// <summary>
    /// Fills the ghosts on <paramref name="side"/> for a specular wall: mirrored densities and
    /// g_k(ghost) = g_{R k}(mirror interface). Only valid where the slab touches a reflecting boundary.
    /// </summary>
    public void ApplyWall(HaloSide side)
    {
        if (side == HaloSide.Left ? !HasLeftWall : !HasRightWall) throw new InvalidOperationException("this side of the slab is not a reflecting wall");
        int ghostCell = side == HaloSide.Left ? 0 : _n + 1, mirrorCell = side == HaloSide.Left ? 1 : _n;
        int ghostFace = side == HaloSide.Left ? 0 : _n + 2, mirrorFace = side == HaloSide.Left ? 2 : _n;
        for (int s = 0; s < S; s++)
        {
            _rho[s][ghostCell] = _rho[s][mirrorCell];
            for (int k = 0; k < _k; k++) _g[s * _k + k][ghostFace] = _g[s * _k + _reflect[k]][mirrorFace];
        }
        if (side == HaloSide.Left) _leftFresh = true; else _rightFresh = true;
    }

    /// <summary>
    /// Advances the slab by one step of length <paramref name="dt"/> (macroscopic time). Micro step on
    /// every owned interface j (transport upwinded and explicit, relaxation implicit):
    /// (ε² + σ Δt) g^{n+1} = ε² g^n − Δt [ ε (I−Π)(v D_up g^n) + v M D ρ^n − σ a v M D s^n ρ̄^n − ε² R^n ],
    /// then the macro step on every owned cell:
    /// ρ^{n+1} = ρ^n − Δt/Δx (J_{i+1} − J_i) + Δt H(ρ^n, ε² &lt;g1 g3&gt;), J = Σ_k v_k g_k^{n+1}.
    /// Both ghost sides must have been refreshed since the previous step.
    /// </summary>
    public void Step(double dt)
    {
        if (!_leftFresh || !_rightFresh) throw new InvalidOperationException("halos must be applied on both sides before each step");
        if (!(dt > 0)) throw new ArgumentOutOfRangeException(nameof(dt), dt, "dt must be positive");
        MicroStep(dt);
        if (HasLeftWall) SymmetrizeWall(1);
        if (HasRightWall) SymmetrizeWall(_n + 1);
        MacroStep(dt);
        (_rho, _rhoNew) = (_rhoNew, _rho);
        (_g, _gNew) = (_gNew, _g);
        _leftFresh = _rightFresh = false;
    }

    private void MicroStep(double dt)
    {
        int K = _k;
        double eps = _eps, e2 = eps * eps, invDx = 1.0 / _dx, m = _m;
        var rates = _p.Rates;
        double[] rhoV = _rho[1];
        Span<double> rhoBar = stackalloc double[S];
        Span<double> mean = stackalloc double[S];
        Span<double> denom = stackalloc double[S];
        for (int s = 0; s < S; s++) denom[s] = e2 + _sigma[s] * dt;
        double taxisFactor = _sigma[0] * _taxisBias * m;
        for (int j = 0; j <= _n; j++)
        {
            int jj = j + 1;                      // storage index of interface j
            // cells j-1 and j have storage indices j and j+1
            for (int s = 0; s < S; s++) rhoBar[s] = 0.5 * (_rho[s][j] + _rho[s][j + 1]);
            double sum13 = 0;
            for (int k = 0; k < K; k++) sum13 += _g[k][jj] * _g[2 * K + k][jj];
            for (int s = 0; s < S; s++)
            {
                double acc = 0;
                for (int k = 0; k < K; k++)
                {
                    int c = s * K + k;
                    double v = _velocity[c];
                    double[] gc = _g[c];
                    double t = v > 0 ? v * (gc[jj] - gc[jj - 1]) * invDx : v * (gc[jj + 1] - gc[jj]) * invDx;
                    _transport[c] = t;
                    acc += t;
                }
                mean[s] = acc * m;
            }
            double gradV = (rhoV[j + 1] - rhoV[j]) * invDx;
            for (int k = 0; k < K; k++)
            {
                var (r1, r2, r3) = SeedReactionTerms.MicroPart(rates, K, eps, rhoBar[0], rhoBar[2],
                    _g[k][jj], _g[K + k][jj], _g[2 * K + k][jj], sum13);
                for (int s = 0; s < S; s++)
                {
                    int c = s * K + k;
                    double v = _velocity[c];
                    double gradRho = (_rho[s][j + 1] - _rho[s][j]) * invDx;
                    double drive = eps * (_transport[c] - mean[s]) + v * m * gradRho;
                    if (s == 0) drive -= taxisFactor * v * gradV * rhoBar[0];
                    double reaction = s == 0 ? r1 : s == 1 ? r2 : r3;
                    _gNew[c][jj] = (e2 * _g[c][jj] - dt * (drive - e2 * reaction)) / denom[s];
                }
            }
        }
    }

    private void SymmetrizeWall(int face)
    {
        for (int s = 0; s < S; s++)
            for (int k = 0; k < _k; k++)
            {
                int r = _reflect[k];
                if (r <= k) continue;
                double[] a = _gNew[s * _k + k], b = _gNew[s * _k + r];
                double avg = 0.5 * (a[face] + b[face]);
                a[face] = avg; b[face] = avg;
            }
    }

    private void MacroStep(double dt)
    {
        int K = _k;
        double e2 = _eps * _eps, lambda = dt / _dx;
        var rates = _p.Rates;
        for (int j = 0; j <= _n; j++)
        {
            int jj = j + 1;
            for (int s = 0; s < S; s++)
            {
                double flux = 0;
                for (int k = 0; k < K; k++) flux += _velocity[s * K + k] * _gNew[s * K + k][jj];
                _flux[s][j] = flux;
            }
            double sum13 = 0;
            for (int k = 0; k < K; k++) sum13 += _gNew[k][jj] * _gNew[2 * K + k][jj];
            _s13[j] = sum13;
        }
        if (HasLeftWall) for (int s = 0; s < S; s++) _flux[s][0] = 0.0;
        if (HasRightWall) for (int s = 0; s < S; s++) _flux[s][_n] = 0.0;
        for (int i = 0; i < _n; i++)
        {
            int ii = i + 1;
            double e2S = e2 * 0.5 * (_s13[i] + _s13[i + 1]);
            var (h1, h2, h3) = SeedReactionTerms.Moments(rates, K, _rho[0][ii], _rho[1][ii], _rho[2][ii], e2S);
            _rhoNew[0][ii] = _rho[0][ii] - lambda * (_flux[0][i + 1] - _flux[0][i]) + dt * h1;
            _rhoNew[1][ii] = _rho[1][ii] - lambda * (_flux[1][i + 1] - _flux[1][i]) + dt * h2;
            _rhoNew[2][ii] = _rho[2][ii] - lambda * (_flux[2][i + 1] - _flux[2][i]) + dt * h3;
        }
    }

    /// <summary>Copies the owned state (densities, then g per species and velocity) into <paramref name="state"/> (length <see cref="StateLength"/>).</summary>
    public void SaveState(Span<double> state)
    {
        if (state.Length != StateLength) throw new ArgumentException("wrong state length", nameof(state));
        int o = 0;
        for (int s = 0; s < S; s++) { _rho[s].AsSpan(1, _n).CopyTo(state.Slice(o)); o += _n; }
        for (int c = 0; c < S * _k; c++) { _g[c].AsSpan(1, _n + 1).CopyTo(state.Slice(o)); o += _n + 1; }
    }

    /// <summary>Restores the owned state written by <see cref="SaveState"/>; halos must be exchanged before the next step.</summary>
    public void LoadState(ReadOnlySpan<double> state)
    {
        if (state.Length != StateLength) throw new ArgumentException("wrong state length", nameof(state));
        int o = 0;
        for (int s = 0; s < S; s++) { state.Slice(o, _n).CopyTo(_rho[s].AsSpan(1, _n)); o += _n; }
        for (int c = 0; c < S * _k; c++) { state.Slice(o, _n + 1).CopyTo(_g[c].AsSpan(1, _n + 1)); o += _n + 1; }
        _leftFresh = _rightFresh = false;
    }

    private static double[][] Jagged(int rows, int length)
    {
        var a = new double[rows][];
        for (int r = 0; r < rows; r++) a[r] = new double[length];
        return a;
    }
}
