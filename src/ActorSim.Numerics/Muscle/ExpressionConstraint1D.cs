using ActorSim.Numerics.Symbolic;

namespace ActorSim.Numerics.Muscle;

/// <summary>
/// A user-given constraint g(x, y) for n_x = n_y = 1 (seed 003's general nonlinear constraint g(q, r), with q the
/// particle coordinate x and r the macroscopic variable y). The formula is parsed once; g_x, g_y, g_xx, g_xy and
/// g_yy are exact symbolic derivatives of the tree, each compiled once to a delegate. Kinematics in closed form:
/// Phi = -g_y / g_x, x' = Phi y', Omega[y', y'] = -(g_xx x'^2 + 2 g_xy x' y' + g_yy y'^2) / g_x.
/// A zero g_x (singular constraint) throws <see cref="ConstraintRankException"/>.
/// </summary>
public sealed class ExpressionConstraint1D : ParticleConstraint
{
    /// <summary>Names a formula may use: x (alias q) for the particle coordinate, y (alias r) for the macroscopic variable.</summary>
    public static readonly IReadOnlyDictionary<string, string> VariableNames =
        new Dictionary<string, string> { ["x"] = "x", ["q"] = "x", ["y"] = "y", ["r"] = "y" };

    private readonly Func<double, double, double> _g, _gx, _gy, _gxx, _gxy, _gyy;

    /// <summary>Parses and compiles <paramref name="formula"/>; throws <see cref="ExprParseException"/> if it is not a formula.</summary>
    public ExpressionConstraint1D(string formula) : this(ExprParser.Parse(formula, VariableNames)) { Formula = formula; }

    public ExpressionConstraint1D(Expr g) : base(1, 1)
    {
        Formula = g.ToString();
        G = g;
        Gx = ExprDerivative.D(g, "x");
        Gy = ExprDerivative.D(g, "y");
        Gxx = ExprDerivative.D(Gx, "x");
        Gxy = ExprDerivative.D(Gx, "y");
        Gyy = ExprDerivative.D(Gy, "y");
        _g = ExprCompiler.Compile2(G, "x", "y");
        _gx = ExprCompiler.Compile2(Gx, "x", "y");
        _gy = ExprCompiler.Compile2(Gy, "x", "y");
        _gxx = ExprCompiler.Compile2(Gxx, "x", "y");
        _gxy = ExprCompiler.Compile2(Gxy, "x", "y");
        _gyy = ExprCompiler.Compile2(Gyy, "x", "y");
    }

    public string Formula { get; }

    /// <summary>The parsed g and its symbolic derivatives.</summary>
    public Expr G { get; }
    public Expr Gx { get; }
    public Expr Gy { get; }
    public Expr Gxx { get; }
    public Expr Gxy { get; }
    public Expr Gyy { get; }

    /// <summary>d g / d x at (x, y) (the quantity that must not vanish).</summary>
    public double DerivativeX(double x, double y) => _gx(x, y);

    public override void Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> g) => g[0] = _g(x[0], y[0]);

    public override void JacobianX(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> gx) => gx[0] = _gx(x[0], y[0]);

    public override void JacobianY(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> gy) => gy[0] = _gy(x[0], y[0]);

    public override void SecondDerivative(ReadOnlySpan<double> x, ReadOnlySpan<double> y,
        ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> result)
    {
        double p = x[0], q = y[0];
        result[0] = _gxx(p, q) * a[0] * a[0] + 2.0 * _gxy(p, q) * a[0] * b[0] + _gyy(p, q) * b[0] * b[0];
    }

    public override void Kinematics(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> ydot,
        Span<double> phi, Span<double> xdot, Span<double> omega)
    {
        double p = x[0], q = y[0], v = ydot[0];
        double gx = _gx(p, q);
        if (gx == 0.0 || !double.IsFinite(gx))
            throw new ConstraintRankException(-1, gx, Math.Abs(gx), $"d_x g = {gx} at x = {p}, y = {q} for g = {Formula}: the constraint is singular there");
        double f = -_gy(p, q) / gx;
        double a = f * v;
        phi[0] = f;
        xdot[0] = a;
        omega[0] = -(_gxx(p, q) * a * a + 2.0 * _gxy(p, q) * a * v + _gyy(p, q) * v * v) / gx;
    }

    public override int Project(Span<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> target,
        double tolerance = 1e-15, int maxIterations = 20)
    {
        double q = y[0];
        for (int it = 1; it <= maxIterations; it++)
        {
            double gx = _gx(x[0], q);
            if (gx == 0.0 || !double.IsFinite(gx))
                throw new ConstraintRankException(-1, gx, Math.Abs(gx), $"d_x g = {gx} at x = {x[0]}, y = {q} during projection (g = {Formula})");
            double step = (_g(x[0], q) - target[0]) / gx;
            x[0] -= step;
            if (Math.Abs(step) <= tolerance * Math.Max(1.0, Math.Abs(x[0]))) return it;
        }
        return maxIterations;
    }
}
