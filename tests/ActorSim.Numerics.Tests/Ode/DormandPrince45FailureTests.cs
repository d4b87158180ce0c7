using ActorSim.Numerics.Ode;
using FluentAssertions;
using Xunit.Abstractions;

namespace ActorSim.Numerics.Tests.Ode;

/// <summary>The error paths end in <see cref="OdeIntegrationException"/> with t, h and the reason in the message.</summary>
public class DormandPrince45FailureTests(ITestOutputHelper output)
{
    [Fact]
    public void Blow_up_past_the_singularity_reports_step_size_underflow_near_it()
    {
        // y' = y^2, y(0) = 1: y = 1/(1 - t) blows up at t = 1.
        var dp = new DormandPrince45(1, static (t, y, d) => d[0] = y[0] * y[0], new OdeTolerances());
        dp.Initialize(0.0, [1.0]);
        var ex = Assert.Throws<OdeIntegrationException>(() => dp.AdvanceTo(2.0));
        output.WriteLine(ex.Message);
        ex.Reason.Should().Be(OdeFailureReason.StepSizeUnderflow);
        ex.T.Should().BeApproximately(1.0, 1e-6);
        ex.StepSize.Should().BeLessThan(1e-12);
        ex.Message.Should().Contain("t = ").And.Contain("h = ").And.Contain("step size underflow");
        dp.T.Should().Be(ex.T, "the integrator stays at the last accepted step");
        double.IsFinite(dp.Y[0]).Should().BeTrue();
        dp.Y[0].Should().BeGreaterThan(1e6);
    }

    [Fact]
    public void Exceeding_MaxSteps_throws_with_the_limit_in_the_message()
    {
        var dp = new DormandPrince45(1, static (t, y, d) => d[0] = -y[0], new OdeTolerances(MaxSteps: 100));
        dp.Initialize(0.0, [1.0]);
        var ex = Assert.Throws<OdeIntegrationException>(() => dp.AdvanceTo(1000.0));
        output.WriteLine(ex.Message);
        ex.Reason.Should().Be(OdeFailureReason.MaxStepsExceeded);
        ex.Message.Should().Contain("MaxSteps = 100");
        (dp.AcceptedSteps + dp.RejectedSteps).Should().Be(100);
        ex.T.Should().Be(dp.T).And.BeLessThan(1000.0);
    }

    [Fact]
    public void MaxSteps_applies_per_AdvanceTo_call()
    {
        var dp = new DormandPrince45(1, static (t, y, d) => d[0] = -y[0], new OdeTolerances(RelTol: 1e-3, AbsTol: 1e-3, MaxSteps: 100, MaxStep: 0.5));
        dp.Initialize(0.0, [1.0]);
        for (int i = 1; i <= 10; i++) dp.AdvanceTo(20.0 * i); // 40 steps per call (MaxStep-limited)
        dp.AcceptedSteps.Should().BeGreaterThan(100);
    }

    [Fact]
    public void Right_hand_side_turning_NaN_ahead_reports_non_finite_state()
    {
        var dp = new DormandPrince45(1, static (t, y, d) => d[0] = t > 0.5 ? double.NaN : -y[0], new OdeTolerances());
        dp.Initialize(0.0, [1.0]);
        var ex = Assert.Throws<OdeIntegrationException>(() => dp.AdvanceTo(2.0));
        output.WriteLine(ex.Message);
        ex.Reason.Should().Be(OdeFailureReason.NonFiniteState);
        ex.Message.Should().Contain("NaN").And.Contain("t = ").And.Contain("h = ");
        ex.T.Should().BeApproximately(0.5, 1e-9);
        dp.Y[0].Should().BeApproximately(Math.Exp(-dp.T), 1e-8, "the state before the failure is still the accepted solution");
    }

    [Fact]
    public void Right_hand_side_that_is_NaN_everywhere_fails_at_once()
    {
        var dp = new DormandPrince45(2, static (t, y, d) => { d[0] = double.NaN; d[1] = 0; }, new OdeTolerances());
        var ex = Assert.Throws<OdeIntegrationException>(() => dp.Initialize(0.0, [1.0, 1.0]));
        ex.Reason.Should().Be(OdeFailureReason.NonFiniteState);
        ex.Message.Should().Contain("initial state");
    }

    [Fact]
    public void Infinite_state_reached_in_a_step_fails_with_non_finite_state()
    {
        // The right-hand side jumps to infinity once y > 2 (as an overflowing exp() would); y = e^t reaches 2 at t = ln 2.
        var dp = new DormandPrince45(1, static (t, y, d) => d[0] = y[0] > 2.0 ? double.PositiveInfinity : y[0], new OdeTolerances());
        dp.Initialize(0.0, [1.0]);
        var ex = Assert.Throws<OdeIntegrationException>(() => dp.AdvanceTo(2.0));
        output.WriteLine(ex.Message);
        ex.Reason.Should().Be(OdeFailureReason.NonFiniteState);
        ex.T.Should().BeApproximately(Math.Log(2.0), 1e-6);
    }

    [Fact]
    public void Non_finite_initial_state_is_rejected()
    {
        var dp = new DormandPrince45(1, OdeTestProblems.ExpSin, new OdeTolerances());
        var ex = Assert.Throws<OdeIntegrationException>(() => dp.Initialize(0.0, [double.NaN]));
        ex.Reason.Should().Be(OdeFailureReason.NonFiniteState);
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        OdeRhs f = OdeTestProblems.ExpSin;
        Assert.Throws<ArgumentOutOfRangeException>(() => new DormandPrince45(1, f, new OdeTolerances(AbsTol: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DormandPrince45(1, f, new OdeTolerances(RelTol: -1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DormandPrince45(1, f, new OdeTolerances(MaxSteps: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DormandPrince45(1, f, new OdeTolerances(InitialStep: -1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DormandPrince45(0, f, new OdeTolerances()));
        var dp = new DormandPrince45(1, f, new OdeTolerances());
        Assert.Throws<InvalidOperationException>(() => dp.AdvanceTo(1.0));
        Assert.Throws<ArgumentException>(() => dp.Initialize(0.0, [1.0, 2.0]));
        dp.Initialize(1.0, [1.0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => dp.AdvanceTo(0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => dp.AdvanceTo(double.NaN));
    }
}
