using ActorSim.Numerics.Tests.Virus.Kinetic.References;
using ActorSim.Numerics.Virus.Kinetic;
using ActorSim.Numerics.Virus.Kinetic.MonteCarlo;
using FluentAssertions;
using Xunit.Abstractions;

namespace ActorSim.Numerics.Tests.Virus.Kinetic;

public class MonteCarloTests(ITestOutputHelper output)
{
    private const double Amp = 0.5, Wave = 2 * Math.PI;

    private static double L2(double[] a, double[] b, double dx) => KineticScenarios.L2(a, b, dx);

    /// <summary>
    /// Expected squared L2 error of the histogram of N i.i.d. particles of total mass m with exact cell
    /// averages e_b: Σ_b Δx Var(h_b) = (m²/(N Δx)) Σ_b p_b (1 − p_b), p_b = e_b Δx / m.
    /// </summary>
    private static double ExpectedSquaredError(double[] exact, double dx, double mass, int n)
    {
        double s = 0;
        foreach (double e in exact) { double pb = e * dx / mass; s += pb * (1 - pb); }
        return mass * mass * s / (n * dx);
    }

    private static VelocityJumpMonteCarlo1D RunMode(int particles, ulong seed, int blocks, VelocityJumpProcess1D process, double T, int cells = 50)
    {
        var grid = new KineticGrid1D(1.0, cells, KineticBoundary.Periodic);
        var mc = new VelocityJumpMonteCarlo1D(grid, process, blocks, seed);
        mc.InitializeEquilibrium(particles, 1.0, x => 1 + Amp * Math.Cos(Wave * x), 1 + Amp);
        mc.Advance(T);
        return mc;
    }

    [Fact]
    public void Histogram_error_against_the_exact_telegraph_solution_decays_like_one_over_sqrt_N()
    {
        var process = new VelocityJumpProcess1D(Speed: 1.0, TurningRate: 1.0, Epsilon: 0.5);
        const double T = 0.25;
        const int cells = 50, seeds = 6;
        var exact = TelegraphModeSolution.CellAverages(cells, 1.0, 1.0, Amp, Wave, T, 1.0, 1.0, 0.5);
        var counts = new[] { 1000, 3162, 10000, 31623, 100000 };
        var rms = new double[counts.Length];
        var density = new double[cells];
        for (int c = 0; c < counts.Length; c++)
        {
            double sum = 0;
            for (ulong seed = 1; seed <= seeds; seed++)
            {
                var mc = RunMode(counts[c], seed, blocks: 2, process, T);
                mc.ParticleCount.Should().Be(counts[c]);
                mc.DepositDensity(density);
                double e = L2(density, exact, 1.0 / cells);
                sum += e * e;
            }
            rms[c] = Math.Sqrt(sum / seeds);
            double ratio = rms[c] / Math.Sqrt(ExpectedSquaredError(exact, 1.0 / cells, 1.0, counts[c]));
            output.WriteLine($"N={counts[c]}: RMS L2 histogram error over {seeds} seeds {rms[c]:E3}, ratio to pure sampling noise {ratio:F3}");
            // no bias: the error is the multinomial noise of an exact sampler of the exact solution
            // (the ratio is the root of a mean of 6 scaled chi-square(≈49) variables: standard deviation ≈ 0.04,
            // so ±0.15 is ≈ 3.5 standard deviations)
            ratio.Should().BeInRange(0.85, 1.15);
        }
        double slope = KineticScenarios.LogLogSlope(counts.Select(n => (double)n).ToArray(), rms);
        output.WriteLine($"fitted slope of RMS error vs N: {slope:F3}");
        slope.Should().BeInRange(-0.65, -0.35);
    }

    [Fact]
    public void Biased_tumbling_reproduces_the_kinetic_taxis_solution()
    {
        const double eps = 0.5, chi = 1.0, s0 = 0.2, T = 0.25;
        const int cells = 50, particles = 100000, seeds = 4;
        double dx = 1.0 / cells;
        // s = s0 cos(2πx): cell-averaged gradient; max bias ε a c |∂x s| = 0.63 < 1, so no clamping
        var gradient = new double[cells];
        for (int i = 0; i < cells; i++) gradient[i] = s0 * (Math.Cos(Wave * (i + 1) * dx) - Math.Cos(Wave * i * dx)) / dx;
        var process = new VelocityJumpProcess1D(1.0, 1.0, eps, chi);

        var reference = new TaxisJumpReference1D(1.0, cells, 40, 1.0, 1.0, eps, chi, gradient);
        reference.SetEquilibrium(_ => 1.0);
        int refSteps = (int)Math.Round(T / reference.Dt);
        for (int n = 0; n < refSteps; n++) reference.Step();
        var exact = reference.CoarseDensity();

        var uniform = Enumerable.Repeat(1.0, cells).ToArray();
        double noise = Math.Sqrt(ExpectedSquaredError(exact, dx, 1.0, particles));
        double taxisEffect = L2(exact, uniform, dx);
        taxisEffect.Should().BeGreaterThan(5 * noise, "the test must be able to see a missing taxis bias");

        double sum = 0;
        var density = new double[cells];
        for (ulong seed = 11; seed < 11 + seeds; seed++)
        {
            var grid = new KineticGrid1D(1.0, cells, KineticBoundary.Periodic);
            var mc = new VelocityJumpMonteCarlo1D(grid, process, 3, seed);
            mc.SetTaxisGradient(gradient);
            mc.InitializeEquilibrium(particles, 1.0, _ => 1.0, 1.0);
            mc.Advance(T);
            mc.DepositDensity(density);
            double e = L2(density, exact, dx);
            sum += e * e;
        }
        double ratio = Math.Sqrt(sum / seeds) / noise;
        output.WriteLine($"taxis: |reference - uniform| = {taxisEffect:E3}, sampling noise {noise:E3}, RMS MC error / noise = {ratio:F3}");
        // root of a mean of 4 scaled chi-square(≈49) variables: standard deviation ≈ 0.05
        ratio.Should().BeInRange(0.8, 1.25);
    }

    [Fact]
    public void Mean_square_displacement_follows_the_exact_velocity_jump_law_with_D_c2_over_sigma()
    {
        // MSD = 2 D (t − τ (1 − e^{−t/τ})), τ = ε²/σ, D = c²/σ (walls far away: nobody reaches them)
        const double c = 1.0, sigma = 1.0, eps = 0.5, T = 2.0, x0 = 50.0;
        const int n = 100000;
        var grid = new KineticGrid1D(100.0, 100, KineticBoundary.Reflecting);
        var mc = new VelocityJumpMonteCarlo1D(grid, new VelocityJumpProcess1D(c, sigma, eps), 4, 2024);
        for (int p = 0; p < n; p++) mc.Add(x0, (byte)(p & 1), 1.0 / n);
        mc.Advance(T);
        double msd = 0;
        foreach (var sub in mc.Subdomains) foreach (double x in sub.Particles.X) msd += (x - x0) * (x - x0);
        msd /= n;
        double d = c * c / sigma, tau = eps * eps / sigma;
        double exact = 2 * d * (T - tau * (1 - Math.Exp(-T / tau)));
        output.WriteLine($"MSD {msd:F4}, exact {exact:F4}, diffusive limit 2DT = {2 * d * T:F4}");
        (exact / (2 * d * T)).Should().BeLessThan(0.9, "the kinetic correction is resolvable");
        // relative sampling error of a mean of squares ≈ sqrt(2/N) = 0.45 %; 2 % is > 4 standard deviations
        msd.Should().BeApproximately(exact, 0.02 * exact);
    }

    [Fact]
    public void Same_seed_and_block_count_give_bit_identical_particles()
    {
        var process = new VelocityJumpProcess1D(1.0, 1.0, 0.3, Chi: 0.5);
        var gradient = Enumerable.Range(0, 20).Select(i => Math.Sin(i * 0.3)).ToArray();
        (double[] X, byte[] V, double[] W, double[] Rho) Run(ulong seed, int blocks)
        {
            var grid = new KineticGrid1D(1.0, 20, KineticBoundary.Periodic);
            var mc = new VelocityJumpMonteCarlo1D(grid, process, blocks, seed);
            mc.SetTaxisGradient(gradient);
            mc.InitializeEquilibrium(5000, 1.0, x => 1 + 0.5 * Math.Cos(Wave * x), 1.5);
            mc.Advance(0.2);
            var rho = new double[20];
            mc.DepositDensity(rho);
            return (mc.Subdomains.SelectMany(s => s.Particles.X.ToArray()).ToArray(),
                    mc.Subdomains.SelectMany(s => s.Particles.Velocity.ToArray()).ToArray(),
                    mc.Subdomains.SelectMany(s => s.Particles.Weight.ToArray()).ToArray(), rho);
        }
        foreach (int blocks in new[] { 1, 3 })
        {
            var a = Run(42, blocks);
            var b = Run(42, blocks);
            a.X.Select(BitConverter.DoubleToInt64Bits).Should().Equal(b.X.Select(BitConverter.DoubleToInt64Bits));
            a.V.Should().Equal(b.V);
            a.W.Should().Equal(b.W);
            a.Rho.Select(BitConverter.DoubleToInt64Bits).Should().Equal(b.Rho.Select(BitConverter.DoubleToInt64Bits));
            a.X.Should().HaveCount(5000, "migration neither loses nor duplicates particles");
            Run(43, blocks).X.Should().NotEqual(a.X, "a different seed gives a different run");
        }
    }

    [Fact]
    public void Particles_migrate_to_the_slab_that_owns_their_cell_and_walls_reflect()
    {
        foreach (var boundary in new[] { KineticBoundary.Periodic, KineticBoundary.Reflecting })
        {
            var grid = new KineticGrid1D(1.0, 12, boundary);
            var mc = new VelocityJumpMonteCarlo1D(grid, new VelocityJumpProcess1D(1.0, 0.5, 0.2), 4, 5);
            mc.InitializeEquilibrium(4000, 2.0, _ => 1.0, 1.0);
            for (int step = 0; step < 60; step++)
            {
                mc.Step(mc.MaxTimeStep);
                foreach (var sub in mc.Subdomains)
                    foreach (double x in sub.Particles.X)
                    {
                        x.Should().BeInRange(0.0, 1.0);
                        int cell = Math.Min((int)Math.Floor(x / grid.Dx), 11);
                        cell.Should().BeInRange(sub.FirstCell, sub.FirstCell + sub.CellCount - 1);
                    }
            }
            mc.ParticleCount.Should().Be(4000);
            mc.TotalMass().Should().BeApproximately(2.0, 1e-12);
        }
    }

    [Fact]
    public void Linear_death_decays_the_weights_exactly()
    {
        var grid = new KineticGrid1D(1.0, 10, KineticBoundary.Reflecting);
        var mc = new VelocityJumpMonteCarlo1D(grid, new VelocityJumpProcess1D(1.0, 1.0, 0.5, DecayRate: 0.7), 2, 9);
        mc.InitializeEquilibrium(1000, 3.0, _ => 1.0, 1.0);
        mc.Advance(1.0);
        mc.TotalMass().Should().BeApproximately(3.0 * Math.Exp(-0.7 * mc.Time), 1e-12);
        mc.Time.Should().BeApproximately(1.0, 1e-12);
    }

    [Fact]
    public void Steps_longer_than_one_cell_of_travel_are_refused()
    {
        var grid = new KineticGrid1D(1.0, 10, KineticBoundary.Periodic);
        var mc = new VelocityJumpMonteCarlo1D(grid, new VelocityJumpProcess1D(1.0, 1.0, 0.5), 2, 1);
        mc.InitializeEquilibrium(10, 1.0, _ => 1.0, 1.0);
        FluentActions.Invoking(() => mc.Step(2 * mc.MaxTimeStep)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
