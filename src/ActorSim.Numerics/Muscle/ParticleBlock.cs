namespace ActorSim.Numerics.Muscle;

/// <summary>
/// A contiguous block of particles of the muscle model in structure-of-arrays form, with the per-block
/// kernels of the step protocol. Per particle it stores n_x doubles each of: the current stage position X,
/// the step-start position X0, the RK4 accumulator and the constraint value g(X^init, y^init)
/// (4 n_x doubles = 64 bytes for a 2D particle). Kernels allocate nothing.
/// <para>
/// Protocol per RK4 stage s = 0..3: the coordinator broadcasts (y_s, y'_s); every block calls
/// <see cref="EvaluateStage"/>, which writes its partial sums at the current X and then moves X to the
/// next stage position (or completes the step after s = 3). Between steps X == X0.
/// </para>
/// <para>
/// The 2D deformation constraint (<see cref="DeformationConstraint2D"/>, any <see cref="DeformationMap2D"/>) takes a
/// hoisted, vectorised stage kernel (<c>DeformationStageKernel2D</c>: per-stage F(y)^{-1}, DF(y)[.], D^2F(y)[y', y'],
/// moment sums) and a hoisted projection; the linear constraint and the 1D stretch with a harmonic (or no) W1 and no
/// interaction take <c>ComponentStageKernel</c> (one fused, vectorised pass per position component); every other
/// constraint goes particle by particle through
/// <see cref="ParticleConstraint.Kinematics"/>. Either way the result depends only on the block's particles and the
/// broadcast state, so actor runs reproduce the sequential driver bit for bit for the same block partition.
/// </para>
/// </summary>
public sealed class ParticleBlock
{
    private readonly MuscleModel _model;
    private readonly double[][] _x, _x0, _acc, _ref;
    private readonly double[] _uniform; // per component: stage offset and RK4 accumulator when X' is the same for every particle
    private AdaptiveState? _adaptive;   // Dormand–Prince stages; allocated by the first adaptive call only (fixed steps never pay)

    /// <param name="model">The model.</param>
    /// <param name="blockIndex">Block index b (fixes the reduction order).</param>
    /// <param name="firstParticle">Global index of the block's first particle.</param>
    /// <param name="count">Number of particles in the block.</param>
    public ParticleBlock(MuscleModel model, int blockIndex, long firstParticle, int count)
    {
        _model = model;
        BlockIndex = blockIndex; FirstParticle = firstParticle; Count = count;
        int nx = model.Nx;
        _x = Alloc(nx, count); _x0 = Alloc(nx, count); _acc = Alloc(nx, count); _ref = Alloc(nx, count);
        _uniform = new double[2 * nx];
    }

    private static double[][] Alloc(int nx, int n)
    {
        var a = new double[nx][];
        for (int c = 0; c < nx; c++) a[c] = new double[n];
        return a;
    }

    public int BlockIndex { get; }
    public long FirstParticle { get; }
    public int Count { get; }

    /// <summary>
    /// Current position component c of the block's particles (between steps; inside a step the stage position, except
    /// for the linear constraint without an interaction field, whose positions move only at the end of the step).
    /// </summary>
    public ReadOnlySpan<double> Position(int component) => _x[component];

    /// <summary>Constraint value g(X_i^init, y^init), component c.</summary>
    public ReadOnlySpan<double> Reference(int component) => _ref[component];

    /// <summary>
    /// Loads the initial positions (component arrays of the whole system, indexed globally; this block
    /// copies its range), records g(X_i, y) and checks the uniform full-rank condition. Throws
    /// <see cref="ConstraintRankException"/> naming the first offending global particle index.
    /// </summary>
    public void Initialize(IReadOnlyList<double[]> globalPositions, ReadOnlySpan<double> y) =>
        Initialize(globalPositions, FirstParticle, y);

    /// <summary>
    /// As <see cref="Initialize(IReadOnlyList{double[]}, ReadOnlySpan{double})"/>, reading particle i of this block at
    /// index <paramref name="offset"/> + i of the component arrays (offset 0 for block-local arrays, e.g. on a
    /// remote block actor). Exceptions still name the global index FirstParticle + i.
    /// </summary>
    public void Initialize(IReadOnlyList<double[]> positions, long offset, ReadOnlySpan<double> y)
    {
        var globalPositions = positions;
        var con = _model.Constraint;
        int nx = con.Nx;
        if (globalPositions.Count != nx) throw new ArgumentException($"expected {nx} position components");
        Span<double> x = stackalloc double[nx];
        Span<double> g = stackalloc double[nx];
        for (int i = 0; i < Count; i++)
        {
            long gi = FirstParticle + i;
            for (int c = 0; c < nx; c++) x[c] = globalPositions[c][offset + i];
            var (det, smin) = con.JacobianXConditioning(x, y);
            if (!(det != 0.0) || !(smin >= _model.FullRankThreshold))
                throw new ConstraintRankException(gi, det, smin,
                    $"threshold delta = {_model.FullRankThreshold:G3} at the initial data");
            con.Evaluate(x, y, g);
            for (int c = 0; c < nx; c++)
            {
                _x[c][i] = x[c]; _x0[c][i] = x[c]; _acc[c][i] = 0.0; _ref[c][i] = g[c];
            }
        }
    }

    /// <summary>
    /// RK4 stage <paramref name="stage"/> (0..3) with step <paramref name="dt"/> at macroscopic stage state
    /// (y, ydot): writes the block's partial sums at the current positions into <paramref name="output"/>
    /// (overwritten), then advances the positions to the next stage (completing the step when stage = 3).
    /// <paramref name="field"/> is the interaction field of this stage (null if there is no pair potential).
    /// </summary>
    public void EvaluateStage(int stage, double dt, ReadOnlySpan<double> y, ReadOnlySpan<double> ydot,
        IInteractionField? field, StagePartials output)
    {
        if ((uint)stage >= Rk4.Stages) throw new ArgumentOutOfRangeException(nameof(stage));
        var con = _model.Constraint;
        var w1 = _model.ParticlePotential;
        if (con is DeformationConstraint2D deformation)
        {
            // Fast path: per-stage quantities hoisted out of a fused, devirtualised particle loop.
            DeformationStageKernel2D.Evaluate(deformation.Map, _model.ParticleMass, w1, field, stage, dt, y, ydot,
                _x, _x0, _acc, Count, output);
            return;
        }
        // Fast path for the linear and 1D stretch constraints (per-component affine kinematics, harmonic or no W1).
        if (ComponentStageKernel.TryEvaluate(con, w1, field, stage, dt, y, ydot, _x, _x0, _acc, _uniform, Count, output)) return;
        int nx = con.Nx, ny = con.Ny;
        double m = _model.ParticleMass;
        Span<double> x = stackalloc double[nx];
        Span<double> phi = stackalloc double[nx * ny];
        Span<double> xdot = stackalloc double[nx];
        Span<double> omega = stackalloc double[nx];
        Span<double> f = stackalloc double[nx];
        output.Clear();
        Span<double> mass = output.Mass;
        Span<double> force = output.Force;
        double weight = Rk4.Weight(stage);
        double next = Rk4.NextStageFactor(stage) * dt;
        double sixth = dt / 6.0;

        for (int i = 0; i < Count; i++)
        {
            AddParticle(i, con, w1, field, m, y, ydot, x, phi, xdot, omega, f, force, mass);
            // RK4 update of this particle (its velocity needs only the stage state, not y'').
            switch (stage)
            {
                case 0:
                    for (int c = 0; c < nx; c++) { _acc[c][i] = xdot[c]; _x[c][i] = _x0[c][i] + next * xdot[c]; }
                    break;
                case 1:
                case 2:
                    for (int c = 0; c < nx; c++) { _acc[c][i] += weight * xdot[c]; _x[c][i] = _x0[c][i] + next * xdot[c]; }
                    break;
                default:
                    for (int c = 0; c < nx; c++)
                    {
                        double xn = _x0[c][i] + sixth * (_acc[c][i] + xdot[c]);
                        _x[c][i] = xn; _x0[c][i] = xn;
                    }
                    break;
            }
        }
        for (int a = 0; a < ny; a++)
            for (int b = a + 1; b < ny; b++) mass[a * ny + b] = mass[b * ny + a];
    }

    /// <summary>
    /// The structure-preserving correction: projects every particle back onto its constraint level set
    /// g(X_i, y) = g(X_i^init, y^init) for the given (end-of-step) y, by Newton's method in X_i
    /// (a closed form for the built-in constraints). Call between steps only.
    /// </summary>
    public void Project(ReadOnlySpan<double> y)
    {
        var con = _model.Constraint;
        int nx = con.Nx;
        if (con is DeformationConstraint2D deformation)
        {
            // Closed form X = F(y) X_ref with F(y) evaluated once (the same arithmetic as DeformationConstraint2D.Project).
            Span<double> f = stackalloc double[4];
            deformation.Map.Matrix(y, f);
            double f00 = f[0], f01 = f[1], f10 = f[2], f11 = f[3];
            double[] xa = _x[0], xb = _x[1], ba = _x0[0], bb = _x0[1], ra = _ref[0], rb = _ref[1];
            int n = Count;
            if (xa.Length < n || xb.Length < n || ba.Length < n || bb.Length < n || ra.Length < n || rb.Length < n)
                throw new InvalidOperationException("particle arrays shorter than the block");
            for (int i = 0; i < n; i++)
            {
                double r0 = ra[i], r1 = rb[i];
                double p0 = f00 * r0 + f01 * r1, p1 = f10 * r0 + f11 * r1;
                xa[i] = p0; ba[i] = p0; xb[i] = p1; bb[i] = p1;
            }
            return;
        }
        Span<double> x = stackalloc double[nx];
        Span<double> target = stackalloc double[nx];
        for (int i = 0; i < Count; i++)
        {
            for (int c = 0; c < nx; c++) { x[c] = _x[c][i]; target[c] = _ref[c][i]; }
            con.Project(x, y, target);
            for (int c = 0; c < nx; c++) { _x[c][i] = x[c]; _x0[c][i] = x[c]; }
        }
    }

    /// <summary>
    /// Partial diagnostics at the current positions (call between steps) for macroscopic state (y, ydot):
    /// sum |Phi y'|^2, sum W1, sum of the field potential, max constraint drift.
    /// </summary>
    public void ComputeDiagnostics(ReadOnlySpan<double> y, ReadOnlySpan<double> ydot, IInteractionField? field, DiagnosticPartials output)
    {
        var con = _model.Constraint;
        var w1 = _model.ParticlePotential;
        if (ComponentStageKernel.TryDiagnostics(con, w1, field, y, ydot, _x, _ref, Count, output)) return;
        int nx = con.Nx, ny = con.Ny;
        Span<double> x = stackalloc double[nx];
        Span<double> phi = stackalloc double[nx * ny];
        Span<double> xdot = stackalloc double[nx];
        Span<double> omega = stackalloc double[nx];
        Span<double> g = stackalloc double[nx];
        double kin = 0.0, pot = 0.0, pair = 0.0, drift = 0.0;
        for (int i = 0; i < Count; i++)
        {
            for (int c = 0; c < nx; c++) x[c] = _x[c][i];
            con.Kinematics(x, y, ydot, phi, xdot, omega);
            for (int c = 0; c < nx; c++) kin += xdot[c] * xdot[c];
            if (w1 is not null) pot += w1.Energy(x);
            if (field is not null) pair += field.Potential(x);
            con.Evaluate(x, y, g);
            double d2 = 0.0;
            for (int c = 0; c < nx; c++) { double d = g[c] - _ref[c][i]; d2 += d * d; }
            drift = Math.Max(drift, Math.Sqrt(d2));
        }
        output.KineticSum = kin;
        output.ParticlePotentialSum = pot;
        output.PairPotentialSum = pair;
        output.MaxConstraintDrift = drift;
    }

    /// <summary>Number of doubles written by <see cref="WriteState"/>: 2 n_x per particle (X and g(X^init, y^init)).</summary>
    public int StateLength => 2 * _model.Nx * Count;

    /// <summary>Serialises the between-steps state (positions, then references, component-major) for checkpoints.</summary>
    public void WriteState(Span<double> destination)
    {
        int nx = _model.Nx, k = 0;
        if (_adaptive is { Pending: true } ad)
        {
            // at a step barrier the last adaptive step was accepted, but the uniform linear path writes it with the
            // next round: save it as that will (X0 + delta_6, the same bits)
            for (int c = 0; c < nx; c++)
            {
                double delta = ad.Uniform[Dp45.Stages * nx + 3 * c];
                var x0 = _x0[c];
                for (int i = 0; i < Count; i++) destination[k + i] = x0[i] + delta;
                k += Count;
            }
        }
        else
            for (int c = 0; c < nx; c++) { _x[c].AsSpan().CopyTo(destination.Slice(k, Count)); k += Count; }
        for (int c = 0; c < nx; c++) { _ref[c].AsSpan().CopyTo(destination.Slice(k, Count)); k += Count; }
    }

    /// <summary>Restores a state written by <see cref="WriteState"/> (the block is then between steps).</summary>
    public void ReadState(ReadOnlySpan<double> source)
    {
        int nx = _model.Nx, k = 0;
        for (int c = 0; c < nx; c++)
        {
            source.Slice(k, Count).CopyTo(_x[c]); source.Slice(k, Count).CopyTo(_x0[c]); k += Count;
        }
        for (int c = 0; c < nx; c++) { source.Slice(k, Count).CopyTo(_ref[c]); k += Count; }
        for (int c = 0; c < nx; c++) Array.Clear(_acc[c]);
        Array.Clear(_uniform);
        if (_adaptive is not null) { _adaptive.At = 0; _adaptive.Pending = false; }
    }

    // ---- adaptive steps (Dormand–Prince 5(4), see Dp45) ----------------------------------------------------------

    /// <summary>Per-block Dormand–Prince storage: the stage velocities, per particle or (linear constraint) uniform.</summary>
    private sealed class AdaptiveState(int nx)
    {
        /// <summary>Uniform stage velocities and position sums (linear constraint without interaction, see ComponentStageKernel.AdaptiveLinear).</summary>
        public readonly double[] Uniform = new double[ComponentStageKernel.AdaptiveLinearStatePerComponent * nx];
        /// <summary>Per-particle stage velocities K[s][c][i] (every other case; allocated on first use).</summary>
        public double[][][]? K;
        /// <summary>The stage whose positions X holds in the step under way (0: X == X0).</summary>
        public int At;
        /// <summary>Uniform path: stage 6 evaluated, X = X0 + delta_6 not yet written (waiting for accept / reject).</summary>
        public bool Pending;
    }

    /// <summary>True when the adaptive step of this block takes the uniform linear path (no per-particle stage storage).</summary>
    public bool AdaptiveUniform(IInteractionField? field) =>
        _model.Constraint is LinearConstraint && ComponentStageKernel.Handles(_model.Constraint, _model.ParticlePotential, field);

    /// <summary>
    /// Per-particle bytes the adaptive step adds to the fixed-step storage: 0 for the uniform linear path, else the
    /// seven stage velocities (7 n_x doubles).
    /// </summary>
    public long AdaptiveBytesPerParticle(IInteractionField? field) => AdaptiveUniform(field) ? 0 : 7L * 8 * _model.Nx;

    private AdaptiveState Adaptive(bool uniform)
    {
        var a = _adaptive ??= new AdaptiveState(_model.Nx);
        if (!uniform && a.K is null)
        {
            a.K = new double[Dp45.Stages][][];
            for (int s = 0; s < Dp45.Stages; s++) a.K[s] = Alloc(_model.Nx, Count);
        }
        return a;
    }

    /// <summary>
    /// Moves the positions to stage <paramref name="stage"/> of the step of size h under way,
    /// X = X0 + h sum_{j&lt;s} A[s][j] k_j (idempotent within a stage; stage 0 is X0). Call before gathering stage
    /// positions for an interaction field; <see cref="AdaptiveStage"/> calls it itself.
    /// </summary>
    public void AdaptiveAdvance(int stage, double h, IInteractionField? field)
    {
        bool uniform = AdaptiveUniform(field);
        var ad = Adaptive(uniform);
        if (uniform || ad.At == stage) return;
        if (stage == 0) throw new InvalidOperationException("stage 0 starts from X0: commit or roll back the previous step first");
        var k = ad.K!;
        var a = Dp45.A[stage];
        int nx = _model.Nx, n = Count;
        for (int c = 0; c < nx; c++)
        {
            double[] x = _x[c], x0 = _x0[c];
            if (x.Length < n || x0.Length < n) throw new InvalidOperationException("particle arrays shorter than the block");
            for (int i = 0; i < n; i++)
            {
                double inc = 0.0;
                for (int j = 0; j < a.Length; j++) inc += a[j] * k[j][c][i];
                x[i] = x0[i] + h * inc;
            }
        }
        ad.At = stage;
    }

    /// <summary>
    /// Stage <paramref name="stage"/> (0..6) of an adaptive step of size h at the broadcast stage state (y, ydot):
    /// moves the positions to the stage (<see cref="AdaptiveAdvance"/>), records the particles' stage velocities and
    /// writes the block's partial sums into <paramref name="output"/>. Stage 0 is evaluated at X0 (the first step,
    /// and after a restart or a projection; otherwise the coordinator reuses stage 6 of the previous step). Stage 6 is
    /// the 5th-order solution X1; it returns the block's partial error norm, the sum over its particles and components
    /// of (e / (atol + rtol max(|X0|, |X1|)))^2 with e = h sum_j E[j] k_j (0 for other stages). Allocates nothing.
    /// </summary>
    public double AdaptiveStage(int stage, double h, ReadOnlySpan<double> y, ReadOnlySpan<double> ydot,
        IInteractionField? field, double rtol, double atol, StagePartials output)
    {
        if ((uint)stage >= Dp45.Stages) throw new ArgumentOutOfRangeException(nameof(stage));
        var con = _model.Constraint;
        var w1 = _model.ParticlePotential;
        if (AdaptiveUniform(field))
        {
            var u = Adaptive(true);
            u.Pending = stage == Dp45.Stages - 1;
            return ComponentStageKernel.AdaptiveLinear((LinearConstraint)con, w1 as HarmonicParticlePotential, stage, h, ydot,
                _x0, u.Uniform, Count, rtol, atol, output);
        }
        if (stage > 0) AdaptiveAdvance(stage, h, field);
        var k = Adaptive(false).K!;
        int nx = con.Nx, ny = con.Ny;
        double m = _model.ParticleMass;
        Span<double> x = stackalloc double[nx];
        Span<double> phi = stackalloc double[nx * ny];
        Span<double> xdot = stackalloc double[nx];
        Span<double> omega = stackalloc double[nx];
        Span<double> f = stackalloc double[nx];
        output.Clear();
        Span<double> mass = output.Mass;
        Span<double> force = output.Force;
        var ks = k[stage];
        double err = 0.0;
        for (int i = 0; i < Count; i++)
        {
            AddParticle(i, con, w1, field, m, y, ydot, x, phi, xdot, omega, f, force, mass);
            for (int c = 0; c < nx; c++) ks[c][i] = xdot[c];
            if (stage == Dp45.Stages - 1)
                for (int c = 0; c < nx; c++)
                {
                    double e = 0.0;
                    for (int j = 0; j < Dp45.Stages; j++) e += Dp45.E[j] * k[j][c][i];
                    err += Dp45.ScaledSquare(h * e, _x0[c][i], x[c], rtol, atol);
                }
        }
        for (int a = 0; a < ny; a++)
            for (int b = a + 1; b < ny; b++) mass[a * ny + b] = mass[b * ny + a];
        return err;
    }

    /// <summary>
    /// The per-particle path's work for particle <paramref name="i"/> at a stage: its position into <paramref name="x"/>,
    /// its kinematics (phi, x', omega), and its share of the partial sums (force, lower triangle of the mass matrix).
    /// </summary>
    private void AddParticle(int i, ParticleConstraint con, IParticlePotential? w1, IInteractionField? field, double m,
        ReadOnlySpan<double> y, ReadOnlySpan<double> ydot, Span<double> x, Span<double> phi, Span<double> xdot,
        Span<double> omega, Span<double> f, Span<double> force, Span<double> mass)
    {
        int nx = con.Nx, ny = con.Ny;
        for (int c = 0; c < nx; c++) x[c] = _x[c][i];
        con.Kinematics(x, y, ydot, phi, xdot, omega);
        if (w1 is null) f.Clear(); else w1.Force(x, f);
        field?.AddForce(x, f);
        for (int r = 0; r < nx; r++) f[r] -= m * omega[r];
        for (int a = 0; a < ny; a++)
        {
            double fa = 0.0;
            for (int r = 0; r < nx; r++) fa += phi[r * ny + a] * f[r];
            force[a] += fa;
            for (int b = 0; b <= a; b++)
            {
                double s = 0.0;
                for (int r = 0; r < nx; r++) s += phi[r * ny + a] * phi[r * ny + b];
                mass[a * ny + b] += s;
            }
        }
    }

    /// <summary>
    /// Ends the adaptive step under way: accepted, X0 = X (the 5th-order solution) and k_0 = k_6 (FSAL); rejected,
    /// X = X0. Either way the block is between steps (X == X0) afterwards. Does nothing when no step is under way.
    /// The uniform linear path never moved X during the step: accepted, it writes X = X0 = X0 + delta_6 in one pass;
    /// rejected, nothing.
    /// </summary>
    public void AdaptiveCommit(bool accept)
    {
        var ad = _adaptive;
        if (ad is null) return;
        int nx = _model.Nx, last = Dp45.Stages - 1;
        if (ad.K is null)
        {
            if (accept && ad.Pending) ComponentStageKernel.AdaptiveLinearCommit(nx, _x, _x0, ad.Uniform, Count);
            ad.At = 0; ad.Pending = false;
            return;
        }
        for (int c = 0; c < nx; c++)
        {
            if (accept) _x[c].AsSpan(0, Count).CopyTo(_x0[c]);
            else _x0[c].AsSpan(0, Count).CopyTo(_x[c]);
        }
        if (accept) (ad.K[0], ad.K[last]) = (ad.K[last], ad.K[0]);
        ad.At = 0;
    }
}
