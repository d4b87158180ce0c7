using ActorSim.Numerics.Muscle;
using Xunit;
using Xunit.Abstractions;

namespace ActorSim.Numerics.Tests.Muscle;

/// <summary>
/// The block side of the adaptive particle step (issue 14, item 2): <see cref="ParticleBlock.AdaptiveStage"/>,
/// <see cref="ParticleBlock.AdaptiveCommit"/>, <see cref="MacroDp45"/> and <see cref="AdaptiveStepController"/>, driven
/// here as the coordinator drives them, on the seed author's linear example (heavy spring + n light springs, closed
/// form r(t)). The run-level tests (tolerance proportionality, cluster, resume) are in the simulation tests.
/// </summary>
public sealed class DormandPrinceParticleTests(ITestOutputHelper output)
{
    private const double Mr = PeerLinearExample.Mr, Kr = PeerLinearExample.Kr, MassQ = PeerLinearExample.MassQ,
        StiffQ = PeerLinearExample.StiffQ, R0 = PeerLinearExample.R0;

    private static MuscleModel Peer(bool perParticle)
    {
        var model = new MuscleModel
        {
            Constraint = new LinearConstraint(new double[,] { { -1.0 } }), MacroMass = Mr, ParticleMass = MassQ,
            MacroPotential = new HarmonicMacroPotential([Kr]), ParticlePotential = new HarmonicParticlePotential([StiffQ]),
        };
        return perParticle ? model with { Constraint = new PerParticleView(model.Constraint) } : model;
    }

    private static double[] Quantiles(int n) => Enumerable.Range(0, n).Select(i => (i + 0.5) / n).ToArray();

    /// <summary>The coordinator's part, sequentially: blocks in block order, as MuscleParticleRun does it.</summary>
    private sealed class Harness
    {
        public readonly MuscleModel Model;
        public readonly ParticleBlock[] Blocks;
        public readonly MacroDp45 Macro;
        private readonly StagePartials[] _parts;
        private readonly StagePartials _total = new(1);
        private readonly double[] _accel = new double[1];
        private readonly int _n;
        private bool _fsal;
        public double Rtol = 1e-8, Atol = 1e-8;

        public Harness(MuscleModel model, double[] q0, int blocks)
        {
            Model = model; _n = q0.Length;
            Blocks = new ParticleBlock[blocks];
            _parts = new StagePartials[blocks];
            for (int b = 0; b < blocks; b++)
            {
                var (start, count) = BlockPartition.Range(_n, blocks, b);
                Blocks[b] = new ParticleBlock(model, b, start, count);
                Blocks[b].Initialize([q0], [R0]);
                _parts[b] = new StagePartials(1);
            }
            Macro = new MacroDp45([R0], [0.0]);
        }

        private void Stage(int s, double h, ref double errSum)
        {
            Macro.PrepareStage(s, h);
            for (int b = 0; b < Blocks.Length; b++)
                errSum += Blocks[b].AdaptiveStage(s, h, Macro.StageY, Macro.StageVelocity, null, Rtol, Atol, _parts[b]);
            MuscleReduction.Reduce(_parts, _total);
            MuscleReduction.SolveAcceleration(Model, _n, Macro.StageY, _total, _accel);
            Macro.CompleteStage(s, _accel);
        }

        /// <summary>One attempt of size h; returns the error norm (the blocks then wait for <see cref="Commit"/>).</summary>
        public double Attempt(double h)
        {
            double err = 0.0;
            if (!_fsal) { Stage(0, 0.0, ref err); _fsal = true; }
            err = 0.0;
            for (int s = 1; s < Dp45.Stages; s++) Stage(s, h, ref err);
            return Math.Sqrt((err + Macro.ErrorSquares(h, Rtol, Atol)) / (2.0 + _n));
        }

        public void Commit(bool accept)
        {
            if (accept) Macro.Accept();
            foreach (var b in Blocks) b.AdaptiveCommit(accept);
        }
    }

    [Fact]
    public void Fixed_steps_of_the_pair_converge_at_fifth_order_on_both_particle_paths()
    {
        const double T = 12.0;
        var q0 = Quantiles(1000);
        var exact = PeerLinearExample.ClosedForm(q0);
        foreach (bool perParticle in new[] { false, true })
        {
            var hs = new List<double>();
            var errs = new List<double>();
            foreach (int steps in new[] { 6, 12, 24, 48 })
            {
                var run = new Harness(Peer(perParticle), q0, blocks: 2);
                double h = T / steps;
                for (int k = 0; k < steps; k++) { run.Attempt(h); run.Commit(true); }
                double err = Math.Abs(run.Macro.Y[0] - exact(T));
                hs.Add(h); errs.Add(err);
                output.WriteLine($"{(perParticle ? "per-particle" : "uniform linear")} h = {h}: error {err:E3}");
            }
            double slope = Slope(hs, errs);
            output.WriteLine($"slope {slope:F2}");
            Assert.InRange(slope, 4.7, 5.3);
        }
    }

    [Fact]
    public void The_uniform_linear_path_and_the_per_particle_path_agree()
    {
        var q0 = Quantiles(777);
        var fast = new Harness(Peer(false), q0, 3);
        var slow = new Harness(Peer(true), q0, 3);
        for (int k = 0; k < 10; k++)
        {
            double ef = fast.Attempt(0.7), es = slow.Attempt(0.7);
            Assert.Equal(es, ef, 1e-9 * Math.Max(1.0, es));
            bool accept = k % 3 != 2; // some rejections as well
            fast.Commit(accept); slow.Commit(accept);
        }
        Assert.Equal(slow.Macro.Y[0], fast.Macro.Y[0], 1e-13);
        for (int b = 0; b < 3; b++)
        {
            var a = fast.Blocks[b].Position(0); var c = slow.Blocks[b].Position(0);
            for (int i = 0; i < a.Length; i++) Assert.Equal(c[i], a[i], 1e-13);
        }
    }

    [Fact]
    public void A_rejected_attempt_leaves_the_blocks_as_they_were()
    {
        var q0 = Quantiles(101);
        foreach (bool perParticle in new[] { false, true })
        {
            var run = new Harness(Peer(perParticle), q0, 2);
            run.Attempt(0.5); run.Commit(true);
            var before = run.Blocks.SelectMany(b => b.Position(0).ToArray()).ToArray();
            double y = run.Macro.Y[0];
            run.Attempt(3.0); run.Commit(false);
            Assert.Equal(before, run.Blocks.SelectMany(b => b.Position(0).ToArray()).ToArray());
            Assert.Equal(y, run.Macro.Y[0]);
        }
    }

    [Fact]
    public void An_adaptive_step_allocates_nothing_on_either_path()
    {
        var q0 = Quantiles(4096);
        foreach (bool perParticle in new[] { false, true })
        {
            var run = new Harness(Peer(perParticle), q0, 2);
            var ctl = new AdaptiveStepController();
            ctl.Start(0.3);
            double t = 0.0;
            void Step()
            {
                var (h, tNew) = ctl.Plan(t, 1e9);
                bool ok = ctl.Decide(run.Attempt(h), h);
                run.Commit(ok);
                if (ok) t = tNew;
            }
            long bytes = AllocationProbe.MinAllocated(() => { for (int k = 0; k < 20; k++) Step(); });
            Assert.Equal(0, bytes);
        }
    }

    [Fact]
    public void Fixed_steps_allocate_no_adaptive_storage_per_particle()
    {
        const int n = 200_000;
        var model = Peer(true);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var block = new ParticleBlock(model, 0, 0, n);
        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        // X, X0, the RK4 accumulator and g(X^init, y^init): 4 doubles per particle and component, nothing more
        Assert.InRange(bytes, 4L * 8 * n, 4L * 8 * n + 4096);
        Assert.Equal(7 * 8, block.AdaptiveBytesPerParticle(null));
        Assert.Equal(0, new ParticleBlock(Peer(false), 0, 0, 10).AdaptiveBytesPerParticle(null));
    }

    [Fact]
    public void The_controller_shrinks_after_a_rejection_limits_growth_lands_on_the_end_and_reports_underflow()
    {
        var c = new AdaptiveStepController();
        Assert.Throws<InvalidOperationException>(() => c.Plan(0.0, 1.0)); // no proposal yet
        c.Start(0.1);
        var (h, tNew) = c.Plan(0.0, 1.0);
        Assert.Equal((0.1, 0.1), (h, tNew));
        Assert.False(c.Decide(100.0, h));
        Assert.InRange(c.H, 0.1 / 5.0, 0.1 * 0.9);            // shrinks, at most to 1/5
        Assert.True(c.Decide(1e-12, c.H));
        double after = c.H;
        Assert.True(c.Decide(1e-12, after));
        Assert.InRange(c.H, after, 10.0 * after);              // grows at most 10x
        (h, tNew) = c.Plan(0.995, 1.0);
        Assert.Equal(1.0, tNew);                               // lands exactly on the end
        Assert.Equal(1.0 - 0.995, h);
        var s = new double[AdaptiveStepController.StateLength];
        c.Save(s);
        var d = new AdaptiveStepController();
        d.Load(s);
        Assert.Equal(c.H, d.H);
        for (int k = 0; k < 200 && d.H > 1e-300; k++) d.Decide(1e30, d.H);
        var e = Assert.Throws<InvalidOperationException>(() => d.Plan(5.0, 10.0));
        Assert.Contains("underflow", e.Message);
    }

    private static double Slope(IReadOnlyList<double> h, IReadOnlyList<double> e)
    {
        double mx = h.Average(Math.Log), my = e.Average(Math.Log), sxy = 0, sxx = 0;
        for (int i = 0; i < h.Count; i++) { double dx = Math.Log(h[i]) - mx; sxy += dx * (Math.Log(e[i]) - my); sxx += dx * dx; }
        return sxy / sxx;
    }
}
