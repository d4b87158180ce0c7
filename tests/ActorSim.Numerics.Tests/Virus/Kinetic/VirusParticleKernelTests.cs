using ActorSim.Numerics.Tests.Virus.Kinetic.References;
using ActorSim.Numerics.Virus.Kinetic;
using ActorSim.Numerics.Virus.Kinetic.MonteCarlo;
using FluentAssertions;

namespace ActorSim.Numerics.Tests.Virus.Kinetic;

/// <summary>
/// The Monte Carlo slab after issue 14 (stream generated ahead four Philox blocks at a time, full-step factors per
/// step and cell, logarithm only for particles that tumble, partial masses kept while writing) against the frozen
/// copy of the slab before it (<see cref="LegacyVirusParticleMonteCarlo1D"/>): the same particles bit for bit.
/// </summary>
public class VirusParticleKernelTests
{
    private static readonly Func<double, double>[] Profiles =
        [x => 1 + 0.5 * Math.Cos(Math.PI * x), x => 0.5 + 0.3 * Math.Cos(2 * Math.PI * x), x => 0.5 + 0.4 * Math.Cos(3 * Math.PI * x)];
    private static readonly double[] Masses = [1.0, 0.5, 0.5], Bounds = [1.5, 0.8, 0.9];

    [Theory]
    [InlineData(KineticBoundary.Reflecting, 1, 0.5, 0.2, 0.0, 1.0)]
    [InlineData(KineticBoundary.Reflecting, 3, 0.3, 0.2, 2.0, 1.0)]
    [InlineData(KineticBoundary.Periodic, 2, 0.5, 0.0, 1.0, 0.37)]
    [InlineData(KineticBoundary.Periodic, 4, 1.0, 0.5, 3.0, 0.8)]
    public void Kernel_gives_the_particles_of_the_per_particle_path_bit_for_bit(KineticBoundary bc, int blocks, double eps, double chi, double r, double dtFraction)
    {
        var full = KineticScenarios.Full(chi: chi);
        var p = full with { Rates = full.Rates with { R = r } };
        const int particles = 4000, cells = 40;
        const ulong seed = 17;
        var grid = new KineticGrid1D(1.0, cells, bc);
        var weights = Masses.Select(m => m / particles).ToArray();
        var mc = new VirusParticleMonteCarlo1D(grid, p, eps, weights, blocks, seed);
        var legacy = new LegacyVirusParticleMonteCarlo1D(grid, p, eps, weights, blocks, seed);
        for (int s = 0; s < 3; s++)
        {
            mc.SampleDensity(s, particles, Masses[s], Profiles[s], Bounds[s]);
            legacy.SampleDensity(s, particles, Masses[s], Profiles[s], Bounds[s]);
        }
        double dt = mc.MaxTimeStep * dtFraction;
        for (int step = 0; step < 40; step++)
        {
            mc.Step(dt);
            legacy.Step(dt);
            for (int b = 0; b < blocks; b++)
                for (int s = 0; s < 3; s++)
                {
                    var a = mc.Subdomains[b].Particles(s);
                    var e = legacy.Subdomains[b].Particles(s);
                    a.Count.Should().Be(e.Count, $"count of species {s} in slab {b} after step {step}");
                    Bits(a.X).Should().Equal(Bits(e.X), $"positions of species {s} in slab {b} after step {step}");
                    a.Velocity.ToArray().Should().Equal(e.Velocity.ToArray());
                    Bits(a.Weight).Should().Equal(Bits(e.Weight));
                    BitConverter.DoubleToInt64Bits(mc.Subdomains[b].PartialMass(s))
                        .Should().Be(BitConverter.DoubleToInt64Bits(legacy.Subdomains[b].PartialMass(s)), "the running mass is the storage-order sum");
                }
        }
        mc.ParticleCount(1).Should().BeGreaterThan(0);
    }

    private static long[] Bits(Span<double> a) => a.ToArray().Select(BitConverter.DoubleToInt64Bits).ToArray();

    [Fact]
    public void A_step_allocates_nothing_once_the_stores_have_grown()
    {
        var p = KineticScenarios.Full(chi: 0.2);
        var mc = new VirusParticleMonteCarlo1D(new KineticGrid1D(1.0, 20, KineticBoundary.Reflecting), p, 0.5, Masses.Select(m => m / 2000).ToArray(), 2, 3);
        for (int s = 0; s < 3; s++) mc.SampleDensity(s, 2000, Masses[s], Profiles[s], Bounds[s]);
        for (int k = 0; k < 50; k++) mc.Step(mc.MaxTimeStep); // the stores reach their working capacity
        AllocationProbe.MinAllocated(() => { for (int k = 0; k < 5; k++) mc.Step(mc.MaxTimeStep); }).Should().Be(0);
    }
}
