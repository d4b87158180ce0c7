using ActorSim.Numerics.Ode;
using ActorSim.Numerics.Virus;
using FluentAssertions;
using Xunit.Abstractions;

namespace ActorSim.Numerics.Tests.Virus;

/// <summary>
/// Long-time behaviour of computed May–Nowak trajectories (DormandPrince45): global stability of Q*
/// (R0 &gt; 1) and Q0 (R0 &lt; 1), the decay rates predicted by the Jacobian, the slow algebraic decay at
/// R0 = 1, Korobeinikov's V non-increasing along the trajectory, and positivity.
/// </summary>
public class MayNowakTrajectoryTests(ITestOutputHelper output)
{
    /// <summary>Integrates and samples (t, u, v, w) at n equally spaced output times (plus t = 0).</summary>
    private static double[][] Sample(MayNowakParameters p, double[] y0, double tEnd, int n, OdeTolerances tol)
    {
        var model = new MayNowakOde(p);
        var dp = new DormandPrince45(MayNowakOde.Dimension, model.Rhs, tol);
        dp.Initialize(0.0, y0);
        var samples = new double[n + 1][];
        samples[0] = [0.0, y0[0], y0[1], y0[2]];
        for (int i = 1; i <= n; i++)
        {
            double t = tEnd * i / n;
            dp.AdvanceTo(t);
            samples[i] = [t, dp.Y[0], dp.Y[1], dp.Y[2]];
        }
        return samples;
    }

    private static void AllPositiveAfterStart(double[][] samples)
    {
        for (int i = 1; i < samples.Length; i++)
        {
            samples[i][1].Should().BePositive();
            samples[i][2].Should().BePositive();
            samples[i][3].Should().BePositive();
        }
    }

    /// <summary>
    /// Largest relative increase (V_{i+1} - V_i)/V_i over consecutive samples with V_i &gt;= floor.
    /// Below the floor V is dominated by the integration error of a state that has already converged.
    /// </summary>
    private static double WorstRelativeIncrease(KorobeinikovLyapunov lyap, double[][] samples, double floor, out int checkedPairs)
    {
        double worst = double.NegativeInfinity;
        checkedPairs = 0;
        double previous = lyap.Evaluate(samples[0][1], samples[0][2], samples[0][3]);
        for (int i = 1; i < samples.Length; i++)
        {
            double v = lyap.Evaluate(samples[i][1], samples[i][2], samples[i][3]);
            if (previous >= floor)
            {
                worst = Math.Max(worst, (v - previous) / previous);
                checkedPairs++;
            }
            previous = v;
        }
        return worst;
    }

    [Fact]
    public void Infection_of_a_healthy_population_converges_to_QStar_when_R0_exceeds_1()
    {
        // Start at the infection-free state with a small inoculum of virus (v(0) = 0 on the boundary).
        var p = MayNowakScenarios.Endemic;
        var q = p.QStar!.Value;
        double[][] s = Sample(p, [100, 0, 1], 200, 400, new OdeTolerances(1e-10, 1e-10));
        AllPositiveAfterStart(s);
        double[] end = s[^1];
        output.WriteLine($"y(200) = ({end[1]:R}, {end[2]:R}, {end[3]:R}), Q* = {q}");
        end[1].Should().BeApproximately(q.U, 1e-8 * q.U);
        end[2].Should().BeApproximately(q.V, 1e-8 * q.V);
        end[3].Should().BeApproximately(q.W, 1e-8 * q.W);
    }

    [Fact]
    public void Near_QStar_V_decays_over_one_oscillation_period_at_the_rate_of_the_leading_eigenvalues()
    {
        // Linearisation: the slow pair alpha ± i omega of the Jacobian at Q*. Over one period P = 2 pi/omega
        // the deviation is multiplied by e^{alpha P}, so the quadratic V by e^{2 alpha P} (up to O(|deviation|)).
        var p = MayNowakScenarios.Endemic;
        var q = p.QStar!.Value;
        var eig = new MayNowakOde(p).Jacobian(q.U, q.V, q.W).Evd().EigenValues;
        var lead = eig.Where(l => l.Imaginary > 0).Single();
        double period = 2 * Math.PI / lead.Imaginary;
        double t0 = 30;
        var dp = new DormandPrince45(3, new MayNowakOde(p).Rhs, new OdeTolerances(1e-12, 1e-12));
        dp.Initialize(0, [50, 5, 20]);
        dp.AdvanceTo(t0);
        var lyap = new KorobeinikovLyapunov(p);
        double v0 = lyap.Evaluate(dp.Y);
        dp.AdvanceTo(t0 + period);
        double v1 = lyap.Evaluate(dp.Y);
        double predicted = Math.Exp(2 * lead.Real * period);
        output.WriteLine($"alpha = {lead.Real:R}, omega = {lead.Imaginary:R}, V(t0+P)/V(t0) = {v1 / v0:R}, predicted {predicted:R}, V(t0) = {v0:E3}");
        // At t0 = 30 the relative deviation from Q* is ~sqrt(2 V/u*) ~ 5e-5: that is the size of the
        // nonlinear correction; the fast mode (-5.57) has died out (e^-167).
        (v1 / v0).Should().BeApproximately(predicted, 2e-4 * predicted);
    }

    [Fact]
    public void Infected_population_clears_to_Q0_at_the_slow_eigenvalue_rate_when_R0_is_below_1()
    {
        var p = MayNowakScenarios.InfectionFree;
        double[][] s = Sample(p, [50, 5, 20], 400, 400, new OdeTolerances(1e-10, 1e-20));
        AllPositiveAfterStart(s);
        double[] end = s[^1];
        end[1].Should().BeApproximately(100, 1e-9);
        end[2].Should().BeLessThan(1e-14);
        end[3].Should().BeLessThan(1e-13);
        // (v, w) decay like e^{lambda t}, lambda the larger root of l^2 + (d2 + d3) l + d2 d3 (1 - R0) = 0.
        double b = p.D2 + p.D3;
        double lambda = (-b + Math.Sqrt(b * b - 4 * p.D2 * p.D3 * (1 - p.R0))) / 2;
        double rateW = Math.Log(s[400][3] / s[300][3]) / 100;
        double rateV = Math.Log(s[400][2] / s[300][2]) / 100;
        output.WriteLine($"lambda = {lambda:R}, observed w rate {rateW:R}, v rate {rateV:R}");
        // Linearly (v, w) decouple from u at Q0 and the fast root (-5.4) is gone; nonlinear terms are
        // O(w) relative, so the observed rate must match to far better than 1e-6.
        rateW.Should().BeApproximately(lambda, 1e-6 * Math.Abs(lambda));
        rateV.Should().BeApproximately(lambda, 1e-6 * Math.Abs(lambda));
    }

    [Theory]
    [InlineData(50.0, 5.0, 20.0)]
    [InlineData(90.0, 1.0, 1.0)]
    [InlineData(5.0, 40.0, 1000.0)]
    public void Lyapunov_function_is_non_increasing_along_trajectories_when_R0_exceeds_1(double u0, double v0, double w0)
    {
        var p = MayNowakScenarios.Endemic;
        var lyap = new KorobeinikovLyapunov(p);
        double[][] s = Sample(p, [u0, v0, w0], 80, 4000, new OdeTolerances(1e-12, 1e-12));
        AllPositiveAfterStart(s);
        double vStart = lyap.Evaluate(u0, v0, w0);
        double worst = WorstRelativeIncrease(lyap, s, 1e-14 * vStart, out int pairs);
        double vEnd = lyap.Evaluate(s[^1][1], s[^1][2], s[^1][3]);
        output.WriteLine($"V(0) = {vStart:E3}, V(80) = {vEnd:E3}, checked {pairs} intervals, worst relative change {worst:E3}");
        pairs.Should().BeGreaterThan(2000);
        worst.Should().BeLessThanOrEqualTo(1e-10);
        vEnd.Should().BeLessThan(1e-14 * vStart);
    }

    [Fact]
    public void Lyapunov_function_is_non_increasing_along_trajectories_when_R0_is_below_1()
    {
        var p = MayNowakScenarios.InfectionFree;
        var lyap = new KorobeinikovLyapunov(p);
        double[][] s = Sample(p, [50, 5, 20], 400, 4000, new OdeTolerances(1e-12, 1e-20));
        AllPositiveAfterStart(s);
        double vStart = lyap.Evaluate(50, 5, 20);
        double worst = WorstRelativeIncrease(lyap, s, 1e-14 * vStart, out int pairs);
        output.WriteLine($"V(0) = {vStart:E3}, checked {pairs} intervals, worst relative change {worst:E3}");
        pairs.Should().BeGreaterThan(3000);
        worst.Should().BeLessThanOrEqualTo(1e-10);
    }

    [Fact]
    public void At_R0_equal_1_virus_and_infected_cells_decay_slowly_like_1_over_t_and_V_never_increases()
    {
        // At the threshold the linearisation at Q0 has a zero eigenvalue; on the centre manifold
        // x' = -c x^2, so v and w decay like 1/t: doubling t halves them (asymptotically), unlike any
        // exponential decay.
        var p = MayNowakScenarios.Threshold;
        var lyap = new KorobeinikovLyapunov(p);
        double[][] s = Sample(p, [50, 5, 20], 4000, 2000, new OdeTolerances(1e-11, 1e-16));
        AllPositiveAfterStart(s);
        double worst = WorstRelativeIncrease(lyap, s, 0.0, out int pairs);
        pairs.Should().Be(2000);
        worst.Should().BeLessThanOrEqualTo(1e-10);
        for (int i = 2; i < s.Length; i++)
        {
            s[i][2].Should().BeLessThan(s[i - 1][2] * (1 + 1e-12));
            s[i][3].Should().BeLessThan(s[i - 1][3] * (1 + 1e-12));
        }
        double[] mid = s[1000], end = s[2000];
        double ratioV = end[2] / mid[2], ratioW = end[3] / mid[3];
        output.WriteLine($"t=2000: v={mid[2]:E4} w={mid[3]:E4}; t=4000: v={end[2]:E4} w={end[3]:E4}; ratios {ratioV:F4}, {ratioW:F4}; u(4000)={end[1]:F6}");
        ratioV.Should().BeInRange(0.49, 0.53);
        ratioW.Should().BeInRange(0.49, 0.53);
        end[3].Should().BeLessThan(mid[3]).And.BeLessThan(1.0);
        end[1].Should().BeApproximately(p.Q0.U, 0.1);
    }
}
