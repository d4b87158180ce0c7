namespace ActorSim.Numerics.Virus.Kinetic;

/// <summary>
/// One slab of the 1D asymptotic-preserving micro–macro solver (Lemou–Mieussens 2008, staggered grid)
/// for the three-population kinetic May–Nowak–taxis model of README.md. The slab owns cells
/// [FirstCell, FirstCell + CellCount) where the densities ρ_i live, and the interfaces
/// FirstCell .. FirstCell + CellCount (both ends included) where the non-equilibrium parts g_i,k live.
/// An interface shared with a neighbour is computed by both slabs from identical data, so the result
/// is bit-identical for any slab split.
/// <para>Protocol per time step: every slab calls <see cref="ExtractHalo"/> for both sides, then each
/// side receives either the neighbour's extract (<see cref="ApplyHalo"/>) or a physical wall
/// (<see cref="ApplyWall"/>), then <see cref="Step"/>. One ghost cell and one ghost interface per side.</para>
/// <para>Storage is structure-of-arrays: one double[] per species for ρ (index i+1 holds cell i,
/// 0 and N+1 are ghosts) and one double[] per (species, velocity) for g (index j+1 holds interface j,
/// 0 and N+2 are ghosts). Nothing is allocated per step.</para>
/// </summary>
public sealed class MicroMacroSubdomain1D
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
    private bool _leftFresh, _rightFresh;

    /// <summary>Creates slab <paramref name="blockIndex"/> owning <paramref name="cellCount"/> cells from <paramref name="firstCell"/>; all densities start at 0, g at 0.</summary>
    public MicroMacroSubdomain1D(KineticGrid1D grid, KineticVirusParameters parameters, double epsilon, int blockIndex, int firstCell, int cellCount)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive");
        if (cellCount < 1 || firstCell < 0 || firstCell + cellCount > grid.CellCount) throw new ArgumentOutOfRangeException(nameof(cellCount));
        Grid = grid; _p = parameters; _eps = epsilon; BlockIndex = blockIndex; FirstCell = firstCell; _n = cellCount;
        _dx = grid.Dx;
        var unit = DiscreteVelocitySet.OneDimensional(1.0);
        _k = unit.Count; // 2: the fused step is written for the velocities +c, -c
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
    /// every owned interface j (transport centred and explicit, relaxation implicit):
    /// (ε² + σ Δt) g^{n+1} = ε² g^n − Δt [ ε (I−Π)(v D_c g^n) + v M D ρ^n − σ a v M D s^n ρ̄^n − ε² R^n ],
    /// then the macro step on every owned cell:
    /// ρ^{n+1} = ρ^n − Δt/Δx (J_{i+1} − J_i) + Δt H(ρ^n, ε² &lt;g1 g3&gt;), J = Σ_k v_k g_k^{n+1}.
    /// D_c is the centred difference (g_{j+1} − g_{j−1}) / 2Δx; with the two velocities ±c it gives
    /// (I−Π)(v D_c g)_± = ± (c/2) D_c ⟨g⟩, the exact (I−Π)(v ∂x g) = (v/2) ∂x ⟨g⟩ discretised (zero while ⟨g⟩ = 0, which
    /// the scheme keeps up to round-off): no O(ε Δx) numerical diffusion, so the scheme is second order in space for
    /// every ε (with the macroscopic step Δt ∝ Δx², also in time). Micro and macro steps are fused into one pass over
    /// the interfaces (the cell between interfaces j − 1 and j is updated right after interface j).
    /// Both ghost sides must have been refreshed since the previous step.
    /// </summary>
    public void Step(double dt)
    {
        if (!_leftFresh || !_rightFresh) throw new InvalidOperationException("halos must be applied on both sides before each step");
        if (!(dt > 0)) throw new ArgumentOutOfRangeException(nameof(dt), dt, "dt must be positive");
        FusedStep(dt);
        (_rho, _rhoNew) = (_rhoNew, _rho);
        (_g, _gNew) = (_gNew, _g);
        _leftFresh = _rightFresh = false;
    }

    /// <summary>Per species: speed c (velocity 0 is +c, velocity 1 is −c), 1 / (ε² + σ Δt).</summary>
    private readonly struct SpeciesStep(double c, double invDenom)
    {
        public readonly double C = c, InvDenom = invDenom;
    }

    /// <summary>The micro step of one species at one interface (both velocities) given the drives.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Micro(in SpeciesStep sp, double e2, double dt, double gPlus, double gMinus, double drivePlus, double driveMinus,
        double reactionPlus, double reactionMinus, out double newPlus, out double newMinus)
    {
        newPlus = (e2 * gPlus - dt * (drivePlus - e2 * reactionPlus)) * sp.InvDenom;
        newMinus = (e2 * gMinus - dt * (driveMinus - e2 * reactionMinus)) * sp.InvDenom;
    }

    private void FusedStep(double dt)
    {
        double eps = _eps, e2 = eps * eps, invDx = 1.0 / _dx, m = _m, lambda = dt / _dx, quarter = 0.25 * invDx * eps;
        var r = _p.Rates;
        double d1 = r.D1, d2 = r.D2, d3 = r.D3, beta = r.Beta, kRate = r.K, source = r.R;
        const int K = 2;
        var sp0 = new SpeciesStep(_velocity[0], 1.0 / (e2 + _sigma[0] * dt));
        var sp1 = new SpeciesStep(_velocity[2], 1.0 / (e2 + _sigma[1] * dt));
        var sp2 = new SpeciesStep(_velocity[4], 1.0 / (e2 + _sigma[2] * dt));
        double taxisFactor = _sigma[0] * _taxisBias * m;
        int n = _n;
        // jagged rows as spans of the exact lengths the loop indexes (one bounds check each, then none in the loop)
        Span<double> u = _rho[0].AsSpan(0, n + 2), v = _rho[1].AsSpan(0, n + 2), w = _rho[2].AsSpan(0, n + 2);
        Span<double> uN = _rhoNew[0].AsSpan(0, n + 2), vN = _rhoNew[1].AsSpan(0, n + 2), wN = _rhoNew[2].AsSpan(0, n + 2);
        Span<double> a0 = _g[0].AsSpan(0, n + 3), a1 = _g[1].AsSpan(0, n + 3), b0 = _g[2].AsSpan(0, n + 3), b1 = _g[3].AsSpan(0, n + 3);
        Span<double> c0 = _g[4].AsSpan(0, n + 3), c1 = _g[5].AsSpan(0, n + 3);
        Span<double> a0N = _gNew[0].AsSpan(0, n + 3), a1N = _gNew[1].AsSpan(0, n + 3), b0N = _gNew[2].AsSpan(0, n + 3);
        Span<double> b1N = _gNew[3].AsSpan(0, n + 3), c0N = _gNew[4].AsSpan(0, n + 3), c1N = _gNew[5].AsSpan(0, n + 3);
        bool leftWall = HasLeftWall, rightWall = HasRightWall;
        double pJ0 = 0, pJ1 = 0, pJ2 = 0, pS13 = 0;
        for (int j = 0; j <= n; j++)
        {
            int jj = j + 1;                      // storage index of interface j; cells j - 1 and j are storage j and j + 1
            double uL = u[j], uR = u[j + 1], vL = v[j], vR = v[j + 1], wL = w[j], wR = w[j + 1];
            double uBar = 0.5 * (uL + uR), wBar = 0.5 * (wL + wR);
            double gradU = (uR - uL) * invDx, gradV = (vR - vL) * invDx, gradW = (wR - wL) * invDx;
            double gu0 = a0[jj], gu1 = a1[jj], gv0 = b0[jj], gv1 = b1[jj], gw0 = c0[jj], gw1 = c1[jj];
            double sum13 = gu0 * gw0 + gu1 * gw1;
            // ε (I−Π)(v D_c g) for velocity +c; velocity −c gets the opposite sign
            double tu = sp0.C * ((a0[jj + 1] + a1[jj + 1]) - (a0[jj - 1] + a1[jj - 1])) * quarter;
            double tv = sp1.C * ((b0[jj + 1] + b1[jj + 1]) - (b0[jj - 1] + b1[jj - 1])) * quarter;
            double tw = sp2.C * ((c0[jj + 1] + c1[jj + 1]) - (c0[jj - 1] + c1[jj - 1])) * quarter;
            // v M ∂x ρ (+ taxis for u): velocity +c; velocity −c has the opposite sign
            double du = sp0.C * m * gradU - taxisFactor * sp0.C * gradV * uBar;
            double dv = sp1.C * m * gradV;
            double dw = sp2.C * m * gradW;
            // (1/ε)(I−Π) G per velocity (SeedReactionTerms.MicroPart, inlined)
            double inf0 = beta * (uBar * gw0 + wBar * gu0) + beta * eps * (K * gu0 * gw0 - sum13);
            double inf1 = beta * (uBar * gw1 + wBar * gu1) + beta * eps * (K * gu1 * gw1 - sum13);
            Micro(sp0, e2, dt, gu0, gu1, tu + du, -tu - du, -d1 * gu0 - inf0, -d1 * gu1 - inf1, out double nu0, out double nu1);
            Micro(sp1, e2, dt, gv0, gv1, tv + dv, -tv - dv, -d2 * gv0 + inf0, -d2 * gv1 + inf1, out double nv0, out double nv1);
            Micro(sp2, e2, dt, gw0, gw1, tw + dw, -tw - dw, -d3 * gw0 + kRate * gv0, -d3 * gw1 + kRate * gv1, out double nw0, out double nw1);
            bool wall = (j == 0 && leftWall) || (j == n && rightWall);
            if (wall)
            {
                // specular wall: the two velocities of a species carry the same g, so the wall flux is exactly zero
                nu0 = nu1 = 0.5 * (nu0 + nu1); nv0 = nv1 = 0.5 * (nv0 + nv1); nw0 = nw1 = 0.5 * (nw0 + nw1);
            }
            a0N[jj] = nu0; a1N[jj] = nu1; b0N[jj] = nv0; b1N[jj] = nv1; c0N[jj] = nw0; c1N[jj] = nw1;
            double J0 = wall ? 0.0 : sp0.C * nu0 - sp0.C * nu1;
            double J1 = wall ? 0.0 : sp1.C * nv0 - sp1.C * nv1;
            double J2 = wall ? 0.0 : sp2.C * nw0 - sp2.C * nw1;
            double s13 = nu0 * nw0 + nu1 * nw1;
            if (j > 0)
            {
                // cell j - 1 (storage j): SeedReactionTerms.Moments, inlined
                double uc = uL, vc = vL, wc = wL;
                double e2S = e2 * 0.5 * (pS13 + s13);
                double infection = beta * uc * wc + beta * K * e2S;
                uN[j] = uc - lambda * (J0 - pJ0) + dt * (source - d1 * uc - infection);
                vN[j] = vc - lambda * (J1 - pJ1) + dt * (-d2 * vc + infection);
                wN[j] = wc - lambda * (J2 - pJ2) + dt * (-d3 * wc + kRate * vc);
            }
            pJ0 = J0; pJ1 = J1; pJ2 = J2; pS13 = s13;
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
