namespace ActorSim.Numerics.Muscle;

/// <summary>
/// The linear constraint g(X, y) = X - G y with a constant n_x x n_y matrix G (seed 003, "Examples
/// (linear constraints)"): Phi = G, Omega = 0, so X_i' = G y' and m_eff = M + m G^T G.
/// </summary>
public sealed class LinearConstraint : ParticleConstraint
{
    private readonly double[] _g; // row-major n_x x n_y

    /// <param name="g">The coupling matrix G (rows n_x, columns n_y), dimensionless.</param>
    public LinearConstraint(double[,] g) : base(g.GetLength(0), g.GetLength(1))
    {
        _g = new double[Nx * Ny];
        for (int r = 0; r < Nx; r++)
            for (int c = 0; c < Ny; c++) _g[r * Ny + c] = g[r, c];
    }

    /// <summary>G as a row-major copy.</summary>
    public double[] G => (double[])_g.Clone();

    /// <summary>G, row-major, without a copy (for the block kernels).</summary>
    internal ReadOnlySpan<double> Coupling => _g;

    public override void Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> g)
    {
        for (int r = 0; r < Nx; r++)
        {
            double s = x[r];
            for (int c = 0; c < Ny; c++) s -= _g[r * Ny + c] * y[c];
            g[r] = s;
        }
    }

    public override void JacobianX(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> gx)
    {
        gx.Slice(0, Nx * Nx).Clear();
        for (int r = 0; r < Nx; r++) gx[r * Nx + r] = 1.0;
    }

    public override void JacobianY(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> gy)
    {
        for (int k = 0; k < _g.Length; k++) gy[k] = -_g[k];
    }

    public override void SecondDerivative(ReadOnlySpan<double> x, ReadOnlySpan<double> y,
        ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> result) => result.Slice(0, Nx).Clear();

    public override void Kinematics(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> ydot,
        Span<double> phi, Span<double> xdot, Span<double> omega)
    {
        _g.AsSpan().CopyTo(phi);
        for (int r = 0; r < Nx; r++)
        {
            double s = 0.0;
            for (int c = 0; c < Ny; c++) s += _g[r * Ny + c] * ydot[c];
            xdot[r] = s;
            omega[r] = 0.0;
        }
    }

    /// <summary>d_X g = I: determinant 1, singular values 1 (no factorisation per particle at start-up).</summary>
    public override (double Determinant, double MinSingularValue) JacobianXConditioning(ReadOnlySpan<double> x, ReadOnlySpan<double> y) => (1.0, 1.0);

    public override int Project(Span<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> target,
        double tolerance = 1e-15, int maxIterations = 20)
    {
        for (int r = 0; r < Nx; r++)
        {
            double s = target[r];
            for (int c = 0; c < Ny; c++) s += _g[r * Ny + c] * y[c];
            x[r] = s;
        }
        return 1;
    }
}
