using ActorSim.Numerics.Grid;
using ActorSim.Numerics.Virus.Spatial;
using FluentAssertions;

namespace ActorSim.Numerics.Tests.Virus.Spatial;

public class StepControllerTests
{
    private static readonly StepSettings S = new(AdvectiveCourant: 0.4, ReactionCourant: 0.5, MaxDt: 1.0, RklSafety: 0.6, MinStages: 3);
    private static readonly UniformGrid Line = UniformGrid.Line(50, 1.0, BoundaryKind.Neumann);       // 4/h² = 10⁴
    private static readonly UniformGrid Square = UniformGrid.Rectangle(50, 25, 1.0, 1.0, BoundaryKind.Neumann, BoundaryKind.Periodic);

    [Fact]
    public void Dt_is_the_smallest_bound_and_stages_cover_the_diffusion_spectrum_in_1D()
    {
        var plan = StepController.Plan(7, 1.0, 10.0, new SubdomainBounds(40, 0, 5, 1), Line, 0.2, S);
        plan.Dt.Should().Be(0.01);
        plan.TNext.Should().Be(1.01);
        plan.Step.Should().Be(7);
        // Dt·ρ = 0.01·0.2·10⁴ = 20 ≤ 0.6·(s²+s−2)/2 first holds at s = 8 (0.6·35 = 21; s = 7 gives 16.2).
        plan.StagesX.Should().Be(8);
        plan.StagesY.Should().Be(0);
        plan.StageCount.Should().Be(8);
        StepController.Plan(0, 0, 10, new SubdomainBounds(0, 0, 50, 0), Line, 0, S).Dt.Should().Be(0.01);
        StepController.Plan(0, 0, 10, SubdomainBounds.Empty, Line, 0, S).Dt.Should().Be(1.0);
        StepController.Plan(0, 0, 10, SubdomainBounds.Empty, Line, 0, S).StagesX.Should().Be(3);
    }

    [Fact]
    public void In_2D_the_x_substeps_are_half_as_long()
    {
        // x: Dt/2 · 40 ≤ 0.4 → Dt ≤ 0.02; y: Dt · 30 ≤ 0.4 → Dt ≤ 0.0133.
        var plan = StepController.Plan(0, 0, 10, new SubdomainBounds(40, 30, 0, 1), Square, 0.2, S);
        plan.Dt.Should().BeApproximately(0.4 / 30, 1e-15);
        // ρ_x = 0.2·4·2500 = 2000 → (Dt/2)ρ_x = 13.3 → s = 7; ρ_y = 0.2·4·625 = 500 → Dt ρ_y = 6.7 → s = 5.
        plan.StagesX.Should().Be(7);
        plan.StagesY.Should().Be(5);
        plan.StageCount.Should().Be(19);
    }

    [Fact]
    public void The_last_step_lands_exactly_on_the_end_time()
    {
        var plan = StepController.Plan(0, 0.95, 1.0, new SubdomainBounds(0, 0, 1, 0), Line, 0, new StepSettings(MaxDt: 0.1));
        plan.TNext.Should().Be(1.0);
        plan.Dt.Should().BeApproximately(0.05, 1e-15);
    }

    [Fact]
    public void Non_finite_bounds_or_no_bound_at_all_are_errors()
    {
        var act = () => StepController.Plan(0, 0, 1, new SubdomainBounds(double.NaN, 0, 1, 0), Line, 1, StepSettings.Default);
        act.Should().Throw<InvalidOperationException>();
        var none = () => StepController.Plan(0, 0, 1, SubdomainBounds.Empty, Line, 1, StepSettings.Default);
        none.Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Bounds_reduce_by_maximum_in_any_order()
    {
        var a = new SubdomainBounds(1, 0, 5, 2);
        var b = new SubdomainBounds(3, 7, 4, 1);
        SubdomainBounds.Combine(a, b).Should().Be(SubdomainBounds.Combine(b, a));
        SubdomainBounds.Combine(a, b).Should().Be(new SubdomainBounds(3, 7, 5, 2));
    }
}
