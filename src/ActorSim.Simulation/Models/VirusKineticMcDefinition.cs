using System.Text.Json.Nodes;
using ActorSim.Numerics.Grid;
using ActorSim.Numerics.Virus.Kinetic;
using ActorSim.Numerics.Virus.Kinetic.MonteCarlo;
using ActorSim.Numerics.Virus.Spatial;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Subdomains;

namespace ActorSim.Simulation.Models;

/// <summary>
/// <c>virus-kinetic-mc</c>: the kinetic velocity-jump model of <c>virus-kinetic</c> (seed 000, eq. (36)–(54))
/// in 1D simulated by weighted particles (<see cref="VirusParticleSubdomain1D"/>): the particles of the three
/// populations live in the subdomain actors and migrate to the neighbour that owns their new cell through
/// the halo messages; random streams are CounterRandom(seed, block, step). Output: the densities deposited
/// on the grid and their integrals.
/// </summary>
public sealed class VirusKineticMcDefinition : IModelDefinition
{
    /// <summary>The value of the scenario's <c>model</c> key (<see cref="ModelCatalog"/> finds the model by it).</summary>
    public const string ModelName = "virus-kinetic-mc";

    public string Name => ModelName;

    public string Summary => "Monte Carlo velocity-jump particles for the kinetic May–Nowak–taxis model (seed 000, eq. (36)–(54)) in 1D on subdomain actors";

    public IReadOnlyList<string> Equations { get; } =
    [
        "the virus-kinetic model in 1D as weighted particles: run at ±c_i/eps, tumble at rate sigma_i/eps²",
        "taxis: new direction + with probability (1 + b)/2, b = clamp(eps·a·c_u·∂x v, −1, 1)",
        "reactions through particle weights and offspring (the seed's G_i), Russian roulette below half the nominal weight",
    ];

    public IReadOnlyList<ValueSpec> Parameters { get; } =
        new VirusKineticDefinition().Parameters.Where(p => p.Name is not ("ny" or "Ly" or "boundary_y" or "directions"))
            .Select(p => p.Name == "nx" ? p with { Description = "cells of the 1D grid (slab ownership, deposit and taxis gradient)" } : p)
            .Append(new ValueSpec("particles", "1", "particles per population at its mass scale, the larger of its initial mass and its mass at the equilibrium the ODE tends to (nominal weight ω₀ = scale/particles; counts then follow the masses); at most 5e7", ValueKind.Count, 10000))
            .ToArray();

    public IReadOnlyList<ValueSpec> Initial { get; } = new VirusPdeDefinition().Initial.Where(v => v.Name != "mode_y").ToArray();

    public int MaxBlocks => 4096;

    public void CheckConsistency(Scenario s, Action<string, string> error)
    {
        if (s.Init("mode_x") != Math.Floor(s.Init("mode_x"))) error("$.initial.mode_x", $"{s.Init("mode_x")} is not allowed: must be a whole number >= 0");
        if (s.Choice("state") == "endemic" && !(MayNowakOdeDefinition.Rates(s).R0 > 1))
            error("$.initial.state", $"\"endemic\" needs R0 > 1, but R0 = {MayNowakOdeDefinition.Rates(s).R0:G6}; use \"infection-free\" or \"uniform\"");
        if (s.Count("nx") / s.Run.Blocks < 2)
            error("$.run.blocks", $"{s.Run.Blocks} blocks are too many for {s.Count("nx")} cells: every block needs at least 2 cells (two ghost cells of v per side)");
        if (s.Count("particles") > 50_000_000)
            error("$.parameters.particles", $"{s.Count("particles")} is not allowed: at most 50000000 particles per population");
    }

    public IRunnableModel Create(Scenario s)
    {
        var p = VirusKineticDefinition.KineticParameters(s);
        var boundary = VirusKineticDefinition.Boundary(s, "boundary_x");
        var grid = new KineticGrid1D(s.P("Lx"), s.Count("nx"), boundary);
        var limitGrid = UniformGrid.Line(grid.CellCount, grid.Length, boundary == KineticBoundary.Periodic ? BoundaryKind.Periodic : BoundaryKind.Neumann);
        var limit = new VirusPdeParameters(p.Rates, p.DiffusionCoefficient(0), p.DiffusionCoefficient(1), p.DiffusionCoefficient(2), p.Chi);
        var initial = VirusPdeInitialState.From(s, limit, limitGrid);
        var density = new double[3][];
        for (int sp = 0; sp < 3; sp++)
            density[sp] = Enumerable.Range(0, grid.CellCount).Select(i =>
            {
                var q = initial.At(grid.CellCenter(i), 0);
                return sp switch { 0 => q.U, 1 => q.V, _ => q.W };
            }).ToArray();
        // Nominal weight ω₀ = mass scale / particles, the mass scale being the larger of the initial mass and
        // the mass of the equilibrium the ODE tends to (so a population that starts small is still resolved).
        var rates = p.Rates;
        double[] equilibrium = rates.R0 > 1 && rates.QStar is { } qs ? [qs.U, qs.V, qs.W] : [rates.Q0.U, rates.Q0.V, rates.Q0.W];
        var weights = new double[3];
        for (int sp = 0; sp < 3; sp++)
        {
            double scale = Math.Max(density[sp].Sum() * grid.Dx, equilibrium[sp] * grid.Length);
            weights[sp] = (scale > 0 ? scale : grid.Length) / s.Count("particles");
        }
        double stepBound = grid.Dx * s.P("eps") / Math.Max(p.Healthy.Speed, Math.Max(p.Infected.Speed, p.Virus.Speed));
        double maxDt = Math.Min(s.Time.Dt ?? double.PositiveInfinity, stepBound);
        return new VirusKineticMcModel(grid, p, s.P("eps"), weights, s.Run.Blocks, s.Run.Seed, maxDt, density, limit, limitGrid);
    }
}

/// <summary>
/// The <c>virus-kinetic-mc</c> model on subdomain actors: one <see cref="VirusParticleSubdomain1D"/> slab per
/// block. A step has two stages: stage 1 deposits the particles; halo exchange 2 sends two v densities per
/// side (the taxis gradient's ghosts); stage 2 reacts and moves with CounterRandom(seed, block, step); the
/// next step's halo exchange 0 carries the particles that left through each side, appended left neighbour's
/// first. Halo buffers start with a tag (1: migrants, 2: densities) so a mismatch is detected.
/// </summary>
public sealed class VirusKineticMcModel : ISubdomainModel
{
    private const double MigrantTag = 1, DensityTag = 2;
    private readonly double[][] _initial;
    private readonly VirusPdeParameters _limit;
    private readonly UniformGrid _limitGrid;

    internal VirusKineticMcModel(KineticGrid1D grid, KineticVirusParameters p, double eps, double[] weights, int blocks, ulong seed, double maxDt,
        double[][] initial, VirusPdeParameters limit, UniformGrid limitGrid)
    {
        Grid = grid; Parameters = p; Epsilon = eps; NominalWeights = weights; BlockCount = blocks; Seed = seed; MaxDt = maxDt;
        _initial = initial; _limit = limit; _limitGrid = limitGrid;
    }

    public KineticGrid1D Grid { get; }
    public KineticVirusParameters Parameters { get; }
    public double Epsilon { get; }
    public IReadOnlyList<double> NominalWeights { get; }
    public ulong Seed { get; }
    public double MaxDt { get; }
    public int BlockCount { get; }

    public IReadOnlyList<string> Columns { get; } =
        [.. SpeciesFieldStats.Columns, "n_u", "n_v", "n_w"];

    /// <summary>The initial cell densities of one species (the particles are sampled from them).</summary>
    public double[] InitialDensity(int species) => (double[])_initial[species].Clone();

    public IReadOnlyList<HaloLink> Links(int b)
    {
        bool periodic = Grid.Boundary == KineticBoundary.Periodic;
        int left = b > 0 ? b - 1 : periodic ? BlockCount - 1 : -1;
        int right = b < BlockCount - 1 ? b + 1 : periodic ? 0 : -1;
        return [new HaloLink(0, left, left < 0 ? -1 : 1), new HaloLink(1, right, right < 0 ? -1 : 0)];
    }

    public ISubdomainKernel CreateKernel(int b) => CreateKernel(b, sample: true);

    /// <summary>The slab with no particles (the checkpoint's state brings them): the initial sampling is skipped.</summary>
    public ISubdomainKernel CreateKernelForRestore(int b, bool distributed) => CreateKernel(b, sample: false);

    private Kernel CreateKernel(int b, bool sample)
    {
        int start = Grid.SlabStart(b, BlockCount), end = Grid.SlabStart(b + 1, BlockCount);
        var slab = new VirusParticleSubdomain1D(Grid, Parameters, Epsilon, NominalWeights.ToArray(), b, start, end - start);
        if (sample)
            for (int s = 0; s < 3; s++) slab.SampleCells(s, _initial[s].AsSpan(start, end - start), Seed);
        return new Kernel(slab, Links(b), Seed);
    }

    /// <summary>The blocks' particle masses of u, v, w added in block order (checked for finiteness).</summary>
    public double[] ReduceBounds(IReadOnlyList<double[]> bounds) => SpeciesFieldStats.SumInBlockOrder(bounds);

    /// <summary>Equal two-stage steps no longer than the maximum step (one cell of travel), landing exactly on <paramref name="tEnd"/>.</summary>
    public StepOrder Plan(long step, double t, double tEnd, double[] global)
    {
        KineticDiagnostics.ThrowIfNotFinite(global, t);
        return SpeciesFieldStats.EqualSteps(step, t, tEnd, MaxDt, 2);
    }

    public IReadOnlyList<FieldSnapshot> Assemble(double t, IReadOnlyList<double[]> snapshots, Span<double> row)
    {
        int n = Grid.CellCount;
        var fields = new[] { new double[n], new double[n], new double[n] };
        int offset = 0;
        var counts = new double[3];
        foreach (var snap in snapshots)
        {
            int m = (snap.Length - 3) / 3;
            for (int s = 0; s < 3; s++) snap.AsSpan(s * m, m).CopyTo(fields[s].AsSpan(offset, m));
            for (int s = 0; s < 3; s++) counts[s] += snap[3 * m + s];
            offset += m;
        }
        SpeciesFieldStats.Fill(fields, Grid.Dx, row);
        for (int s = 0; s < 3; s++) row[9 + s] = counts[s];
        return [new FieldSnapshot("u", fields[0], [n]), new FieldSnapshot("v", fields[1], [n]), new FieldSnapshot("w", fields[2], [n])];
    }

    public JsonObject Analysis()
    {
        var doc = MayNowakAnalysis.Spatial(_limit, _limitGrid);
        doc["diffusion_limit"] = new JsonObject
        {
            ["about"] = "the eps -> 0 limit of the kinetic model is the virus-pde model with these coefficients; linear_stability refers to that limit",
            ["eps"] = Epsilon,
            ["Du"] = _limit.Du, ["Dv"] = _limit.Dv, ["Dw"] = _limit.Dw,
        };
        doc["monte_carlo"] = new JsonObject
        {
            ["nominal_weights"] = new JsonObject { ["u"] = NominalWeights[0], ["v"] = NominalWeights[1], ["w"] = NominalWeights[2] },
            ["max_dt"] = MaxDt,
            ["tumbles_per_particle_and_step"] = new JsonObject
            {
                ["u"] = Parameters.Healthy.TurningRate / (Epsilon * Epsilon) * MaxDt,
                ["v"] = Parameters.Infected.TurningRate / (Epsilon * Epsilon) * MaxDt,
                ["w"] = Parameters.Virus.TurningRate / (Epsilon * Epsilon) * MaxDt,
            },
            ["random_streams"] = "ParticleUniforms32 per particle: Philox4x32-10 counter (particle, 4 floor(draw / 4) + species, step, block), source births (cell, 4 floor(draw / 4) + 3, step, block); initial particles CounterRandom(seed, 2^32 - 1 - species, cell)",
        };
        return doc;
    }

    private sealed class Kernel(VirusParticleSubdomain1D slab, IReadOnlyList<HaloLink> links, ulong seed) : ISubdomainKernel, Runtime.ICheckpointableKernel
    {
        private StepOrder? _order;
        private bool _migrantPhase = true;   // the next halo exchange carries migrants (exchange 0) or densities (exchange 2)

        public int Block => slab.BlockIndex;
        public IReadOnlyList<HaloLink> Links => links;
        private static HaloSide Side(int port) => port == 0 ? HaloSide.Left : HaloSide.Right;

        public int HaloLength(int port) => 1 + (_migrantPhase ? slab.MigrantHaloLength(Side(port)) : slab.DensityHaloLength);

        public void ExtractHalo(int port, Span<double> buffer)
        {
            buffer[0] = _migrantPhase ? MigrantTag : DensityTag;
            if (_migrantPhase) slab.ExtractMigrants(Side(port), buffer[1..]);
            else slab.ExtractDensityHalo(Side(port), buffer[1..]);
        }

        public void ApplyHalo(int port, ReadOnlySpan<double> buffer)
        {
            double expected = _migrantPhase ? MigrantTag : DensityTag;
            if (buffer.Length < 1 || buffer[0] != expected)
                throw new InvalidOperationException($"block {Block}: expected a {(_migrantPhase ? "migrant" : "density")} halo on port {port}, got tag {(buffer.Length > 0 ? buffer[0] : double.NaN)}");
            if (_migrantPhase) slab.AcceptMigrants(buffer[1..]);
            else slab.ApplyDensityHalo(Side(port), buffer[1..]);
        }

        public void ApplyBoundary(int port)
        {
            // walls reflect the particles inside the flight: nothing crosses them; the density ghosts are mirrored
            if (!_migrantPhase) slab.ApplyDensityWall(Side(port));
        }

        public double[] ComputeBounds() => [slab.PartialMass(0), slab.PartialMass(1), slab.PartialMass(2)];

        public void BeginStep(StepOrder order) => _order = order;

        public void Stage(int k)
        {
            var order = _order ?? throw new InvalidOperationException("stage before BeginStep");
            if (k == 1)
            {
                slab.Deposit();
                _migrantPhase = false;
            }
            else
            {
                slab.ReactAndMove(seed, (ulong)order.Step, order.Dt);
                _migrantPhase = true;
            }
        }

        /// <summary>The owned particles (their number varies from step to step); saved at the bounds barrier, after the last step's migrants were accepted.</summary>
        public int StateLength => slab.StateLength;

        public void SaveState(Span<double> state)
        {
            if (!_migrantPhase) throw new InvalidOperationException($"block {Block}: state saved inside a step (between its two stages)");
            slab.SaveState(state);
        }

        public void LoadState(ReadOnlySpan<double> state)
        {
            slab.LoadState(state);
            _migrantPhase = true;
        }

        public int SnapshotLength => 3 * slab.CellCount + 3;

        public void CopySnapshot(Span<double> destination)
        {
            slab.Deposit();
            int n = slab.CellCount;
            for (int s = 0; s < 3; s++)
            {
                slab.Density(s).CopyTo(destination.Slice(s * n, n));
                destination[3 * n + s] = slab.ParticleCount(s);
            }
        }
    }
}
