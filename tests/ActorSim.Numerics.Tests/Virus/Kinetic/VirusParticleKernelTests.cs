using ActorSim.Numerics.Virus.Kinetic;
using ActorSim.Numerics.Virus.Kinetic.MonteCarlo;
using FluentAssertions;
using Xunit.Abstractions;

namespace ActorSim.Numerics.Tests.Virus.Kinetic;

/// <summary>
/// The Monte Carlo slab's kernel (issue 14: per-particle 32-bit streams, a vectorised fast pass for particles that
/// neither tumble nor give birth, the others through the per-particle chain): every code path gives the particles of
/// the scalar path (every particle through the chain, the definition) bit for bit; the process is the one of the
/// previous kernel (<see cref="PreviousVirusParticleMonteCarlo1D"/>, another stream) in distribution.
/// </summary>
public class VirusParticleKernelTests(ITestOutputHelper output)
{
    private static readonly Func<double, double>[] Profiles =
        [x => 1 + 0.5 * Math.Cos(Math.PI * x), x => 0.5 + 0.3 * Math.Cos(2 * Math.PI * x), x => 0.5 + 0.4 * Math.Cos(3 * Math.PI * x)];
    private static readonly double[] Masses = [1.0, 0.5, 0.5], Bounds = [1.5, 0.8, 0.9];

    [Theory]
    [InlineData(KineticBoundary.Reflecting, 1, 0.5, 0.2, 0.0, 1.0)]
    [InlineData(KineticBoundary.Reflecting, 3, 0.3, 0.2, 2.0, 1.0)]
    [InlineData(KineticBoundary.Periodic, 2, 0.5, 0.0, 1.0, 0.37)]
    [InlineData(KineticBoundary.Periodic, 4, 1.0, 0.5, 3.0, 0.8)]
    [InlineData(KineticBoundary.Reflecting, 2, 2.0, 0.3, 1.0, 1.0)]
    public void Every_code_path_gives_the_particles_of_the_scalar_chain_bit_for_bit(KineticBoundary bc, int blocks, double eps, double chi, double r, double dtFraction)
    {
        var full = KineticScenarios.Full(chi: chi);
        var p = full with { Rates = full.Rates with { R = r } };
        const int particles = 4000, cells = 40;
        const ulong seed = 17;
        var grid = new KineticGrid1D(1.0, cells, bc);
        var weights = Masses.Select(m => m / particles).ToArray();
        var paths = Enum.GetValues<VirusKernelPath>().Where(VirusParticleSubdomain1D.IsSupported).ToArray();
        var runs = paths.Select(path =>
        {
            var mc = new VirusParticleMonteCarlo1D(grid, p, eps, weights, blocks, seed);
            foreach (var b in mc.Subdomains) b.KernelPath = path;
            for (int s = 0; s < 3; s++) mc.SampleDensity(s, particles, Masses[s], Profiles[s], Bounds[s]);
            return mc;
        }).ToArray();
        int reference = Array.IndexOf(paths, VirusKernelPath.Scalar);
        double dt = runs[0].MaxTimeStep * dtFraction;
        for (int step = 0; step < 40; step++)
        {
            foreach (var mc in runs) mc.Step(dt);
            for (int q = 0; q < runs.Length; q++)
                for (int b = 0; b < blocks; b++)
                    for (int s = 0; s < 3; s++)
                    {
                        var a = runs[q].Subdomains[b].Particles(s);
                        var e = runs[reference].Subdomains[b].Particles(s);
                        string what = $"species {s} in slab {b} after step {step} on path {paths[q]}";
                        a.Count.Should().Be(e.Count, $"count of {what}");
                        Bits(a.X).Should().Equal(Bits(e.X), $"positions of {what}");
                        a.Velocity.ToArray().Should().Equal(e.Velocity.ToArray(), what);
                        Bits(a.Weight).Should().Equal(Bits(e.Weight), what);
                        BitConverter.DoubleToInt64Bits(runs[q].Subdomains[b].PartialMass(s))
                            .Should().Be(BitConverter.DoubleToInt64Bits(runs[reference].Subdomains[b].PartialMass(s)), "the running mass is the storage-order sum");
                    }
        }
        runs[0].ParticleCount(1).Should().BeGreaterThan(0);
        output.WriteLine($"paths compared: {string.Join(", ", paths)}");
        for (int q = 0; q < runs.Length; q++)
        {
            // the comparison means something only if the vector pass handles most particles itself
            long chained = runs[q].Subdomains.Sum(b => b.ChainedParticles);
            double fraction = (double)chained / Enumerable.Range(0, 3).Sum(runs[q].ParticleCount);
            output.WriteLine($"{paths[q]}: {100 * fraction:F1} % of the particles through the per-particle chain in the last step");
            if (paths[q] == VirusKernelPath.Scalar) chained.Should().BeGreaterThan(0);
            else fraction.Should().BeLessThan(0.5, "most particles neither give birth nor tumble twice in a step");
        }
    }

    private static long[] Bits(Span<double> a) => a.ToArray().Select(BitConverter.DoubleToInt64Bits).ToArray();

    /// <summary>
    /// The new stream against the previous kernel's: the masses of u, v, w after 2 time units (infection, taxis,
    /// source, roulette, walls) over 6 seeds each agree within 4 standard errors of the difference of the seed means.
    /// </summary>
    [Fact]
    public void The_process_is_the_previous_kernels_in_distribution()
    {
        var p = KineticScenarios.Full(chi: 0.3);
        p = p with { Rates = p.Rates with { R = 1.0 } };
        const int particles = 3000, seeds = 6;
        var grid = new KineticGrid1D(1.0, 30, KineticBoundary.Reflecting);
        var weights = Masses.Select(m => m / particles).ToArray();
        var now = new double[seeds, 3]; var before = new double[seeds, 3];
        for (int k = 0; k < seeds; k++)
        {
            var mc = new VirusParticleMonteCarlo1D(grid, p, 0.5, weights, 2, (ulong)(100 + k));
            var old = new PreviousVirusParticleMonteCarlo1D(grid, p, 0.5, weights, 2, (ulong)(200 + k));
            for (int s = 0; s < 3; s++)
            {
                mc.SampleDensity(s, particles, Masses[s], Profiles[s], Bounds[s]);
                old.SampleDensity(s, particles, Masses[s], Profiles[s], Bounds[s]);
            }
            mc.Advance(2.0); old.Advance(2.0);
            for (int s = 0; s < 3; s++) { now[k, s] = mc.TotalMass(s); before[k, s] = old.TotalMass(s); }
        }
        for (int s = 0; s < 3; s++)
        {
            var a = Enumerable.Range(0, seeds).Select(k => now[k, s]).ToArray();
            var b = Enumerable.Range(0, seeds).Select(k => before[k, s]).ToArray();
            double ma = a.Average(), mb = b.Average();
            double se = Math.Sqrt((Var(a) + Var(b)) / seeds);
            output.WriteLine($"species {s}: mass {ma:G6} (new) vs {mb:G6} (previous), difference {(ma - mb) / se:F2} standard errors ({se:E2})");
            Math.Abs(ma - mb).Should().BeLessThan(4 * se, $"species {s}");
            se.Should().BeLessThan(0.05 * mb, "the comparison must be sharp enough to see a wrong rate");
        }
    }

    private static double Var(double[] a)
    {
        double m = a.Average();
        return a.Sum(x => (x - m) * (x - m)) / (a.Length - 1);
    }

    [Fact]
    public void A_step_allocates_nothing_once_the_stores_have_grown()
    {
        var p = KineticScenarios.Full(chi: 0.2);
        foreach (var path in Enum.GetValues<VirusKernelPath>().Where(VirusParticleSubdomain1D.IsSupported))
        {
            var mc = new VirusParticleMonteCarlo1D(new KineticGrid1D(1.0, 20, KineticBoundary.Reflecting), p, 0.5, Masses.Select(m => m / 2000).ToArray(), 2, 3);
            foreach (var b in mc.Subdomains) b.KernelPath = path;
            for (int s = 0; s < 3; s++) mc.SampleDensity(s, 2000, Masses[s], Profiles[s], Bounds[s]);
            for (int k = 0; k < 50; k++) mc.Step(mc.MaxTimeStep); // the stores reach their working capacity
            AllocationProbe.MinAllocated(() => { for (int k = 0; k < 5; k++) mc.Step(mc.MaxTimeStep); }).Should().Be(0, $"path {path}");
        }
    }
}
