using ActorSim.Numerics.Symbolic;

namespace ActorSim.Numerics.Muscle;

/// <summary>
/// A deformation map F(y) given by four formulas (F00, F01, F10, F11) in the macroscopic variables y0 .. y_{n_y - 1}
/// (n_y &lt;= 4): the general "map" of seed 003's deformation constraint g(X, y) = F(y)^{-1} X. Each entry is parsed
/// once; its first and second partial derivatives are exact symbolic derivatives, each compiled once to a
/// delegate, so DF(y)[v] = sum_k d_k F v_k and D^2F(y)[v, v] = sum_kl d_k d_l F v_k v_l cost delegate calls only
/// (once per stage: F depends on y alone).
/// </summary>
public sealed class ExpressionMap2D : DeformationMap2D
{
    private readonly Func<double, double, double, double, double>[] _f;        // [entry]
    private readonly Func<double, double, double, double, double>[] _d1;       // [entry * ny + k]
    private readonly Func<double, double, double, double, double>[] _d2;       // [(entry * ny + k) * ny + l]

    /// <summary>The variable names y0 .. y3.</summary>
    public static IReadOnlyDictionary<string, string> VariableNames(int ny) =>
        Enumerable.Range(0, ny).ToDictionary(k => $"y{k}", k => $"y{k}");

    /// <summary>Parses and compiles the entries; throws <see cref="ExprParseException"/> naming the problem.</summary>
    public ExpressionMap2D(int ny, string f00, string f01, string f10, string f11) : base(ny)
    {
        if (ny is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(ny), ny, "n_y must be 1 to 4");
        var names = Enumerable.Range(0, ny).Select(k => $"y{k}").ToArray();
        var vars = VariableNames(ny);
        Entries = [ExprParser.Parse(f00, vars), ExprParser.Parse(f01, vars), ExprParser.Parse(f10, vars), ExprParser.Parse(f11, vars)];
        _f = new Func<double, double, double, double, double>[4];
        _d1 = new Func<double, double, double, double, double>[4 * ny];
        _d2 = new Func<double, double, double, double, double>[4 * ny * ny];
        for (int e = 0; e < 4; e++)
        {
            _f[e] = ExprCompiler.Compile4(Entries[e], names);
            for (int k = 0; k < ny; k++)
            {
                var dk = ExprDerivative.D(Entries[e], names[k]);
                _d1[e * ny + k] = ExprCompiler.Compile4(dk, names);
                for (int l = 0; l < ny; l++) _d2[(e * ny + k) * ny + l] = ExprCompiler.Compile4(ExprDerivative.D(dk, names[l]), names);
            }
        }
    }

    /// <summary>The parsed entries F00, F01, F10, F11.</summary>
    public Expr[] Entries { get; }

    private static (double, double, double, double) Args(ReadOnlySpan<double> y) =>
        (y[0], y.Length > 1 ? y[1] : 0.0, y.Length > 2 ? y[2] : 0.0, y.Length > 3 ? y[3] : 0.0);

    public override void Matrix(ReadOnlySpan<double> y, Span<double> f)
    {
        var (a, b, c, d) = Args(y);
        for (int e = 0; e < 4; e++) f[e] = _f[e](a, b, c, d);
    }

    public override void Derivative(ReadOnlySpan<double> y, ReadOnlySpan<double> v, Span<double> df)
    {
        var (a, b, c, d) = Args(y);
        int ny = Ny;
        for (int e = 0; e < 4; e++)
        {
            double s = 0;
            for (int k = 0; k < ny; k++) s += _d1[e * ny + k](a, b, c, d) * v[k];
            df[e] = s;
        }
    }

    public override void SecondDerivative(ReadOnlySpan<double> y, ReadOnlySpan<double> v, Span<double> d2f)
    {
        var (a, b, c, d) = Args(y);
        int ny = Ny;
        for (int e = 0; e < 4; e++)
        {
            double s = 0;
            for (int k = 0; k < ny; k++)
                for (int l = 0; l < ny; l++) s += _d2[(e * ny + k) * ny + l](a, b, c, d) * v[k] * v[l];
            d2f[e] = s;
        }
    }
}

/// <summary>
/// A macroscopic potential W0(y) given as a formula in y0 .. y_{n_y - 1}; the force F0 = -grad W0 is its exact
/// symbolic gradient, compiled once.
/// </summary>
public sealed class ExpressionMacroPotential : IMacroPotential
{
    private readonly Func<double, double, double, double, double> _w;
    private readonly Func<double, double, double, double, double>[] _grad;

    public ExpressionMacroPotential(int ny, string formula)
    {
        if (ny is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(ny), ny, "n_y must be 1 to 4");
        var names = Enumerable.Range(0, ny).Select(k => $"y{k}").ToArray();
        var w = ExprParser.Parse(formula, ExpressionMap2D.VariableNames(ny));
        _w = ExprCompiler.Compile4(w, names);
        _grad = names.Select(n => ExprCompiler.Compile4(ExprDerivative.D(w, n), names)).ToArray();
    }

    public double Energy(ReadOnlySpan<double> y) =>
        _w(y[0], y.Length > 1 ? y[1] : 0.0, y.Length > 2 ? y[2] : 0.0, y.Length > 3 ? y[3] : 0.0);

    public void Force(ReadOnlySpan<double> y, Span<double> force)
    {
        double a = y[0], b = y.Length > 1 ? y[1] : 0.0, c = y.Length > 2 ? y[2] : 0.0, d = y.Length > 3 ? y[3] : 0.0;
        for (int k = 0; k < _grad.Length; k++) force[k] = -_grad[k](a, b, c, d);
    }
}
