using ActorSim.Numerics.Ode;
using FluentAssertions;

namespace ActorSim.Numerics.Tests.Ode;

/// <summary>SaveState / LoadState of the adaptive integrator: a restored integrator continues bit for bit (checkpoints).</summary>
public class DormandPrince45StateTests
{
    private static DormandPrince45 Kepler() => new(4, OdeTestProblems.Kepler, new OdeTolerances(1e-9, 1e-12));

    private static long[] Bits(ReadOnlySpan<double> y) => y.ToArray().Select(BitConverter.DoubleToInt64Bits).ToArray();

    [Fact]
    public void A_restored_integrator_continues_bit_for_bit()
    {
        var a = Kepler();
        a.Initialize(0.0, OdeTestProblems.KeplerPerihelion(0.6));
        a.AdvanceTo(3.7);
        var state = new double[a.StateLength];
        a.SaveState(state);
        state.Length.Should().Be(7 + 2 * 4);

        var b = Kepler();   // never initialized: LoadState replaces Initialize
        b.LoadState(state);
        b.T.Should().Be(a.T);
        b.NextStepSize.Should().Be(a.NextStepSize);
        for (int k = 1; k <= 20; k++) { a.AdvanceTo(3.7 + 0.37 * k); b.AdvanceTo(3.7 + 0.37 * k); }
        Bits(b.Y).Should().Equal(Bits(a.Y));
        (b.AcceptedSteps, b.RejectedSteps, b.RhsEvaluations).Should().Be((a.AcceptedSteps, a.RejectedSteps, a.RhsEvaluations));
    }

    [Fact]
    public void The_controller_memory_is_part_of_the_state()
    {
        // Control: a restored integrator whose proposed step is changed no longer agrees, so the test above checks something.
        var a = Kepler();
        a.Initialize(0.0, OdeTestProblems.KeplerPerihelion(0.6));
        a.AdvanceTo(3.7);
        var state = new double[a.StateLength];
        a.SaveState(state);
        state[1] *= 0.37;
        var b = Kepler();
        b.LoadState(state);
        a.AdvanceTo(10); b.AdvanceTo(10);
        Bits(b.Y).Should().NotEqual(Bits(a.Y));
    }

    [Fact]
    public void A_state_of_the_wrong_length_is_refused()
    {
        var a = Kepler();
        FluentActions.Invoking(() => a.SaveState(new double[3])).Should().Throw<InvalidOperationException>();
        a.Initialize(0.0, OdeTestProblems.KeplerPerihelion(0.6));
        FluentActions.Invoking(() => a.SaveState(new double[3])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => a.LoadState(new double[3])).Should().Throw<ArgumentException>();
    }
}
