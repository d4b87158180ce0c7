using ActorSim.Numerics.Muscle;
using ActorSim.Numerics.Muscle.Huxley;
using FluentAssertions;

namespace ActorSim.Numerics.Tests.Muscle;

/// <summary>The per-stage block kernels must not allocate (hot-data rule): measured with the thread's allocation counter.</summary>
public class AllocationTests
{
    private static long Allocated(Action a) => AllocationProbe.MinAllocated(a);

    [Fact]
    public void Particle_block_stage_kernel_with_interactions_allocates_nothing()
    {
        var model = new MuscleModel
        {
            Constraint = new DeformationConstraint2D(new AffineMap()),
            MacroPotential = new MacroStrainEnergy2D(1.0),
            ParticlePotential = new HarmonicParticlePotential(new[] { 1.0, 1.0 }),
            PairPotential = new GaussianPairPotential(0.5, 0.5),
        };
        var x0 = TestData.UniformPositions(2, 64, -1, 1, 3);
        var block = new ParticleBlock(model, 0, 0, 64);
        double[] y = { 0.01, 0.02, 0.0, -0.01 }, v = { 0.1, 0.0, 0.2, 0.0 };
        block.Initialize(x0, y);
        var direct = new DirectSumField(model.PairPotential!, 2, 64);
        direct.Load(new[] { block });
        var mesh = new ParticleMesh(new ParticleMeshGrid(new[] { -2.0, -2.0 }, 4.0 / 31, 32), model.PairPotential!);
        var counts = new double[mesh.Grid.NodeCount];
        var partials = new StagePartials(4);
        var diag = new DiagnosticPartials();
        Allocated(() => { for (int s = 0; s < 4; s++) block.EvaluateStage(s, 1e-3, y, v, direct, partials); }).Should().Be(0);
        Allocated(() =>
        {
            Array.Clear(counts);
            mesh.Deposit(block, counts);
            mesh.ComputeField(counts, 64);
            for (int s = 0; s < 4; s++) block.EvaluateStage(s, 1e-3, y, v, mesh, partials);
        }).Should().Be(0);
        Allocated(() => { block.Project(y); block.ComputeDiagnostics(y, v, direct, diag); }).Should().Be(0);
    }

    [Fact]
    public void Mean_field_slab_and_Huxley_kernels_allocate_nothing()
    {
        var model = new MuscleModel { Constraint = new StretchConstraint1D(), ParticlePotential = new HarmonicParticlePotential(new[] { 1.0 }) };
        var slab = new MeanFieldSlab1D(model, new MeanFieldGrid1D(0, 0.01, 100), 0, 0, 100);
        slab.Initialize(Enumerable.Repeat(1.0, 100).ToArray());
        var p = new StagePartials(1);
        double[] y = { 0.1 }, v = { 0.2 };
        Allocated(() => { for (int s = 0; s < 4; s++) slab.EvaluateStage(s, 1e-3, y, v, p); }).Should().Be(0);
        var hux = new HuxleyParticleBlock(HuxleyRates.Standard, 0, -1, 2.5, Enumerable.Range(0, 100).Select(i => -1 + 0.025 * i).ToArray());
        var m = new double[3];
        ulong step = 0;
        Allocated(() => { hux.Step(1, step++, 1e-3, -1.0); hux.MomentPartials(m); }).Should().Be(0);
        // the fused, vectorised pass (issue 14), with bridges left for the scalar tail and a step that needs the exact test
        var fused = new HuxleyParticleBlock(HuxleyRates.Standard, 1, -1, 2.5, Enumerable.Range(0, 1003).Select(i => -1 + 0.0024 * i).ToArray());
        Allocated(() => { for (int k = 0; k < 4; k++) fused.Step(1, step++, 0.05, -1.0, m); }).Should().Be(0);
    }
}
