using ActorSim.Numerics.Muscle;
using FluentAssertions;
using Xunit.Abstractions;

namespace ActorSim.Numerics.Tests.Muscle;

public class ParticleMeshTests
{
    private readonly ITestOutputHelper _out;
    public ParticleMeshTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public void Fft_matches_the_naive_dft_and_inverts()
    {
        const int n = 16;
        var re = new double[n]; var im = new double[n];
        for (int k = 0; k < n; k++) { re[k] = Math.Sin(1.3 * k) + 0.1 * k; im[k] = Math.Cos(0.7 * k * k); }
        var r0 = (double[])re.Clone(); var i0 = (double[])im.Clone();
        var fft = new Fft(n);
        fft.Transform(re, im, false);
        for (int f = 0; f < n; f++)
        {
            double sr = 0, si = 0;
            for (int k = 0; k < n; k++)
            {
                double a = -2 * Math.PI * f * k / n;
                sr += r0[k] * Math.Cos(a) - i0[k] * Math.Sin(a);
                si += r0[k] * Math.Sin(a) + i0[k] * Math.Cos(a);
            }
            re[f].Should().BeApproximately(sr, 1e-12); im[f].Should().BeApproximately(si, 1e-12);
        }
        fft.Transform(re, im, true);
        for (int k = 0; k < n; k++) { (re[k] / n).Should().BeApproximately(r0[k], 1e-13); (im[k] / n).Should().BeApproximately(i0[k], 1e-13); }
    }

    /// <summary>Direct-summation forces and potentials at the particles (the reference).</summary>
    private static (double[] F, double[] P) Direct(int nx, double[][] pos, IPairPotential v)
    {
        int n = pos[0].Length;
        var direct = new DirectSumField(v, nx, n);
        direct.Load(pos);
        var f = new double[n * nx]; var p = new double[n];
        var x = new double[nx];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < nx; c++) x[c] = pos[c][i];
            direct.AddForce(x, f.AsSpan(i * nx, nx));
            p[i] = direct.Potential(x);
        }
        return (f, p);
    }

    private static (double Force, double Energy) RelativeErrors(int nx, double[][] pos, (double[] F, double[] P) reference,
        IPairPotential v, ParticleMeshGrid grid, int blocks)
    {
        int n = pos[0].Length;
        var pm = new ParticleMesh(grid, v);
        var partials = new List<double[]>();
        for (int b = 0; b < blocks; b++)
        {
            var (start, count) = BlockPartition.Range(n, blocks, b);
            var mesh = new double[grid.NodeCount];
            pm.Deposit(pos[0].AsSpan(start, count), nx == 2 ? pos[1].AsSpan(start, count) : ReadOnlySpan<double>.Empty, mesh);
            partials.Add(mesh);
        }
        var total = new double[grid.NodeCount];
        ParticleMesh.ReduceInBlockOrder(partials, total);
        total.Sum().Should().BeApproximately(n, 1e-9, "cloud-in-cell deposits conserve mass");
        pm.ComputeField(total, n);
        double num = 0, den = 0, ed = 0, ep = 0;
        var x = new double[nx]; var fp = new double[nx];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < nx; c++) x[c] = pos[c][i];
            Array.Clear(fp);
            pm.AddForce(x, fp);
            for (int c = 0; c < nx; c++)
            {
                double fd = reference.F[i * nx + c];
                num += (fp[c] - fd) * (fp[c] - fd); den += fd * fd;
            }
            ed += reference.P[i]; ep += pm.Potential(x);
        }
        return (Math.Sqrt(num / den), Math.Abs(ep - ed) / Math.Abs(ed));
    }

    [Fact]
    public void Two_dimensional_mesh_force_converges_to_direct_summation_at_second_order()
    {
        var pos = TestData.UniformPositions(2, 1500, -1, 1, 41);
        var v = new GaussianPairPotential(1.0, 0.3);
        var reference = Direct(2, pos, v);
        var hs = new List<double>(); var errs = new List<double>();
        foreach (int nodes in new[] { 32, 64, 128, 256 })
        {
            double h = 3.0 / (nodes - 1);
            var (ef, ee) = RelativeErrors(2, pos, reference, v, new ParticleMeshGrid(new[] { -1.5, -1.5 }, h, nodes), 3);
            _out.WriteLine($"2D n={nodes} h={h:G3}: relative force error {ef:E3}, relative pair-energy error {ee:E3}");
            hs.Add(h); errs.Add(ef);
        }
        double slope = TestData.LogLogSlope(hs, errs);
        _out.WriteLine($"fitted order {slope:F2}");
        slope.Should().BeInRange(1.7, 2.3);
        errs[^1].Should().BeLessThan(5e-4);
    }

    [Fact]
    public void One_dimensional_mesh_force_converges_to_direct_summation()
    {
        var pos = TestData.UniformPositions(1, 2000, -1, 1, 42);
        var v = new GaussianPairPotential(1.0, 0.2);
        var reference = Direct(1, pos, v);
        var hs = new List<double>(); var errs = new List<double>();
        foreach (int nodes in new[] { 64, 128, 256, 512, 1024 })
        {
            double h = 3.0 / (nodes - 1);
            var (ef, ee) = RelativeErrors(1, pos, reference, v, new ParticleMeshGrid(new[] { -1.5 }, h, nodes), 4);
            _out.WriteLine($"1D n={nodes} h={h:G3}: relative force error {ef:E3}, relative pair-energy error {ee:E3}");
            hs.Add(h); errs.Add(ef);
        }
        TestData.LogLogSlope(hs, errs).Should().BeInRange(1.7, 2.3);
        errs[^1].Should().BeLessThan(5e-5);
    }

    [Fact]
    public void Mesh_interaction_has_no_self_force_and_rejects_particles_outside_the_mesh()
    {
        var grid = new ParticleMeshGrid(new[] { -1.0, -1.0 }, 2.0 / 15, 16);
        var pm = new ParticleMesh(grid, new GaussianPairPotential(1.0, 0.3));
        var mesh = new double[grid.NodeCount];
        pm.Deposit(new[] { 0.123 }, new[] { -0.377 }, mesh);
        pm.ComputeField(mesh, 1);
        var f = new double[2];
        pm.AddForce(new[] { 0.123, -0.377 }, f);
        f[0].Should().BeApproximately(0.0, 1e-14); f[1].Should().BeApproximately(0.0, 1e-14);
        var act = () => pm.Deposit(new[] { 1.5 }, new[] { 0.0 }, new double[grid.NodeCount]);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Driver_with_mesh_interaction_follows_the_direct_summation_trajectory()
    {
        var model = new MuscleModel
        {
            Constraint = new DeformationConstraint2D(new AffineMap()), ParticleMass = 0.5,
            MacroPotential = new MacroStrainEnergy2D(1.0),
            ParticlePotential = new HarmonicParticlePotential(new[] { 1.0, 2.0 }),
            PairPotential = new GaussianPairPotential(2.0, 0.4),
        };
        var x0 = TestData.UniformPositions(2, 200, -1, 1, 43);
        double[] y0 = { 0.02, 0.0, 0.01, -0.03 }, v0 = { 0.1, -0.4, 0.5, 0.0 };
        var direct = new SequentialMuscleDriver(model, x0, y0, v0, new MuscleDriverOptions { BlockCount = 3 });
        var mesh = new SequentialMuscleDriver(model, x0, y0, v0, new MuscleDriverOptions
        {
            BlockCount = 3, Mesh = new ParticleMeshGrid(new[] { -2.0, -2.0 }, 4.0 / 127, 128),
        });
        double e0 = direct.Diagnostics().TotalEnergy;
        direct.Run(0.05, 20); mesh.Run(0.05, 20);
        double diff = 0;
        for (int k = 0; k < 4; k++) diff = Math.Max(diff, Math.Abs(direct.Y[k] - mesh.Y[k]));
        _out.WriteLine($"max |y_direct - y_mesh| = {diff:E3}, |E_direct - E_mesh| = {Math.Abs(direct.Diagnostics().TotalEnergy - mesh.Diagnostics().TotalEnergy):E3}");
        diff.Should().BeLessThan(1e-4);
        direct.Diagnostics().TotalEnergy.Should().BeApproximately(e0, 1e-6);
    }

    [Fact]
    public void A_block_side_mesh_loaded_with_the_broadcast_field_answers_bit_identically()
    {
        var grid = new ParticleMeshGrid(new[] { -1.0, -1.0 }, 2.0 / 31, 32);
        var v = new GaussianPairPotential(1.0, 0.3);
        var pos = TestData.UniformPositions(2, 100, -0.9, 0.9, 44);
        var coordinator = new ParticleMesh(grid, v);
        var counts = new double[grid.NodeCount];
        coordinator.Deposit(pos[0], pos[1], counts);
        coordinator.ComputeField(counts, 100);
        var remote = new ParticleMesh(grid, v);
        remote.LoadField(coordinator.ForceX, coordinator.ForceY, coordinator.PotentialMesh);
        var a = new double[2]; var b = new double[2];
        for (int i = 0; i < 100; i++)
        {
            var x = new[] { pos[0][i], pos[1][i] };
            Array.Clear(a); Array.Clear(b);
            coordinator.AddForce(x, a); remote.AddForce(x, b);
            TestData.BitEqual(a, b).Should().BeTrue();
            TestData.BitEqual(new[] { coordinator.Potential(x) }, new[] { remote.Potential(x) }).Should().BeTrue();
        }
    }
}
