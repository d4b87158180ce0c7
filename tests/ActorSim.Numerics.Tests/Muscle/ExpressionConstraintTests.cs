using ActorSim.Numerics.Densities;
using ActorSim.Numerics.Muscle;
using ActorSim.Numerics.Random;
using FluentAssertions;
using Xunit.Abstractions;

namespace ActorSim.Numerics.Tests.Muscle;

/// <summary>The general constraint g(x, y) given as a formula (seed 003's nonlinear example and the stretch case).</summary>
public class ExpressionConstraintTests(ITestOutputHelper output)
{
    /// <summary>The seed's nonlinear example g(r, q) = -sin(0.1 q) / (1 + r^2) + 0.1 q (q = particle, r = macro).</summary>
    public const string SeedFormula = "-sin(0.1 * q) / (1 + r^2) + 0.1 * q";

    [Fact]
    public void Formula_x_over_1_plus_y_gives_the_stretch_kinematics()
    {
        var e = new ExpressionConstraint1D("x / (1 + y)");
        var s = new StretchConstraint1D();
        Span<double> p1 = stackalloc double[1], v1 = stackalloc double[1], o1 = stackalloc double[1];
        Span<double> p2 = stackalloc double[1], v2 = stackalloc double[1], o2 = stackalloc double[1];
        foreach (var (x, y, v) in new[] { (0.7, 0.2, 0.6), (1.5, -0.3, -1.0), (-2.0, 3.0, 0.1) })
        {
            e.Kinematics([x], [y], [v], p1, v1, o1);
            s.Kinematics([x], [y], [v], p2, v2, o2);
            p1[0].Should().BeApproximately(p2[0], 1e-15);
            v1[0].Should().BeApproximately(v2[0], 1e-15);
            o1[0].Should().BeApproximately(0.0, 1e-14, "x = (1 + y) x_ref is linear in y, so Omega = 0");
        }
    }

    [Fact]
    public void Omega_is_the_second_time_derivative_along_the_constraint()
    {
        // along y(t) = 1 + 0.5 t (y'' = 0), X(t) solves g(X, y(t)) = const, so X' = Phi y' and X'' = Omega[y', y']
        // exactly. Reference values for this test only: X(t) by Newton, its derivatives by Richardson-extrapolated
        // central differences (error O(h^4) ~ 1e-9 at h = 1e-2).
        var c = new ExpressionConstraint1D(SeedFormula);
        double x0 = 2.5, target = SeedG(x0, 1.0);
        double X(double t) { Span<double> x = [x0]; c.Project(x, [1 + 0.5 * t], [target]); return x[0]; }
        double D1(double h) => (X(h) - X(-h)) / (2 * h);
        double D2(double h) => (X(h) - 2 * X(0) + X(-h)) / (h * h);
        const double step = 1e-2;
        double d1 = (4 * D1(step / 2) - D1(step)) / 3, d2 = (4 * D2(step / 2) - D2(step)) / 3;
        Span<double> phi = stackalloc double[1], xdot = stackalloc double[1], omega = stackalloc double[1];
        c.Kinematics([x0], [1.0], [0.5], phi, xdot, omega);
        output.WriteLine($"x' = {xdot[0]:R} (reference {d1:R}), Omega = {omega[0]:R} (reference {d2:R})");
        xdot[0].Should().BeApproximately(d1, 1e-8);
        omega[0].Should().BeApproximately(d2, 1e-7);
    }

    private static double SeedG(double q, double r) => -Math.Sin(0.1 * q) / (1 + r * r) + 0.1 * q;

    /// <summary>
    /// The seed's nonlinear example: m_r = 2, total particle mass 1, kappa_r = 1, kappa_q = 0, r(0) = 1, r'(0) = 0,
    /// q(0) ~ N(2.5, 0.3^2): the energy 1/2 m_eff r'^2 + 1/2 kappa_r r^2 starts at 0.5 and is conserved by the exact
    /// dynamics; RK4's energy error is O(dt^4) (observed order checked). Where r passes 0, d_q g = 0.1 (1 - cos(0.1 q)
    /// / (1 + r^2)) drops to ~3e-3, so |Phi| reaches ~14 and m_eff ~ 200: the step must resolve that passage.
    /// </summary>
    [Fact]
    public void Seed_nonlinear_example_conserves_the_energy_one_half()
    {
        var model = SeedModel();
        var x0 = SeedSample(500);
        var errors = new List<double>();
        foreach (double dt in new[] { 0.01, 0.005, 0.0025 })
        {
            var d = new SequentialMuscleDriver(model, [x0], [1.0], [0.0], new MuscleDriverOptions { BlockCount = 3 });
            double e0 = d.Diagnostics().TotalEnergy, worst = 0, rMin = double.MaxValue;
            e0.Should().BeApproximately(0.5, 1e-15);
            int steps = (int)Math.Round(20.0 / dt);
            for (int k = 0; k < steps; k++)
            {
                d.Step(dt);
                if (k % 5 == 4) worst = Math.Max(worst, Math.Abs(d.Diagnostics().TotalEnergy - 0.5));
                rMin = Math.Min(rMin, d.Y[0]);
            }
            output.WriteLine($"dt = {dt}: max |E - 0.5| = {worst:E3}, min r = {rMin:F4}, drift {d.Diagnostics().MaxConstraintDrift:E2}");
            rMin.Should().BeLessThan(-0.9, "r must swing through the whole oscillation");
            errors.Add(worst);
        }
        errors[1].Should().BeLessThan(1e-6);
        double order = Math.Log2(errors[1] / errors[2]);
        output.WriteLine($"observed order {order:F2}");
        order.Should().BeInRange(3.5, 4.6);
    }

    internal static MuscleModel SeedModel() => new()
    {
        Constraint = new ExpressionConstraint1D(SeedFormula),
        MacroMass = 2.0,
        ParticleMass = 1.0,
        MacroPotential = new HarmonicMacroPotential([1.0]),
    };

    internal static double[] SeedSample(int n)
    {
        var rho0 = new NormalDensity(2.5, 0.3);
        var rng = new CounterRandom(2024, 0, 0);
        return Enumerable.Range(0, n).Select(_ => rho0.Draw(rng.NextDouble(), rng.NextDouble())).ToArray();
    }

    [Fact]
    public void A_vanishing_d_x_g_is_reported_with_the_place_and_the_formula()
    {
        var c = new ExpressionConstraint1D("x^2 + y");
        Span<double> phi = stackalloc double[1], xdot = stackalloc double[1], omega = stackalloc double[1];
        try
        {
            c.Kinematics([0.0], [1.0], [1.0], phi, xdot, omega);
            Assert.Fail("expected ConstraintRankException");
        }
        catch (ConstraintRankException e)
        {
            e.Message.Should().Contain("d_x g = 0 at x = 0, y = 1").And.Contain("singular");
        }
        // the start-up full-rank check of a particle block refuses the particle sitting at x = 0
        var model = new MuscleModel { Constraint = c };
        FluentActions.Invoking(() => new SequentialMuscleDriver(model, [new[] { 1.0, 0.0, 2.0 }], [1.0], [0.0]))
            .Should().Throw<ConstraintRankException>();
    }
}
