namespace ActorSim.Numerics.Symbolic;

/// <summary>
/// A parsed scalar formula: an immutable expression tree over named variables. Built by <see cref="ExprParser"/>,
/// differentiated exactly by <see cref="ExprDerivative"/> (symbolic rules on the tree, simplified as they are
/// built) and compiled once to a delegate by <see cref="ExprCompiler"/>; never interpreted per particle.
/// </summary>
public abstract record Expr
{
    /// <summary>The value with the variables bound by <paramref name="variable"/> (reference evaluation, for tests).</summary>
    public abstract double Evaluate(Func<string, double> variable);
}

/// <summary>A number.</summary>
public sealed record Num(double Value) : Expr
{
    public override double Evaluate(Func<string, double> variable) => Value;
    public override string ToString() => Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A variable.</summary>
public sealed record Var(string Name) : Expr
{
    public override double Evaluate(Func<string, double> variable) => variable(Name);
    public override string ToString() => Name;
}

/// <summary>The binary operators.</summary>
public enum BinaryOp { Add, Sub, Mul, Div, Pow }

/// <summary>a op b.</summary>
public sealed record Binary(BinaryOp Op, Expr A, Expr B) : Expr
{
    public override double Evaluate(Func<string, double> variable)
    {
        double a = A.Evaluate(variable), b = B.Evaluate(variable);
        return Op switch
        {
            BinaryOp.Add => a + b,
            BinaryOp.Sub => a - b,
            BinaryOp.Mul => a * b,
            BinaryOp.Div => a / b,
            _ => Math.Pow(a, b),
        };
    }

    public override string ToString() => $"({A} {Op switch { BinaryOp.Add => "+", BinaryOp.Sub => "-", BinaryOp.Mul => "*", BinaryOp.Div => "/", _ => "^" }} {B})";
}

/// <summary>-a.</summary>
public sealed record Neg(Expr A) : Expr
{
    public override double Evaluate(Func<string, double> variable) => -A.Evaluate(variable);
    public override string ToString() => $"(-{A})";
}

/// <summary>A function of one argument (see <see cref="Functions.Names"/>).</summary>
public sealed record Call(string Function, Expr A) : Expr
{
    public override double Evaluate(Func<string, double> variable) => Functions.Apply(Function, A.Evaluate(variable));
    public override string ToString() => $"{Function}({A})";
}

/// <summary>The functions a formula may call, their values and the method each compiles to.</summary>
public static class Functions
{
    public static readonly string[] Names = ["sin", "cos", "tan", "exp", "log", "sqrt", "sinh", "cosh", "tanh", "atan", "abs"];

    public static double Apply(string f, double a) => f switch
    {
        "sin" => Math.Sin(a),
        "cos" => Math.Cos(a),
        "tan" => Math.Tan(a),
        "exp" => Math.Exp(a),
        "log" => Math.Log(a),
        "sqrt" => Math.Sqrt(a),
        "sinh" => Math.Sinh(a),
        "cosh" => Math.Cosh(a),
        "tanh" => Math.Tanh(a),
        "atan" => Math.Atan(a),
        "abs" => Math.Abs(a),
        "sign" => Math.Sign(a),
        _ => throw new ArgumentException($"unknown function {f}"),
    };

    /// <summary>The <see cref="Math"/> method of a function (sign: <see cref="Sign"/>, returning double).</summary>
    public static System.Reflection.MethodInfo Method(string f) => f == "sign"
        ? typeof(Functions).GetMethod(nameof(Sign))!
        : typeof(Math).GetMethod(char.ToUpperInvariant(f[0]) + f[1..], [typeof(double)])!;

    public static double Sign(double a) => a > 0 ? 1.0 : a < 0 ? -1.0 : 0.0;
}
