using ActorSim.Numerics.Symbolic;
using FluentAssertions;

namespace ActorSim.Numerics.Tests.Symbolic;

public class ExprTests
{
    private static readonly Dictionary<string, string> XY = new() { ["x"] = "x", ["y"] = "y", ["q"] = "x", ["r"] = "y" };

    private static Func<double, double, double> Compiled(string formula, params string[] d)
    {
        var e = ExprParser.Parse(formula, XY);
        foreach (string v in d) e = ExprDerivative.D(e, v);
        return ExprCompiler.Compile2(e, "x", "y");
    }

    [Theory]
    [InlineData("1 + 2 * 3", 7.0)]
    [InlineData("2 ^ 3 ^ 2", 512.0)]          // right-associative
    [InlineData("-2 ^ 2", -4.0)]              // unary minus binds looser than ^
    [InlineData("(1 - 4) / 2 * 3", -4.5)]
    [InlineData("2e-1 * 10 + .5", 2.5)]
    [InlineData("sqrt(16) + abs(-2) + exp(0) + log(1) + atan(0) + tanh(0) + cosh(0) + sinh(0) + tan(0)", 8.0)]
    [InlineData("cos(pi)", -1.0)]
    public void Formulas_evaluate_with_the_usual_precedence(string formula, double expected)
    {
        ExprParser.Parse(formula, XY).Evaluate(_ => 0).Should().BeApproximately(expected, 1e-15);
        Compiled(formula)(0, 0).Should().BeApproximately(expected, 1e-15);
    }

    /// <summary>The seed's nonlinear example and its derivatives, differentiated by hand.</summary>
    [Theory]
    [InlineData(2.5, 1.0)]
    [InlineData(-3.0, 0.3)]
    [InlineData(7.0, -2.0)]
    public void Symbolic_derivatives_of_the_seed_constraint_match_the_hand_derivatives(double x, double y)
    {
        const string g = "-sin(0.1 * q) / (1 + r^2) + 0.1 * q";
        double s = Math.Sin(0.1 * x), c = Math.Cos(0.1 * x), w = 1 + y * y;
        void Check(string[] d, double expected) =>
            Compiled(g, d)(x, y).Should().BeApproximately(expected, 1e-15 * Math.Max(1, Math.Abs(expected)), string.Join("", d));
        Check([], -s / w + 0.1 * x);
        Check(["x"], -0.1 * c / w + 0.1);
        Check(["y"], 2 * y * s / (w * w));
        Check(["x", "x"], 0.01 * s / w);
        Check(["x", "y"], 0.2 * y * c / (w * w));
        Check(["y", "x"], 0.2 * y * c / (w * w));
        Check(["y", "y"], 2 * s * (1 - 3 * y * y) / (w * w * w));
    }

    [Theory]
    [InlineData("sin(x)", 0.7)]
    [InlineData("cos(x)", 0.7)]
    [InlineData("tan(x)", 0.7)]
    [InlineData("exp(x)", 0.7)]
    [InlineData("log(x)", 0.7)]
    [InlineData("sqrt(x)", 0.7)]
    [InlineData("sinh(x)", 0.7)]
    [InlineData("cosh(x)", 0.7)]
    [InlineData("tanh(x)", 0.7)]
    [InlineData("atan(x)", 0.7)]
    [InlineData("abs(x)", -0.7)]
    [InlineData("x^y", 0.7)]
    public void Every_function_has_its_exact_derivative(string f, double x)
    {
        const double y = 1.7;
        double expected = f switch
        {
            "sin(x)" => Math.Cos(x),
            "cos(x)" => -Math.Sin(x),
            "tan(x)" => 1 / (Math.Cos(x) * Math.Cos(x)),
            "exp(x)" => Math.Exp(x),
            "log(x)" => 1 / x,
            "sqrt(x)" => 0.5 / Math.Sqrt(x),
            "sinh(x)" => Math.Cosh(x),
            "cosh(x)" => Math.Sinh(x),
            "tanh(x)" => 1 / (Math.Cosh(x) * Math.Cosh(x)),
            "atan(x)" => 1 / (1 + x * x),
            "abs(x)" => -1.0,
            _ => y * Math.Pow(x, y - 1),
        };
        Compiled(f, "x")(x, y).Should().BeApproximately(expected, 4e-16 * Math.Max(1, Math.Abs(expected)));
        if (f == "x^y") Compiled(f, "y")(x, y).Should().BeApproximately(Math.Pow(x, y) * Math.Log(x), 1e-15);
    }

    [Fact]
    public void Simplification_keeps_derivatives_small() =>
        ExprDerivative.D(ExprParser.Parse("3 * x + 2 * y", XY), "x").Should().Be(new Num(3.0));

    [Theory]
    [InlineData("", "the formula is empty")]
    [InlineData("x +", "the formula ends at character 4")]
    [InlineData("sin(x", "expected ')' closing sin(")]
    [InlineData("x y", "unexpected 'y' at character 3")]
    [InlineData("z + 1", "unknown name \"z\" at character 1")]
    [InlineData("foo(x)", "unknown function \"foo\"")]
    [InlineData("2 * # x", "unexpected '#' at character 5")]
    public void Bad_formulas_are_refused_with_the_position_and_what_was_expected(string formula, string message) =>
        FluentActions.Invoking(() => ExprParser.Parse(formula, XY)).Should().Throw<ExprParseException>().WithMessage($"*{message}*");
}
