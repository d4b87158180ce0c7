using System.Text.Json.Nodes;
using ActorSim.Numerics.Muscle;
using ActorSim.Numerics.Muscle.Huxley;
using ActorSim.Simulation.Particles;
using ActorSim.Simulation.Scenarios;
using ActorSim.Simulation.Subdomains;

namespace ActorSim.Simulation.Models;

/// <summary>
/// <c>huxley-particles</c>: N stochastic cross-bridges on particle-block actors. Bridges sit on a uniform lattice of
/// the displacement window, slide with the common displacement rate v, and attach / detach with Huxley's rates
/// f(x), g(x) (exact two-state transition over a step, one uniform per bridge and step from the counter-based
/// stream keyed by (seed, block, step)); a bridge leaving the window re-enters on the other side detached.
/// Only attached bridges load the filament: force = kappa Q1 with Q1 = (L/N) sum over attached bridges of x_i.
/// </summary>
public sealed class HuxleyParticlesDefinition : IModelDefinition
{
    /// <summary>The value of the scenario's <c>model</c> key (<see cref="ModelCatalog"/> finds the model by it).</summary>
    public const string ModelName = "huxley-particles";

    public string Name => ModelName;

    public string Summary => "Stochastic Huxley cross-bridges (attach/detach with rates f, g) on particle blocks, isometric then constant-velocity shortening";

    public IReadOnlyList<string> Equations { get; } =
    [
        "N two-state bridges sliding at v: attach with rate f(x), detach with rate g(x) (exact two-state probabilities)",
        "f = f1 x/h on [0, h], else 0;  g = g1 x/h for x >= 0, g2 for x < 0;  F = kappa Q1, Q1 = (length/N) Σ_attached x_i",
        "v = 0 until t_switch, then v = −V",
    ];

    public IReadOnlyList<ValueSpec> Parameters { get; } =
    [
        .. HuxleyScenarioSpecs.Rates(),
        new("N", "1", "number of cross-bridges (a uniform lattice of the window)", ValueKind.Count, 20000),
        new("hist_bins", "1", "bins of the attached-fraction histogram written at every output (fields/n_NNNN.npy)", ValueKind.Count, 50),
    ];

    public IReadOnlyList<ValueSpec> Initial { get; } = [HuxleyScenarioSpecs.State];

    public int MaxBlocks => MuscleScenarioSpecs.MaxBlocks;

    public void CheckConsistency(Scenario s, Action<string, string> error)
    {
        HuxleyScenarioSpecs.CheckWindow(s, error);
        MuscleScenarioSpecs.RequireDt(s, Name, error);
        MuscleScenarioSpecs.CheckBlocks(s, s.Count("N"), "every block needs a bridge: blocks <= N", error);
        if (s.Time.Dt is { } dt && s.Time.End / dt > uint.MaxValue)
            error("$.time.dt", "more than 2^32 steps: the random streams are keyed by a 32-bit step number");
    }

    public IRunnableModel Create(Scenario s) => new HuxleyParticleRun(new HuxleyParticleSetup
    {
        Rates = HuxleyScenarioSpecs.RatesOf(s),
        Kappa = s.P("kappa"),
        Protocol = HuxleyScenarioSpecs.ProtocolOf(s),
        XMin = s.P("x_min"),
        Length = s.P("length"),
        Bridges = s.Count("N"),
        Blocks = s.Run.Blocks,
        Seed = s.Run.Seed,
        Dt = s.Time.Dt!.Value,
        Isometric = s.Choice("state") == "isometric",
        HistogramBins = s.Count("hist_bins"),
    });
}

/// <summary>Everything a stochastic Huxley run is made of.</summary>
public sealed record HuxleyParticleSetup
{
    public required HuxleyRates Rates { get; init; }
    public double Kappa { get; init; } = 1.0;
    public required HuxleyProtocol Protocol { get; init; }
    public required double XMin { get; init; }
    public required double Length { get; init; }
    public required int Bridges { get; init; }
    public int Blocks { get; init; } = 1;
    public ulong Seed { get; init; }
    public required double Dt { get; init; }

    /// <summary>Start from the isometric steady state (each bridge attached with probability f/(f+g), drawn from the stream (seed, block, 2^32 - 1)); otherwise all detached.</summary>
    public bool Isometric { get; init; }

    public int HistogramBins { get; init; } = 50;

    /// <summary>Lattice position of bridge i.</summary>
    public double Position(long i) => XMin + (i + 0.5) * Length / Bridges;
}

/// <summary>
/// Coordinator side of the stochastic Huxley model: one round per step (blocks advance their bridges by dt at the
/// protocol's v and return their partial sums over attached bridges of 1, x, x^2, reduced in block order exactly
/// as <see cref="HuxleyParticleSystem.Moments"/> does), one round per output (moments and histogram).
/// </summary>
public sealed class HuxleyParticleRun : IParticleModel, Runtime.ICheckpointableModel
{
    internal const int KindStep = 1, KindOutput = 2;

    private readonly HuxleyParticleSetup _s;
    private readonly double[] _header = new double[3];
    private readonly double[] _attached, _total;
    private double _dt, _tNext, _q0, _q1, _q2;
    private long _steps;
    private bool _output;
    private readonly Dictionary<double, double> _sigma = new();

    public HuxleyParticleRun(HuxleyParticleSetup setup)
    {
        _s = setup;
        if (setup.Blocks < 1 || setup.Blocks > setup.Bridges) throw new ArgumentException("blocks must be in 1..N");
        _attached = new double[setup.HistogramBins];
        _total = new double[setup.HistogramBins];
    }

    public int BlockCount => _s.Blocks;
    public double Time { get; private set; }
    public StepCounters Counters => new(_steps, 0, _steps);
    public IReadOnlyList<string> Columns { get; } = ["v", "Q0", "Q1", "Q2", "F", "F_huxley", "F_sigma"];

    /// <summary>(Q0, Q1, Q2) at the last output or step.</summary>
    public (double Q0, double Q1, double Q2) Moments => (_q0, _q1, _q2);

    public IParticleKernel CreateKernel(int block) => new Kernel(_s, block, initial: true);

    /// <summary>The block's arrays without its lattice positions and random initial attachments (the checkpoint's state replaces both).</summary>
    public IParticleKernel CreateKernelForRestore(int block) => new Kernel(_s, block, initial: false);

    public ParticleRound BeginStep(double tEnd)
    {
        double v = _s.Protocol.Velocity(Time);
        (_dt, _tNext) = StepPlanner.Next(Time, _s.Protocol.SegmentEnd(Time, tEnd), _s.Dt);
        _header[0] = _steps; _header[1] = _dt; _header[2] = v;
        _output = false;
        return new ParticleRound(KindStep, _header);
    }

    public ParticleRound BeginOutput()
    {
        _output = true;
        return new ParticleRound(KindOutput, _header);
    }

    public ParticleRound? Continue(IReadOnlyList<double[]> replies)
    {
        double c = 0, s1 = 0, s2 = 0;
        for (int b = 0; b < replies.Count; b++) { c += replies[b][0]; s1 += replies[b][1]; s2 += replies[b][2]; }
        double w = _s.Length / _s.Bridges;
        (_q0, _q1, _q2) = (w * c, w * s1, w * s2);
        if (_output)
        {
            Array.Clear(_attached); Array.Clear(_total);
            int bins = _s.HistogramBins;
            foreach (var r in replies)
                for (int j = 0; j < bins; j++) { _attached[j] += r[3 + j]; _total[j] += r[3 + bins + j]; }
            return null;
        }
        Time = _tNext;
        _steps++;
        return null;
    }

    /// <summary>Standard deviation of F = kappa Q1 at the steady state of speed V (independent bridges: Var Q1 = (L/N)^2 sum x^2 p (1 - p)).</summary>
    public double SteadySigma(double speed)
    {
        if (_sigma.TryGetValue(speed, out double sd)) return sd;
        double w = _s.Length / _s.Bridges, var = 0;
        for (long i = 0; i < _s.Bridges; i++)
        {
            double x = _s.Position(i), p = HuxleySteadyState.Distribution(_s.Rates, speed, x);
            var += x * x * p * (1 - p);
        }
        return _sigma[speed] = _s.Kappa * w * Math.Sqrt(var);
    }

    public IReadOnlyList<FieldSnapshot> CompleteOutput(Span<double> row)
    {
        double v = _s.Protocol.Velocity(Time);
        row[0] = v; row[1] = _q0; row[2] = _q1; row[3] = _q2;
        row[4] = _s.Kappa * _q1;
        row[5] = HuxleyScenarioSpecs.SteadyForce(_s.Rates, _s.Kappa, v);
        row[6] = SteadySigma(-v);
        var n = new double[_s.HistogramBins];
        for (int j = 0; j < n.Length; j++) n[j] = _total[j] > 0 ? _attached[j] / _total[j] : 0.0;
        return [new FieldSnapshot("n", n, [n.Length])];
    }

    public JsonObject Analysis()
    {
        var a = HuxleyScenarioSpecs.Analysis(_s.Rates, _s.Kappa, _s.Protocol);
        a["bridges"] = _s.Bridges;
        a["F_sigma_isometric"] = SteadySigma(0.0);
        a["F_sigma_at_V"] = SteadySigma(_s.Protocol.Speed);
        return a;
    }

    /// <summary>The coordinator state at a step barrier: t, the step count (it keys the random streams) and the last moments.</summary>
    public double[] SaveCoordinatorState() => [Time, _steps, _q0, _q1, _q2];

    public void LoadCoordinatorState(ReadOnlySpan<double> state)
    {
        if (state.Length != 5) throw new ArgumentException($"a Huxley particle coordinator state has 5 values, not {state.Length}", nameof(state));
        Time = state[0];
        _steps = (long)state[1];
        (_q0, _q1, _q2) = (state[2], state[3], state[4]);
    }

    /// <summary>One block of bridges: a <see cref="HuxleyParticleBlock"/> on its lattice range.</summary>
    private sealed class Kernel : IParticleKernel, Runtime.ICheckpointableKernel
    {
        private readonly HuxleyParticleSetup _s;
        private readonly HuxleyParticleBlock _block;
        private readonly double[] _stepReply = new double[3];
        private readonly double[] _outputReply;

        /// <param name="initial">Build the initial state (positions on the lattice, isometric attachments drawn); false: an empty
        /// block of the same size for a state loaded before the first round.</param>
        public Kernel(HuxleyParticleSetup s, int block, bool initial)
        {
            _s = s;
            Block = block;
            var (start, count) = BlockPartition.Range(s.Bridges, s.Blocks, block);
            _outputReply = new double[3 + 2 * s.HistogramBins];
            if (!initial)
            {
                _block = HuxleyParticleBlock.ForRestore(s.Rates, block, s.XMin, s.Length, count);
                return;
            }
            var x = new double[count];
            for (int i = 0; i < count; i++) x[i] = s.Position(start + i);
            _block = new HuxleyParticleBlock(s.Rates, block, s.XMin, s.Length, x);
            if (s.Isometric)
            {
                var r = s.Rates;
                _block.Randomize(p => { double f = r.Attach(p), g = r.Detach(p); return f + g > 0 ? f / (f + g) : 0.0; }, s.Seed, uint.MaxValue);
            }
        }

        public int Block { get; }

        /// <summary>Positions and attachment states of the block's bridges.</summary>
        public int StateLength => _block.StateLength;
        public void SaveState(Span<double> state) => _block.SaveState(state);
        public void LoadState(ReadOnlySpan<double> state) => _block.LoadState(state);

        public double[] Handle(ParticleRound round)
        {
            var h = round.Header;
            if (round.Kind == KindStep)
            {
                _block.Step(_s.Seed, (ulong)h[0], h[1], h[2], _stepReply); // the moments come out of the same pass
                return _stepReply;
            }
            var r = _outputReply;
            Array.Clear(r);
            _block.MomentPartials(r);
            int bins = _s.HistogramBins;
            double scale = bins / _s.Length;
            var x = _block.Positions;
            var attached = _block.Attached;
            for (int i = 0; i < x.Length; i++)
            {
                int j = Math.Clamp((int)Math.Floor((x[i] - _s.XMin) * scale), 0, bins - 1);
                r[3 + bins + j] += 1.0;
                if (attached[i]) r[3 + j] += 1.0;
            }
            return r;
        }
    }
}
