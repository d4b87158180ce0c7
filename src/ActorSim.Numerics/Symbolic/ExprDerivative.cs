namespace ActorSim.Numerics.Symbolic;

/// <summary>
/// Exact symbolic differentiation of <see cref="Expr"/> trees (the chain, product and quotient rules and the
/// derivatives of the elementary functions), with light simplification while building (constant folding, x + 0,
/// x * 1, x * 0, ...) so that repeated derivatives stay small. No finite differences anywhere.
/// </summary>
public static class ExprDerivative
{
    /// <summary>d e / d <paramref name="variable"/>.</summary>
    public static Expr D(Expr e, string variable) => e switch
    {
        Num => Zero,
        Var v => v.Name == variable ? One : Zero,
        Neg n => Negate(D(n.A, variable)),
        Binary { Op: BinaryOp.Add } b => Add(D(b.A, variable), D(b.B, variable)),
        Binary { Op: BinaryOp.Sub } b => Sub(D(b.A, variable), D(b.B, variable)),
        Binary { Op: BinaryOp.Mul } b => Add(Mul(D(b.A, variable), b.B), Mul(b.A, D(b.B, variable))),
        Binary { Op: BinaryOp.Div } b => Sub(Div(D(b.A, variable), b.B), Div(Mul(b.A, D(b.B, variable)), Mul(b.B, b.B))),
        Binary { Op: BinaryOp.Pow, B: Num c } b => Mul(Mul(new Num(c.Value), Pow(b.A, new Num(c.Value - 1))), D(b.A, variable)),
        // u^v = exp(v log u): (u^v)' = u^v (v' log u + v u' / u)
        Binary { Op: BinaryOp.Pow } b => Mul(b, Add(Mul(D(b.B, variable), new Call("log", b.A)), Div(Mul(b.B, D(b.A, variable)), b.A))),
        Call c => Mul(Outer(c), D(c.A, variable)),
        _ => throw new ArgumentException($"cannot differentiate {e}"),
    };

    /// <summary>f'(u) for f(u) = <paramref name="c"/>.</summary>
    private static Expr Outer(Call c)
    {
        var u = c.A;
        return c.Function switch
        {
            "sin" => new Call("cos", u),
            "cos" => Negate(new Call("sin", u)),
            "tan" => Add(One, Mul(c, c)),
            "exp" => c,
            "log" => Div(One, u),
            "sqrt" => Div(new Num(0.5), c),
            "sinh" => new Call("cosh", u),
            "cosh" => new Call("sinh", u),
            "tanh" => Sub(One, Mul(c, c)),
            "atan" => Div(One, Add(One, Mul(u, u))),
            "abs" => new Call("sign", u),
            "sign" => Zero,
            _ => throw new ArgumentException($"cannot differentiate {c.Function}"),
        };
    }

    private static readonly Num Zero = new(0.0), One = new(1.0);

    private static bool Is(Expr e, double v) => e is Num n && n.Value == v;

    public static Expr Add(Expr a, Expr b) =>
        a is Num x && b is Num y ? new Num(x.Value + y.Value) : Is(a, 0) ? b : Is(b, 0) ? a : new Binary(BinaryOp.Add, a, b);

    public static Expr Sub(Expr a, Expr b) =>
        a is Num x && b is Num y ? new Num(x.Value - y.Value) : Is(b, 0) ? a : Is(a, 0) ? Negate(b) : new Binary(BinaryOp.Sub, a, b);

    public static Expr Mul(Expr a, Expr b) =>
        a is Num x && b is Num y ? new Num(x.Value * y.Value)
        : Is(a, 0) || Is(b, 0) ? Zero
        : Is(a, 1) ? b : Is(b, 1) ? a
        : Is(a, -1) ? Negate(b) : Is(b, -1) ? Negate(a)
        : new Binary(BinaryOp.Mul, a, b);

    public static Expr Div(Expr a, Expr b) =>
        a is Num x && b is Num y && y.Value != 0 ? new Num(x.Value / y.Value) : Is(a, 0) ? Zero : Is(b, 1) ? a : new Binary(BinaryOp.Div, a, b);

    public static Expr Pow(Expr a, Expr b) =>
        Is(b, 1) ? a : Is(b, 0) ? One : new Binary(BinaryOp.Pow, a, b);

    public static Expr Negate(Expr a) => a switch
    {
        Num n => new Num(-n.Value),
        Neg n => n.A,
        _ => new Neg(a),
    };
}
