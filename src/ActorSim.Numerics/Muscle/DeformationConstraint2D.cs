namespace ActorSim.Numerics.Muscle;

/// <summary>
/// The 2D deformation constraint g(X, y) = F(y)^{-1} X (seed 003): every particle keeps its reference
/// position X_ref = F(y)^{-1} X. Closed forms (derived from X = F(y) X_ref):
/// Phi[v] = DF(y)[v] X_ref, Omega[v, v] = D^2F(y)[v, v] X_ref.
/// (The seed's mean-field PDE writes "F(y') F(y)^{-1} x"; that is DF(y)[y'] F(y)^{-1} x and equals
/// F(y') F(y)^{-1} x only when F is linear in y.)
/// </summary>
public sealed class DeformationConstraint2D : ParticleConstraint
{
    public DeformationConstraint2D(DeformationMap2D map) : base(2, map.Ny) => Map = map;

    /// <summary>The deformation parametrisation F(y).</summary>
    public DeformationMap2D Map { get; }

    private static void Inverse(ReadOnlySpan<double> f, Span<double> inv)
    {
        double det = f[0] * f[3] - f[1] * f[2];
        double id = 1.0 / det;
        inv[0] = f[3] * id; inv[1] = -f[1] * id; inv[2] = -f[2] * id; inv[3] = f[0] * id;
    }

    private static void Apply(ReadOnlySpan<double> m, ReadOnlySpan<double> v, Span<double> r)
    {
        double a = m[0] * v[0] + m[1] * v[1];
        double b = m[2] * v[0] + m[3] * v[1];
        r[0] = a; r[1] = b;
    }

    /// <summary>Reference position F(y)^{-1} x computed by Cramer's rule.</summary>
    private void Reference(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> xref)
    {
        Span<double> f = stackalloc double[4];
        Map.Matrix(y, f);
        double det = f[0] * f[3] - f[1] * f[2];
        xref[0] = (f[3] * x[0] - f[1] * x[1]) / det;
        xref[1] = (-f[2] * x[0] + f[0] * x[1]) / det;
    }

    public override void Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> g) => Reference(x, y, g);

    public override void JacobianX(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> gx)
    {
        Span<double> f = stackalloc double[4];
        Map.Matrix(y, f);
        Inverse(f, gx);
    }

    public override void JacobianY(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> gy)
    {
        // d/dy_c F^{-1} x = -F^{-1} (d_c F) F^{-1} x
        Span<double> f = stackalloc double[4];
        Span<double> inv = stackalloc double[4];
        Span<double> e = stackalloc double[Ny];
        Span<double> df = stackalloc double[4];
        Span<double> xr = stackalloc double[2];
        Span<double> t = stackalloc double[2];
        Map.Matrix(y, f);
        Inverse(f, inv);
        Apply(inv, x, xr);
        for (int c = 0; c < Ny; c++)
        {
            e.Clear(); e[c] = 1.0;
            Map.Derivative(y, e, df);
            Apply(df, xr, t);
            Apply(inv, t, t);
            gy[c] = -t[0];
            gy[Ny + c] = -t[1];
        }
    }

    public override void SecondDerivative(ReadOnlySpan<double> x, ReadOnlySpan<double> y,
        ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> result)
    {
        // G(s) = F(y + s b)^{-1}: G' = -G F' G, G'' = 2 G F' G F' G - G F'' G.
        // d^2/ds^2 [G(s)(x + s a)] = G'' x + 2 G' a.
        Span<double> f = stackalloc double[4];
        Span<double> inv = stackalloc double[4];
        Span<double> df = stackalloc double[4];
        Span<double> d2f = stackalloc double[4];
        Span<double> u = stackalloc double[2];
        Span<double> w = stackalloc double[2];
        Map.Matrix(y, f);
        Inverse(f, inv);
        Map.Derivative(y, b, df);
        Map.SecondDerivative(y, b, d2f);
        // u = G F' G x
        Apply(inv, x, u); Apply(df, u, u); Apply(inv, u, u);
        // 2 G F' u
        Apply(df, u, w); Apply(inv, w, w);
        double r0 = 2.0 * w[0], r1 = 2.0 * w[1];
        // - G F'' G x
        Apply(inv, x, u); Apply(d2f, u, u); Apply(inv, u, u);
        r0 -= u[0]; r1 -= u[1];
        // - 2 G F' G a
        Apply(inv, a, u); Apply(df, u, u); Apply(inv, u, u);
        r0 -= 2.0 * u[0]; r1 -= 2.0 * u[1];
        result[0] = r0; result[1] = r1;
    }

    public override void Kinematics(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> ydot,
        Span<double> phi, Span<double> xdot, Span<double> omega)
    {
        int ny = Ny;
        Span<double> xr = stackalloc double[2];
        Span<double> e = stackalloc double[ny];
        Span<double> df = stackalloc double[4];
        Reference(x, y, xr);
        for (int c = 0; c < ny; c++)
        {
            e.Clear(); e[c] = 1.0;
            Map.Derivative(y, e, df);
            phi[c] = df[0] * xr[0] + df[1] * xr[1];
            phi[ny + c] = df[2] * xr[0] + df[3] * xr[1];
        }
        Map.Derivative(y, ydot, df);
        Apply(df, xr, xdot);
        Map.SecondDerivative(y, ydot, df);
        Apply(df, xr, omega);
    }

    public override int Project(Span<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> target,
        double tolerance = 1e-15, int maxIterations = 20)
    {
        Span<double> f = stackalloc double[4];
        Map.Matrix(y, f);
        Apply(f, target, x);
        return 1;
    }
}
