using ActorSim.Numerics.Muscle;
using FluentAssertions;

namespace ActorSim.Numerics.Tests.Muscle;

/// <summary>
/// The per-component stage kernel of the linear constraint and the 1D stretch (vectorised, moments hoisted) against
/// the per-particle path through <see cref="ParticleConstraint.Kinematics"/> (the same closed forms seen through the base
/// class), the peer's linear example against its closed form, and the no-allocation rule.
/// </summary>
public class ComponentKernelTests
{
    public static TheoryData<string, bool, int> Cases()
    {
        var d = new TheoryData<string, bool, int>();
        foreach (var c in new[] { "stretch", "linear-1x1", "linear-2x1", "linear-2x2" })
            foreach (bool harmonic in new[] { false, true })
                foreach (int n in new[] { 0, 1, 3, 4, 7, 8, 9, 37 })
                    d.Add(c, harmonic, n);
        return d;
    }

    private static (ParticleConstraint Constraint, double[] Y, double[] V, double Lo, double Hi) Case(string name) => name switch
    {
        "stretch" => (new StretchConstraint1D(), new[] { 0.2 }, new[] { 0.6 }, 0.5, 1.5),
        "linear-1x1" => (new LinearConstraint(new double[,] { { -1.0 } }), new[] { 1.0 }, new[] { 0.3 }, 0.0, 1.0),
        "linear-2x1" => (new LinearConstraint(new double[,] { { 1.0 }, { 2.0 } }), new[] { 0.7 }, new[] { -0.3 }, -1.0, 1.0),
        _ => (new LinearConstraint(new double[,] { { 0.7, -0.2 }, { 0.3, 1.1 } }), new[] { 0.1, -0.4 }, new[] { 0.5, 0.2 }, -1.0, 1.0),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Component_kernel_matches_the_per_particle_path(string name, bool harmonic, int n)
    {
        var (con, y, v, lo, hi) = Case(name);
        int nx = con.Nx;
        var model = new MuscleModel
        {
            Constraint = con, ParticleMass = 0.7,
            ParticlePotential = harmonic ? new HarmonicParticlePotential(Enumerable.Range(0, nx).Select(c => 1.0 + 2 * c).ToArray(),
                Enumerable.Range(0, nx).Select(c => 0.1 - 0.3 * c).ToArray()) : null,
        };
        var generic = model with { Constraint = new PerParticleView(con) };
        var x0 = TestData.UniformPositions(nx, n, lo, hi, 43);
        var fast = new ParticleBlock(model, 0, 0, n);
        var slow = new ParticleBlock(generic, 0, 0, n);
        fast.Initialize(x0, y);
        slow.Initialize(x0, y);
        var pf = new StagePartials(con.Ny);
        var ps = new StagePartials(con.Ny);
        double[] ys = (double[])y.Clone(), vs = (double[])v.Clone();
        for (int step = 0; step < 2; step++)
            for (int s = 0; s < 4; s++)
            {
                fast.EvaluateStage(s, 0.05, ys, vs, null, pf);
                slow.EvaluateStage(s, 0.05, ys, vs, null, ps);
                double scale = 1.0;
                foreach (double p in ps.Values) scale = Math.Max(scale, Math.Abs(p));
                for (int k = 0; k < pf.Values.Length; k++)
                    pf.Values[k].Should().BeApproximately(ps.Values[k], 1e-14 * scale, $"partial {k}, stage {s}");
                // the linear kernel moves the stored positions only at the end of a step (stage positions are X0 + one
                // offset per component); the stretch kernel stores every stage position
                if (con is StretchConstraint1D || s == 3)
                    for (int c = 0; c < nx; c++)
                        for (int i = 0; i < n; i++)
                            fast.Position(c)[i].Should().BeApproximately(slow.Position(c)[i], 4e-15, $"X_{c} of particle {i}, stage {s}");
                for (int k = 0; k < ys.Length; k++) { ys[k] += 0.01 * vs[k]; vs[k] *= 0.98; }
            }
        var df = new DiagnosticPartials();
        var ds = new DiagnosticPartials();
        fast.ComputeDiagnostics(ys, vs, null, df);
        slow.ComputeDiagnostics(ys, vs, null, ds);
        for (int k = 0; k < 3; k++)
            df.Values[k].Should().BeApproximately(ds.Values[k], 1e-14 * Math.Max(1.0, Math.Abs(ds.Values[k])), $"diagnostic {k}");
        df.MaxConstraintDrift.Should().BeApproximately(ds.MaxConstraintDrift, 1e-16);
        if (con.Ny == 1) df.MaxConstraintDrift.Should().Be(ds.MaxConstraintDrift, "the same arithmetic per particle, and a maximum");
        if (con is LinearConstraint)
            for (int c = 0; c < nx; c++)
                TestData.BitEqual(fast.Position(c), slow.Position(c)).Should().BeTrue("X' = G y' is the same per particle: the same arithmetic");
    }

    /// <summary>
    /// The peer's linear example (issue 14): a heavy spring (m_r = 20, k_r = 1) and n light springs of total mass 10 and
    /// total stiffness 1 under q_j + r = const, i.e. g = x − G y with G = −1, M = 20, m = 10, k0 = 1, k1 = 1, x* = 0.
    /// r(t) = r* + (r(0) − r*) cos ωt, r* = k_q Σ c_j / (k_r + n k_q), ω² = (k_r + n k_q) / (m_r + n m_q).
    /// RK4 with dt = 0.5 to t = 60: the error is O(dt⁴) and below 3e-5 (the accuracy goal).
    /// </summary>
    [Fact]
    public void Peer_linear_example_follows_the_closed_form_with_order_four()
    {
        const int n = 4000;
        var q0 = new double[n];
        for (int j = 0; j < n; j++) q0[j] = (j + 0.5) / n; // uniform quantiles on [0, 1]
        var model = new MuscleModel
        {
            Constraint = new LinearConstraint(new double[,] { { -1.0 } }), MacroMass = 20.0, ParticleMass = 10.0,
            MacroPotential = new HarmonicMacroPotential([1.0]),
            ParticlePotential = new HarmonicParticlePotential([1.0]),
        };
        double r0 = 1.0, kq = 1.0 / n, mq = 10.0 / n;
        double sumC = q0.Sum() + n * r0;
        double rStar = kq * sumC / (1.0 + n * kq), omega = Math.Sqrt((1.0 + n * kq) / (20.0 + n * mq));
        double Exact(double t) => rStar + (r0 - rStar) * Math.Cos(omega * t);
        var errors = new List<double>();
        foreach (double dt in new[] { 1.0, 0.5, 0.25 })
        {
            var d = new SequentialMuscleDriver(model, [q0], [r0], [0.0], new MuscleDriverOptions { BlockCount = 3 });
            int steps = (int)Math.Round(60.0 / dt);
            double err = 0.0;
            for (int k = 1; k <= steps; k++)
            {
                d.Step(dt);
                err = Math.Max(err, Math.Abs(d.Y[0] - Exact(k * dt)));
            }
            errors.Add(err);
            d.Diagnostics().MaxConstraintDrift.Should().BeLessThan(1e-13);
        }
        errors[1].Should().BeLessThan(3e-5, "dt = 0.5 meets the issue's accuracy goal");
        Math.Log2(errors[0] / errors[1]).Should().BeInRange(3.7, 4.3);
        Math.Log2(errors[1] / errors[2]).Should().BeInRange(3.7, 4.3);
    }

    [Fact]
    public void Closed_form_conditioning_equals_the_factorised_one()
    {
        foreach (var name in new[] { "stretch", "linear-1x1", "linear-2x1", "linear-2x2" })
        {
            var (con, y, _, lo, hi) = Case(name);
            var generic = new GenericView(con);
            var x = TestData.UniformPositions(con.Nx, 5, lo, hi, 7);
            for (int i = 0; i < 5; i++)
            {
                var xi = Enumerable.Range(0, con.Nx).Select(c => x[c][i]).ToArray();
                var (det, smin) = con.JacobianXConditioning(xi, y);
                var (detG, sminG) = generic.JacobianXConditioning(xi, y);
                det.Should().BeApproximately(detG, 1e-15, name);
                smin.Should().BeApproximately(sminG, 1e-15, name);
            }
        }
    }

    [Fact]
    public void Component_kernels_allocate_nothing()
    {
        foreach (var name in new[] { "stretch", "linear-2x1" })
        {
            var (con, y, v, lo, hi) = Case(name);
            var model = new MuscleModel
            {
                Constraint = con, ParticlePotential = new HarmonicParticlePotential(Enumerable.Repeat(1.0, con.Nx).ToArray()),
                MacroPotential = new HarmonicMacroPotential([1.0]),
            };
            var x0 = TestData.UniformPositions(con.Nx, 1000, lo, hi, 5);
            var block = new ParticleBlock(model, 0, 0, 1000);
            block.Initialize(x0, y);
            var partials = new StagePartials(con.Ny);
            AllocationProbe.MinAllocated(() => { for (int s = 0; s < 4; s++) block.EvaluateStage(s, 1e-3, y, v, null, partials); })
                .Should().Be(0, name);
            var diag = new DiagnosticPartials();
            AllocationProbe.MinAllocated(() => block.ComputeDiagnostics(y, v, null, diag)).Should().Be(0, name + " diagnostics");
            var driver = new SequentialMuscleDriver(model, x0, y, v, new MuscleDriverOptions { BlockCount = 2 });
            AllocationProbe.MinAllocated(() => { for (int k = 0; k < 10; k++) driver.Step(1e-3); }).Should().Be(0, name + " driver step");
        }
    }
}
