using System.Text.Json.Nodes;
using ActorSim.Simulation.Subdomains;

namespace ActorSim.Simulation.Tests.Subdomains;

/// <summary>
/// A toy model for the subdomain protocol: 1D u_t = D u_xx + u(1 − u) on N cells, Heun's method (two
/// stages, so two halo exchanges per step), periodic or Neumann ends, dt from a globally reduced bound
/// (max u), so every part of the protocol is exercised. <see cref="Reference"/> is the same arithmetic
/// on the whole grid, without blocks.
/// </summary>
internal sealed class HeatModel(int cells, int blocks, bool periodic) : ISubdomainModel
{
    public const double D = 0.5, L = 1.0;
    public double Dx => L / cells;

    public static double Initial(int i, int n) => 0.5 + 0.4 * Math.Sin(2 * Math.PI * (i + 0.5) / n) + 0.1 * ((i * 7919) % 13) / 13.0;

    public int BlockCount => blocks;
    public IReadOnlyList<string> Columns { get; } = ["int_u", "max_u"];
    public JsonObject Analysis() => new();

    public (int Start, int Count) Range(int b) => (cells * b / blocks, cells * (b + 1) / blocks - cells * b / blocks);

    public IReadOnlyList<HaloLink> Links(int b)
    {
        int left = b > 0 ? b - 1 : periodic ? blocks - 1 : -1;
        int right = b < blocks - 1 ? b + 1 : periodic ? 0 : -1;
        return [new HaloLink(0, left, left < 0 ? -1 : 1), new HaloLink(1, right, right < 0 ? -1 : 0)];
    }

    public ISubdomainKernel CreateKernel(int b) => new HeatKernel(this, b);

    public double[] ReduceBounds(IReadOnlyList<double[]> bounds) => [bounds.Max(x => x[0])];

    public static double Dt(double dx, double maxU) => Math.Min(0.4 * dx * dx / D, 0.1 / (1 + maxU));

    public StepOrder Plan(long step, double t, double tEnd, double[] global)
    {
        double dt = Dt(Dx, global[0]);
        double next = t + dt;
        if (next >= tEnd || tEnd - next < 1e-12) { next = tEnd; dt = tEnd - t; }
        return new StepOrder(step, t, dt, next, 2);
    }

    public IReadOnlyList<FieldSnapshot> Assemble(double t, IReadOnlyList<double[]> snapshots, Span<double> row)
    {
        var u = snapshots.SelectMany(s => s).ToArray();
        double sum = 0, max = double.MinValue;
        foreach (double x in u) { sum += x; max = Math.Max(max, x); }
        row[0] = sum * Dx;
        row[1] = max;
        return [new FieldSnapshot("u", u, [cells])];
    }

    /// <summary>The same scheme on the whole grid, stepping to each of <paramref name="outputs"/>.</summary>
    public static double[] Reference(int n, bool periodic, IReadOnlyList<double> outputs)
    {
        var model = new HeatModel(n, 1, periodic);
        var u = Enumerable.Range(0, n).Select(i => Initial(i, n)).ToArray();
        var k1 = new double[n];
        var mid = new double[n];
        double t = 0;
        foreach (double target in outputs.Skip(1))
            while (t < target)
            {
                var order = model.Plan(0, t, target, [u.Max()]);
                Rhs(u, k1, model.Dx, periodic);
                for (int i = 0; i < n; i++) mid[i] = u[i] + order.Dt * k1[i];
                var k2 = new double[n];
                Rhs(mid, k2, model.Dx, periodic);
                for (int i = 0; i < n; i++) u[i] = u[i] + 0.5 * order.Dt * (k1[i] + k2[i]);
                t = order.TNext;
            }
        return u;
    }

    private static void Rhs(double[] u, double[] f, double dx, bool periodic)
    {
        int n = u.Length;
        for (int i = 0; i < n; i++)
        {
            double l = i > 0 ? u[i - 1] : periodic ? u[n - 1] : u[i];
            double r = i < n - 1 ? u[i + 1] : periodic ? u[0] : u[i];
            f[i] = HeatKernel.Point(l, u[i], r, dx);
        }
    }
}

internal sealed class HeatKernel : ISubdomainKernel
{
    private readonly HeatModel _model;
    private readonly int _n;
    private readonly double[] _u, _mid, _k1, _k2;   // _u and _mid have one ghost cell at each end
    private StepOrder? _order;

    public HeatKernel(HeatModel model, int block)
    {
        _model = model;
        Block = block;
        var (start, count) = model.Range(block);
        _n = count;
        _u = new double[count + 2];
        _mid = new double[count + 2];
        _k1 = new double[count];
        _k2 = new double[count];
        int total = (int)Math.Round(HeatModel.L / model.Dx);
        for (int i = 0; i < count; i++) _u[i + 1] = HeatModel.Initial(start + i, total);
        Links = model.Links(block);
    }

    public static double Point(double l, double c, double r, double dx) => HeatModel.D * (l - 2 * c + r) / (dx * dx) + c * (1 - c);

    public int Block { get; }
    public IReadOnlyList<HaloLink> Links { get; }
    public int HaloLength(int port) => 1;
    private double[] Current => _order is null || _stage == 1 ? _u : _mid;
    private int _stage = 1;

    public void ExtractHalo(int port, Span<double> buffer) => buffer[0] = port == 0 ? Current[1] : Current[_n];
    public void ApplyHalo(int port, ReadOnlySpan<double> buffer) => Current[port == 0 ? 0 : _n + 1] = buffer[0];
    public void ApplyBoundary(int port) { var a = Current; if (port == 0) a[0] = a[1]; else a[_n + 1] = a[_n]; }

    public double[] ComputeBounds()
    {
        double max = double.MinValue;
        for (int i = 1; i <= _n; i++) max = Math.Max(max, _u[i]);
        return [max];
    }

    public void BeginStep(StepOrder order) { _order = order; _stage = 1; }

    public void Stage(int k)
    {
        double dt = _order!.Dt, dx = _model.Dx;
        if (k == 1)
        {
            for (int i = 0; i < _n; i++) _k1[i] = Point(_u[i], _u[i + 1], _u[i + 2], dx);
            for (int i = 0; i < _n; i++) _mid[i + 1] = _u[i + 1] + dt * _k1[i];
            _stage = 2;   // the next exchange fills the ghosts of _mid
        }
        else
        {
            for (int i = 0; i < _n; i++) _k2[i] = Point(_mid[i], _mid[i + 1], _mid[i + 2], dx);
            for (int i = 0; i < _n; i++) _u[i + 1] = _u[i + 1] + 0.5 * dt * (_k1[i] + _k2[i]);
            _stage = 1;
        }
    }

    public int SnapshotLength => _n;
    public void CopySnapshot(Span<double> destination) => _u.AsSpan(1, _n).CopyTo(destination);
}
