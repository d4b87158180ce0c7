using ActorSim.Numerics.Muscle;
using FluentAssertions;

namespace ActorSim.Numerics.Tests.Muscle;

/// <summary>The coordinator's allocation-free Cholesky solve of m_eff y'' = F_eff.</summary>
public class SolveAccelerationTests
{
    [Fact]
    public void Cholesky_solve_satisfies_the_system_and_rejects_indefinite_matrices()
    {
        var model = new MuscleModel { Constraint = new DeformationConstraint2D(new AffineMap()), MacroMass = 1.5, ParticleMass = 0.5 };
        var total = new StagePartials(4);
        double[] m = { 4, 1, 0.5, 0.2, 1, 3, 0.3, 0.1, 0.5, 0.3, 2, 0.4, 0.2, 0.1, 0.4, 5 };
        m.CopyTo(total.Mass);
        double[] f = { 1, -2, 0.5, 3 };
        f.CopyTo(total.Force);
        var acc = new double[4];
        MuscleReduction.SolveAcceleration(model, 10, new double[4], total, acc);
        // residual of m_eff acc = F_eff with m_eff = M I + (m/N) mass, F_eff = (1/N) force (no W0)
        for (int r = 0; r < 4; r++)
        {
            double s = 1.5 * acc[r];
            for (int c = 0; c < 4; c++) s += 0.05 * m[r * 4 + c] * acc[c];
            s.Should().BeApproximately(0.1 * f[r], 1e-15);
        }
        var bad = model with { MacroMass = -10.0 };
        var act = () => MuscleReduction.SolveAcceleration(bad, 10, new double[4], total, acc);
        act.Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Solve_allocates_nothing()
    {
        var model = new MuscleModel { Constraint = new DeformationConstraint2D(new AffineMap()), MacroPotential = new MacroStrainEnergy2D(1.0) };
        var total = new StagePartials(4);
        for (int k = 0; k < 4; k++) total.Mass[k * 5] = 1.0;
        var y = new double[] { 0.1, 0.0, 0.0, 0.2 };
        var acc = new double[4];
        AllocationProbe.MinAllocated(() => MuscleReduction.SolveAcceleration(model, 10, y, total, acc)).Should().Be(0);
    }
}
