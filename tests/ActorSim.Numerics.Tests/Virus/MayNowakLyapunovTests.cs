using ActorSim.Numerics.Random;
using ActorSim.Numerics.Virus;
using FluentAssertions;

namespace ActorSim.Numerics.Tests.Virus;

/// <summary>
/// Pointwise properties of Korobeinikov's Lyapunov function: V = 0 at the centre and positive elsewhere,
/// it agrees with the literal formula of the brief, its gradient is right, and the closed form of
/// dV/dt equals grad V . f and is &lt;= 0 (both branches, and at R0 = 1).
/// </summary>
public class MayNowakLyapunovTests
{
    public static TheoryData<string> Scenarios => new() { "endemic", "infection-free", "threshold" };

    private static MayNowakParameters Get(string name) => name switch
    {
        "endemic" => MayNowakScenarios.Endemic,
        "infection-free" => MayNowakScenarios.InfectionFree,
        _ => MayNowakScenarios.Threshold,
    };

    private static double[] RandomState(ref CounterRandom rng) =>
        [0.5 + 199.5 * rng.NextDouble(), 0.01 + 100 * rng.NextDouble(), 0.01 + 2000 * rng.NextDouble()];

    [Fact]
    public void Branch_follows_R0()
    {
        new KorobeinikovLyapunov(MayNowakScenarios.Endemic).IsEndemic.Should().BeTrue();
        new KorobeinikovLyapunov(MayNowakScenarios.Endemic).Equilibrium.Should().Be(MayNowakScenarios.Endemic.QStar!.Value);
        new KorobeinikovLyapunov(MayNowakScenarios.InfectionFree).IsEndemic.Should().BeFalse();
        new KorobeinikovLyapunov(MayNowakScenarios.Threshold).IsEndemic.Should().BeFalse();
        new KorobeinikovLyapunov(MayNowakScenarios.Threshold).Equilibrium.Should().Be((64.0, 0.0, 0.0));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void V_vanishes_at_the_centre_and_is_positive_elsewhere(string scenario)
    {
        var lyap = new KorobeinikovLyapunov(Get(scenario));
        var c = lyap.Equilibrium;
        lyap.Evaluate(c.U, c.V, c.W).Should().Be(0.0);
        var rng = new CounterRandom(11, 0, 0);
        for (int i = 0; i < 1000; i++) lyap.Evaluate(RandomState(ref rng)).Should().BePositive();
        // Near the centre V is quadratic: V(u* (1 + e), ...) = u* e^2/2 (1 + O(e)), resolved without cancellation.
        double eps = 1e-7;
        lyap.Evaluate(c.U * (1 + eps), c.V, c.W).Should().BeApproximately(c.U * eps * eps / 2, 1e-6 * c.U * eps * eps);
    }

    [Fact]
    public void Endemic_V_equals_the_literal_formula_with_its_constant()
    {
        // V = (u - u* ln u) + (v - v* ln v) + (d2/k)(w - w* ln w) + C, C chosen so that V(Q*) = 0.
        var p = MayNowakScenarios.Endemic;
        var (us, vs, ws) = p.QStar!.Value;
        double a = p.D2 / p.K;
        double Raw(double u, double v, double w) => (u - us * Math.Log(u)) + (v - vs * Math.Log(v)) + a * (w - ws * Math.Log(w));
        double c = -Raw(us, vs, ws);
        var lyap = new KorobeinikovLyapunov(p);
        var rng = new CounterRandom(12, 0, 0);
        for (int i = 0; i < 200; i++)
        {
            double[] y = RandomState(ref rng);
            double literal = Raw(y[0], y[1], y[2]) + c;
            lyap.Evaluate(y).Should().BeApproximately(literal, 1e-12 * (Math.Abs(Raw(y[0], y[1], y[2])) + Math.Abs(c)));
        }
    }

    [Fact]
    public void Infection_free_V_equals_the_literal_formula_with_its_constant()
    {
        // V = (u - u0 ln u) + v + (d2/k) w + C, u0 = r/d1, V(Q0) = 0.
        var p = MayNowakScenarios.InfectionFree;
        double u0 = p.R / p.D1, a = p.D2 / p.K;
        double c = -(u0 - u0 * Math.Log(u0));
        var lyap = new KorobeinikovLyapunov(p);
        var rng = new CounterRandom(13, 0, 0);
        for (int i = 0; i < 200; i++)
        {
            double[] y = RandomState(ref rng);
            double raw = (y[0] - u0 * Math.Log(y[0])) + y[1] + a * y[2];
            lyap.Evaluate(y).Should().BeApproximately(raw + c, 1e-12 * (Math.Abs(raw) + Math.Abs(c)));
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Gradient_matches_central_differences(string scenario)
    {
        var lyap = new KorobeinikovLyapunov(Get(scenario));
        var rng = new CounterRandom(14, 0, 0);
        var g = new double[3];
        for (int i = 0; i < 100; i++)
        {
            double[] y = RandomState(ref rng);
            lyap.Gradient(y, g);
            for (int k = 0; k < 3; k++)
            {
                double h = 1e-5 * y[k];
                double[] plus = (double[])y.Clone(), minus = (double[])y.Clone();
                plus[k] += h; minus[k] -= h;
                double fd = (lyap.Evaluate(plus) - lyap.Evaluate(minus)) / (2 * h);
                // O(h^2) truncation (relative ~1e-10) plus cancellation in V(+) - V(-).
                g[k].Should().BeApproximately(fd, 1e-6 * (1 + Math.Abs(g[k])));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Closed_form_dV_dt_equals_grad_V_dot_f_and_is_never_positive(string scenario)
    {
        var p = Get(scenario);
        var lyap = new KorobeinikovLyapunov(p);
        var model = new MayNowakOde(p);
        var rng = new CounterRandom(15, 0, 0);
        var g = new double[3];
        var f = new double[3];
        for (int i = 0; i < 2000; i++)
        {
            double[] y = RandomState(ref rng);
            lyap.Gradient(y, g);
            model.Evaluate(0, y, f);
            double chain = g[0] * f[0] + g[1] * f[1] + g[2] * f[2];
            double scale = Math.Abs(g[0] * f[0]) + Math.Abs(g[1] * f[1]) + Math.Abs(g[2] * f[2]);
            double closed = lyap.TimeDerivative(y);
            closed.Should().BeApproximately(chain, 1e-12 * scale);
            closed.Should().BeLessThanOrEqualTo(0.0);
        }
        var c = lyap.Equilibrium;
        lyap.TimeDerivative([c.U, c.V, c.W]).Should().Be(0.0);
    }
}
