using ActorSim.Numerics.Ode;
using FluentAssertions;

namespace ActorSim.Numerics.Tests.Ode;

/// <summary>Stepping allocates nothing after warm-up, and identical runs are bit-identical.</summary>
public class OdeAllocationAndDeterminismTests
{
    [Fact]
    public void Adaptive_stepping_allocates_nothing()
    {
        var dp = new DormandPrince45(4, OdeTestProblems.Kepler, new OdeTolerances(1e-10, 1e-10));
        dp.Initialize(0.0, OdeTestProblems.KeplerPerihelion(0.5));
        double t = 0;
        long stepsBefore = dp.AcceptedSteps;
        long allocated = AllocationProbe.MinAllocated(() => { for (int i = 0; i < 40; i++) dp.AdvanceTo(t += 1.0); });
        allocated.Should().Be(0);
        (dp.AcceptedSteps - stepsBefore).Should().BeGreaterThan(3 * 1000, "each of the three or more passes takes over 1,000 steps");
    }

    [Fact]
    public void RungeKutta4_stepping_allocates_nothing()
    {
        var rk = new RungeKutta4(4, OdeTestProblems.Kepler);
        double[] y = OdeTestProblems.KeplerPerihelion(0.5);
        double t = 0.0;
        long allocated = AllocationProbe.MinAllocated(() =>
        {
            for (int i = 0; i < 2_000; i++, t += 1e-3) rk.Step(t, y, 1e-3);
        });
        allocated.Should().Be(0);
    }

    [Fact]
    public void Two_adaptive_runs_are_bit_identical()
    {
        static (long[] Bits, long Accepted, long Rejected, long Evaluations) Run()
        {
            var dp = new DormandPrince45(4, OdeTestProblems.Kepler, new OdeTolerances(1e-9, 1e-12));
            dp.Initialize(0.0, OdeTestProblems.KeplerPerihelion(0.9));
            var bits = new List<long>();
            for (int i = 1; i <= 50; i++)
            {
                dp.AdvanceTo(0.37 * i);
                foreach (double v in dp.Y) bits.Add(BitConverter.DoubleToInt64Bits(v));
            }
            return (bits.ToArray(), dp.AcceptedSteps, dp.RejectedSteps, dp.RhsEvaluations);
        }

        var a = Run();
        var b = Run();
        b.Bits.Should().Equal(a.Bits);
        (b.Accepted, b.Rejected, b.Evaluations).Should().Be((a.Accepted, a.Rejected, a.Evaluations));
        a.Rejected.Should().BeGreaterThan(0, "the e = 0.9 orbit exercises the rejection path too");
    }

    [Fact]
    public void Reinitializing_reproduces_the_first_run_exactly()
    {
        var dp = new DormandPrince45(1, OdeTestProblems.ExpSin, new OdeTolerances(1e-7, 1e-9));
        dp.Initialize(0.0, [1.0]);
        dp.AdvanceTo(7.5);
        long first = BitConverter.DoubleToInt64Bits(dp.Y[0]);
        long steps = dp.AcceptedSteps;
        dp.Initialize(0.0, [1.0]);
        dp.AdvanceTo(7.5);
        BitConverter.DoubleToInt64Bits(dp.Y[0]).Should().Be(first);
        dp.AcceptedSteps.Should().Be(steps);
    }

    [Fact]
    public void Fixed_step_runs_are_bit_identical()
    {
        var a = new double[4];
        var b = new double[4];
        DormandPrince45.FixedStep(OdeTestProblems.Kepler, 0.0, OdeTestProblems.KeplerPerihelion(0.5), 3.0, 777, a);
        DormandPrince45.FixedStep(OdeTestProblems.Kepler, 0.0, OdeTestProblems.KeplerPerihelion(0.5), 3.0, 777, b);
        b.Select(BitConverter.DoubleToInt64Bits).Should().Equal(a.Select(BitConverter.DoubleToInt64Bits));
    }
}
