namespace ActorSim.Numerics.Muscle;

/// <summary>
/// One-dimensional stretch g(x, y) = x / (1 + y) (n_x = n_y = 1): particles keep their reference
/// position x_ref = x / (1 + y). Phi = x / (1 + y), Omega = 0 (x = (1 + y) x_ref is linear in y).
/// The velocity field Phi(x, y) y' = x y' / (1 + y) compresses or stretches a density, so the mean-field
/// mass m_eff = M + m int x^2 rho dx / (1 + y)^2 depends on rho. Full rank while 1 + y != 0.
/// </summary>
public sealed class StretchConstraint1D : ParticleConstraint
{
    public StretchConstraint1D() : base(1, 1) { }

    public override void Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> g) => g[0] = x[0] / (1.0 + y[0]);

    public override void JacobianX(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> gx) => gx[0] = 1.0 / (1.0 + y[0]);

    public override void JacobianY(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> gy)
    {
        double s = 1.0 + y[0];
        gy[0] = -x[0] / (s * s);
    }

    public override void SecondDerivative(ReadOnlySpan<double> x, ReadOnlySpan<double> y,
        ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> result)
    {
        // g_xx = 0, g_xy = -1/s^2, g_yy = 2 x / s^3
        double s = 1.0 + y[0];
        result[0] = -2.0 * a[0] * b[0] / (s * s) + 2.0 * x[0] * b[0] * b[0] / (s * s * s);
    }

    public override void Kinematics(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> ydot,
        Span<double> phi, Span<double> xdot, Span<double> omega)
    {
        double p = x[0] / (1.0 + y[0]);
        phi[0] = p;
        xdot[0] = p * ydot[0];
        omega[0] = 0.0;
    }

    /// <summary>d_x g = 1 / (1 + y) (1 x 1): the same values as the general path, without its factorisation.</summary>
    public override (double Determinant, double MinSingularValue) JacobianXConditioning(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double d = 1.0 / (1.0 + y[0]);
        return (d, Math.Abs(d));
    }

    public override int Project(Span<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> target,
        double tolerance = 1e-15, int maxIterations = 20)
    {
        x[0] = target[0] * (1.0 + y[0]);
        return 1;
    }
}
