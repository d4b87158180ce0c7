using ActorSim.Numerics.Muscle;
using FluentAssertions;
using Xunit.Abstractions;

namespace ActorSim.Numerics.Tests.Muscle;

/// <summary>
/// Nonlinear constraint g = F(y)^{-1} X. With the affine map (y = displacement gradient), the frame-indifferent
/// strain energy W0 = k/2 |F^T F - I|^2, an isotropic W1 and a radial pair potential, the Lagrangian is
/// invariant under (F, X) -&gt; (R F, R X); Noether's charge is the angular momentum
/// L = M sum_c (F_0c F'_1c - F_1c F'_0c) + (m/N) sum_i X_i x X_i'.
/// </summary>
public class DeformationDynamicsTests
{
    private readonly ITestOutputHelper _out;
    public DeformationDynamicsTests(ITestOutputHelper output) => _out = output;

    private static MuscleModel AffineModel() => new()
    {
        Constraint = new DeformationConstraint2D(new AffineMap()),
        MacroMass = 1.0, ParticleMass = 0.5,
        MacroPotential = new MacroStrainEnergy2D(1.0),
        ParticlePotential = new HarmonicParticlePotential(new[] { 1.0, 1.0 }),
        PairPotential = new GaussianPairPotential(0.5, 0.5),
    };

    private static (double[] Y, double[] V) AffineInitial()
    {
        double[] y = { 0.05, 0.02, -0.03, 0.04 };
        double f00 = 1 + y[0], f01 = y[1], f10 = y[2], f11 = 1 + y[3];
        // rotation rate 0.8 (J F) plus a strain rate
        double[] v = { 0.8 * -f10 + 0.1, 0.8 * -f11 - 0.05, 0.8 * f00 + 0.02, 0.8 * f01 + 0.08 };
        return (y, v);
    }

    private static double AngularMomentum(MuscleModel model, SequentialMuscleDriver d)
    {
        var y = d.Y; var v = d.Velocity;
        double f00 = 1 + y[0], f01 = y[1], f10 = y[2], f11 = 1 + y[3];
        double macro = model.MacroMass * (f00 * v[2] - f10 * v[0] + f01 * v[3] - f11 * v[1]);
        var pos = d.GatherPositions();
        var phi = new double[2 * 4]; var xd = new double[2]; var om = new double[2]; var x = new double[2];
        double micro = 0;
        for (int i = 0; i < d.ParticleCount; i++)
        {
            x[0] = pos[0][i]; x[1] = pos[1][i];
            model.Constraint.Kinematics(x, y, v, phi, xd, om);
            micro += x[0] * xd[1] - x[1] * xd[0];
        }
        return macro + model.ParticleMass * micro / d.ParticleCount;
    }

    [Fact]
    public void Affine_deformation_conserves_angular_momentum_and_energy_to_integrator_accuracy()
    {
        var model = AffineModel();
        var x0 = TestData.UniformPositions(2, 150, -1, 1, 21);
        var (y0, v0) = AffineInitial();
        const double T = 2.0;
        var dts = new List<double>(); var dL = new List<double>(); var dE = new List<double>(); var drift = new List<double>();
        double motion = 0;
        foreach (int steps in new[] { 50, 100, 200 })
        {
            var d = new SequentialMuscleDriver(model, x0, y0, v0, new MuscleDriverOptions { BlockCount = 3 });
            double l0 = AngularMomentum(model, d), e0 = d.Diagnostics().TotalEnergy;
            d.Run(T / steps, steps);
            var diag = d.Diagnostics();
            double l1 = AngularMomentum(model, d);
            motion = Math.Abs(d.Y[2] - y0[2]);
            dts.Add(T / steps); dL.Add(Math.Abs(l1 - l0)); dE.Add(Math.Abs(diag.TotalEnergy - e0)); drift.Add(diag.MaxConstraintDrift);
            _out.WriteLine($"dt={T / steps:G3} L0={l0:F6} |dL|={Math.Abs(l1 - l0):E3} E0={e0:F6} |dE|={Math.Abs(diag.TotalEnergy - e0):E3} drift={diag.MaxConstraintDrift:E3}");
        }
        double sL = TestData.LogLogSlope(dts, dL), sE = TestData.LogLogSlope(dts, dE), sD = TestData.LogLogSlope(dts, drift);
        _out.WriteLine($"orders: angular momentum {sL:F2}, energy {sE:F2}, constraint drift {sD:F2}; |y2(T)-y2(0)| = {motion:F3}");
        motion.Should().BeGreaterThan(0.5, "the element must actually rotate for the test to mean something");
        dL[^1].Should().BeLessThan(1e-7);
        dE[^1].Should().BeLessThan(1e-7);
        sL.Should().BeGreaterThan(3.5);
        sE.Should().BeGreaterThan(3.5);
        // F(y) is affine in y, so X_i - F(y) X_ref,i is preserved exactly by every RK stage (like a linear invariant).
        drift.Max().Should().BeLessThan(1e-13);
    }

    [Fact]
    public void Rotation_with_torque_drifts_at_order_four_and_projection_removes_the_drift()
    {
        // Rotation map (nonlinear in theta) with an anisotropic particle spring: a torque-driven pendulum-like
        // motion of theta. RK4 leaves an O(dt^4) drift of |F(theta)^{-1} X_i - X_ref,i|; the projection variant
        // puts every particle back on its level set after each step.
        var model = new MuscleModel
        {
            Constraint = new DeformationConstraint2D(new RotationMap()), ParticleMass = 0.5,
            MacroPotential = new HarmonicMacroPotential(new[] { 0.5 }),
            ParticlePotential = new HarmonicParticlePotential(new[] { 1.0, 3.0 }),
        };
        var x0 = TestData.UniformPositions(2, 400, -1, 1, 22);
        const double T = 4.0;
        var dts = new List<double>(); var drifts = new List<double>(); var dE = new List<double>();
        foreach (int steps in new[] { 20, 40, 80 })
        {
            var plain = new SequentialMuscleDriver(model, x0, new[] { 0.3 }, new[] { 1.5 }, new MuscleDriverOptions { BlockCount = 2 });
            var proj = new SequentialMuscleDriver(model, x0, new[] { 0.3 }, new[] { 1.5 }, new MuscleDriverOptions { BlockCount = 2, ProjectOntoConstraints = true });
            double e0 = plain.Diagnostics().TotalEnergy;
            plain.Run(T / steps, steps); proj.Run(T / steps, steps);
            var dp = plain.Diagnostics(); var dq = proj.Diagnostics();
            _out.WriteLine($"dt={T / steps:G3} theta(T)={plain.Y[0]:F4} drift plain {dp.MaxConstraintDrift:E3}, projected {dq.MaxConstraintDrift:E3}; " +
                           $"|dE| plain {Math.Abs(dp.TotalEnergy - e0):E3}, projected {Math.Abs(dq.TotalEnergy - e0):E3}; |theta_p - theta_q| = {Math.Abs(plain.Y[0] - proj.Y[0]):E2}");
            dts.Add(T / steps); drifts.Add(dp.MaxConstraintDrift); dE.Add(Math.Abs(dp.TotalEnergy - e0));
            dq.MaxConstraintDrift.Should().BeLessThan(1e-14);
            Math.Abs(dq.TotalEnergy - e0).Should().BeLessThan(2 * Math.Abs(dp.TotalEnergy - e0) + 1e-12);
        }
        double sD = TestData.LogLogSlope(dts, drifts), sE = TestData.LogLogSlope(dts, dE);
        _out.WriteLine($"orders: drift {sD:F2}, energy {sE:F2}");
        drifts[0].Should().BeGreaterThan(1e-8);
        sD.Should().BeInRange(3.6, 5.4);
        sE.Should().BeGreaterThan(3.6);
    }

    [Fact]
    public void Rigid_rotation_spins_at_constant_rate_with_centripetal_Omega()
    {
        // Rotation map, no torques: theta'' = 0 exactly (Phi^T Omega = (J X) . (-w^2 X) = 0), m_eff constant.
        var model = new MuscleModel
        {
            Constraint = new DeformationConstraint2D(new RotationMap()), ParticleMass = 2.0,
            ParticlePotential = new HarmonicParticlePotential(new[] { 3.0, 3.0 }),
        };
        var x0 = TestData.UniformPositions(2, 300, -1, 1, 23);
        var d = new SequentialMuscleDriver(model, x0, new[] { 0.0 }, new[] { 1.3 }, new MuscleDriverOptions { BlockCount = 4 });
        var e0 = d.Diagnostics().TotalEnergy;
        d.Run(0.01, 500);
        d.Velocity[0].Should().BeApproximately(1.3, 1e-12);
        d.Y[0].Should().BeApproximately(1.3 * 5.0, 1e-10);
        d.Diagnostics().TotalEnergy.Should().BeApproximately(e0, 1e-10);
        var pos = d.GatherPositions();
        double c = Math.Cos(6.5), s = Math.Sin(6.5);
        for (int i = 0; i < 300; i += 37)
        {
            pos[0][i].Should().BeApproximately(c * x0[0][i] - s * x0[1][i], 1e-8);
            pos[1][i].Should().BeApproximately(s * x0[0][i] + c * x0[1][i], 1e-8);
        }
    }
}
