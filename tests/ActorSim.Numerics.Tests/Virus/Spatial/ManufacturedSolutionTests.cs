using ActorSim.Numerics.Grid;
using ActorSim.Numerics.Virus.Spatial;
using FluentAssertions;
using Xunit.Abstractions;
using static ActorSim.Numerics.Tests.Virus.Spatial.SpatialTestSupport;

namespace ActorSim.Numerics.Tests.Virus.Spatial;

public class ManufacturedSolutionTests
{
    private readonly ITestOutputHelper _out;
    public ManufacturedSolutionTests(ITestOutputHelper output) => _out = output;

    private static UniformGrid Grid(int dim, int n) => dim == 1
        ? UniformGrid.Line(n, 1.0, BoundaryKind.Neumann)
        : UniformGrid.Rectangle(n, n, 1.0, 1.0, BoundaryKind.Neumann, BoundaryKind.Periodic);

    private static SequentialDriver Solve(ManufacturedSolution mms, UniformGrid grid, double T, double dt, int blocks = 2)
    {
        var driver = new SequentialDriver(mms.Problem(grid), new BlockLayout(grid, blocks, grid.Dimension == 2 ? blocks : 1),
            new StepSettings(MaxDt: dt));
        driver.Initialise((x, y) => mms.Exact(0.0, x, y));
        driver.AdvanceTo(T, plan =>
        {
            if (plan.TNext != T && plan.Dt != dt) throw new InvalidOperationException($"step {plan.Dt} was limited below {dt}");
        });
        return driver;
    }

    /// <summary>L2 error of all three species against point values of the exact solution at the cell centres.</summary>
    private static double ErrorAgainstExact(SequentialDriver d, ManufacturedSolution mms, double T)
    {
        var g = d.Problem.Grid;
        double s = 0;
        foreach (var sp in new[] { Species.U, Species.V, Species.W })
        {
            var a = d.Gather(sp);
            for (int j = 0; j < g.Ny; j++)
                for (int i = 0; i < g.Nx; i++)
                {
                    var e = mms.Exact(T, g.XCentre(i), g.YCentre(j));
                    double diff = a[j * g.Nx + i] - e[sp];
                    s += diff * diff;
                }
        }
        return Math.Sqrt(s * g.CellVolume);
    }

    private static double Difference(SequentialDriver a, SequentialDriver b)
    {
        double s = 0;
        foreach (var sp in new[] { Species.U, Species.V, Species.W })
        {
            double e = L2(a.Gather(sp), b.Gather(sp), a.Problem.Grid.CellVolume);
            s += e * e;
        }
        return Math.Sqrt(s);
    }

    [Theory]
    [InlineData(1, 32, 0.25, 2.5e-4)]
    [InlineData(2, 12, 0.1, 5e-4)]
    public void Spatial_order_is_two(int dim, int n0, double T, double dt)
    {
        var p = new VirusPdeParameters(SpatialTestSupport.Rates, Du: 0.02, Dv: 0.05, Dw: 0.03, Chi: 0.5);
        var mms = new ManufacturedSolution(p, dim);
        var h = new List<double>();
        var e = new List<double>();
        for (int n = n0; n <= 4 * n0; n *= 2)
        {
            var grid = Grid(dim, n);
            var d = Solve(mms, grid, T, dt);
            h.Add(grid.Hx);
            e.Add(ErrorAgainstExact(d, mms, T));
            _out.WriteLine($"{dim}D N={n}: error {e[^1]:E3}, stages {d.LastPlan!.StagesX}+{d.LastPlan!.StagesY}, steps {d.Steps}");
        }
        double order = FittedOrder(h.ToArray(), e.ToArray());
        _out.WriteLine($"fitted spatial order {order:F3}");
        order.Should().BeInRange(1.7, 2.3);
    }

    [Theory]
    [InlineData(1, 64)]
    [InlineData(2, 24)]
    public void Temporal_order_is_two_while_super_stepping(int dim, int n)
    {
        // Strong diffusion: Dt·ρ up to 33 (1D) / 9 (2D), i.e. up to 16x the forward-Euler limit; weak enough taxis
        // that the advective Courant bound does not cut the largest step.
        var p = new VirusPdeParameters(SpatialTestSupport.Rates, Du: 0.1, Dv: 0.1, Dw: 0.05, Chi: 0.03);
        var mms = new ManufacturedSolution(p, dim);
        var grid = Grid(dim, n);
        const double T = 0.48;
        var reference = Solve(mms, grid, T, dt: 0.02 / 64);
        var dts = new[] { 0.02, 0.01, 0.005, 0.0025 };
        var e = new double[dts.Length];
        for (int i = 0; i < dts.Length; i++)
        {
            var d = Solve(mms, grid, T, dts[i]);
            e[i] = Difference(d, reference);
            _out.WriteLine($"{dim}D dt={dts[i]}: error vs dt/64-reference {e[i]:E3}, stages {d.LastPlan!.StagesX}+{d.LastPlan!.StagesY}, Dt·ρ = {dts[i] * d.Problem.DiffusionSpectralRadius:F1}");
        }
        double order = FittedOrder(dts, e);
        _out.WriteLine($"fitted temporal order {order:F3}");
        order.Should().BeInRange(1.7, 2.3);
    }
}
