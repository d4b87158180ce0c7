using ActorSim.Numerics.Random;

namespace ActorSim.Numerics.Muscle.Huxley;

/// <summary>
/// A block of stochastic Huxley cross-bridges: bridge i has displacement x_i (all bridges slide with the common
/// displacement rate v) and a state attached / detached that switches with rates f(x), g(x). The bridges are a
/// uniform population of density N / L on the periodic window [XMin, XMin + L): a bridge leaving the window
/// re-enters on the other side detached (the PDE's n = 0 inflow condition), so the attached density estimates
/// n(x) and Q_k = (L / N) sum_{attached} x_i^k estimates the PDE moments.
/// <para>
/// Step: with the rates frozen at the mid-step displacement x_i + v dt / 2, the exact two-state transition
/// over dt is P(detached -&gt; attached) = f / (f + g) (1 - e^{-(f+g) dt}),
/// P(attached -&gt; detached) = g / (f + g) (1 - e^{-(f+g) dt}) (second order in dt where the rates are smooth).
/// One uniform per bridge per step from CounterRandom(seed, block, step), drawn in bridge order, so a block's
/// result does not depend on when or where it is evaluated. 9 bytes per bridge.
/// </para>
/// </summary>
public sealed class HuxleyParticleBlock
{
    private readonly double[] _x;
    private readonly bool[] _attached;

    public HuxleyParticleBlock(HuxleyRates rates, int blockIndex, double xMin, double length, ReadOnlySpan<double> positions)
    {
        Rates = rates; BlockIndex = blockIndex; XMin = xMin; Length = length;
        _x = positions.ToArray();
        _attached = new bool[_x.Length];
        foreach (double x in _x)
            if (!(x >= xMin && x < xMin + length)) throw new ArgumentOutOfRangeException(nameof(positions), x, "bridge outside the window");
    }

    public HuxleyRates Rates { get; }
    public int BlockIndex { get; }
    public double XMin { get; }
    public double Length { get; }
    public int Count => _x.Length;
    public ReadOnlySpan<double> Positions => _x;
    public ReadOnlySpan<bool> Attached => _attached;

    /// <summary>Number of doubles of the block's state for checkpoints: positions, then attached flags (0 or 1).</summary>
    public int StateLength => 2 * _x.Length;

    /// <summary>Copies positions and attachment states into <paramref name="state"/> (length <see cref="StateLength"/>).</summary>
    public void SaveState(Span<double> state)
    {
        if (state.Length != StateLength) throw new ArgumentException("wrong state length", nameof(state));
        _x.CopyTo(state);
        for (int i = 0; i < _x.Length; i++) state[_x.Length + i] = _attached[i] ? 1.0 : 0.0;
    }

    /// <summary>Restores a state written by <see cref="SaveState"/>.</summary>
    public void LoadState(ReadOnlySpan<double> state)
    {
        if (state.Length != StateLength) throw new ArgumentException("wrong state length", nameof(state));
        state[.._x.Length].CopyTo(_x);
        for (int i = 0; i < _x.Length; i++) _attached[i] = state[_x.Length + i] != 0.0;
    }

    /// <summary>Sets every bridge's state from a probability p(x) using CounterRandom(seed, block, step).</summary>
    public void Randomize(Func<double, double> attachedProbability, ulong seed, ulong step)
    {
        var rng = new CounterRandom(seed, (uint)BlockIndex, step);
        for (int i = 0; i < _x.Length; i++) _attached[i] = rng.NextDouble() < attachedProbability(_x[i]);
    }

    /// <summary>Advances all bridges by dt at displacement rate v, using the stream (seed, block, step).</summary>
    public void Step(ulong seed, ulong step, double dt, double v)
    {
        var rng = new CounterRandom(seed, (uint)BlockIndex, step);
        double hi = XMin + Length, shift = v * dt, half = 0.5 * shift;
        for (int i = 0; i < _x.Length; i++)
        {
            double xm = _x[i] + half;
            double f = Rates.Attach(xm), g = Rates.Detach(xm), s = f + g;
            double u = rng.NextDouble();
            if (s > 0.0)
            {
                double p = HuxleySteadyState.OneMinusExpNeg(s * dt) / s;
                if (_attached[i]) { if (u < g * p) _attached[i] = false; }
                else if (u < f * p) _attached[i] = true;
            }
            double x = _x[i] + shift;
            if (x < XMin) { x += Length; _attached[i] = false; }
            else if (x >= hi) { x -= Length; _attached[i] = false; }
            _x[i] = x;
        }
    }

    /// <summary>Partial sums over attached bridges: [0] count, [1] sum x, [2] sum x^2 (block order of bridges).</summary>
    public void MomentPartials(Span<double> partial)
    {
        double c = 0, s1 = 0, s2 = 0;
        for (int i = 0; i < _x.Length; i++)
            if (_attached[i]) { double x = _x[i]; c += 1.0; s1 += x; s2 += x * x; }
        partial[0] = c; partial[1] = s1; partial[2] = s2;
    }
}

/// <summary>
/// Sequential driver of B <see cref="HuxleyParticleBlock"/>s on a uniform lattice of N bridges
/// x_i = XMin + (i + 1/2) L / N; moments are reduced in block order.
/// </summary>
public sealed class HuxleyParticleSystem
{
    private readonly HuxleyParticleBlock[] _blocks;
    private readonly double[][] _partials;
    private readonly int[] _order;

    public HuxleyParticleSystem(HuxleyRates rates, double xMin, double length, int bridges, int blockCount, ulong seed,
        IReadOnlyList<int>? evaluationOrder = null)
    {
        Seed = seed; Count = bridges; Length = length;
        _blocks = new HuxleyParticleBlock[blockCount];
        _partials = new double[blockCount][];
        var all = new double[bridges];
        for (int i = 0; i < bridges; i++) all[i] = xMin + (i + 0.5) * length / bridges;
        for (int b = 0; b < blockCount; b++)
        {
            var (start, count) = BlockPartition.Range(bridges, blockCount, b);
            _blocks[b] = new HuxleyParticleBlock(rates, b, xMin, length, all.AsSpan(start, count));
            _partials[b] = new double[3];
        }
        _order = evaluationOrder?.ToArray() ?? Enumerable.Range(0, blockCount).ToArray();
    }

    public ulong Seed { get; }
    public int Count { get; }
    public double Length { get; }
    public long StepCount { get; private set; }
    public IReadOnlyList<HuxleyParticleBlock> Blocks => _blocks;

    /// <summary>One step dt at displacement rate v (v &lt; 0: shortening).</summary>
    public void Step(double dt, double v)
    {
        foreach (int b in _order) _blocks[b].Step(Seed, (ulong)StepCount, dt, v);
        StepCount++;
    }

    /// <summary>(Q0, Q1, Q2) = (L / N) (count, sum x, sum x^2) over attached bridges, reduced in block order.</summary>
    public (double Q0, double Q1, double Q2) Moments()
    {
        foreach (int b in _order) _blocks[b].MomentPartials(_partials[b]);
        double c = 0, s1 = 0, s2 = 0;
        for (int b = 0; b < _blocks.Length; b++) { c += _partials[b][0]; s1 += _partials[b][1]; s2 += _partials[b][2]; }
        double w = Length / Count;
        return (w * c, w * s1, w * s2);
    }
}
