using ActorSim.Numerics.Muscle;
using FluentAssertions;

namespace ActorSim.Numerics.Tests.Muscle;

/// <summary>
/// The hoisted stage kernel of the 2D deformation constraint (per-stage F^{-1}, DF, D^2F; moment sums; vectorised
/// loop) against the per-particle path through <see cref="ParticleConstraint.Kinematics"/>: the same partial sums and
/// particle positions up to re-association round-off, for every map, every force kind and block lengths that do and do
/// not fill whole vectors.
/// </summary>
public class StageKernelTests
{
    public static TheoryData<string, string, int> Cases()
    {
        var d = new TheoryData<string, string, int>();
        foreach (var map in new[] { "rotation", "stretch", "shear", "affine" })
            foreach (var force in new[] { "none", "harmonic", "field" })
                foreach (int n in new[] { 0, 1, 3, 4, 37 })
                    d.Add(map, force, n);
        return d;
    }

    private static (DeformationMap2D Map, double[] Y, double[] V) MapCase(string name) => name switch
    {
        "rotation" => (new RotationMap(), new[] { 0.4 }, new[] { 1.3 }),
        "stretch" => (new StretchMap(), new[] { 0.1, -0.2 }, new[] { 0.5, 0.3 }),
        "shear" => (new ShearMap(), new[] { 0.3 }, new[] { -0.7 }),
        _ => (new AffineMap(), new[] { 0.05, 0.02, -0.03, 0.04 }, new[] { 0.3, -0.8, 0.9, 0.1 }),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Hoisted_kernel_matches_the_per_particle_path(string mapName, string forceName, int n)
    {
        var (map, y, v) = MapCase(mapName);
        var model = new MuscleModel
        {
            Constraint = new DeformationConstraint2D(map), ParticleMass = 0.7,
            ParticlePotential = forceName == "none" ? null : new HarmonicParticlePotential(new[] { 1.0, 3.0 }, new[] { 0.1, -0.2 }),
            PairPotential = forceName == "field" ? new GaussianPairPotential(0.5, 0.4) : null,
        };
        var generic = model with { Constraint = new PerParticleView(model.Constraint) };
        var x0 = TestData.UniformPositions(2, n, -1, 1, 41);
        var fast = new ParticleBlock(model, 0, 0, n);
        var slow = new ParticleBlock(generic, 0, 0, n);
        fast.Initialize(x0, y);
        slow.Initialize(x0, y);
        IInteractionField? field = null;
        if (forceName == "field")
        {
            var direct = new DirectSumField(model.PairPotential!, 2, 23);
            direct.Load(TestData.UniformPositions(2, 23, -1, 1, 42));
            field = direct;
        }
        var pf = new StagePartials(map.Ny);
        var ps = new StagePartials(map.Ny);
        double[] ys = (double[])y.Clone(), vs = (double[])v.Clone();
        for (int step = 0; step < 2; step++)
            for (int s = 0; s < 4; s++)
            {
                fast.EvaluateStage(s, 0.05, ys, vs, field, pf);
                slow.EvaluateStage(s, 0.05, ys, vs, field, ps);
                double scale = 1.0;
                foreach (double p in ps.Values) scale = Math.Max(scale, Math.Abs(p));
                for (int k = 0; k < pf.Values.Length; k++)
                    pf.Values[k].Should().BeApproximately(ps.Values[k], 1e-14 * scale, $"partial {k}, stage {s}");
                for (int c = 0; c < 2; c++)
                    for (int i = 0; i < n; i++)
                        fast.Position(c)[i].Should().BeApproximately(slow.Position(c)[i], 1e-15 * 4, $"X_{c} of particle {i}, stage {s}");
                // move the broadcast state a little so every stage sees a different (y, y')
                for (int k = 0; k < ys.Length; k++) { ys[k] += 0.01 * vs[k]; vs[k] *= 0.98; }
            }
        fast.Project(ys);
        slow.Project(ys);
        for (int c = 0; c < 2; c++)
            TestData.BitEqual(fast.Position(c), slow.Position(c)).Should().BeTrue("the hoisted projection does the same arithmetic");
    }
}
