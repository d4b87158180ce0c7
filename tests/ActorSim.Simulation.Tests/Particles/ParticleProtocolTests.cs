using ActorSim.Numerics.Muscle;
using ActorSim.Numerics.Muscle.Huxley;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Particles;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Scenarios;
using FluentAssertions;
using static ActorSim.Simulation.Tests.Particles.ParticleTestSupport;

namespace ActorSim.Simulation.Tests.Particles;

/// <summary>
/// The particle-block actor protocol against the in-process sequential drivers of Numerics: the same arithmetic in
/// the same order, so the actor run must reproduce them bit for bit for the same block count, whatever the order in
/// which replies arrive.
/// </summary>
public sealed class ParticleProtocolTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorsim-particles-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Dir(string name) => Path.Combine(_dir, name);

    /// <summary>A scenario providing the output times 0, 0.1, 0.2 (the models below bring their own settings).</summary>
    private static Scenario Times() => Scenario("muscle-deformation-2d.json", d =>
    {
        d["time"]!["end"] = 0.2; d["time"]!["output_interval"] = 0.1;
    });

    public enum Case { RotationDirectProjected, AffineMesh, LinearPlain }

    private static MuscleParticleSetup Setup(Case c, int blocks) => c switch
    {
        // nonlinear constraint (O(dt^4) drift) with the projection, and direct O(N^2) summation
        Case.RotationDirectProjected => new MuscleParticleSetup
        {
            Model = new MuscleModel
            {
                Constraint = new DeformationConstraint2D(new RotationMap()), ParticleMass = 0.5,
                MacroPotential = new HarmonicMacroPotential([0.5]),
                ParticlePotential = new HarmonicParticlePotential([1.0, 3.0]),
                PairPotential = new GaussianPairPotential(0.5, 0.4),
            },
            ParticleCount = 61, Blocks = blocks, Y0 = [0.3], V0 = [1.5],
            Sampler = new UniformBoxSampler(5, [-1, -1], [1, 1]), Dt = 0.025,
            Interaction = MuscleInteraction.Direct, Project = true, Snapshot = ParticleSnapshotKind.Positions,
            AngularMomentum = (y, v) => v[0],
        },
        // affine map, particle mesh interaction
        Case.AffineMesh => new MuscleParticleSetup
        {
            Model = new MuscleModel
            {
                Constraint = new DeformationConstraint2D(new AffineMap()), ParticleMass = 0.5,
                MacroPotential = new MacroStrainEnergy2D(1.0),
                ParticlePotential = new HarmonicParticlePotential([1.0, 2.0]),
                PairPotential = new GaussianPairPotential(2.0, 0.4),
            },
            ParticleCount = 203, Blocks = blocks, Y0 = [0.02, 0.0, 0.01, -0.03], V0 = [0.1, -0.4, 0.5, 0.0],
            Sampler = new UniformBoxSampler(6, [-1, -1], [1, 1]), Dt = 0.05,
            Interaction = MuscleInteraction.Mesh, Mesh = new ParticleMeshGrid([-2.0, -2.0], 4.0 / 31, 32),
            Snapshot = ParticleSnapshotKind.Positions,
        },
        _ => new MuscleParticleSetup
        {
            Model = new MuscleModel
            {
                Constraint = new LinearConstraint(new double[,] { { 1.0 }, { 2.0 } }), ParticleMass = 0.5,
                MacroPotential = new HarmonicMacroPotential([2.0]),
                ParticlePotential = new HarmonicParticlePotential([1.0, 1.0], [0.3, -0.2]),
            },
            ParticleCount = 1001, Blocks = blocks, Y0 = [0.7], V0 = [-0.3],
            Sampler = new UniformBoxSampler(7, [-1, -1], [1, 1]), Dt = 0.02,
            Snapshot = ParticleSnapshotKind.Positions,
        },
    };

    /// <summary>The sequential driver stepped exactly as the coordinator steps (equal steps landing on each output time).</summary>
    private static SequentialMuscleDriver Sequential(MuscleParticleSetup s, IReadOnlyList<double> outputs)
    {
        var driver = new SequentialMuscleDriver(s.Model, ParticleSampling.SampleRange(s.Sampler, 0, s.ParticleCount), s.Y0, s.V0,
            new MuscleDriverOptions
            {
                BlockCount = s.Blocks, ProjectOntoConstraints = s.Project,
                Mesh = s.EffectiveInteraction == MuscleInteraction.Mesh ? s.Mesh : null,
            });
        double t = 0;
        foreach (double target in outputs.Skip(1))
            while (t < target)
            {
                var (dt, next) = StepPlanner.Next(t, target, s.Dt);
                driver.Step(dt);
                t = next;
            }
        return driver;
    }

    [Theory]
    [InlineData(Case.RotationDirectProjected)]
    [InlineData(Case.AffineMesh)]
    [InlineData(Case.LinearPlain)]
    public async Task Actor_run_reproduces_the_sequential_driver_bit_for_bit_for_1_2_and_4_blocks(Case c)
    {
        var scenario = Times();
        var outputs = scenario.Time.OutputTimes();
        foreach (int blocks in new[] { 1, 2, 4 })
        {
            var setup = Setup(c, blocks);
            var run = new MuscleParticleRun(setup);
            var r = await Run(scenario, run, Dir($"{c}-{blocks}"));
            r.Status.Should().Be(RunStatus.Completed);
            r.Rows.Should().Be(3);

            var d = Sequential(setup, outputs);
            BitEqual(run.Y, d.Y).Should().BeTrue($"y after the run, B = {blocks}");
            BitEqual(run.Velocity, d.Velocity).Should().BeTrue($"y' after the run, B = {blocks}");
            var diag = d.Diagnostics();
            BitEqual(r.FinalState["energy"], diag.TotalEnergy).Should().BeTrue($"energy, B = {blocks}");
            BitEqual(r.FinalState["constraint_drift"], diag.MaxConstraintDrift).Should().BeTrue($"drift, B = {blocks}");
            var pos = d.GatherPositions();
            var x = ReadNpy(Path.Combine(Dir($"{c}-{blocks}"), "fields", "X_0002.npy"));
            var expected = new double[2 * setup.ParticleCount];
            for (int i = 0; i < setup.ParticleCount; i++) { expected[2 * i] = pos[0][i]; expected[2 * i + 1] = pos[1][i]; }
            BitEqual(x, expected).Should().BeTrue($"particle positions, B = {blocks}");
            Math.Abs(d.Y[0] - setup.Y0[0]).Should().BeGreaterThan(1e-3, "the state must move for the comparison to mean something");
        }
    }

    [Fact]
    public async Task Results_do_not_depend_on_the_order_in_which_replies_arrive_and_repeat_exactly()
    {
        var scenario = Times();
        var plain = await Run(scenario, new MuscleParticleRun(Setup(Case.AffineMesh, 4)), Dir("plain"));
        var again = await Run(scenario, new MuscleParticleRun(Setup(Case.AffineMesh, 4)), Dir("again"));
        var delayed = new DelayedReplies(new MuscleParticleRun(Setup(Case.AffineMesh, 4)));
        var shuffled = await Run(scenario, delayed, Dir("shuffled"));
        again.ResultsSha256.Should().Be(plain.ResultsSha256);
        shuffled.ResultsSha256.Should().Be(plain.ResultsSha256);
        File.ReadAllBytes(Path.Combine(Dir("shuffled"), "timeseries.csv")).Should().Equal(File.ReadAllBytes(Path.Combine(Dir("plain"), "timeseries.csv")));
        // the delays really did shuffle the arrival order: some round finished in non-ascending block order
        var byRound = delayed.Finished.GroupBy(f => f.Round).Select(g => g.Select(f => f.Block).ToList()).ToList();
        byRound.Should().Contain(order => !order.SequenceEqual(order.Order()));
    }

    [Fact]
    public async Task Mean_field_slabs_reproduce_the_sequential_finite_volume_driver_bit_for_bit()
    {
        var scenario = Scenario("muscle-meanfield-1d.json", d =>
        {
            d["parameters"]!["cells"] = 200; d["time"]!["end"] = 0.3; d["time"]!["output_interval"] = 0.1;
        });
        foreach (int blocks in new[] { 1, 2, 4 })
        {
            var setup = Muscle1DDefinition.MeanFieldSetup(scenario) with { Blocks = blocks };
            var run = new MuscleMeanFieldRun(setup);
            var r = await Run(scenario, run, Dir($"fv-{blocks}"));
            r.Rows.Should().Be(4);

            var driver = new SequentialMeanFieldDriver1D(setup.Model, setup.Grid, setup.Density, setup.Y0, setup.V0, blocks);
            double t = 0;
            foreach (double target in scenario.Time.OutputTimes().Skip(1))
                while (t < target)
                {
                    var (dt, next) = StepPlanner.Next(t, target, Math.Min(setup.DtMax, driver.StableTimeStep(setup.Cfl)));
                    driver.Step(dt);
                    t = next;
                }
            BitEqual(run.Y, driver.Y).Should().BeTrue($"y, B = {blocks}");
            BitEqual(run.Density, driver.Density()).Should().BeTrue($"density, B = {blocks}");
            BitEqual(ReadNpy(Path.Combine(Dir($"fv-{blocks}"), "fields", "rho_0003.npy")), driver.Density()).Should().BeTrue();
            r.FinalState["mass"].Should().BeApproximately(1.0, 1e-13);
        }
    }

    [Fact]
    public async Task Stochastic_bridges_on_blocks_reproduce_the_sequential_Huxley_system_bit_for_bit()
    {
        var scenario = Scenario("huxley-particles.json", d =>
        {
            d["time"]!["end"] = 0.5; d["time"]!["output_interval"] = 0.25; d["time"]!["dt"] = 0.01;
            d["parameters"]!["t_switch"] = 0.2;
        });
        var rates = HuxleyRates.Standard;
        foreach (int blocks in new[] { 1, 3 })
        {
            var setup = new HuxleyParticleSetup
            {
                Rates = rates, Protocol = new HuxleyProtocol(0.7, 0.2), XMin = -1.0, Length = 2.5, Bridges = 3001,
                Blocks = blocks, Seed = 9, Dt = 0.01,
            };
            var run = new HuxleyParticleRun(setup);
            var r = await Run(scenario, run, Dir($"hux-{blocks}"));
            var sys = new HuxleyParticleSystem(rates, -1.0, 2.5, 3001, blocks, 9);
            double t = 0;
            foreach (double target in scenario.Time.OutputTimes().Skip(1))
                while (t < target)
                {
                    var (dt, next) = StepPlanner.Next(t, setup.Protocol.SegmentEnd(t, target), setup.Dt);
                    sys.Step(dt, setup.Protocol.Velocity(t));
                    t = next;
                }
            var (q0, q1, q2) = sys.Moments();
            BitEqual([run.Moments.Q0, run.Moments.Q1, run.Moments.Q2], [q0, q1, q2]).Should().BeTrue($"moments, B = {blocks}");
            r.FinalState["Q1"].Should().Be(q1);
            run.Counters.Accepted.Should().Be(sys.StepCount);
            q0.Should().BeGreaterThan(0.1);
        }
    }

    [Fact]
    public async Task A_failing_block_ends_the_run_with_an_error_naming_the_block()
    {
        var scenario = Times();
        var ex = await Assert.ThrowsAsync<RunFailedException>(() => Run(scenario, new FailingBlock(new MuscleParticleRun(Setup(Case.LinearPlain, 3))), Dir("fail")));
        ex.Message.Should().Contain("/user/coordinator/block-2").And.Contain("block 2 blew up");
    }

    private sealed class FailingBlock(IParticleModel inner) : IParticleModel
    {
        public int BlockCount => inner.BlockCount;
        public double Time => inner.Time;
        public StepCounters Counters => inner.Counters;
        public IReadOnlyList<string> Columns => inner.Columns;
        public System.Text.Json.Nodes.JsonObject Analysis() => inner.Analysis();
        public ParticleRound BeginStep(double tEnd) => inner.BeginStep(tEnd);
        public ParticleRound BeginOutput() => inner.BeginOutput();
        public ParticleRound? Continue(IReadOnlyList<double[]> replies) => inner.Continue(replies);
        public IReadOnlyList<ActorSim.Simulation.Subdomains.FieldSnapshot> CompleteOutput(Span<double> row) => inner.CompleteOutput(row);
        public IParticleKernel CreateKernel(int block) => block == 2 ? new Failing(inner.CreateKernel(block)) : inner.CreateKernel(block);

        private sealed class Failing(IParticleKernel k) : IParticleKernel
        {
            private int _rounds;
            public int Block => k.Block;
            public double[] Handle(ParticleRound round) => ++_rounds == 5 ? throw new InvalidOperationException("block 2 blew up") : k.Handle(round);
        }
    }

    [Fact]
    public async Task Cancellation_stops_after_the_current_step_and_keeps_the_rows_written()
    {
        var s = Scenario("muscle-linear.json", d => { d["parameters"]!["N"] = 20000; d["time"]!["end"] = 1000.0; d["time"]!["output_interval"] = 0.5; });
        using var cts = new CancellationTokenSource();
        var r = await LocalRunner.RunAsync(s, new RunOptions(Dir("cancel")), p => { if (p.T >= 1.0) cts.Cancel(); }, cts.Token).WaitAsync(RunTimeout);
        r.Status.Should().Be(RunStatus.Cancelled);
        r.FinalTime.Should().BeLessThan(1000.0).And.BeGreaterThanOrEqualTo(1.0);
        Rows(Dir("cancel")).Should().HaveCount((int)r.Rows).And.HaveCountGreaterThan(2);
        Rows(Dir("cancel"))[^1]["t"].Should().Be(r.FinalTime, "the state at the stop is written as a last row");
    }

    [Theory]
    [InlineData(0.0, 1.0, 0.1, 10)]
    [InlineData(0.3, 0.4, 0.1, 1)]
    [InlineData(0.0, 1.0, 0.3, 4)]
    [InlineData(0.0, 1e-3, 1.0, 1)]
    public void Step_planner_cuts_an_interval_into_equal_steps_and_lands_exactly(double t0, double end, double dtMax, int expectedSteps)
    {
        double t = t0;
        int steps = 0;
        while (t < end)
        {
            var (dt, next) = StepPlanner.Next(t, end, dtMax);
            dt.Should().BeLessThanOrEqualTo(dtMax * (1 + 1e-12));
            next.Should().BeGreaterThan(t);
            t = next;
            steps++;
        }
        t.Should().Be(end);
        steps.Should().Be(expectedSteps);
    }
}
