using ActorSim.Numerics.Muscle;
using FluentAssertions;

namespace ActorSim.Numerics.Tests.Muscle;

public class DeterminismTests
{
    private static MuscleModel Model() => new()
    {
        Constraint = new DeformationConstraint2D(new AffineMap()),
        ParticleMass = 0.5,
        MacroPotential = new MacroStrainEnergy2D(1.0),
        ParticlePotential = new HarmonicParticlePotential(new[] { 1.0, 2.0 }),
        PairPotential = new GaussianPairPotential(0.3, 0.4),
    };

    private static (double[] Y, double[] V, double[][] X, MuscleDiagnostics D) Run(int blocks, int[]? order, bool mesh, bool project)
    {
        var x0 = TestData.UniformPositions(2, 97, -1, 1, 31);
        var opts = new MuscleDriverOptions
        {
            BlockCount = blocks, EvaluationOrder = order, ProjectOntoConstraints = project,
            Mesh = mesh ? new ParticleMeshGrid(new[] { -2.0, -2.0 }, 4.0 / 31, 32) : null,
        };
        var d = new SequentialMuscleDriver(Model(), x0, new[] { 0.02, 0.0, 0.01, -0.03 }, new[] { 0.1, -0.4, 0.5, 0.0 }, opts);
        d.Run(0.02, 25);
        return (d.Y.ToArray(), d.Velocity.ToArray(), d.GatherPositions(), d.Diagnostics());
    }

    private static void AssertBitIdentical((double[] Y, double[] V, double[][] X, MuscleDiagnostics D) a, (double[] Y, double[] V, double[][] X, MuscleDiagnostics D) b)
    {
        TestData.BitEqual(a.Y, b.Y).Should().BeTrue();
        TestData.BitEqual(a.V, b.V).Should().BeTrue();
        TestData.BitEqual(a.X[0], b.X[0]).Should().BeTrue();
        TestData.BitEqual(a.X[1], b.X[1]).Should().BeTrue();
        TestData.BitEqual(new[] { a.D.KineticEnergy, a.D.PotentialEnergy, a.D.MaxConstraintDrift },
                          new[] { b.D.KineticEnergy, b.D.PotentialEnergy, b.D.MaxConstraintDrift }).Should().BeTrue();
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Repeated_runs_and_any_block_evaluation_order_give_identical_bits(bool mesh, bool project)
    {
        var reference = Run(5, null, mesh, project);
        AssertBitIdentical(reference, Run(5, null, mesh, project));
        AssertBitIdentical(reference, Run(5, new[] { 4, 3, 2, 1, 0 }, mesh, project));
        AssertBitIdentical(reference, Run(5, new[] { 2, 0, 4, 1, 3 }, mesh, project));
    }

    [Fact]
    public void Different_block_counts_agree_to_round_off()
    {
        var a = Run(1, null, false, false);
        var b = Run(7, null, false, false);
        for (int k = 0; k < 4; k++) a.Y[k].Should().BeApproximately(b.Y[k], 1e-12);
    }

    [Fact]
    public void Checkpoint_state_round_trips_and_continues_bit_identically()
    {
        var x0 = TestData.UniformPositions(2, 50, -1, 1, 32);
        var model = Model() with { PairPotential = null };
        double[] y0 = { 0.02, 0.0, 0.01, -0.03 }, v0 = { 0.1, -0.4, 0.5, 0.0 };
        var d = new SequentialMuscleDriver(model, x0, y0, v0, new MuscleDriverOptions { BlockCount = 2 });
        d.Run(0.02, 10);
        var b = d.Blocks[1];
        var saved = new double[b.StateLength];
        b.WriteState(saved);
        var copy = new ParticleBlock(model, 1, b.FirstParticle, b.Count);
        copy.ReadState(saved);
        var p1 = new StagePartials(4); var p2 = new StagePartials(4);
        for (int s = 0; s < 4; s++)
        {
            b.EvaluateStage(s, 0.02, d.Y, d.Velocity, null, p1);
            copy.EvaluateStage(s, 0.02, d.Y, d.Velocity, null, p2);
            TestData.BitEqual(p1.Values, p2.Values).Should().BeTrue();
        }
        TestData.BitEqual(b.Position(0), copy.Position(0)).Should().BeTrue();
    }
}
