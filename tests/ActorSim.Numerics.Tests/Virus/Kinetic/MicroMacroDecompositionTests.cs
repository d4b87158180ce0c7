using ActorSim.Numerics.Virus.Kinetic;
using FluentAssertions;

namespace ActorSim.Numerics.Tests.Virus.Kinetic;

/// <summary>Determinism of the slab decomposition: the reference for the subdomain-actor version.</summary>
public class MicroMacroDecompositionTests
{
    private static double[][] Run(KineticBoundary boundary, int blocks, int steps, double eps = 0.1)
    {
        var p = KineticScenarios.Full();
        var grid = new KineticGrid1D(1.0, 40, boundary);
        var ap = new MicroMacroSolver1D(grid, p, eps, blocks);
        KineticScenarios.Load(ap, KineticScenarios.SteepInitial(grid));
        double dt = MicroMacroSolver1D.MacroscopicTimeStep(p, grid.Dx);
        for (int n = 0; n < steps; n++) ap.Step(dt);
        return Enumerable.Range(0, 3).Select(ap.Density).ToArray();
    }

    private static long[] Bits(double[][] fields) => fields.SelectMany(f => f).Select(BitConverter.DoubleToInt64Bits).ToArray();

    [Theory]
    [InlineData(KineticBoundary.Periodic)]
    [InlineData(KineticBoundary.Reflecting)]
    public void Densities_are_bit_identical_for_1_2_3_and_4_slabs(KineticBoundary boundary)
    {
        var one = Bits(Run(boundary, 1, 400));
        foreach (int blocks in new[] { 2, 3, 4 })
            Bits(Run(boundary, blocks, 400)).Should().Equal(one, $"{blocks} slabs must reproduce the single-slab run bit for bit");
    }

    [Fact]
    public void A_saved_and_restored_state_continues_bit_identically()
    {
        var p = KineticScenarios.Full();
        var grid = new KineticGrid1D(1.0, 40, KineticBoundary.Reflecting);
        double dt = MicroMacroSolver1D.MacroscopicTimeStep(p, grid.Dx);
        var a = new MicroMacroSolver1D(grid, p, 0.1, 4);
        KineticScenarios.Load(a, KineticScenarios.SteepInitial(grid));
        for (int n = 0; n < 150; n++) a.Step(dt);
        var b = new MicroMacroSolver1D(grid, p, 0.1, 4);
        foreach (var (from, to) in a.Subdomains.Zip(b.Subdomains))
        {
            var state = new double[from.StateLength];
            from.SaveState(state);
            to.LoadState(state);
        }
        for (int n = 0; n < 150; n++) { a.Step(dt); b.Step(dt); }
        Bits(Enumerable.Range(0, 3).Select(b.Density).ToArray()).Should().Equal(Bits(Enumerable.Range(0, 3).Select(a.Density).ToArray()));
    }

    [Fact]
    public void Stepping_without_a_fresh_halo_is_refused()
    {
        var p = KineticScenarios.Full();
        var grid = new KineticGrid1D(1.0, 10, KineticBoundary.Periodic);
        var sub = new MicroMacroSubdomain1D(grid, p, 0.1, 0, 0, 10);
        FluentActions.Invoking(() => sub.Step(1e-3)).Should().Throw<InvalidOperationException>();
        FluentActions.Invoking(() => sub.ApplyWall(HaloSide.Left)).Should().Throw<InvalidOperationException>("a periodic slab has no wall");
    }
}
