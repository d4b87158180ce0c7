using ActorSim.Numerics.Muscle;
using FluentAssertions;
using MathNet.Numerics.LinearAlgebra;
using Xunit.Abstractions;

namespace ActorSim.Numerics.Tests.Muscle;

/// <summary>
/// g = X - G y with W0 = k0/2 |y|^2 and W1 = k1/2 |X - x*|^2. Since X_i = G y + c_i,
/// (M + m G^T G) y'' = -(k0 + k1 G^T G) y - k1 G^T (cbar - x*), cbar = mean_i c_i:
/// harmonic motion about y* = -(k0 + k1 G^T G)^{-1} k1 G^T (cbar - x*) with frequencies from the
/// generalised eigenproblem (K, M_eff). For n_y = 1: omega^2 = (k0 + k1 |G|^2) / (M + m |G|^2).
/// </summary>
public class LinearConstraintDynamicsTests
{
    private readonly ITestOutputHelper _out;
    public LinearConstraintDynamicsTests(ITestOutputHelper output) => _out = output;

    private const double M = 1.0, Mp = 0.5, K0 = 2.0, K1 = 1.0;
    private static readonly double[] XStar = { 0.3, -0.2 };

    private static MuscleModel Model1(IPairPotential? pair = null) => new()
    {
        Constraint = new LinearConstraint(new double[,] { { 1.0 }, { 2.0 } }),
        MacroMass = M, ParticleMass = Mp,
        MacroPotential = new HarmonicMacroPotential(new[] { K0 }),
        ParticlePotential = new HarmonicParticlePotential(new[] { K1, K1 }, XStar),
        PairPotential = pair,
    };

    /// <summary>Closed-form (y, y') at time t for the n_y = 1 model.</summary>
    private static (double Y, double V) Exact1(double[][] x0, double y0, double v0, double t)
    {
        double g0 = 1.0, g1 = 2.0, gg = g0 * g0 + g1 * g1;
        double cb0 = x0[0].Average() - g0 * y0, cb1 = x0[1].Average() - g1 * y0;
        double kk = K0 + K1 * gg, mm = M + Mp * gg;
        double ystar = -K1 * (g0 * (cb0 - XStar[0]) + g1 * (cb1 - XStar[1])) / kk;
        double w = Math.Sqrt(kk / mm);
        double a = y0 - ystar;
        return (ystar + a * Math.Cos(w * t) + v0 / w * Math.Sin(w * t), -a * w * Math.Sin(w * t) + v0 * Math.Cos(w * t));
    }

    [Fact]
    public void Reproduces_the_closed_form_harmonic_motion_and_converges_with_order_four()
    {
        var x0 = TestData.UniformPositions(2, 1000, -1, 1, 11);
        const double T = 4.0, y0 = 0.7, v0 = -0.3;
        var (ye, ve) = Exact1(x0, y0, v0, T);
        var dts = new List<double>(); var errs = new List<double>(); var energyErrs = new List<double>();
        foreach (int steps in new[] { 20, 40, 80, 160 })
        {
            var d = new SequentialMuscleDriver(Model1(), x0, new[] { y0 }, new[] { v0 }, new MuscleDriverOptions { BlockCount = 4 });
            double e0 = d.Diagnostics().TotalEnergy;
            d.Run(T / steps, steps);
            double err = Math.Max(Math.Abs(d.Y[0] - ye), Math.Abs(d.Velocity[0] - ve));
            var diag = d.Diagnostics();
            dts.Add(T / steps); errs.Add(err); energyErrs.Add(Math.Abs(diag.TotalEnergy - e0));
            _out.WriteLine($"dt={T / steps:G4} err={err:E3} |dE|={Math.Abs(diag.TotalEnergy - e0):E3} drift={diag.MaxConstraintDrift:E2}");
            // linear invariants are preserved exactly by RK methods: drift is round-off.
            diag.MaxConstraintDrift.Should().BeLessThan(1e-13);
        }
        double slope = TestData.LogLogSlope(dts, errs);
        double eslope = TestData.LogLogSlope(dts, energyErrs);
        _out.WriteLine($"fitted order (y, y') = {slope:F3}; energy error order = {eslope:F3}");
        slope.Should().BeInRange(3.8, 4.2);
        // For a linear oscillator RK4's stability function satisfies |R(i theta)|^2 = 1 - theta^6/72 + O(theta^8):
        // the energy error per step is O(dt^6), so O(dt^5) at fixed T (one order better than the solution).
        eslope.Should().BeInRange(4.8, 5.2);
        errs[^1].Should().BeLessThan(1e-7);
    }

    [Fact]
    public void Harmonic_pair_interaction_is_translation_invariant_and_leaves_y_unchanged()
    {
        // V = kp/2 |r|^2 gives k_i = kp (Xbar - X_i) = kp (cbar - c_i), whose Phi^T-average vanishes:
        // y(t) is the same closed form; the pair energy is constant; direct and mesh summation agree.
        var x0 = TestData.UniformPositions(2, 200, -1, 1, 12);
        const double T = 2.0, y0 = 0.4, v0 = 0.1; const int steps = 100;
        var d = new SequentialMuscleDriver(Model1(new HarmonicPairPotential(0.8)), x0, new[] { y0 }, new[] { v0 }, new MuscleDriverOptions { BlockCount = 3 });
        double e0 = d.Diagnostics().TotalEnergy;
        d.Run(T / steps, steps);
        var (ye, _) = Exact1(x0, y0, v0, T);
        d.Y[0].Should().BeApproximately(ye, 1e-8);
        Math.Abs(d.Diagnostics().TotalEnergy - e0).Should().BeLessThan(1e-8);
    }

    [Fact]
    public void Two_macroscopic_variables_follow_the_generalised_eigenmode_solution()
    {
        // n_x = 3, n_y = 2 (MathNet Cholesky path in the coordinator).
        var gArr = new double[,] { { 1.0, 0.3 }, { -0.5, 1.2 }, { 0.4, 0.8 } };
        var k0 = new[] { 1.5, 3.0 };
        var model = new MuscleModel
        {
            Constraint = new LinearConstraint(gArr), MacroMass = 1.3, ParticleMass = 0.7,
            MacroPotential = new HarmonicMacroPotential(k0),
            ParticlePotential = new HarmonicParticlePotential(new[] { K1, K1, K1 }),
        };
        var x0 = TestData.UniformPositions(3, 500, -1, 1, 13);
        double[] y0 = { 0.3, -0.6 }, v0 = { 0.5, 0.2 };
        const double T = 3.0; const int steps = 300;
        var d = new SequentialMuscleDriver(model, x0, y0, v0, new MuscleDriverOptions { BlockCount = 5 });
        d.Run(T / steps, steps);

        var G = Matrix<double>.Build.DenseOfArray(gArr);
        var A = Matrix<double>.Build.DenseIdentity(2) * 1.3 + 0.7 * G.TransposeThisAndMultiply(G);
        var K = Matrix<double>.Build.DenseOfDiagonalArray(k0) + K1 * G.TransposeThisAndMultiply(G);
        var cbar = Vector<double>.Build.Dense(3, r => x0[r].Average()) - G * Vector<double>.Build.DenseOfArray(y0);
        var ystar = -K.Solve(K1 * G.TransposeThisAndMultiply(cbar));
        var L = A.Cholesky().Factor;
        var Li = L.Inverse();
        var S = Li * K * Li.Transpose();
        var evd = S.Evd(Symmetricity.Symmetric);
        var Q = evd.EigenVectors;
        var w0 = Q.TransposeThisAndMultiply(L.TransposeThisAndMultiply(Vector<double>.Build.DenseOfArray(y0) - ystar));
        var wd0 = Q.TransposeThisAndMultiply(L.TransposeThisAndMultiply(Vector<double>.Build.DenseOfArray(v0)));
        var wt = Vector<double>.Build.Dense(2, k =>
        {
            double om = Math.Sqrt(evd.EigenValues[k].Real);
            return w0[k] * Math.Cos(om * T) + wd0[k] / om * Math.Sin(om * T);
        });
        var yExact = ystar + L.Transpose().Solve(Q * wt);
        d.Y[0].Should().BeApproximately(yExact[0], 1e-9);
        d.Y[1].Should().BeApproximately(yExact[1], 1e-9);
    }
}
