using ActorSim.Numerics.Muscle;
using FluentAssertions;

namespace ActorSim.Numerics.Tests.Muscle;

public class ConstraintTests
{
    public static TheoryData<string> Constraints => new()
    {
        "linear", "rotation", "stretch", "shear", "affine", "stretch1d", "wavy",
    };

    private static ParticleConstraint Make(string name) => name switch
    {
        "linear" => new LinearConstraint(new double[,] { { 1.0, 0.5 }, { -0.3, 2.0 }, { 0.2, 0.1 } }),
        "rotation" => new DeformationConstraint2D(new RotationMap()),
        "stretch" => new DeformationConstraint2D(new StretchMap()),
        "shear" => new DeformationConstraint2D(new ShearMap()),
        "affine" => new DeformationConstraint2D(new AffineMap()),
        "stretch1d" => new StretchConstraint1D(),
        "wavy" => new WavyConstraint(0.3),
        _ => throw new ArgumentException(name),
    };

    private static double[] Vec(int n, double start, double step)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = start + step * i;
        return v;
    }

    [Theory]
    [MemberData(nameof(Constraints))]
    public void Jacobians_and_second_derivative_match_finite_differences(string name)
    {
        var con = Make(name);
        int nx = con.Nx, ny = con.Ny;
        double[] x = Vec(nx, 0.4, 0.37), y = Vec(ny, 0.15, -0.11), a = Vec(nx, -0.6, 0.5), b = Vec(ny, 0.8, -0.45);
        var gx = new double[nx * nx]; var gy = new double[nx * ny];
        con.JacobianX(x, y, gx); con.JacobianY(x, y, gy);
        const double h = 1e-6;
        var gp = new double[nx]; var gm = new double[nx];
        for (int c = 0; c < nx; c++)
        {
            var xp = (double[])x.Clone(); xp[c] += h; var xm = (double[])x.Clone(); xm[c] -= h;
            con.Evaluate(xp, y, gp); con.Evaluate(xm, y, gm);
            for (int r = 0; r < nx; r++) gx[r * nx + c].Should().BeApproximately((gp[r] - gm[r]) / (2 * h), 1e-8);
        }
        for (int c = 0; c < ny; c++)
        {
            var yp = (double[])y.Clone(); yp[c] += h; var ym = (double[])y.Clone(); ym[c] -= h;
            con.Evaluate(x, yp, gp); con.Evaluate(x, ym, gm);
            for (int r = 0; r < nx; r++) gy[r * ny + c].Should().BeApproximately((gp[r] - gm[r]) / (2 * h), 1e-8);
        }
        // d^2/ds^2 g(x + s a, y + s b) by a central second difference.
        const double s = 1e-4;
        var g0 = new double[nx]; var sd = new double[nx];
        con.Evaluate(x, y, g0);
        con.Evaluate(x.Zip(a, (p, q) => p + s * q).ToArray(), y.Zip(b, (p, q) => p + s * q).ToArray(), gp);
        con.Evaluate(x.Zip(a, (p, q) => p - s * q).ToArray(), y.Zip(b, (p, q) => p - s * q).ToArray(), gm);
        con.SecondDerivative(x, y, a, b, sd);
        for (int r = 0; r < nx; r++) sd[r].Should().BeApproximately((gp[r] - 2 * g0[r] + gm[r]) / (s * s), 2e-6);
    }

    [Theory]
    [MemberData(nameof(Constraints))]
    public void Phi_and_Omega_are_the_first_and_second_derivatives_of_a_constrained_path(string name)
    {
        // Along y(t) = y0 + v t + a t^2 / 2 the particle X(t) solves g(X(t), y(t)) = c. Then
        // X'(0) = Phi v and X''(0) = Phi a + Omega[v, v]. X(t) is found by Newton on the generic view.
        var con = Make(name);
        var generic = new GenericView(con);
        int nx = con.Nx, ny = con.Ny;
        double[] x0 = Vec(nx, 0.5, 0.29), y0 = Vec(ny, 0.1, 0.07), v = Vec(ny, 0.9, -0.5), acc = Vec(ny, -0.4, 0.3);
        var c = new double[nx];
        con.Evaluate(x0, y0, c);
        double[] Path(double t)
        {
            var yt = new double[ny];
            for (int k = 0; k < ny; k++) yt[k] = y0[k] + v[k] * t + 0.5 * acc[k] * t * t;
            var xt = (double[])x0.Clone();
            generic.Project(xt, yt, c, 1e-16, 50);
            return xt;
        }
        const double h = 1e-4;
        double[] xp = Path(h), xm = Path(-h), xz = Path(0);
        var phi = new double[nx * ny]; var xdot = new double[nx]; var omega = new double[nx];
        con.Kinematics(x0, y0, v, phi, xdot, omega);
        for (int r = 0; r < nx; r++)
        {
            double phiA = 0;
            for (int k = 0; k < ny; k++) phiA += phi[r * ny + k] * acc[k];
            xdot[r].Should().BeApproximately((xp[r] - xm[r]) / (2 * h), 1e-7);
            (phiA + omega[r]).Should().BeApproximately((xp[r] - 2 * xz[r] + xm[r]) / (h * h), 1e-5);
        }
    }

    [Theory]
    [MemberData(nameof(Constraints))]
    public void Closed_form_kinematics_agree_with_the_generic_elimination(string name)
    {
        var con = Make(name);
        var generic = new GenericView(con);
        int nx = con.Nx, ny = con.Ny;
        double[] x = Vec(nx, -0.3, 0.61), y = Vec(ny, 0.2, -0.13), v = Vec(ny, 1.3, -0.7);
        var p1 = new double[nx * ny]; var d1 = new double[nx]; var o1 = new double[nx];
        var p2 = new double[nx * ny]; var d2 = new double[nx]; var o2 = new double[nx];
        con.Kinematics(x, y, v, p1, d1, o1);
        generic.Kinematics(x, y, v, p2, d2, o2);
        p1.Should().BeEquivalentTo(p2, o => o.Using<double>(ctx => ctx.Subject.Should().BeApproximately(ctx.Expectation, 1e-12)).WhenTypeIs<double>());
        d1.Should().BeEquivalentTo(d2, o => o.Using<double>(ctx => ctx.Subject.Should().BeApproximately(ctx.Expectation, 1e-12)).WhenTypeIs<double>());
        o1.Should().BeEquivalentTo(o2, o => o.Using<double>(ctx => ctx.Subject.Should().BeApproximately(ctx.Expectation, 1e-12)).WhenTypeIs<double>());
        // Projection: closed form and Newton land on the same point of the level set.
        var target = new double[nx];
        con.Evaluate(x, y, target);
        var y2 = Vec(ny, 0.25, -0.1);
        var xa = (double[])x.Clone(); var xb = (double[])x.Clone();
        con.Project(xa, y2, target); generic.Project(xb, y2, target);
        for (int r = 0; r < nx; r++) xa[r].Should().BeApproximately(xb[r], 1e-13);
    }

    [Fact]
    public void Rotation_Omega_is_the_centripetal_acceleration()
    {
        var con = new DeformationConstraint2D(new RotationMap());
        double[] x = { 0.8, -0.3 }, y = { 0.4 }, w = { 1.7 };
        var phi = new double[2]; var xdot = new double[2]; var omega = new double[2];
        con.Kinematics(x, y, w, phi, xdot, omega);
        // Phi = J X, Omega = -w^2 X.
        phi[0].Should().BeApproximately(0.3, 1e-15); phi[1].Should().BeApproximately(0.8, 1e-15);
        omega[0].Should().BeApproximately(-w[0] * w[0] * x[0], 1e-14);
        omega[1].Should().BeApproximately(-w[0] * w[0] * x[1], 1e-14);
    }

    [Fact]
    public void Startup_check_names_the_particle_where_the_Jacobian_is_singular()
    {
        // d_X g of the wavy constraint: [[1, eps cos(x1 + y0)], [eps y1 cos(x0 y1), 1]]; with eps = 1, y = (0, 1)
        // and x = (0, 0) the determinant is 1 - 1 = 0.
        var model = new MuscleModel { Constraint = new WavyConstraint(1.0) };
        var pos = TestData.UniformPositions(2, 10, 0.5, 0.9, 1);
        pos[0][7] = 0.0; pos[1][7] = 0.0;
        var act = () => new SequentialMuscleDriver(model, pos, new[] { 0.0, 1.0 }, new[] { 0.0, 0.0 }, new MuscleDriverOptions { BlockCount = 3 });
        var ex = act.Should().Throw<ConstraintRankException>().Which;
        ex.ParticleIndex.Should().Be(7);
        ex.MinSingularValue.Should().BeLessThan(1e-8);
        ex.Message.Should().Contain("particle 7");
    }

    [Fact]
    public void Startup_check_rejects_a_degenerate_deformation_and_passes_otherwise()
    {
        var model = new MuscleModel { Constraint = new DeformationConstraint2D(new StretchMap()) };
        var pos = TestData.UniformPositions(2, 5, -1, 1, 2);
        var act = () => new SequentialMuscleDriver(model, pos, new[] { -1.0, 0.0 }, new[] { 0.0, 0.0 });
        act.Should().Throw<ConstraintRankException>().Which.ParticleIndex.Should().Be(0);
        var ok = () => new SequentialMuscleDriver(model, pos, new[] { -0.5, 0.0 }, new[] { 0.0, 0.0 });
        ok.Should().NotThrow();
    }
}
