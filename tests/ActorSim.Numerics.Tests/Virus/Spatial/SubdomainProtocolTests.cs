using ActorSim.Numerics.Grid;
using ActorSim.Numerics.Virus.Spatial;
using FluentAssertions;

namespace ActorSim.Numerics.Tests.Virus.Spatial;

public class SubdomainProtocolTests
{
    private static VirusSubdomain Block(out StepPlan plan)
    {
        var grid = UniformGrid.Line(8, 1.0, BoundaryKind.Neumann);
        var problem = VirusPdeProblem.WithConstantSource(grid, SpatialTestSupport.Pattern(0.2));
        var b = new VirusSubdomain(problem, new BlockLayout(grid, 1), 0);
        b.Initialise((x, _) => new SpeciesTriple(1 + x, 3, 3));
        b.ApplyPhysicalBoundary(Side.XLow);
        b.ApplyPhysicalBoundary(Side.XHigh);
        plan = StepController.Plan(0, 0, 1, b.ComputeBounds(), grid, problem.Parameters.MaxDiffusivity, new StepSettings(MaxDt: 0.01));
        return b;
    }

    [Fact]
    public void Stages_must_run_in_order_and_reductions_wait_for_the_end_of_the_step()
    {
        var b = Block(out var plan);
        b.BeginStep(plan);
        b.StepInProgress.Should().BeTrue();
        ((Action)(() => b.Stage(2))).Should().Throw<InvalidOperationException>();
        ((Action)(() => b.ComputeBounds())).Should().Throw<InvalidOperationException>();
        ((Action)(() => b.BeginStep(plan))).Should().Throw<InvalidOperationException>();
        for (int k = 1; k <= plan.StageCount; k++)
        {
            b.ApplyPhysicalBoundary(Side.XLow);
            b.ApplyPhysicalBoundary(Side.XHigh);
            b.Stage(k);
        }
        b.StepInProgress.Should().BeFalse();
        b.ComputeDiagnostics().Minimum.U.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Halo_messages_carry_the_layers_next_to_the_side_nearest_first()
    {
        var b = Block(out _);
        var buf = new double[b.HaloLength(Side.XHigh)];
        buf.Length.Should().Be(3 * VirusSubdomain.GhostWidth);
        b.ExtractHalo(Side.XHigh, buf);
        var u = new double[8];
        b.CopyInterior(Species.U, u);
        buf[0].Should().Be(u[7]);
        buf[1].Should().Be(u[6]);
        buf[2].Should().Be(3.0);
        ((Action)(() => b.ExtractHalo(Side.YLow, new double[6]))).Should().Throw<ArgumentException>();
        ((Action)(() => b.ApplyHalo(Side.XLow, new double[5]))).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Periodic_sides_have_no_physical_boundary()
    {
        var grid = UniformGrid.Line(8, 1.0, BoundaryKind.Periodic);
        var b = new VirusSubdomain(VirusPdeProblem.WithConstantSource(grid, SpatialTestSupport.Pattern(0.2)), new BlockLayout(grid, 1), 0);
        ((Action)(() => b.ApplyPhysicalBoundary(Side.XLow))).Should().Throw<InvalidOperationException>();
    }
}
