using System.Runtime.Intrinsics;
using V4 = System.Runtime.Intrinsics.Vector256<double>;

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

    /// <summary>Everything one step's interface and cell updates need, as scalars (products formed once, in the order the
    /// expressions of <see cref="Interface"/> would form them left to right, so scalar and vector lanes agree bit for bit).</summary>
    private readonly struct StepCoefficients
    {
        public readonly double E2, Dt, InvDx, Quarter, Lambda, E2Half;
        public readonly double C0, C1, C2, C0M, C1M, C2M, TaxisC0, Inv0, Inv1, Inv2;
        public readonly double D1, D2, D3, NegD1, NegD2, NegD3, Beta, BetaEps, BetaK, KRate, Source;

        public StepCoefficients(double eps, double dt, double dx, double m, double[] velocity, double[] sigma, double taxisBias, MayNowakParameters r)
        {
            E2 = eps * eps; Dt = dt; InvDx = 1.0 / dx; Quarter = 0.25 * InvDx * eps; Lambda = dt / dx; E2Half = E2 * 0.5;
            C0 = velocity[0]; C1 = velocity[2]; C2 = velocity[4];
            C0M = C0 * m; C1M = C1 * m; C2M = C2 * m;
            TaxisC0 = sigma[0] * taxisBias * m * C0;
            Inv0 = 1.0 / (E2 + sigma[0] * dt); Inv1 = 1.0 / (E2 + sigma[1] * dt); Inv2 = 1.0 / (E2 + sigma[2] * dt);
            D1 = r.D1; D2 = r.D2; D3 = r.D3; NegD1 = -r.D1; NegD2 = -r.D2; NegD3 = -r.D3;
            Beta = r.Beta; BetaEps = r.Beta * eps; BetaK = r.Beta * 2; KRate = r.K; Source = r.R;
        }
    }

    /// <summary>The running state between consecutive interfaces: fluxes and Σ_k g1 g3 at the previous interface.</summary>
    private struct Carry
    {
        public double J0, J1, J2, S13;
    }

    /// <summary>Storage rows of one step (old and new ρ, g; species-major, velocity 0 = +c, 1 = −c).</summary>
    private readonly ref struct Rows
    {
        public readonly Span<double> U, V, W, UN, VN, WN, A0, A1, B0, B1, C0, C1, A0N, A1N, B0N, B1N, C0N, C1N;

        public Rows(double[][] rho, double[][] rhoNew, double[][] g, double[][] gNew, int n)
        {
            U = rho[0].AsSpan(0, n + 2); V = rho[1].AsSpan(0, n + 2); W = rho[2].AsSpan(0, n + 2);
            UN = rhoNew[0].AsSpan(0, n + 2); VN = rhoNew[1].AsSpan(0, n + 2); WN = rhoNew[2].AsSpan(0, n + 2);
            A0 = g[0].AsSpan(0, n + 3); A1 = g[1].AsSpan(0, n + 3); B0 = g[2].AsSpan(0, n + 3);
            B1 = g[3].AsSpan(0, n + 3); C0 = g[4].AsSpan(0, n + 3); C1 = g[5].AsSpan(0, n + 3);
            A0N = gNew[0].AsSpan(0, n + 3); A1N = gNew[1].AsSpan(0, n + 3); B0N = gNew[2].AsSpan(0, n + 3);
            B1N = gNew[3].AsSpan(0, n + 3); C0N = gNew[4].AsSpan(0, n + 3); C1N = gNew[5].AsSpan(0, n + 3);
        }
    }

    private void FusedStep(double dt)
    {
        var k = new StepCoefficients(_eps, dt, _dx, _m, _velocity, _sigma, _taxisBias, _p.Rates);
        int n = _n;
        var rows = new Rows(_rho, _rhoNew, _g, _gNew, n);
        var carry = new Carry();
        Interface(0, HasLeftWall, in k, in rows, ref carry);
        int j = 1;
        if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
            for (; j + 4 <= n; j += 4) Interfaces4(j, in k, in rows, ref carry);
        for (; j < n; j++) Interface(j, false, in k, in rows, ref carry);
        if (n > 0) Interface(n, HasRightWall, in k, in rows, ref carry);
    }

    /// <summary>
    /// Interface j (storage j + 1, between cells j − 1 and j, storage j and j + 1): the micro step of every species and
    /// velocity, the wall symmetrisation if <paramref name="wall"/>, the fluxes, and then cell j − 1's macro step.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Interface(int j, bool wall, in StepCoefficients k, in Rows r, ref Carry carry)
    {
        int jj = j + 1;
        double uL = r.U[j], uR = r.U[j + 1], vL = r.V[j], vR = r.V[j + 1], wL = r.W[j], wR = r.W[j + 1];
        double uBar = 0.5 * (uL + uR), wBar = 0.5 * (wL + wR);
        double gradU = (uR - uL) * k.InvDx, gradV = (vR - vL) * k.InvDx, gradW = (wR - wL) * k.InvDx;
        double gu0 = r.A0[jj], gu1 = r.A1[jj], gv0 = r.B0[jj], gv1 = r.B1[jj], gw0 = r.C0[jj], gw1 = r.C1[jj];
        double sum13 = gu0 * gw0 + gu1 * gw1;
        // ε (I−Π)(v D_c g) for velocity +c (velocity −c: the opposite sign)
        double tu = k.C0 * ((r.A0[jj + 1] + r.A1[jj + 1]) - (r.A0[jj - 1] + r.A1[jj - 1])) * k.Quarter;
        double tv = k.C1 * ((r.B0[jj + 1] + r.B1[jj + 1]) - (r.B0[jj - 1] + r.B1[jj - 1])) * k.Quarter;
        double tw = k.C2 * ((r.C0[jj + 1] + r.C1[jj + 1]) - (r.C0[jj - 1] + r.C1[jj - 1])) * k.Quarter;
        // v M ∂x ρ (− taxis for u) for velocity +c
        double du = k.C0M * gradU - k.TaxisC0 * gradV * uBar;
        double dv = k.C1M * gradV;
        double dw = k.C2M * gradW;
        // (1/ε)(I−Π) G (SeedReactionTerms.MicroPart, inlined)
        double inf0 = k.Beta * (uBar * gw0 + wBar * gu0) + k.BetaEps * (2.0 * gu0 * gw0 - sum13);
        double inf1 = k.Beta * (uBar * gw1 + wBar * gu1) + k.BetaEps * (2.0 * gu1 * gw1 - sum13);
        double nu0 = (k.E2 * gu0 - k.Dt * ((tu + du) - k.E2 * (k.NegD1 * gu0 - inf0))) * k.Inv0;
        double nu1 = (k.E2 * gu1 - k.Dt * ((-tu - du) - k.E2 * (k.NegD1 * gu1 - inf1))) * k.Inv0;
        double nv0 = (k.E2 * gv0 - k.Dt * ((tv + dv) - k.E2 * (k.NegD2 * gv0 + inf0))) * k.Inv1;
        double nv1 = (k.E2 * gv1 - k.Dt * ((-tv - dv) - k.E2 * (k.NegD2 * gv1 + inf1))) * k.Inv1;
        double nw0 = (k.E2 * gw0 - k.Dt * ((tw + dw) - k.E2 * (k.NegD3 * gw0 + k.KRate * gv0))) * k.Inv2;
        double nw1 = (k.E2 * gw1 - k.Dt * ((-tw - dw) - k.E2 * (k.NegD3 * gw1 + k.KRate * gv1))) * k.Inv2;
        if (wall)
        {
            // specular wall: both velocities of a species carry the same g, so the wall flux is exactly zero
            nu0 = nu1 = 0.5 * (nu0 + nu1); nv0 = nv1 = 0.5 * (nv0 + nv1); nw0 = nw1 = 0.5 * (nw0 + nw1);
        }
        r.A0N[jj] = nu0; r.A1N[jj] = nu1; r.B0N[jj] = nv0; r.B1N[jj] = nv1; r.C0N[jj] = nw0; r.C1N[jj] = nw1;
        double j0 = wall ? 0.0 : k.C0 * nu0 - k.C0 * nu1;
        double j1 = wall ? 0.0 : k.C1 * nv0 - k.C1 * nv1;
        double j2 = wall ? 0.0 : k.C2 * nw0 - k.C2 * nw1;
        double s13 = nu0 * nw0 + nu1 * nw1;
        if (j > 0)
        {
            // cell j − 1 (storage j) (SeedReactionTerms.Moments, inlined)
            double e2S = k.E2Half * (carry.S13 + s13);
            double infection = k.Beta * uL * wL + k.BetaK * e2S;
            r.UN[j] = uL - k.Lambda * (j0 - carry.J0) + k.Dt * (k.Source - k.D1 * uL - infection);
            r.VN[j] = vL - k.Lambda * (j1 - carry.J1) + k.Dt * (k.NegD2 * vL + infection);
            r.WN[j] = wL - k.Lambda * (j2 - carry.J2) + k.Dt * (k.NegD3 * wL + k.KRate * vL);
        }
        carry.J0 = j0; carry.J1 = j1; carry.J2 = j2; carry.S13 = s13;
    }

    /// <summary>
    /// Interfaces j .. j + 3 (1 &lt;= j, j + 3 &lt; n: no wall) and cells j − 1 .. j + 2, four lanes at a time: the
    /// operations of <see cref="Interface"/> in the same order, lane by lane (no FMA), so the result is bit-identical to the
    /// scalar path; the cell update takes the previous interface's flux from the lane to the left (lane 0: the carry).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Interfaces4(int j, in StepCoefficients k, in Rows r, ref Carry carry)
    {
        // bounds: the highest index read is g[j + 5] (< n + 3) and ρ[j + 4] (< n + 2), given j + 4 <= n
        var b = (nuint)j;
        ref double u = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(r.U);
        ref double v = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(r.V);
        ref double w = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(r.W);
        var uL = Vector256.LoadUnsafe(ref u, b); var uR = Vector256.LoadUnsafe(ref u, b + 1);
        var vL = Vector256.LoadUnsafe(ref v, b); var vR = Vector256.LoadUnsafe(ref v, b + 1);
        var wL = Vector256.LoadUnsafe(ref w, b); var wR = Vector256.LoadUnsafe(ref w, b + 1);
        var half = Vector256.Create(0.5); var invDx = Vector256.Create(k.InvDx);
        var uBar = half * (uL + uR); var wBar = half * (wL + wR);
        var gradU = (uR - uL) * invDx; var gradV = (vR - vL) * invDx; var gradW = (wR - wL) * invDx;
        ref double a0 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(r.A0);
        ref double a1 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(r.A1);
        ref double b0 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(r.B0);
        ref double b1 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(r.B1);
        ref double c0 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(r.C0);
        ref double c1 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(r.C1);
        nuint jj = b + 1;
        var gu0 = Vector256.LoadUnsafe(ref a0, jj); var gu1 = Vector256.LoadUnsafe(ref a1, jj);
        var gv0 = Vector256.LoadUnsafe(ref b0, jj); var gv1 = Vector256.LoadUnsafe(ref b1, jj);
        var gw0 = Vector256.LoadUnsafe(ref c0, jj); var gw1 = Vector256.LoadUnsafe(ref c1, jj);
        var sum13 = gu0 * gw0 + gu1 * gw1;
        var quarter = Vector256.Create(k.Quarter);
        var tu = Vector256.Create(k.C0) * ((Vector256.LoadUnsafe(ref a0, jj + 1) + Vector256.LoadUnsafe(ref a1, jj + 1)) - (Vector256.LoadUnsafe(ref a0, jj - 1) + Vector256.LoadUnsafe(ref a1, jj - 1))) * quarter;
        var tv = Vector256.Create(k.C1) * ((Vector256.LoadUnsafe(ref b0, jj + 1) + Vector256.LoadUnsafe(ref b1, jj + 1)) - (Vector256.LoadUnsafe(ref b0, jj - 1) + Vector256.LoadUnsafe(ref b1, jj - 1))) * quarter;
        var tw = Vector256.Create(k.C2) * ((Vector256.LoadUnsafe(ref c0, jj + 1) + Vector256.LoadUnsafe(ref c1, jj + 1)) - (Vector256.LoadUnsafe(ref c0, jj - 1) + Vector256.LoadUnsafe(ref c1, jj - 1))) * quarter;
        var du = Vector256.Create(k.C0M) * gradU - Vector256.Create(k.TaxisC0) * gradV * uBar;
        var dv = Vector256.Create(k.C1M) * gradV;
        var dw = Vector256.Create(k.C2M) * gradW;
        var beta = Vector256.Create(k.Beta); var betaEps = Vector256.Create(k.BetaEps); var two = Vector256.Create(2.0);
        var inf0 = beta * (uBar * gw0 + wBar * gu0) + betaEps * (two * gu0 * gw0 - sum13);
        var inf1 = beta * (uBar * gw1 + wBar * gu1) + betaEps * (two * gu1 * gw1 - sum13);
        var e2 = Vector256.Create(k.E2); var dt = Vector256.Create(k.Dt);
        var negD1 = Vector256.Create(k.NegD1); var negD2 = Vector256.Create(k.NegD2); var negD3 = Vector256.Create(k.NegD3); var kRate = Vector256.Create(k.KRate);
        var inv0 = Vector256.Create(k.Inv0); var inv1 = Vector256.Create(k.Inv1); var inv2 = Vector256.Create(k.Inv2);
        var nu0 = (e2 * gu0 - dt * ((tu + du) - e2 * (negD1 * gu0 - inf0))) * inv0;
        var nu1 = (e2 * gu1 - dt * ((-tu - du) - e2 * (negD1 * gu1 - inf1))) * inv0;
        var nv0 = (e2 * gv0 - dt * ((tv + dv) - e2 * (negD2 * gv0 + inf0))) * inv1;
        var nv1 = (e2 * gv1 - dt * ((-tv - dv) - e2 * (negD2 * gv1 + inf1))) * inv1;
        var nw0 = (e2 * gw0 - dt * ((tw + dw) - e2 * (negD3 * gw0 + kRate * gv0))) * inv2;
        var nw1 = (e2 * gw1 - dt * ((-tw - dw) - e2 * (negD3 * gw1 + kRate * gv1))) * inv2;
        nu0.StoreUnsafe(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(r.A0N), jj);
        nu1.StoreUnsafe(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(r.A1N), jj);
        nv0.StoreUnsafe(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(r.B0N), jj);
        nv1.StoreUnsafe(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(r.B1N), jj);
        nw0.StoreUnsafe(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(r.C0N), jj);
        nw1.StoreUnsafe(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(r.C1N), jj);
        var cc0 = Vector256.Create(k.C0); var cc1 = Vector256.Create(k.C1); var cc2 = Vector256.Create(k.C2);
        var j0 = cc0 * nu0 - cc0 * nu1;
        var j1 = cc1 * nv0 - cc1 * nv1;
        var j2 = cc2 * nw0 - cc2 * nw1;
        var s13 = nu0 * nw0 + nu1 * nw1;
        // the previous interface's values: lanes shifted right by one, the carry in lane 0
        var p0 = ShiftIn(carry.J0, j0); var p1 = ShiftIn(carry.J1, j1); var p2 = ShiftIn(carry.J2, j2); var ps = ShiftIn(carry.S13, s13);
        var e2S = Vector256.Create(k.E2Half) * (ps + s13);
        var infection = beta * uL * wL + Vector256.Create(k.BetaK) * e2S;
        var lambda = Vector256.Create(k.Lambda);
        (uL - lambda * (j0 - p0) + dt * (Vector256.Create(k.Source) - Vector256.Create(k.D1) * uL - infection))
            .StoreUnsafe(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(r.UN), b);
        (vL - lambda * (j1 - p1) + dt * (negD2 * vL + infection))
            .StoreUnsafe(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(r.VN), b);
        (wL - lambda * (j2 - p2) + dt * (negD3 * wL + kRate * vL))
            .StoreUnsafe(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(r.WN), b);
        carry.J0 = j0.GetElement(3); carry.J1 = j1.GetElement(3); carry.J2 = j2.GetElement(3); carry.S13 = s13.GetElement(3);
    }

    /// <summary>(c, x0, x1, x2): x shifted one lane up with <paramref name="c"/> in lane 0.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static V4 ShiftIn(double c, V4 x) => Vector256.Create(c, x.GetElement(0), x.GetElement(1), x.GetElement(2));

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
