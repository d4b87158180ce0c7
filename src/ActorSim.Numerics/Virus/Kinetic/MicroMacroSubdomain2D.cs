namespace ActorSim.Numerics.Virus.Kinetic;

/// <summary>
/// One slab of rows of the 2D asymptotic-preserving micro–macro solver for the three-population kinetic
/// May–Nowak–taxis model of README.md (§7). The slab owns rows [FirstRow, FirstRow + RowCount) and all
/// Nx columns. Densities ρ_i live at cell centres; the non-equilibrium part g_{i,k} (f = ρ M + ε g) is
/// stored twice, on the x-faces (g^x, carries the x flux) and on the y-faces (g^y, carries the y flux);
/// each copy obeys the micro equation at its own faces. The slab owns the x-faces of its rows (both
/// domain ends included) and the y-faces FirstRow .. FirstRow + RowCount (both slab ends included): a
/// y-face shared with a neighbour is computed by both slabs from identical data, so the result is
/// bit-identical for any split into slabs.
/// <para>Protocol per time step: <see cref="ExtractHalo"/> for both sides, then each side receives either
/// the neighbour's extract (<see cref="ApplyHalo"/>) or a physical wall (<see cref="ApplyWall"/>), then
/// <see cref="Step"/>. The x boundaries are local to the slab (periodic wrap or mirror), filled inside
/// <see cref="Step"/>. One ghost layer per side: ghost row of ρ and g^x, ghost face row of g^y.</para>
/// <para>Storage is structure-of-arrays, one double[] per species (ρ) or per (species, velocity) (g),
/// row-major with ghost columns; nothing is allocated per step.</para>
/// </summary>
public sealed class MicroMacroSubdomain2D
{
    private const int S = KineticVirusParameters.SpeciesCount;
    private readonly KineticVirusParameters _p;
    private readonly double _eps, _dx, _dy, _m, _taxisFactor;
    private readonly int _nx, _rows, _k;
    private readonly int _cs, _xs, _ys;    // row strides: cells (nx+2), x-faces (nx+3), y-faces (nx+2)
    private readonly double[] _vx, _vy;    // [s*K + k], scaled by the species speed
    private readonly double[] _sigma;      // [s]
    private readonly int[] _rx, _ry;       // k -> index of the velocity reflected in x / in y
    private double[][] _rho, _rhoNew;      // [s][(rows+2) * cs]
    private double[][] _gx, _gxNew;        // [s*K + k][(rows+2) * xs]
    private double[][] _gy, _gyNew;        // [s*K + k][(rows+3) * ys]
    private readonly double[][] _fx, _fy;  // fluxes [s][rows*(nx+1)], [s][(rows+1)*nx]
    private readonly double[] _sx, _sy;    // Σ_k g1_k g3_k on the faces, same layouts
    private readonly double[] _transport;  // [s*K + k], scratch for one face
    private bool _bottomFresh, _topFresh;

    /// <summary>
    /// Creates slab <paramref name="blockIndex"/> owning <paramref name="rowCount"/> rows from
    /// <paramref name="firstRow"/>, with the 2D velocity set of <paramref name="directions"/> equally spaced
    /// directions (even, ≥ 4) for every species; all densities and g start at 0.
    /// </summary>
    public MicroMacroSubdomain2D(KineticGrid2D grid, KineticVirusParameters parameters, double epsilon, int directions, int blockIndex, int firstRow, int rowCount)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive");
        if (rowCount < 1 || firstRow < 0 || firstRow + rowCount > grid.Ny) throw new ArgumentOutOfRangeException(nameof(rowCount), rowCount, "the slab's rows must lie inside the grid");
        Grid = grid; _p = parameters; _eps = epsilon; BlockIndex = blockIndex; FirstRow = firstRow; _rows = rowCount;
        _nx = grid.Nx; _dx = grid.Dx; _dy = grid.Dy;
        var unit = DiscreteVelocitySet.TwoDimensional(1.0, directions);
        _k = unit.Count;
        _m = unit.Equilibrium;
        _rx = new int[_k]; _ry = new int[_k];
        var ux = new double[_k];
        var uy = new double[_k];
        for (int k = 0; k < _k; k++) { _rx[k] = unit.Reflect(k, 0); _ry[k] = unit.Reflect(k, 1); }
        for (int k = 0; k < _k; k++)
        {
            // Exact mirror symmetry of the components (v_x(R_x k) = −v_x(k) bit for bit), so that the
            // reflected pairs cancel exactly in the wall fluxes and <v_x v_y M> = 0 exactly.
            int rep = Math.Min(Math.Min(k, _rx[k]), Math.Min(_ry[k], _rx[_ry[k]]));
            ux[k] = Math.CopySign(Math.Abs(unit.Vx[rep]), unit.Vx[k]);
            uy[k] = Math.CopySign(Math.Abs(unit.Vy[rep]), unit.Vy[k]);
            if (unit.Vx[k] == 0) ux[k] = 0;
            if (unit.Vy[k] == 0) uy[k] = 0;
        }
        _vx = new double[S * _k]; _vy = new double[S * _k];
        _sigma = new double[S];
        for (int s = 0; s < S; s++)
        {
            var tr = parameters.Species(s);
            _sigma[s] = tr.TurningRate;
            for (int k = 0; k < _k; k++) { _vx[s * _k + k] = tr.Speed * ux[k]; _vy[s * _k + k] = tr.Speed * uy[k]; }
        }
        _taxisFactor = _sigma[0] * parameters.TaxisBias(2) * _m;
        _cs = _nx + 2; _xs = _nx + 3; _ys = _nx + 2;
        _rho = Jagged(S, (_rows + 2) * _cs); _rhoNew = Jagged(S, (_rows + 2) * _cs);
        _gx = Jagged(S * _k, (_rows + 2) * _xs); _gxNew = Jagged(S * _k, (_rows + 2) * _xs);
        _gy = Jagged(S * _k, (_rows + 3) * _ys); _gyNew = Jagged(S * _k, (_rows + 3) * _ys);
        _fx = Jagged(S, _rows * (_nx + 1)); _fy = Jagged(S, (_rows + 1) * _nx);
        _sx = new double[_rows * (_nx + 1)]; _sy = new double[(_rows + 1) * _nx];
        _transport = new double[S * _k];
    }

    /// <summary>The global grid.</summary>
    public KineticGrid2D Grid { get; }

    /// <summary>Index of this slab (its rank in the fixed reduction order).</summary>
    public int BlockIndex { get; }

    /// <summary>Global index of the first owned row.</summary>
    public int FirstRow { get; }

    /// <summary>Number of owned rows.</summary>
    public int RowCount => _rows;

    /// <summary>Number of owned cells, RowCount × Nx.</summary>
    public int CellCount => _rows * _nx;

    /// <summary>Number of velocities per species.</summary>
    public int VelocityCount => _k;

    /// <summary>Parabolic scaling parameter ε.</summary>
    public double Epsilon => _eps;

    /// <summary>True if the slab touches y = 0 and the y boundary is reflecting.</summary>
    public bool HasBottomWall => Grid.BoundaryY == KineticBoundary.Reflecting && FirstRow == 0;

    /// <summary>True if the slab touches y = Ly and the y boundary is reflecting.</summary>
    public bool HasTopWall => Grid.BoundaryY == KineticBoundary.Reflecting && FirstRow + _rows == Grid.Ny;

    private bool WallsX => Grid.BoundaryX == KineticBoundary.Reflecting;

    /// <summary>Doubles exchanged per side and step: one row of 3 densities, one row of g^x (Nx+1 faces) and one row of g^y (Nx faces) for 3K (species, velocity) pairs.</summary>
    public int HaloLength => S * _nx + S * _k * (_nx + 1) + S * _k * _nx;

    /// <summary>Density ρ_i of the owned cells, copied row by row into <paramref name="destination"/> (CellCount values, index j_local Nx + i).</summary>
    public void CopyDensity(int species, Span<double> destination)
    {
        if (destination.Length != CellCount) throw new ArgumentException("need one value per owned cell", nameof(destination));
        var r = _rho[species];
        for (int j = 0; j < _rows; j++) r.AsSpan((j + 1) * _cs + 1, _nx).CopyTo(destination.Slice(j * _nx, _nx));
    }

    /// <summary>g^x_{i,k} on the owned x-faces, row by row (RowCount × (Nx+1) values): the x-face copy of the non-equilibrium part.</summary>
    public double[] PerturbationX(int species, int velocity)
    {
        var g = _gx[species * _k + velocity];
        var d = new double[_rows * (_nx + 1)];
        for (int j = 0; j < _rows; j++) g.AsSpan((j + 1) * _xs + 1, _nx + 1).CopyTo(d.AsSpan(j * (_nx + 1)));
        return d;
    }

    /// <summary>g^y_{i,k} on the owned y-faces, face row by face row ((RowCount+1) × Nx values).</summary>
    public double[] PerturbationY(int species, int velocity)
    {
        var g = _gy[species * _k + velocity];
        var d = new double[(_rows + 1) * _nx];
        for (int r = 0; r <= _rows; r++) g.AsSpan((r + 1) * _ys + 1, _nx).CopyTo(d.AsSpan(r * _nx));
        return d;
    }

    /// <summary>
    /// Sets the owned densities of one species (CellCount values, row by row) and puts it on the
    /// equilibrium manifold (g = 0, i.e. f = ρ M).
    /// </summary>
    public void SetEquilibrium(int species, ReadOnlySpan<double> density)
    {
        if (density.Length != CellCount) throw new ArgumentException("need one value per owned cell", nameof(density));
        var r = _rho[species];
        for (int j = 0; j < _rows; j++) density.Slice(j * _nx, _nx).CopyTo(r.AsSpan((j + 1) * _cs + 1, _nx));
        for (int k = 0; k < _k; k++) { Array.Clear(_gx[species * _k + k]); Array.Clear(_gy[species * _k + k]); }
        _bottomFresh = _topFresh = false;
    }

    /// <summary>Partial mass Σ ρ_i Δx Δy of one species over the owned cells, summed in cell order.</summary>
    public double PartialMass(int species)
    {
        double sum = 0;
        var r = _rho[species];
        for (int j = 1; j <= _rows; j++)
            for (int i = 1; i <= _nx; i++) sum += r[j * _cs + i];
        return sum * _dx * _dy;
    }

    /// <summary>
    /// Writes what the neighbour on <paramref name="side"/> needs as its ghosts: the densities of the owned
    /// row on that side, g^x on that row, and g^y on the second owned y-face row from that side. Layout:
    /// ρ_s (s = 0..2, Nx each), then g^x_{s,k} (Nx+1 each), then g^y_{s,k} (Nx each), (s, k) in order.
    /// </summary>
    public void ExtractHalo(SlabSide side, Span<double> buffer)
    {
        if (buffer.Length < HaloLength) throw new ArgumentException("halo buffer too short", nameof(buffer));
        int row = side == SlabSide.Bottom ? 1 : _rows;          // storage row of the owned boundary row
        int face = side == SlabSide.Bottom ? 2 : _rows;         // storage row of y-face 1 or rows-1
        int o = 0;
        for (int s = 0; s < S; s++) { _rho[s].AsSpan(row * _cs + 1, _nx).CopyTo(buffer.Slice(o)); o += _nx; }
        for (int c = 0; c < S * _k; c++) { _gx[c].AsSpan(row * _xs + 1, _nx + 1).CopyTo(buffer.Slice(o)); o += _nx + 1; }
        for (int c = 0; c < S * _k; c++) { _gy[c].AsSpan(face * _ys + 1, _nx).CopyTo(buffer.Slice(o)); o += _nx; }
    }

    /// <summary>Fills the ghosts on <paramref name="side"/> from the neighbour's <see cref="ExtractHalo"/> of the opposite side.</summary>
    public void ApplyHalo(SlabSide side, ReadOnlySpan<double> buffer)
    {
        if (buffer.Length < HaloLength) throw new ArgumentException("halo buffer too short", nameof(buffer));
        int row = side == SlabSide.Bottom ? 0 : _rows + 1;
        int face = side == SlabSide.Bottom ? 0 : _rows + 2;
        int o = 0;
        for (int s = 0; s < S; s++) { buffer.Slice(o, _nx).CopyTo(_rho[s].AsSpan(row * _cs + 1, _nx)); o += _nx; }
        for (int c = 0; c < S * _k; c++) { buffer.Slice(o, _nx + 1).CopyTo(_gx[c].AsSpan(row * _xs + 1, _nx + 1)); o += _nx + 1; }
        for (int c = 0; c < S * _k; c++) { buffer.Slice(o, _nx).CopyTo(_gy[c].AsSpan(face * _ys + 1, _nx)); o += _nx; }
        if (side == SlabSide.Bottom) _bottomFresh = true; else _topFresh = true;
    }

    /// <summary>
    /// Fills the ghosts on <paramref name="side"/> for a specular wall: mirrored densities, and
    /// g_k(ghost) = g_{R_y k}(mirror) for both face copies. Only valid where the slab touches a reflecting wall.
    /// </summary>
    public void ApplyWall(SlabSide side)
    {
        if (side == SlabSide.Bottom ? !HasBottomWall : !HasTopWall) throw new InvalidOperationException("this side of the slab is not a reflecting wall");
        int ghostRow = side == SlabSide.Bottom ? 0 : _rows + 1, mirrorRow = side == SlabSide.Bottom ? 1 : _rows;
        int ghostFace = side == SlabSide.Bottom ? 0 : _rows + 2, mirrorFace = side == SlabSide.Bottom ? 2 : _rows;
        for (int s = 0; s < S; s++)
        {
            _rho[s].AsSpan(mirrorRow * _cs + 1, _nx).CopyTo(_rho[s].AsSpan(ghostRow * _cs + 1, _nx));
            for (int k = 0; k < _k; k++)
            {
                int c = s * _k + k, r = s * _k + _ry[k];
                _gx[r].AsSpan(mirrorRow * _xs + 1, _nx + 1).CopyTo(_gx[c].AsSpan(ghostRow * _xs + 1, _nx + 1));
                _gy[r].AsSpan(mirrorFace * _ys + 1, _nx).CopyTo(_gy[c].AsSpan(ghostFace * _ys + 1, _nx));
            }
        }
        if (side == SlabSide.Bottom) _bottomFresh = true; else _topFresh = true;
    }

    /// <summary>
    /// Advances the slab by one step of length <paramref name="dt"/> (macroscopic time). Micro step on every
    /// owned face (x-faces with g^x, y-faces with g^y; transport upwinded and explicit, relaxation implicit):
    /// (ε² + σ Δt) g^{n+1} = ε² g^n − Δt [ ε (I−Π)(v·∇_up g^n) + M v·∇ρ^n − σ a M (v·∇s^n) u_up^n − ε² R^n ],
    /// with the normal derivative a two-point difference across the face, the tangential one the mean
    /// of the two adjacent cells' centred differences, and u_up the healthy-cell density of the cell
    /// upstream of the taxis drift χ ∂n s (so that the limit taxis flux is first-order upwind and the limit
    /// scheme monotone under the step bound of <see cref="TaxisRate"/>); then the macro step on every owned cell:
    /// ρ^{n+1} = ρ^n − Δt/Δx (J^x_E − J^x_W) − Δt/Δy (J^y_N − J^y_S) + Δt H(ρ^n, ε² &lt;g1 g3&gt;),
    /// J^x = Σ_k v_x g^x, J^y = Σ_k v_y g^y. Both y sides must have been refreshed since the previous step.
    /// </summary>
    public void Step(double dt)
    {
        if (!_bottomFresh || !_topFresh) throw new InvalidOperationException("halos must be applied on both sides before each step");
        if (!(dt > 0)) throw new ArgumentOutOfRangeException(nameof(dt), dt, "dt must be positive");
        FillGhostColumns();
        MicroStep(dt);
        SymmetrizeWalls();
        MacroStep(dt);
        (_rho, _rhoNew) = (_rhoNew, _rho);
        (_gx, _gxNew) = (_gxNew, _gx);
        (_gy, _gyNew) = (_gyNew, _gy);
        _bottomFresh = _topFresh = false;
    }

    /// <summary>The x boundary, local to every slab: ghost columns of ρ (all rows, ghost rows included), ghost x-faces of g^x and ghost columns of g^y (owned rows).</summary>
    private void FillGhostColumns()
    {
        int nx = _nx;
        bool walls = WallsX;
        for (int s = 0; s < S; s++)
        {
            var r = _rho[s];
            for (int j = 0; j <= _rows + 1; j++)
            {
                int b = j * _cs;
                r[b] = walls ? r[b + 1] : r[b + nx];
                r[b + nx + 1] = walls ? r[b + nx] : r[b + 1];
            }
            for (int k = 0; k < _k; k++)
            {
                int c = s * _k + k;
                double[] gx = _gx[c], gy = _gy[c];
                double[] mx = walls ? _gx[s * _k + _rx[k]] : gx, my = walls ? _gy[s * _k + _rx[k]] : gy;
                for (int j = 1; j <= _rows; j++)
                {
                    int b = j * _xs;          // face f lives at b + f + 1
                    gx[b] = walls ? mx[b + 2] : mx[b + nx];             // face −1: mirror of face 1, or face nx−1
                    gx[b + nx + 2] = walls ? mx[b + nx] : mx[b + 2];    // face nx+1: mirror of face nx−1, or face 1
                }
                for (int rr = 1; rr <= _rows + 1; rr++)
                {
                    int b = rr * _ys;
                    gy[b] = walls ? my[b + 1] : my[b + nx];
                    gy[b + nx + 1] = walls ? my[b + nx] : my[b + 1];
                }
            }
        }
    }

    private void MicroStep(double dt)
    {
        double e2 = _eps * _eps;
        Span<double> denom = stackalloc double[S];
        for (int s = 0; s < S; s++) denom[s] = e2 + _sigma[s] * dt;
        Span<double> rhoBar = stackalloc double[S + 1];   // [S]: u upwinded along the taxis drift χ ∂n v
        Span<double> gradX = stackalloc double[S];
        Span<double> gradY = stackalloc double[S];
        double invDx = 1.0 / _dx, invDy = 1.0 / _dy, quarterDx = 0.25 * invDx, quarterDy = 0.25 * invDy;

        // x-faces of the owned rows: face f of storage row jj lies between cells (jj, f) and (jj, f+1)
        for (int jj = 1; jj <= _rows; jj++)
            for (int f = 0; f <= _nx; f++)
            {
                int w = jj * _cs + f, e = w + 1;
                for (int s = 0; s < S; s++)
                {
                    var r = _rho[s];
                    rhoBar[s] = 0.5 * (r[w] + r[e]);
                    gradX[s] = (r[e] - r[w]) * invDx;
                    gradY[s] = (r[w + _cs] - r[w - _cs] + r[e + _cs] - r[e - _cs]) * quarterDy;
                }
                rhoBar[S] = gradX[1] >= 0 ? _rho[0][w] : _rho[0][e];
                UpdateFace(_gx, _gxNew, jj * _xs + f + 1, _xs, dt, denom, rhoBar, gradX, gradY);
            }

        // y-faces: face row rr (storage) lies between cell rows rr−1 and rr (storage)
        for (int rr = 1; rr <= _rows + 1; rr++)
            for (int i = 1; i <= _nx; i++)
            {
                int sth = (rr - 1) * _cs + i, nth = rr * _cs + i;
                for (int s = 0; s < S; s++)
                {
                    var r = _rho[s];
                    rhoBar[s] = 0.5 * (r[sth] + r[nth]);
                    gradY[s] = (r[nth] - r[sth]) * invDy;
                    gradX[s] = (r[sth + 1] - r[sth - 1] + r[nth + 1] - r[nth - 1]) * quarterDx;
                }
                rhoBar[S] = gradY[1] >= 0 ? _rho[0][sth] : _rho[0][nth];
                UpdateFace(_gy, _gyNew, rr * _ys + i, _ys, dt, denom, rhoBar, gradX, gradY);
            }
    }

    /// <summary>
    /// This slab's bound on the explicit taxis step: max over its x-faces of |χ ∂x v|/Δx plus max over its
    /// y-faces of |χ ∂y v|/Δy (per macroscopic time), from the current densities; the y-faces at the slab
    /// ends use the ghost rows, so the halos must be current. The limit scheme's upwinded taxis flux keeps
    /// densities non-negative for Δt (2 max D (1/Δx² + 1/Δy²) + this rate) ≤ 1.
    /// </summary>
    public double TaxisRate()
    {
        if (!_bottomFresh || !_topFresh) throw new InvalidOperationException("halos must be applied on both sides before the taxis rate is computed");
        double chi = Math.Abs(_p.Chi);
        if (chi == 0) return 0;
        var v = _rho[1];
        bool periodicX = Grid.BoundaryX == KineticBoundary.Periodic;
        double maxX = 0, maxY = 0;
        for (int jj = 1; jj <= _rows; jj++)
        {
            int b = jj * _cs;
            for (int i = 1; i < _nx; i++) maxX = Math.Max(maxX, Math.Abs(v[b + i + 1] - v[b + i]));
            if (periodicX) maxX = Math.Max(maxX, Math.Abs(v[b + 1] - v[b + _nx]));
        }
        for (int rr = 1; rr <= _rows + 1; rr++)
        {
            if (rr == 1 && HasBottomWall || rr == _rows + 1 && HasTopWall) continue;
            for (int i = 1; i <= _nx; i++) maxY = Math.Max(maxY, Math.Abs(v[rr * _cs + i] - v[(rr - 1) * _cs + i]));
        }
        return chi * (maxX / (_dx * _dx) + maxY / (_dy * _dy));
    }

    /// <summary>Micro update of all (species, velocity) values of one face at storage index <paramref name="idx"/> of a face family with row stride <paramref name="stride"/>.</summary>
    private void UpdateFace(double[][] g, double[][] gNew, int idx, int stride, double dt, ReadOnlySpan<double> denom,
        ReadOnlySpan<double> rhoBar, ReadOnlySpan<double> gradX, ReadOnlySpan<double> gradY)
    {
        int K = _k;
        double eps = _eps, e2 = eps * eps, invDx = 1.0 / _dx, invDy = 1.0 / _dy, m = _m;
        Span<double> mean = stackalloc double[S];
        double sum13 = 0;
        for (int k = 0; k < K; k++) sum13 += g[k][idx] * g[2 * K + k][idx];
        for (int s = 0; s < S; s++)
        {
            double acc = 0;
            for (int k = 0; k < K; k++)
            {
                int c = s * K + k;
                double vx = _vx[c], vy = _vy[c];
                double[] gc = g[c];
                double t = 0;
                if (vx > 0) t = vx * (gc[idx] - gc[idx - 1]) * invDx;
                else if (vx < 0) t = vx * (gc[idx + 1] - gc[idx]) * invDx;
                if (vy > 0) t += vy * (gc[idx] - gc[idx - stride]) * invDy;
                else if (vy < 0) t += vy * (gc[idx + stride] - gc[idx]) * invDy;
                _transport[c] = t;
                acc += t;
            }
            mean[s] = acc * m;
        }
        var rates = _p.Rates;
        for (int k = 0; k < K; k++)
        {
            var (r1, r2, r3) = SeedReactionTerms.MicroPart(rates, K, eps, rhoBar[0], rhoBar[2], g[k][idx], g[K + k][idx], g[2 * K + k][idx], sum13);
            for (int s = 0; s < S; s++)
            {
                int c = s * K + k;
                double vx = _vx[c], vy = _vy[c];
                double drive = eps * (_transport[c] - mean[s]) + m * (vx * gradX[s] + vy * gradY[s]);
                if (s == 0) drive -= _taxisFactor * (vx * gradX[1] + vy * gradY[1]) * rhoBar[S];
                double reaction = s == 0 ? r1 : s == 1 ? r2 : r3;
                gNew[c][idx] = (e2 * g[c][idx] - dt * (drive - e2 * reaction)) / denom[s];
            }
        }
    }

    /// <summary>At a specular wall the reflected pair (k, R k) of the face copy normal to it is averaged: the wall flux is then exactly zero.</summary>
    private void SymmetrizeWalls()
    {
        for (int s = 0; s < S; s++)
            for (int k = 0; k < _k; k++)
            {
                if (WallsX && _rx[k] > k)
                {
                    double[] a = _gxNew[s * _k + k], b = _gxNew[s * _k + _rx[k]];
                    for (int jj = 1; jj <= _rows; jj++)
                    {
                        int west = jj * _xs + 1, east = jj * _xs + _nx + 1;
                        double avgW = 0.5 * (a[west] + b[west]), avgE = 0.5 * (a[east] + b[east]);
                        a[west] = avgW; b[west] = avgW;
                        a[east] = avgE; b[east] = avgE;
                    }
                }
                if (_ry[k] > k && (HasBottomWall || HasTopWall))
                {
                    double[] a = _gyNew[s * _k + k], b = _gyNew[s * _k + _ry[k]];
                    for (int side = 0; side < 2; side++)
                    {
                        if (side == 0 ? !HasBottomWall : !HasTopWall) continue;
                        int rr = side == 0 ? 1 : _rows + 1;
                        for (int i = 1; i <= _nx; i++)
                        {
                            int idx = rr * _ys + i;
                            double avg = 0.5 * (a[idx] + b[idx]);
                            a[idx] = avg; b[idx] = avg;
                        }
                    }
                }
            }
    }

    private void MacroStep(double dt)
    {
        int K = _k, nx = _nx, fxs = nx + 1;
        double e2 = _eps * _eps, lx = dt / _dx, ly = dt / _dy;
        var rates = _p.Rates;
        for (int j = 0; j < _rows; j++)
            for (int f = 0; f <= nx; f++)
            {
                int idx = (j + 1) * _xs + f + 1, o = j * fxs + f;
                for (int s = 0; s < S; s++)
                {
                    double flux = 0;
                    for (int k = 0; k < K; k++) flux += _vx[s * K + k] * _gxNew[s * K + k][idx];
                    _fx[s][o] = flux;
                }
                double sum13 = 0;
                for (int k = 0; k < K; k++) sum13 += _gxNew[k][idx] * _gxNew[2 * K + k][idx];
                _sx[o] = sum13;
            }
        for (int r = 0; r <= _rows; r++)
            for (int i = 0; i < nx; i++)
            {
                int idx = (r + 1) * _ys + i + 1, o = r * nx + i;
                for (int s = 0; s < S; s++)
                {
                    double flux = 0;
                    for (int k = 0; k < K; k++) flux += _vy[s * K + k] * _gyNew[s * K + k][idx];
                    _fy[s][o] = flux;
                }
                double sum13 = 0;
                for (int k = 0; k < K; k++) sum13 += _gyNew[k][idx] * _gyNew[2 * K + k][idx];
                _sy[o] = sum13;
            }
        if (WallsX)
            for (int s = 0; s < S; s++)
                for (int j = 0; j < _rows; j++) { _fx[s][j * fxs] = 0.0; _fx[s][j * fxs + nx] = 0.0; }
        if (HasBottomWall) for (int s = 0; s < S; s++) Array.Clear(_fy[s], 0, nx);
        if (HasTopWall) for (int s = 0; s < S; s++) Array.Clear(_fy[s], _rows * nx, nx);

        for (int j = 0; j < _rows; j++)
            for (int i = 0; i < nx; i++)
            {
                int c = (j + 1) * _cs + i + 1, w = j * fxs + i, sth = j * nx + i, nth = sth + nx;
                double e2S = e2 * 0.25 * (_sx[w] + _sx[w + 1] + _sy[sth] + _sy[nth]);
                var (h1, h2, h3) = SeedReactionTerms.Moments(rates, K, _rho[0][c], _rho[1][c], _rho[2][c], e2S);
                _rhoNew[0][c] = _rho[0][c] - lx * (_fx[0][w + 1] - _fx[0][w]) - ly * (_fy[0][nth] - _fy[0][sth]) + dt * h1;
                _rhoNew[1][c] = _rho[1][c] - lx * (_fx[1][w + 1] - _fx[1][w]) - ly * (_fy[1][nth] - _fy[1][sth]) + dt * h2;
                _rhoNew[2][c] = _rho[2][c] - lx * (_fx[2][w + 1] - _fx[2][w]) - ly * (_fy[2][nth] - _fy[2][sth]) + dt * h3;
            }
    }

    /// <summary>
    /// Number of doubles of the slab's state for checkpoints: the current ρ, g^x and g^y arrays, ghost rows and
    /// columns included (the halos are exchanged again after <see cref="LoadState"/>, so storing them only keeps the
    /// restored arrays exactly as they were).
    /// </summary>
    public int StateLength => S * _rho[0].Length + S * _k * (_gx[0].Length + _gy[0].Length);

    /// <summary>Copies the state (ρ per species, then g^x, then g^y per (species, velocity)) into <paramref name="state"/> (length <see cref="StateLength"/>).</summary>
    public void SaveState(Span<double> state)
    {
        if (state.Length != StateLength) throw new ArgumentException("wrong state length", nameof(state));
        int o = 0;
        foreach (var a in _rho) { a.CopyTo(state.Slice(o)); o += a.Length; }
        foreach (var a in _gx) { a.CopyTo(state.Slice(o)); o += a.Length; }
        foreach (var a in _gy) { a.CopyTo(state.Slice(o)); o += a.Length; }
    }

    /// <summary>Restores a state written by <see cref="SaveState"/>; halos must be applied again before the next step.</summary>
    public void LoadState(ReadOnlySpan<double> state)
    {
        if (state.Length != StateLength) throw new ArgumentException("wrong state length", nameof(state));
        int o = 0;
        foreach (var a in _rho) { state.Slice(o, a.Length).CopyTo(a); o += a.Length; }
        foreach (var a in _gx) { state.Slice(o, a.Length).CopyTo(a); o += a.Length; }
        foreach (var a in _gy) { state.Slice(o, a.Length).CopyTo(a); o += a.Length; }
        _bottomFresh = _topFresh = false;
    }

    private static double[][] Jagged(int rows, int length)
    {
        var a = new double[rows][];
        for (int r = 0; r < rows; r++) a[r] = new double[length];
        return a;
    }
}
