using System.Linq.Expressions;
using LinqExpr = System.Linq.Expressions.Expression;

namespace ActorSim.Numerics.Symbolic;

/// <summary>
/// Compiles an <see cref="Expr"/> once to a delegate (System.Linq.Expressions → IL): calls cost a delegate
/// invocation plus the arithmetic, with no tree walk. The power 2 compiles to a product; other powers to Math.Pow.
/// </summary>
public static class ExprCompiler
{
    /// <summary>A delegate (a, b) → e with the variables named <paramref name="first"/> and <paramref name="second"/>.</summary>
    public static Func<double, double, double> Compile2(Expr e, string first, string second)
    {
        var a = LinqExpr.Parameter(typeof(double), first);
        var b = LinqExpr.Parameter(typeof(double), second);
        var body = Build(e, name => name == first ? a : name == second ? b : throw new ArgumentException($"variable {name} is not a parameter"));
        return LinqExpr.Lambda<Func<double, double, double>>(body, a, b).Compile();
    }

    /// <summary>A delegate (y0, y1, y2, y3) → e over the variables named in <paramref name="names"/> (up to four; unused slots get 0).</summary>
    public static Func<double, double, double, double, double> Compile4(Expr e, IReadOnlyList<string> names)
    {
        if (names.Count > 4) throw new ArgumentException("at most four variables");
        var ps = Enumerable.Range(0, 4).Select(k => LinqExpr.Parameter(typeof(double), k < names.Count ? names[k] : $"_unused{k}")).ToArray();
        var body = Build(e, name =>
        {
            for (int k = 0; k < names.Count; k++) if (names[k] == name) return ps[k];
            throw new ArgumentException($"variable {name} is not a parameter");
        });
        return LinqExpr.Lambda<Func<double, double, double, double, double>>(body, ps).Compile();
    }

    private static LinqExpr Build(Expr e, Func<string, ParameterExpression> variable) => e switch
    {
        Num n => LinqExpr.Constant(n.Value),
        Var v => variable(v.Name),
        Neg n => LinqExpr.Negate(Build(n.A, variable)),
        Binary { Op: BinaryOp.Pow, B: Num { Value: 2.0 } } p => Square(Build(p.A, variable)),
        Binary { Op: BinaryOp.Pow } p => LinqExpr.Call(typeof(Math).GetMethod(nameof(Math.Pow))!, Build(p.A, variable), Build(p.B, variable)),
        Binary b => b.Op switch
        {
            BinaryOp.Add => LinqExpr.Add(Build(b.A, variable), Build(b.B, variable)),
            BinaryOp.Sub => LinqExpr.Subtract(Build(b.A, variable), Build(b.B, variable)),
            BinaryOp.Mul => LinqExpr.Multiply(Build(b.A, variable), Build(b.B, variable)),
            _ => LinqExpr.Divide(Build(b.A, variable), Build(b.B, variable)),
        },
        Call c => LinqExpr.Call(Functions.Method(c.Function), Build(c.A, variable)),
        _ => throw new ArgumentException($"cannot compile {e}"),
    };

    private static LinqExpr Square(LinqExpr a)
    {
        var t = LinqExpr.Variable(typeof(double));
        return LinqExpr.Block([t], LinqExpr.Assign(t, a), LinqExpr.Multiply(t, t));
    }
}
