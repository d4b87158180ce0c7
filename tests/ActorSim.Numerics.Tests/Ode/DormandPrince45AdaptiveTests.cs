using ActorSim.Numerics.Ode;
using FluentAssertions;
using Xunit.Abstractions;

namespace ActorSim.Numerics.Tests.Ode;

/// <summary>
/// Adaptive mode: global error at tEnd against the exact solution for RelTol = AbsTol = 1e-4 .. 1e-10.
/// Error-per-step control with local extrapolation makes the global error roughly proportional to the
/// tolerance (one decade of tolerance = one decade of error); the constant depends on the problem.
/// </summary>
public class DormandPrince45AdaptiveTests(ITestOutputHelper output)
{
    private static readonly double[] Tolerances = [1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10];

    private double[] GlobalErrors(string name, OdeRhs rhs, double[] y0, double tEnd, double[] exact)
    {
        var errors = new double[Tolerances.Length];
        for (int i = 0; i < Tolerances.Length; i++)
        {
            var dp = new DormandPrince45(y0.Length, rhs, new OdeTolerances(Tolerances[i], Tolerances[i]));
            dp.Initialize(0.0, y0);
            dp.AdvanceTo(tEnd);
            dp.T.Should().Be(tEnd);
            errors[i] = OdeTestProblems.MaxAbsDifference(dp.Y, exact);
            output.WriteLine(FormattableString.Invariant(
                $"{name} tol={Tolerances[i]:E0} error={errors[i]:E3} error/tol={errors[i] / Tolerances[i]:F2} accepted={dp.AcceptedSteps} rejected={dp.RejectedSteps}"));
        }
        return errors;
    }

    [Fact]
    public void Harmonic_oscillator_error_is_a_small_multiple_of_the_tolerance_and_tracks_it()
    {
        double tEnd = 10.0;
        double[] errors = GlobalErrors("harmonic", OdeTestProblems.Harmonic, [1.0, 0.0], tEnd, [Math.Cos(tEnd), -Math.Sin(tEnd)]);
        for (int i = 0; i < errors.Length; i++)
        {
            errors[i].Should().BeLessThan(10 * Tolerances[i]);
            if (i > 0) (errors[i - 1] / errors[i]).Should().BeInRange(5.0, 20.0, "one decade of tolerance should buy about one decade of accuracy");
        }
    }

    [Fact]
    public void Nonautonomous_problem_error_stays_within_a_small_factor_of_the_tolerance()
    {
        double tEnd = 10.0;
        double[] errors = GlobalErrors("exp(sin t)", OdeTestProblems.ExpSin, [1.0], tEnd, [OdeTestProblems.ExpSinExact(tEnd)]);
        for (int i = 0; i < errors.Length; i++) errors[i].Should().BeLessThan(5 * Tolerances[i]);
        (errors[0] / errors[^1]).Should().BeGreaterThan(1e4);
    }

    [Fact]
    public void Eccentric_Kepler_orbit_error_is_proportional_to_the_tolerance()
    {
        // e = 0.5: the perihelion passage amplifies local errors, so the constant is larger (~60..140),
        // but the log-log slope of error against tolerance must be ~1.
        double[] y0 = OdeTestProblems.KeplerPerihelion(0.5);
        double[] errors = GlobalErrors("Kepler e=0.5", OdeTestProblems.Kepler, y0, 2 * Math.PI, y0);
        for (int i = 0; i < errors.Length; i++) errors[i].Should().BeLessThan(300 * Tolerances[i]);
        double slope = Math.Log10(errors[0] / errors[^1]) / Math.Log10(Tolerances[0] / Tolerances[^1]);
        output.WriteLine($"log-log slope of error vs tolerance: {slope:F3}");
        slope.Should().BeInRange(0.9, 1.1);
    }

    [Fact]
    public void AdvanceTo_lands_exactly_on_many_output_times_without_losing_accuracy()
    {
        const double tol = 1e-9;
        var dp = new DormandPrince45(2, OdeTestProblems.Harmonic, new OdeTolerances(tol, tol));
        dp.Initialize(0.0, [1.0, 0.0]);
        double worst = 0;
        for (int i = 1; i <= 1000; i++)
        {
            double t = 10.0 * i / 1000;
            dp.AdvanceTo(t);
            dp.T.Should().Be(t);
            worst = Math.Max(worst, OdeTestProblems.MaxAbsDifference(dp.Y, [Math.Cos(t), -Math.Sin(t)]));
        }
        dp.AdvanceTo(10.0); // no-op
        dp.T.Should().Be(10.0);
        output.WriteLine($"worst error over 1000 outputs: {worst:E3}, accepted {dp.AcceptedSteps}");
        worst.Should().BeLessThan(10 * tol);
        // Each output interval (0.01) is shorter than the step the tolerance allows, so after the first
        // (cautious) steps there is exactly one step per output: shortened steps do not shrink later ones.
        dp.AcceptedSteps.Should().BeInRange(1000, 1005);
        dp.RejectedSteps.Should().Be(0);
    }

    [Fact]
    public void Counters_and_MaxStep_are_honoured()
    {
        var dp = new DormandPrince45(1, OdeTestProblems.ExpSin, new OdeTolerances(1e-6, 1e-6, MaxStep: 0.05));
        dp.Initialize(0.0, [1.0]);
        dp.AdvanceTo(10.0);
        dp.AcceptedSteps.Should().BeGreaterThanOrEqualTo(200, "10 / MaxStep = 200");
        // 1 evaluation at t0, 1 for the initial step guess, 6 per attempted step (FSAL).
        dp.RhsEvaluations.Should().Be(2 + 6 * (dp.AcceptedSteps + dp.RejectedSteps));
        Math.Abs(dp.Y[0] - OdeTestProblems.ExpSinExact(10.0)).Should().BeLessThan(1e-6);
    }

    [Fact]
    public void A_given_initial_step_skips_the_step_guess()
    {
        var dp = new DormandPrince45(1, OdeTestProblems.ExpSin, new OdeTolerances(1e-8, 1e-8, InitialStep: 1e-3));
        dp.Initialize(0.0, [1.0]);
        dp.RhsEvaluations.Should().Be(1);
        dp.NextStepSize.Should().Be(1e-3);
        dp.AdvanceTo(1.0);
        dp.RhsEvaluations.Should().Be(1 + 6 * (dp.AcceptedSteps + dp.RejectedSteps));
        Math.Abs(dp.Y[0] - OdeTestProblems.ExpSinExact(1.0)).Should().BeLessThan(1e-7);
    }
}
