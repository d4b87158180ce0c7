namespace ActorSim.Numerics.Muscle;

/// <summary>
/// A holonomic particle constraint g : R^{n_x} x R^{n_y} -> R^{n_x}, enforced as
/// g(X_i, y) = g(X_i^init, y^init) for every particle i (seed 003, "macro-micro" DAE).
/// <para>
/// Index reduction (requires d_X g invertible, the "uniform full-rank" condition):
/// X' = Phi(X, y)[y'] with Phi = -(d_X g)^{-1} d_y g (an n_x x n_y matrix), and
/// X'' = Phi[y''] + Omega(X, y)[y', y'] with
/// Omega = -(d_X g)^{-1} ( g_XX[Phi y', Phi y'] + 2 g_Xy[Phi y', y'] + g_yy[y', y'] ).
/// The bracket is the second directional derivative d^2/ds^2 g(X + s a, y + s b) at s = 0 with
/// a = Phi y', b = y'; subclasses provide it through <see cref="SecondDerivative"/>.
/// </para>
/// Matrices are row-major spans: entry (r, c) of an R x C matrix is at r * C + c.
/// Implementations must be thread-safe (stateless) and must not allocate.
/// </summary>
public abstract class ParticleConstraint
{
    /// <param name="nx">Particle dimension n_x (1..16).</param>
    /// <param name="ny">Macroscopic dimension n_y (&gt;= 1).</param>
    protected ParticleConstraint(int nx, int ny)
    {
        if (nx < 1 || nx > SmallDense.MaxDimension) throw new ArgumentOutOfRangeException(nameof(nx), nx, $"n_x must be in 1..{SmallDense.MaxDimension}");
        if (ny < 1 || ny > 64) throw new ArgumentOutOfRangeException(nameof(ny), ny, "n_y must be in 1..64");
        Nx = nx; Ny = ny;
    }

    /// <summary>Particle dimension n_x (also the number of constraint equations per particle).</summary>
    public int Nx { get; }

    /// <summary>Macroscopic dimension n_y.</summary>
    public int Ny { get; }

    /// <summary>g(x, y), written to <paramref name="g"/> (length n_x).</summary>
    public abstract void Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> g);

    /// <summary>d_X g (n_x x n_x, row-major: entry (r, c) = d g_r / d x_c).</summary>
    public abstract void JacobianX(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> gx);

    /// <summary>d_y g (n_x x n_y, row-major: entry (r, c) = d g_r / d y_c).</summary>
    public abstract void JacobianY(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> gy);

    /// <summary>
    /// Second directional derivative g_XX[a, a] + 2 g_Xy[a, b] + g_yy[b, b] (length n_x),
    /// i.e. d^2/ds^2 g(x + s a, y + s b) at s = 0, for a in R^{n_x}, b in R^{n_y}.
    /// </summary>
    public abstract void SecondDerivative(ReadOnlySpan<double> x, ReadOnlySpan<double> y,
        ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> result);

    /// <summary>
    /// The per-particle kinematics of the index-reduced system at (x, y) with macroscopic velocity ydot:
    /// Phi (n_x x n_y, row-major), xdot = Phi ydot (n_x) and omega = Omega[ydot, ydot] (n_x).
    /// The default factorises d_X g once (LU, partial pivoting) and solves; built-in constraints override it
    /// with closed forms. Throws <see cref="ConstraintRankException"/> (particle index -1) if d_X g is singular.
    /// </summary>
    public virtual void Kinematics(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> ydot,
        Span<double> phi, Span<double> xdot, Span<double> omega)
    {
        int nx = Nx, ny = Ny;
        Span<double> lu = stackalloc double[nx * nx];
        Span<int> piv = stackalloc int[nx];
        Span<double> col = stackalloc double[nx];
        JacobianX(x, y, lu);
        if (!SmallDense.LuFactor(lu, nx, piv))
            throw new ConstraintRankException(-1, 0.0, 0.0, "d_X g is singular during integration");
        JacobianY(x, y, phi);
        // Phi = -(g_X)^{-1} g_y, column by column.
        for (int c = 0; c < ny; c++)
        {
            for (int r = 0; r < nx; r++) col[r] = -phi[r * ny + c];
            SmallDense.LuSolve(lu, nx, piv, col);
            for (int r = 0; r < nx; r++) phi[r * ny + c] = col[r];
        }
        for (int r = 0; r < nx; r++)
        {
            double s = 0.0;
            for (int c = 0; c < ny; c++) s += phi[r * ny + c] * ydot[c];
            xdot[r] = s;
        }
        SecondDerivative(x, y, xdot, ydot, omega);
        for (int r = 0; r < nx; r++) omega[r] = -omega[r];
        SmallDense.LuSolve(lu, nx, piv, omega);
    }

    /// <summary>
    /// Projects x (in place) onto the level set g(x, y) = target by Newton's method in x with y fixed
    /// (d_X g invertible, so the projection is locally unique). Stops when the max-norm update is below
    /// <paramref name="tolerance"/> or after <paramref name="maxIterations"/> iterations.
    /// Returns the number of iterations used.
    /// </summary>
    public virtual int Project(Span<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> target,
        double tolerance = 1e-15, int maxIterations = 20)
    {
        int nx = Nx;
        Span<double> lu = stackalloc double[nx * nx];
        Span<int> piv = stackalloc int[nx];
        Span<double> r = stackalloc double[nx];
        for (int it = 1; it <= maxIterations; it++)
        {
            Evaluate(x, y, r);
            for (int k = 0; k < nx; k++) r[k] -= target[k];
            JacobianX(x, y, lu);
            if (!SmallDense.LuFactor(lu, nx, piv))
                throw new ConstraintRankException(-1, 0.0, 0.0, "d_X g is singular during projection");
            SmallDense.LuSolve(lu, nx, piv, r);
            double step = 0.0;
            for (int k = 0; k < nx; k++)
            {
                x[k] -= r[k];
                step = Math.Max(step, Math.Abs(r[k]));
            }
            double scale = 0.0;
            for (int k = 0; k < nx; k++) scale = Math.Max(scale, Math.Abs(x[k]));
            if (step <= tolerance * Math.Max(1.0, scale)) return it;
        }
        return maxIterations;
    }

    /// <summary>
    /// (determinant, smallest singular value) of d_X g at (x, y): the quantities the start-up full-rank check reports.
    /// </summary>
    public virtual (double Determinant, double MinSingularValue) JacobianXConditioning(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int nx = Nx;
        Span<double> a = stackalloc double[nx * nx];
        Span<double> lu = stackalloc double[nx * nx];
        Span<int> piv = stackalloc int[nx];
        JacobianX(x, y, a);
        a.CopyTo(lu);
        double det = SmallDense.LuFactor(lu, nx, piv) ? SmallDense.LuDeterminant(lu, nx, piv) : 0.0;
        return (det, SmallDense.MinSingularValue(a, nx));
    }
}
