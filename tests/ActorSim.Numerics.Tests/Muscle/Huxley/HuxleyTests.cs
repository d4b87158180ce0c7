using ActorSim.Numerics.Muscle.Huxley;
using FluentAssertions;
using Xunit.Abstractions;

namespace ActorSim.Numerics.Tests.Muscle.Huxley;

public class HuxleyTests
{
    private readonly ITestOutputHelper _out;
    public HuxleyTests(ITestOutputHelper output) => _out = output;

    private static readonly HuxleyRates R = HuxleyRates.Standard;

    [Theory]
    [InlineData(0.25)]
    [InlineData(1.0)]
    [InlineData(3.0)]
    public void Closed_form_steady_state_solves_the_stationary_equation_and_gives_Huxleys_force_velocity_relation(double speed)
    {
        // -V n' = f (1 - n) - g n away from the kinks x = 0 and x = h.
        foreach (double x in new[] { -0.3, -0.05, 0.1, 0.5, 0.93, 1.2 })
        {
            const double e = 1e-6;
            double dn = (HuxleySteadyState.Distribution(R, speed, x + e) - HuxleySteadyState.Distribution(R, speed, x - e)) / (2 * e);
            double n = HuxleySteadyState.Distribution(R, speed, x);
            (-speed * dn).Should().BeApproximately(R.Attach(x) * (1 - n) - R.Detach(x) * n, 1e-6);
        }
        HuxleySteadyState.Moment(R, speed, 1).Should().BeApproximately(HuxleySteadyState.FirstMoment(R, speed), 1e-13);
        (HuxleySteadyState.FirstMoment(R, speed) / HuxleySteadyState.FirstMoment(R, 0))
            .Should().BeApproximately(HuxleySteadyState.RelativeForce(R, speed), 1e-13);
        HuxleySteadyState.FirstMoment(R, 0).Should().BeApproximately(0.8 * 0.5, 1e-15);
    }

    [Fact]
    public void Force_velocity_curve_decreases_from_the_isometric_force_and_crosses_zero()
    {
        // For large V, F/F0 ~ phi/2 - q^2/(2 phi) with q = (f1 + g1)/g2, so the unloaded speed is near
        // phi = q, i.e. V_max ~ (f1 + g1) h / (2 q) = 10 for the standard rates.
        double prev = 1.0;
        for (double v = 0.1; v <= 12.0; v += 0.1)
        {
            double f = HuxleySteadyState.RelativeForce(R, v);
            f.Should().BeLessThan(prev);
            prev = f;
        }
        HuxleySteadyState.RelativeForce(R, 8.0).Should().BeGreaterThan(0.0);
        prev.Should().BeLessThan(0.0, "beyond the unloaded shortening speed the steady force is negative");
    }

    [Fact]
    public void Upwind_time_stepping_converges_to_the_discrete_steady_state()
    {
        var s = new HuxleyUpwindSolver(R, -1.0, 1.0 / 40, 100);
        var t = new HuxleyUpwindSolver(R, -1.0, 1.0 / 40, 100);
        s.SetIsometric();
        s.Moment(1).Should().BeApproximately(0.4, 1e-12, "isometric cells are exactly n_inf on [0, h]");
        double dt = s.StableTimeStep(-1.0);
        for (int k = 0; k < (int)(15.0 / dt); k++) s.Step(dt, -1.0);
        t.SolveSteadyState(-1.0);
        double diff = 0;
        for (int i = 0; i < 100; i++) diff = Math.Max(diff, Math.Abs(s.State[i] - t.State[i]));
        diff.Should().BeLessThan(1e-10);
        s.State.ToArray().Min().Should().BeGreaterThanOrEqualTo(0.0);
        s.State.ToArray().Max().Should().BeLessThanOrEqualTo(1.0);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.4)]
    public void Upwind_steady_force_converges_to_Huxleys_closed_form_at_first_order(double speed)
    {
        double exact = HuxleySteadyState.FirstMoment(R, speed);
        var hs = new List<double>(); var errs = new List<double>();
        foreach (int perH in new[] { 25, 50, 100, 200, 400 })
        {
            double dx = 1.0 / perH;
            var s = new HuxleyUpwindSolver(R, -1.0, dx, (int)Math.Round(2.5 * perH));
            s.SolveSteadyState(-speed);
            double err = Math.Abs(s.Moment(1) - exact);
            hs.Add(dx); errs.Add(err);
            _out.WriteLine($"V={speed} dx={dx:G3}: Q1 = {s.Moment(1):F6} (exact {exact:F6}), error {err:E3}");
        }
        double order = TestData.LogLogSlope(hs, errs);
        _out.WriteLine($"fitted order {order:F3}");
        order.Should().BeInRange(0.8, 1.2);
    }

    [Fact]
    public void Stochastic_cross_bridges_match_the_PDE_steady_state_within_four_sigma()
    {
        const double xMin = -1.0, L = 2.5, V = 1.0, dt = 2e-3;
        const int n = 20000;
        var sys = new HuxleyParticleSystem(R, xMin, L, n, 4, seed: 2024);
        int steps = (int)Math.Ceiling(2.6 / dt); // > L / V: every bridge has re-entered detached at least once
        for (int k = 0; k < steps; k++) sys.Step(dt, -V);
        var (q0, q1, _) = sys.Moments();
        // Each bridge at x is attached with probability n(x) independently: Var Q_k = (L/N)^2 sum x^{2k} n (1 - n).
        double var0 = 0, var1 = 0, mean0 = 0, mean1 = 0, w = L / n;
        foreach (var b in sys.Blocks)
            foreach (double x in b.Positions)
            {
                double p = HuxleySteadyState.Distribution(R, V, x);
                mean0 += w * p; mean1 += w * x * p;
                var0 += w * w * p * (1 - p); var1 += w * w * x * x * p * (1 - p);
            }
        double exact1 = HuxleySteadyState.FirstMoment(R, V), exact0 = HuxleySteadyState.Moment(R, V, 0);
        var fine = new HuxleyUpwindSolver(R, xMin, 1.0 / 1600, 4000);
        fine.SolveSteadyState(-V);
        double z1 = (q1 - exact1) / Math.Sqrt(var1), z0 = (q0 - exact0) / Math.Sqrt(var0);
        _out.WriteLine($"Q1 particles {q1:F5}, closed form {exact1:F5}, lattice mean {mean1:F5}, fine PDE {fine.Moment(1):F5}, sigma {Math.Sqrt(var1):E2}, z = {z1:F2}");
        _out.WriteLine($"Q0 particles {q0:F5}, closed form {exact0:F5}, fine PDE {fine.Moment(0):F5}, sigma {Math.Sqrt(var0):E2}, z = {z0:F2}");
        Math.Abs(z1).Should().BeLessThan(4.0);
        Math.Abs(z0).Should().BeLessThan(4.0);
        Math.Abs(q1 - fine.Moment(1)).Should().BeLessThan(4 * Math.Sqrt(var1) + 2 * Math.Abs(fine.Moment(1) - exact1));
    }

    [Fact]
    public void Stochastic_bridges_are_bit_identical_for_any_block_evaluation_order()
    {
        var a = new HuxleyParticleSystem(R, -1.0, 2.5, 3001, 5, 9);
        var b = new HuxleyParticleSystem(R, -1.0, 2.5, 3001, 5, 9, new[] { 4, 2, 0, 3, 1 });
        for (int k = 0; k < 200; k++) { a.Step(0.005, -0.7); b.Step(0.005, -0.7); }
        var ma = a.Moments(); var mb = b.Moments();
        TestData.BitEqual(new[] { ma.Q0, ma.Q1, ma.Q2 }, new[] { mb.Q0, mb.Q1, mb.Q2 }).Should().BeTrue();
        ma.Q0.Should().BeGreaterThan(0.1);
    }
    /// <summary>
    /// The fused step (issue 14) on every code path this machine has (scalar, AVX2, AVX-512 generator, automatic)
    /// against the definition, the per-bridge loop <see cref="HuxleyParticleBlock.StepReference"/> followed by the
    /// separate moment pass: positions, attachment states and partial moments bit for bit, over scattered (not
    /// lattice) positions, counts that are not multiples of the vector width or of the 256-bridge chunk, either
    /// direction of sliding and time steps from 1e-7 (the series branch of 1 − e^{−z}) to 0.5 (where the exponential
    /// decides most transitions).
    /// </summary>
    [Theory]
    [InlineData(1003, 2e-3, -1.0, 2024UL, 0, 1.0)]
    [InlineData(4096, 1e-7, 0.3, 7UL, 3, 1.0)]
    [InlineData(517, 0.05, 2.0, 0x1_0000_0005UL, 1, 1.0)]
    [InlineData(8, 0.5, -3.0, 11UL, 2, 1.0)]
    [InlineData(7, 0.01, 0.0, 5UL, 0, 1.0)]
    [InlineData(51, 0.05, -1.0, 3UL, 1, 1.0)]
    [InlineData(1003, 0.01, -1.0, 13UL, 2, 0.7)]   // h not a power of two: the divisions stay divisions
    [InlineData(1003, 0.01, 1.0, 13UL, 2, 0.5)]
    [InlineData(2080, 0.02, -0.5, 99UL, 5, 1.0)]   // 8 chunks + 2 groups: the AVX-512 generator's remainder
    public void Fused_step_equals_the_per_bridge_loop_bit_for_bit_on_every_code_path(int n, double dt, double v, ulong seed, int block, double h)
    {
        var rates = new HuxleyRates(4.0, 1.0, 20.0, h);
        var x = new double[n];
        for (int i = 0; i < n; i++) { double u = 0.3 + i * 0.6180339887498949; x[i] = -1.0 + 2.5 * (u - Math.Floor(u)); }
        var paths = Enum.GetValues<HuxleyKernelPath>().Where(HuxleyParticleBlock.IsSupported).ToArray();
        _out.WriteLine($"paths on this machine: {string.Join(", ", paths)}");
        var fast = paths.Select(p => new HuxleyParticleBlock(rates, block, -1.0, 2.5, x) { KernelPath = p }).ToArray();
        var reference = new HuxleyParticleBlock(rates, block, -1.0, 2.5, x);
        Func<double, double> p0 = p => 0.5 * (1 + Math.Sin(3 * p));
        foreach (var f in fast) f.Randomize(p0, seed, uint.MaxValue);
        reference.Randomize(p0, seed, uint.MaxValue);
        var mf = new double[3]; var mr = new double[3];
        int flips = 0;
        for (ulong k = 0; k < 60; k++)
        {
            var before = reference.Attached.ToArray();
            reference.StepReference(seed, k, dt, v);
            reference.MomentPartials(mr);
            foreach (var f in fast)
            {
                f.Step(seed, k, dt, v, mf);
                TestData.BitEqual(f.Positions.ToArray(), reference.Positions.ToArray()).Should().BeTrue($"positions after step {k}, {f.KernelPath}");
                f.Attached.ToArray().Should().Equal(reference.Attached.ToArray(), $"attachment after step {k}, {f.KernelPath}");
                TestData.BitEqual(mf, mr).Should().BeTrue($"moments after step {k}, {f.KernelPath}");
            }
            for (int i = 0; i < n; i++) if (before[i] != reference.Attached[i]) flips++;
        }
        if (dt >= 1e-3) flips.Should().BeGreaterThan(0, "the states must change for the comparison to mean something");
    }

    /// <summary>
    /// A bridge's uniform depends only on (seed, block, step, its index in the block): the same bridges advanced as one
    /// block and as the first bridges of a longer block (another chunk and vector split) end in the same states, and
    /// the step's moment partials are the separate moment pass's, bit for bit.
    /// </summary>
    [Fact]
    public void A_bridges_draw_does_not_depend_on_the_chunk_or_vector_split_of_its_block()
    {
        var x = new double[600];
        for (int i = 0; i < x.Length; i++) { double u = 0.1 + i * 0.7548776662466927; x[i] = -1.0 + 2.5 * (u - Math.Floor(u)); }
        var shortBlock = new HuxleyParticleBlock(R, 3, -1.0, 2.5, x.AsSpan(0, 37));
        var longBlock = new HuxleyParticleBlock(R, 3, -1.0, 2.5, x);
        var m = new double[3]; var again = new double[3];
        for (ulong k = 0; k < 40; k++)
        {
            shortBlock.Step(5, k, 0.05, -1.0);
            longBlock.Step(5, k, 0.05, -1.0, m);
            longBlock.MomentPartials(again);
            TestData.BitEqual(m, again).Should().BeTrue();
        }
        TestData.BitEqual(shortBlock.Positions.ToArray(), longBlock.Positions[..37].ToArray()).Should().BeTrue();
        shortBlock.Attached.ToArray().Should().Equal(longBlock.Attached[..37].ToArray());
        shortBlock.Attached.ToArray().Should().Contain(true).And.Contain(false);
    }

    /// <summary>The vectorised uniform generators give the scalar stream's draws, in order, bit for bit.</summary>
    [Fact]
    public void Vectorised_uniforms_are_the_counter_stream_draws()
    {
        if (!System.Runtime.Intrinsics.X86.Avx2.IsSupported) return;
        ulong seed = 0x1234_5678_9ABCUL;
        var stream = new ActorSim.Numerics.Random.CounterRandom(seed, 7, 99);
        var expected = new double[96];
        for (int i = 0; i < expected.Length; i++) expected[i] = stream.NextDouble();
        var got = new double[96];
        ActorSim.Numerics.Random.Philox4x32.FillUniforms16(0, 99, 7, (uint)seed, (uint)(seed >> 32), ref got[0]);
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported && System.Runtime.Intrinsics.X86.Avx512DQ.IsSupported)
            ActorSim.Numerics.Random.Philox4x32.FillUniforms32(8, 99, 7, (uint)seed, (uint)(seed >> 32), ref got[16]);
        else
        {
            ActorSim.Numerics.Random.Philox4x32.FillUniforms16(8, 99, 7, (uint)seed, (uint)(seed >> 32), ref got[16]);
            ActorSim.Numerics.Random.Philox4x32.FillUniforms16(16, 99, 7, (uint)seed, (uint)(seed >> 32), ref got[32]);
        }
        ActorSim.Numerics.Random.Philox4x32.FillUniforms16(24, 99, 7, (uint)seed, (uint)(seed >> 32), ref got[48]);
        ActorSim.Numerics.Random.Philox4x32.FillUniforms16(32, 99, 7, (uint)seed, (uint)(seed >> 32), ref got[64]);
        ActorSim.Numerics.Random.Philox4x32.FillUniforms16(40, 99, 7, (uint)seed, (uint)(seed >> 32), ref got[80]);
        TestData.BitEqual(got, expected).Should().BeTrue();
        var buffered = new ActorSim.Numerics.Random.BufferedCounterRandom();
        buffered.Reset(seed, 7, 99);
        var again = new ActorSim.Numerics.Random.CounterRandom(seed, 7, 99);
        for (int i = 0; i < 1000; i++) buffered.NextUInt32().Should().Be(again.NextUInt32());
    }
}
