namespace ActorSim.Numerics.Muscle;

/// <summary>
/// Uniform 1D finite-volume grid for the mean-field density: cell k = [Origin + k Dx, Origin + (k + 1) Dx).
/// </summary>
public sealed record MeanFieldGrid1D(double Origin, double Dx, int Cells)
{
    /// <summary>Centre of cell k.</summary>
    public double Center(int k) => Origin + (k + 0.5) * Dx;

    /// <summary>Position of face f (between cells f - 1 and f).</summary>
    public double Face(int f) => Origin + f * Dx;
}

/// <summary>
/// One slab (contiguous range of cells, with <see cref="GhostCells"/> ghost cells on each side) of the
/// conservative finite-volume discretisation of the mean-field PDE (n_x = 1)
/// <code>
///   d_t rho + d_x (rho u) = 0,  u(x) = Phi(x, y)[y'],
///   m_eff(y, rho) y'' = F_eff(y, y', rho),
///   m_eff = M + m int Phi^T Phi rho dx,  F_eff = F0(y) + int Phi^T (F1(x) - m Omega(x, y)[y', y']) rho dx.
/// </code>
/// Space: MUSCL reconstruction with the monotonised-central limiter and upwind face fluxes (second order in
/// smooth regions, conservative: the flux through a face is computed identically by both neighbours).
/// Integrals: midpoint rule on cell centres. Time: the same RK4 stage protocol as <see cref="ParticleBlock"/>
/// (the slab's partials are the integrals, so the coordinator calls
/// <see cref="MuscleReduction.SolveAcceleration"/> with particle count 1). Outside the grid rho = 0
/// (ghosts at the domain ends are zero): mass leaving the grid is lost, so keep the support inside.
/// Interactions K are not supported by the finite-volume form.
/// </summary>
public sealed class MeanFieldSlab1D
{
    /// <summary>Ghost cells per side (two, for the limited slopes next to a face).</summary>
    public const int GhostCells = 2;

    private readonly MuscleModel _model;
    private readonly MeanFieldGrid1D _grid;
    private readonly double[] _rho;      // stage density incl. ghosts: local index = cell - Start + GhostCells
    private readonly double[] _rho0, _acc, _flux;

    public MeanFieldSlab1D(MuscleModel model, MeanFieldGrid1D grid, int slabIndex, int firstCell, int cellCount)
    {
        if (model.Nx != 1) throw new ArgumentException("the finite-volume mean-field form is one-dimensional (n_x = 1)");
        if (model.PairPotential is not null) throw new NotSupportedException("pair interactions are not supported by the finite-volume mean-field form");
        _model = model; _grid = grid;
        SlabIndex = slabIndex; Start = firstCell; Count = cellCount;
        _rho = new double[cellCount + 2 * GhostCells];
        _rho0 = new double[cellCount];
        _acc = new double[cellCount];
        _flux = new double[cellCount + 1];
    }

    public int SlabIndex { get; }
    public int Start { get; }
    public int Count { get; }

    /// <summary>Interior stage density (cell averages, density units = 1 / length).</summary>
    public ReadOnlySpan<double> Density => _rho.AsSpan(GhostCells, Count);

    /// <summary>The first <see cref="GhostCells"/> interior cells (what the left neighbour needs as right ghosts).</summary>
    public ReadOnlySpan<double> LeftEdge => _rho.AsSpan(GhostCells, GhostCells);

    /// <summary>The last <see cref="GhostCells"/> interior cells (what the right neighbour needs as left ghosts).</summary>
    public ReadOnlySpan<double> RightEdge => _rho.AsSpan(Count, GhostCells);

    /// <summary>Sets the left ghost cells (the left neighbour's <see cref="RightEdge"/>, or zeros at the domain end).</summary>
    public void SetLeftGhosts(ReadOnlySpan<double> ghosts) => ghosts.CopyTo(_rho.AsSpan(0, GhostCells));

    /// <summary>Sets the right ghost cells (the right neighbour's <see cref="LeftEdge"/>, or zeros at the domain end).</summary>
    public void SetRightGhosts(ReadOnlySpan<double> ghosts) => ghosts.CopyTo(_rho.AsSpan(Count + GhostCells, GhostCells));

    /// <summary>Loads the initial cell averages of this slab from the global array.</summary>
    public void Initialize(ReadOnlySpan<double> globalDensity)
    {
        globalDensity.Slice(Start, Count).CopyTo(_rho.AsSpan(GhostCells, Count));
        globalDensity.Slice(Start, Count).CopyTo(_rho0);
        Array.Clear(_acc);
    }

    /// <summary>Number of doubles of the slab's state for checkpoints: the interior density, then the step-start density.</summary>
    public int StateLength => 2 * Count;

    /// <summary>Copies the state (between steps) into <paramref name="state"/> (length <see cref="StateLength"/>).</summary>
    public void SaveState(Span<double> state)
    {
        if (state.Length != StateLength) throw new ArgumentException("wrong state length", nameof(state));
        _rho.AsSpan(GhostCells, Count).CopyTo(state);
        _rho0.CopyTo(state.Slice(Count));
    }

    /// <summary>Restores a state written by <see cref="SaveState"/>; the ghosts are set again before the next stage.</summary>
    public void LoadState(ReadOnlySpan<double> state)
    {
        if (state.Length != StateLength) throw new ArgumentException("wrong state length", nameof(state));
        state[..Count].CopyTo(_rho.AsSpan(GhostCells, Count));
        state.Slice(Count).CopyTo(_rho0);
        Array.Clear(_acc);
    }

    private static double Limited(double a, double b, double c)
    {
        // monotonised central: minmod(2 (r_i - r_{i-1}), (r_{i+1} - r_{i-1}) / 2, 2 (r_{i+1} - r_i))
        double dl = b - a, dr = c - b;
        if (dl * dr <= 0.0) return 0.0;
        double s = Math.Min(Math.Min(2.0 * Math.Abs(dl), 2.0 * Math.Abs(dr)), 0.5 * Math.Abs(c - a));
        return dl > 0 ? s : -s;
    }

    /// <summary>
    /// RK4 stage: writes int Phi^T Phi rho and int Phi^T (F1 - m Omega) rho over the slab (cell order) into
    /// <paramref name="output"/>, then advances the interior density to the next stage. Ghosts must hold the
    /// neighbours' stage values.
    /// </summary>
    public void EvaluateStage(int stage, double dt, ReadOnlySpan<double> y, ReadOnlySpan<double> ydot, StagePartials output)
    {
        var con = _model.Constraint;
        var w1 = _model.ParticlePotential;
        int ny = con.Ny;
        double m = _model.ParticleMass, dx = _grid.Dx;
        Span<double> x = stackalloc double[1];
        Span<double> phi = stackalloc double[ny];
        Span<double> xdot = stackalloc double[1];
        Span<double> omega = stackalloc double[1];
        Span<double> f = stackalloc double[1];
        output.Clear();
        var mass = output.Mass; var force = output.Force;
        for (int i = 0; i < Count; i++)
        {
            double r = _rho[i + GhostCells] * dx;
            x[0] = _grid.Center(Start + i);
            con.Kinematics(x, y, ydot, phi, xdot, omega);
            if (w1 is null) f[0] = 0.0; else w1.Force(x, f);
            double fr = (f[0] - m * omega[0]) * r;
            for (int a = 0; a < ny; a++)
            {
                force[a] += phi[a] * fr;
                for (int b = 0; b <= a; b++) mass[a * ny + b] += phi[a] * phi[b] * r;
            }
        }
        for (int a = 0; a < ny; a++)
            for (int b = a + 1; b < ny; b++) mass[a * ny + b] = mass[b * ny + a];

        // face fluxes, faces Start .. Start + Count; face j (local) lies between local cells j - 1 and j.
        for (int j = 0; j <= Count; j++)
        {
            int l = j - 1 + GhostCells, rr = j + GhostCells; // indices into _rho of the left and right cells
            x[0] = _grid.Face(Start + j);
            con.Kinematics(x, y, ydot, phi, xdot, omega);
            double u = xdot[0];
            double flux;
            if (u >= 0.0) flux = u * (_rho[l] + 0.5 * Limited(_rho[l - 1], _rho[l], _rho[l + 1]));
            else flux = u * (_rho[rr] - 0.5 * Limited(_rho[rr - 1], _rho[rr], _rho[rr + 1]));
            _flux[j] = flux;
        }
        double weight = Rk4.Weight(stage), next = Rk4.NextStageFactor(stage) * dt, sixth = dt / 6.0, idx = 1.0 / dx;
        for (int i = 0; i < Count; i++)
        {
            double k = -(_flux[i + 1] - _flux[i]) * idx;
            switch (stage)
            {
                case 0: _acc[i] = k; _rho[i + GhostCells] = _rho0[i] + next * k; break;
                case 1:
                case 2: _acc[i] += weight * k; _rho[i + GhostCells] = _rho0[i] + next * k; break;
                default:
                    double rn = _rho0[i] + sixth * (_acc[i] + k);
                    _rho[i + GhostCells] = rn; _rho0[i] = rn;
                    break;
            }
        }
    }

    /// <summary>Largest |u| over the slab's faces: the coordinator takes dt &lt;= CFL dx / max over slabs.</summary>
    public double MaxFaceSpeed(ReadOnlySpan<double> y, ReadOnlySpan<double> ydot)
    {
        var con = _model.Constraint;
        Span<double> x = stackalloc double[1];
        Span<double> phi = stackalloc double[con.Ny];
        Span<double> xdot = stackalloc double[1];
        Span<double> omega = stackalloc double[1];
        double s = 0.0;
        for (int j = 0; j <= Count; j++)
        {
            x[0] = _grid.Face(Start + j);
            con.Kinematics(x, y, ydot, phi, xdot, omega);
            s = Math.Max(s, Math.Abs(xdot[0]));
        }
        return s;
    }

    /// <summary>Partial diagnostics (call between steps): int |u|^2 rho, int W1 rho; drift and pair terms are zero.</summary>
    public void ComputeDiagnostics(ReadOnlySpan<double> y, ReadOnlySpan<double> ydot, DiagnosticPartials output)
    {
        var con = _model.Constraint;
        var w1 = _model.ParticlePotential;
        Span<double> x = stackalloc double[1];
        Span<double> phi = stackalloc double[con.Ny];
        Span<double> xdot = stackalloc double[1];
        Span<double> omega = stackalloc double[1];
        double kin = 0.0, pot = 0.0;
        for (int i = 0; i < Count; i++)
        {
            double r = _rho[i + GhostCells] * _grid.Dx;
            x[0] = _grid.Center(Start + i);
            con.Kinematics(x, y, ydot, phi, xdot, omega);
            kin += xdot[0] * xdot[0] * r;
            if (w1 is not null) pot += w1.Energy(x) * r;
        }
        output.Clear();
        output.KineticSum = kin;
        output.ParticlePotentialSum = pot;
    }

    /// <summary>Partial mass int rho dx over the slab.</summary>
    public double Mass()
    {
        double s = 0.0;
        for (int i = 0; i < Count; i++) s += _rho[i + GhostCells];
        return s * _grid.Dx;
    }
}
