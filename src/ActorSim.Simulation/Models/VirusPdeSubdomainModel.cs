using System.Text.Json.Nodes;
using ActorSim.Numerics.Grid;
using ActorSim.Numerics.Virus.Spatial;
using ActorSim.Simulation.Subdomains;

namespace ActorSim.Simulation.Models;

/// <summary>
/// The <c>virus-pde</c> model on subdomain actors: one <see cref="VirusSubdomain"/> per block of the
/// layout; ports are the patch sides (<see cref="Side"/>); bounds are reduced by maximum (the same for
/// any partition); outputs are the fields u, v, w and their integrals, minima and maxima computed in
/// global cell order, so every output is bit-identical for any number of blocks.
/// </summary>
public sealed class VirusPdeSubdomainModel : ISubdomainModel
{
    private readonly VirusPdeProblem _problem;
    private readonly BlockLayout _layout;
    private readonly StepSettings _settings;
    private readonly VirusPdeInitialState _initial;

    internal VirusPdeSubdomainModel(VirusPdeProblem problem, BlockLayout layout, StepSettings settings, VirusPdeInitialState initial)
    {
        _problem = problem;
        _layout = layout;
        _settings = settings;
        _initial = initial;
    }

    /// <summary>The problem solved (grid, coefficients, sources, limiter).</summary>
    public VirusPdeProblem Problem => _problem;

    /// <summary>The block decomposition.</summary>
    public BlockLayout Layout => _layout;

    /// <summary>The step-size settings.</summary>
    public StepSettings Settings => _settings;

    /// <summary>The initial fields as a function of the cell centre (x, y).</summary>
    public Func<double, double, SpeciesTriple> InitialState => _initial.At;

    public int BlockCount => _layout.BlockCount;

    public IReadOnlyList<string> Columns => SpeciesFieldStats.Columns;

    public IReadOnlyList<HaloLink> Links(int block)
    {
        var links = new List<HaloLink>();
        foreach (var side in SideExtensions.For(_problem.Grid.Dimension))
        {
            int nb = _layout.Neighbour(block, side);
            links.Add(new HaloLink((int)side, nb, nb < 0 ? -1 : (int)side.Opposite()));
        }
        return links;
    }

    /// <summary>In one process a halo exchange costs microseconds: exchange every stage, compute nothing twice.</summary>
    public ISubdomainKernel CreateKernel(int block) => CreateKernel(block, VirusSubdomain.GhostWidth);

    /// <summary>Across processes: deep halos, one exchange per substep (slabs between x walls: per step).</summary>
    public ISubdomainKernel CreateDistributedKernel(int block) => CreateKernel(block, VirusSubdomain.DefaultHaloDepth);

    /// <summary>The patch's arrays without its initial fields (the checkpoint's state replaces them).</summary>
    public ISubdomainKernel CreateKernelForRestore(int block, bool distributed) =>
        CreateKernel(block, distributed ? VirusSubdomain.DefaultHaloDepth : VirusSubdomain.GhostWidth, initial: false);

    private VirusPdeKernel CreateKernel(int block, int haloDepth, bool initial = true)
    {
        var sub = new VirusSubdomain(_problem, _layout, block, haloDepth);
        if (initial) sub.Initialise(_initial.At);
        return new VirusPdeKernel(sub, Links(block));
    }

    public double[] ReduceBounds(IReadOnlyList<double[]> bounds)
    {
        var acc = SubdomainBounds.Empty;
        foreach (var b in bounds) acc = SubdomainBounds.Combine(acc, new SubdomainBounds(b[0], b[1], b[2], b[3]));
        return [acc.AdvectiveRateX, acc.AdvectiveRateY, acc.ReactionRate, acc.MaxTaxisSpeed];
    }

    public StepOrder Plan(long step, double t, double tEnd, double[] g)
    {
        var plan = StepController.Plan(step, t, tEnd, new SubdomainBounds(g[0], g[1], g[2], g[3]), _problem.Grid, _problem.Parameters.MaxDiffusivity, _settings);
        return new StepOrder(plan.Step, plan.T, plan.Dt, plan.TNext, plan.StageCount, [plan.StagesX, plan.StagesY]);
    }

    /// <summary>The reduction (a maximum) and <see cref="StepController.Plan"/> keep no state.</summary>
    public bool PlansArePure => true;

    public IReadOnlyList<FieldSnapshot> Assemble(double t, IReadOnlyList<double[]> snapshots, Span<double> row)
    {
        var g = _problem.Grid;
        int n = g.CellCount;
        var fields = new[] { new double[n], new double[n], new double[n] };
        for (int b = 0; b < snapshots.Count; b++)
        {
            var p = _layout.Patch(b, VirusSubdomain.GhostWidth);
            int m = p.InteriorCount;
            for (int s = 0; s < 3; s++)
                for (int j = 0; j < p.Ny; j++)
                    snapshots[b].AsSpan(s * m + j * p.Nx, p.Nx).CopyTo(fields[s].AsSpan((p.J0 + j) * g.Nx + p.I0, p.Nx));
        }
        SpeciesFieldStats.Fill(fields, g.CellVolume, row);
        int[] shape = g.Dimension == 1 ? [g.Nx] : [g.Ny, g.Nx];
        return [new FieldSnapshot("u", fields[0], shape), new FieldSnapshot("v", fields[1], shape), new FieldSnapshot("w", fields[2], shape)];
    }

    public JsonObject Analysis() => MayNowakAnalysis.Spatial(_problem.Parameters, _problem.Grid);

    /// <summary>Adapter of one <see cref="VirusSubdomain"/> to the subdomain protocol.</summary>
    private sealed class VirusPdeKernel(VirusSubdomain sub, IReadOnlyList<HaloLink> links) : ISubdomainKernel, Runtime.ICheckpointableKernel
    {
        public int Block => sub.Block;
        public IReadOnlyList<HaloLink> Links => links;
        public int HaloLength(int port) => sub.HaloLength((Side)port);
        public void ExtractHalo(int port, Span<double> buffer) => sub.ExtractHalo((Side)port, buffer);
        public void ApplyHalo(int port, ReadOnlySpan<double> buffer) => sub.ApplyHalo((Side)port, buffer);
        public void ApplyBoundary(int port) => sub.ApplyPhysicalBoundary((Side)port);
        public bool NeedsHalo(int port) => sub.HaloNeeded((Side)port);
        public bool BoundsNeedHalos => sub.BoundsNeedHalos;

        public double[] ComputeBounds()
        {
            var b = sub.ComputeBounds();
            return [b.AdvectiveRateX, b.AdvectiveRateY, b.ReactionRate, b.MaxTaxisSpeed];
        }

        public void BeginStep(StepOrder order) =>
            sub.BeginStep(new StepPlan(order.Step, order.T, order.Dt, order.TNext, order.Detail![0], order.Detail[1]));

        public void Stage(int k) => sub.Stage(k);

        public int SnapshotLength => 3 * sub.Patch.InteriorCount;

        public void CopySnapshot(Span<double> destination)
        {
            int m = sub.Patch.InteriorCount;
            sub.CopyInterior(Species.U, destination[..m]);
            sub.CopyInterior(Species.V, destination.Slice(m, m));
            sub.CopyInterior(Species.W, destination.Slice(2 * m, m));
        }

        public int StateLength => SnapshotLength;
        public void SaveState(Span<double> state) => CopySnapshot(state);

        public void LoadState(ReadOnlySpan<double> state)
        {
            int m = sub.Patch.InteriorCount;
            if (state.Length != 3 * m) throw new ArgumentException($"block {sub.Block}: a state of {state.Length} values, expected {3 * m}", nameof(state));
            sub.SetInterior(Species.U, state[..m]);
            sub.SetInterior(Species.V, state.Slice(m, m));
            sub.SetInterior(Species.W, state.Slice(2 * m, m));
        }
    }
}
