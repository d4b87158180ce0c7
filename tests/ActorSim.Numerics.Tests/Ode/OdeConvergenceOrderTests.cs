using System.Globalization;
using ActorSim.Numerics.Ode;
using FluentAssertions;
using Xunit.Abstractions;

namespace ActorSim.Numerics.Tests.Ode;

/// <summary>
/// Observed order of the fixed-step methods: global error at the end point for step counts N, 2N, 4N, 8N
/// (in the asymptotic regime, errors well above round-off); the slope log2(e_N / e_2N) must be the
/// formal order within ±0.3 (DP5) / ±0.2 (RK4).
/// </summary>
public class OdeConvergenceOrderTests(ITestOutputHelper output)
{
    private double[] DormandPrinceErrors(OdeRhs rhs, double[] y0, double tEnd, double[] exact, int[] steps)
    {
        var errors = new double[steps.Length];
        var yEnd = new double[y0.Length];
        for (int i = 0; i < steps.Length; i++)
        {
            DormandPrince45.FixedStep(rhs, 0.0, y0, tEnd, steps[i], yEnd);
            errors[i] = OdeTestProblems.MaxAbsDifference(yEnd, exact);
        }
        return errors;
    }

    private double[] RungeKutta4Errors(OdeRhs rhs, double[] y0, double tEnd, double[] exact, int[] steps)
    {
        var errors = new double[steps.Length];
        var rk = new RungeKutta4(y0.Length, rhs);
        for (int i = 0; i < steps.Length; i++)
        {
            var y = (double[])y0.Clone();
            rk.Advance(0.0, y, tEnd, steps[i]);
            errors[i] = OdeTestProblems.MaxAbsDifference(y, exact);
        }
        return errors;
    }

    private void Report(string name, int[] steps, double[] errors, double[] orders)
    {
        for (int i = 0; i < steps.Length; i++)
        {
            string p = i == 0 ? "" : orders[i - 1].ToString("F3", CultureInfo.InvariantCulture);
            output.WriteLine(FormattableString.Invariant($"{name} N={steps[i],5} error={errors[i]:E3} order={p}"));
        }
    }

    [Fact]
    public void DormandPrince_fixed_step_is_fifth_order_on_the_Kepler_problem()
    {
        // e = 0.5, one period: the exact solution returns to the initial state.
        double[] y0 = OdeTestProblems.KeplerPerihelion(0.5);
        int[] steps = [400, 800, 1600, 3200];
        double[] errors = DormandPrinceErrors(OdeTestProblems.Kepler, y0, 2 * Math.PI, y0, steps);
        double[] orders = OdeTestProblems.ObservedOrders(errors);
        Report("DP5 Kepler", steps, errors, orders);
        errors[^1].Should().BeGreaterThan(1e-13, "the finest grid must stay above round-off for the slope to mean anything");
        orders.Should().OnlyContain(p => p >= 4.7 && p <= 5.3);
    }

    [Fact]
    public void DormandPrince_fixed_step_is_fifth_order_on_a_nonautonomous_problem()
    {
        int[] steps = [80, 160, 320, 640];
        double[] errors = DormandPrinceErrors(OdeTestProblems.ExpSin, [1.0], 10.0, [OdeTestProblems.ExpSinExact(10.0)], steps);
        double[] orders = OdeTestProblems.ObservedOrders(errors);
        Report("DP5 exp(sin t)", steps, errors, orders);
        errors[^1].Should().BeGreaterThan(1e-13);
        orders.Should().OnlyContain(p => p >= 4.7 && p <= 5.3);
    }

    [Fact]
    public void RungeKutta4_is_fourth_order_on_the_Kepler_problem()
    {
        double[] y0 = OdeTestProblems.KeplerPerihelion(0.5);
        int[] steps = [800, 1600, 3200, 6400];
        double[] errors = RungeKutta4Errors(OdeTestProblems.Kepler, y0, 2 * Math.PI, y0, steps);
        double[] orders = OdeTestProblems.ObservedOrders(errors);
        Report("RK4 Kepler", steps, errors, orders);
        errors[^1].Should().BeGreaterThan(1e-13);
        orders.Should().OnlyContain(p => p >= 3.8 && p <= 4.2);
    }

    [Fact]
    public void RungeKutta4_is_fourth_order_on_a_nonautonomous_problem()
    {
        int[] steps = [320, 640, 1280, 2560];
        double[] errors = RungeKutta4Errors(OdeTestProblems.ExpSin, [1.0], 10.0, [OdeTestProblems.ExpSinExact(10.0)], steps);
        double[] orders = OdeTestProblems.ObservedOrders(errors);
        Report("RK4 exp(sin t)", steps, errors, orders);
        errors[^1].Should().BeGreaterThan(1e-13);
        orders.Should().OnlyContain(p => p >= 3.8 && p <= 4.2);
    }

    [Fact]
    public void Fixed_step_DormandPrince_with_one_step_matches_the_tableau_on_a_linear_problem()
    {
        // For y' = y one DP5 step gives the degree-5 Taylor polynomial of e^h plus h^6/600 (stability
        // polynomial of DOPRI5); with h = 0.1 that is exact to round-off against the closed form.
        double h = 0.1;
        var yEnd = new double[1];
        DormandPrince45.FixedStep(static (t, y, d) => d[0] = y[0], 0.0, [1.0], h, 1, yEnd);
        double expected = 1 + h + h * h / 2 + h * h * h / 6 + Math.Pow(h, 4) / 24 + Math.Pow(h, 5) / 120 + Math.Pow(h, 6) / 600;
        yEnd[0].Should().BeApproximately(expected, 4e-16);
    }
}
