using ActorSim.Numerics.Random;

namespace ActorSim.Numerics.Virus.Kinetic.MonteCarlo;

/// <summary>
/// The particles of one slab [FirstCell, FirstCell + CellCount) for the Monte Carlo version of the full
/// three-population kinetic May–Nowak–taxis model (README.md §8): healthy cells u, infected cells v and
/// virus w are weighted particles running at ±c_i/ε and tumbling at rate σ_i/ε²; healthy cells tumble
/// preferentially up ∂x v (bias ε a c_u ∂x v, a = χ/c_u², clamped to [−1, 1]), with ∂x v the centred
/// difference of the deposited v density. Reactions (seed eq. (45)–(47)) act through weights and offspring:
/// during a step a particle's weight decays by e^{−λΔt} (u: λ = d1 + β K f3_k(cell), the infection rate of a
/// cell of velocity k; v: d2; w: d3); the mass it produces (u → v: infected cells at rate β K f3_k; v → w:
/// virions at rate k) becomes ⌊M/ω₀ + U⌋ offspring of the nominal weight ω₀ of their species, born at a
/// time s drawn from the production-time density, at the parent's position and velocity at s (G is local in
/// velocity), which then live the rest of the step in the same way (decay, their own offspring, runs); the
/// source r adds healthy cells at uniform times, positions and velocities, which live the rest of the step
/// likewise. Weights below ω₀/2 play Russian roulette (survive with probability ω/ω₀ at weight ω₀), so every
/// weight stays in [ω₀/2, ω₀] and the count between mass/ω₀ and 2 mass/ω₀. Given the rates every
/// expectation is exact; the approximations are the infection rate frozen over a step at the particle's
/// cell and velocity when it starts living in the step (f3 deposited per cell: O(Δt + Δx)) and the O(1/N)
/// correlation between the deposited fields and the particles.
/// <para>Protocol per step: <see cref="Deposit"/>; exchange two v densities per side
/// (<see cref="ExtractDensityHalo"/>, <see cref="ApplyDensityHalo"/> or <see cref="ApplyDensityWall"/>);
/// <see cref="ReactAndMove"/> with the per-particle streams of <see cref="ParticleUniforms32"/>(seed, block, step):
/// particle p of species s (its index in the store when the step starts) draws from the stream of tag s, item p, its
/// offspring continue it; the source births of global cell i draw from tag 3, item i. Particles are processed in
/// storage order (u, v, w, each followed by its offspring and theirs, then the source births cell by cell);
/// leavers go, in that order, to the per-species outboxes; then each slab
/// appends the left neighbour's right outbox and then the right neighbour's left outbox
/// (<see cref="AcceptFrom"/>, or <see cref="ExtractMigrants"/>/<see cref="AcceptMigrants"/> through a
/// halo buffer). Results depend only on the seed and the number of slabs. Nothing is allocated per
/// particle: stores grow by doubling.</para>
/// </summary>
public sealed partial class VirusParticleSubdomain1D
{
    private const int S = KineticVirusParameters.SpeciesCount, K = 2;
    private readonly KineticGrid1D _grid;
    private readonly KineticVirusParameters _p;
    private readonly int _n;
    private readonly double _dx, _invDx, _length, _biasScale;
    private readonly double[] _runSpeed = new double[S], _tumbleRate = new double[S], _nominal = new double[S];
    private readonly double[] _invTumbleRate = new double[S], _invNominal = new double[S]; // products instead of divisions (issue 14)
    private readonly ParticleStore1D[] _particles = new ParticleStore1D[S], _left = new ParticleStore1D[S], _right = new ParticleStore1D[S];
    private readonly double[][] _density;          // [s][n], per length
    private readonly double[][] _virusByVelocity;  // [k][n], f3_k per length
    private readonly double[] _vExt;               // v density, index i+2 = owned cell i; two ghosts per side
    private readonly double[] _gradient;           // ∂x v, index i+1 = owned cell i, i = −1..n
    private readonly bool _leftWall, _rightWall, _periodic;
    private bool _deposited, _leftGhost, _rightGhost;
    // issue 14: per-step tables of the full-step factors (the same expressions the per-particle path evaluates, so the
    // same bits; u's per velocity and owned cell at k n + cell); running partial masses kept by the step and the accept
    // methods; the chunk buffers of the sweep (first four draws, results, particles handed to the scalar chain)
    private const int Chunk = 256;
    private const uint SourceTag = 3;
    private ulong _seed;
    private uint _step;
    private double _stepDt = double.NaN;
    private readonly double[] _decayDt = new double[S], _integralDt = new double[S], _noTumbleDt = new double[S], _fastNoTumble = new double[S];
    private readonly double[] _uNu, _uLoss, _uDecayDt, _uIntegralDt;
    private readonly double[] _mass = new double[S], _keptMass = new double[S];
    private readonly int[] _kept = new int[S];
    private readonly double[] _d0 = new double[Chunk], _d1 = new double[Chunk], _d2 = new double[Chunk], _d3 = new double[Chunk];
    private readonly double[] _cx = new double[Chunk], _cw = new double[Chunk];
    private readonly long[] _ck = new long[Chunk], _alive = new long[Chunk];
    private readonly int[] _rare = new int[Chunk];
    private VirusKernelPath _path;
    private long _chained;
    private bool _massValid;

    /// <summary>
    /// Creates an empty slab. <paramref name="nominalWeights"/> holds ω₀ of u, v, w: the weight of newborn
    /// particles and the roulette scale (choose total mass / target particle count per species).
    /// </summary>
    public VirusParticleSubdomain1D(KineticGrid1D grid, KineticVirusParameters parameters, double epsilon, ReadOnlySpan<double> nominalWeights,
        int blockIndex, int firstCell, int cellCount)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive");
        if (cellCount < 2 || firstCell < 0 || firstCell + cellCount > grid.CellCount)
            throw new ArgumentOutOfRangeException(nameof(cellCount), cellCount, "a slab needs at least 2 cells inside the grid (two ghost cells of v per side)");
        if (nominalWeights.Length != S) throw new ArgumentException("need one nominal weight per species", nameof(nominalWeights));
        _grid = grid; _p = parameters; Epsilon = epsilon; BlockIndex = blockIndex; FirstCell = firstCell; _n = cellCount;
        _dx = grid.Dx; _invDx = 1.0 / _dx; _length = grid.Length;
        for (int s = 0; s < S; s++)
        {
            var tr = parameters.Species(s);
            if (!(tr.Speed > 0) || !(tr.TurningRate > 0)) throw new ArgumentOutOfRangeException(nameof(parameters), "speeds and turning rates must be positive");
            if (!(nominalWeights[s] > 0) || !double.IsFinite(nominalWeights[s])) throw new ArgumentOutOfRangeException(nameof(nominalWeights), "nominal weights must be positive and finite");
            _runSpeed[s] = tr.Speed / epsilon;
            _tumbleRate[s] = tr.TurningRate / (epsilon * epsilon);
            _nominal[s] = nominalWeights[s];
            _invTumbleRate[s] = 1.0 / _tumbleRate[s];
            _invNominal[s] = 1.0 / _nominal[s];
            _particles[s] = new ParticleStore1D(); _left[s] = new ParticleStore1D(); _right[s] = new ParticleStore1D();
        }
        _biasScale = epsilon * parameters.TaxisBias(1) * parameters.Healthy.Speed;
        _density = new double[S][];
        for (int s = 0; s < S; s++) _density[s] = new double[_n];
        _virusByVelocity = [new double[_n], new double[_n]];
        _vExt = new double[_n + 4];
        _uNu = new double[K * _n]; _uLoss = new double[K * _n];
        _uDecayDt = new double[K * _n]; _uIntegralDt = new double[K * _n];
        _gradient = new double[_n + 2];
        _periodic = grid.Boundary == KineticBoundary.Periodic;
        _leftWall = !_periodic && firstCell == 0;
        _rightWall = !_periodic && firstCell + cellCount == grid.CellCount;
    }

    /// <summary>Index of this slab (its random stream and its rank in reductions).</summary>
    public int BlockIndex { get; }

    /// <summary>Global index of the first owned cell.</summary>
    public int FirstCell { get; }

    /// <summary>Number of owned cells.</summary>
    public int CellCount => _n;

    /// <summary>Parabolic scaling parameter ε.</summary>
    public double Epsilon { get; }

    /// <summary>Largest admissible step: one cell of travel for the fastest species, ε Δx / max c_i.</summary>
    public double MaxTimeStep => _dx / Math.Max(_runSpeed[0], Math.Max(_runSpeed[1], _runSpeed[2]));

    /// <summary>
    /// Particles of the last <see cref="ReactAndMove"/> (of those present when it started) that went through the
    /// per-particle chain rather than the vectorised pass (all of them on <see cref="VirusKernelPath.Scalar"/>).
    /// </summary>
    public long ChainedParticles => _chained;

    /// <summary>Nominal particle weight ω₀ of a species.</summary>
    public double NominalWeight(int species) => _nominal[species];

    /// <summary>The particles of one species currently owned.</summary>
    public ParticleStore1D Particles(int species) => _particles[species];

    /// <summary>Particles of one species that left through <paramref name="side"/> during the last <see cref="ReactAndMove"/>.</summary>
    public ParticleStore1D Outbox(HaloSide side, int species) => side == HaloSide.Left ? _left[species] : _right[species];

    /// <summary>Number of owned particles of one species.</summary>
    public int ParticleCount(int species) => _particles[species].Count;

    /// <summary>
    /// Total weight of the owned particles of one species, summed in storage order. After <see cref="ReactAndMove"/> and
    /// the accept methods it is the running sum they kept while writing the particles (the same additions in the same
    /// order, so the same bits, without another pass; issue 14); after any other change (<see cref="Add"/>,
    /// <see cref="SampleCells"/>, <see cref="LoadState"/>, <see cref="InvalidateMass"/>) a pass over the weights. Code
    /// that writes weights through <see cref="Particles"/> must call <see cref="InvalidateMass"/>.
    /// </summary>
    public double PartialMass(int species)
    {
        if (_massValid) return _mass[species];
        double m = 0;
        foreach (double w in _particles[species].Weight) m += w;
        return m;
    }

    /// <summary>Makes <see cref="PartialMass"/> sum the stored weights again (after writing them through <see cref="Particles"/>).</summary>
    public void InvalidateMass() => _massValid = false;

    /// <summary>Adds one particle (position inside the slab's cells, velocity 0: +c, 1: −c, weight &gt; 0).</summary>
    public void Add(int species, double x, byte velocity, double weight)
    {
        int cell = CellOf(x);
        if (cell < FirstCell || cell >= FirstCell + _n) throw new ArgumentOutOfRangeException(nameof(x), x, "position outside the slab");
        if (velocity > 1) throw new ArgumentOutOfRangeException(nameof(velocity), velocity, "velocity index must be 0 or 1");
        _particles[species].Add(x, velocity, weight);
        _deposited = false;
        _massValid = false;
    }

    /// <summary>Block id of the initial-sampling streams: species s samples global cell i with CounterRandom(seed, InitializationBlock − s, i).</summary>
    public const uint InitializationBlock = uint.MaxValue;

    /// <summary>
    /// Samples the owned cells of one species on the equilibrium manifold from cell densities (CellCount
    /// values): cell i gets ⌊ρ_i Δx/ω₀ + U⌋ particles of weight ω₀, uniform in the cell, velocities ±
    /// with probability ½ each, from the stream CounterRandom(seed, <see cref="InitializationBlock"/> − s,
    /// global cell), so the initial particles do not depend on the slab split.
    /// </summary>
    public void SampleCells(int species, ReadOnlySpan<double> cellDensity, ulong seed)
    {
        if (cellDensity.Length != _n) throw new ArgumentException("need one value per owned cell", nameof(cellDensity));
        double w0 = _nominal[species];
        var store = _particles[species];
        for (int i = 0; i < _n; i++)
        {
            if (!(cellDensity[i] >= 0) || !double.IsFinite(cellDensity[i])) throw new ArgumentOutOfRangeException(nameof(cellDensity), cellDensity[i], "densities must be finite and >= 0");
            int global = FirstCell + i;
            var rng = new CounterRandom(seed, InitializationBlock - (uint)species, (ulong)global);
            long count = (long)Math.Floor(cellDensity[i] * _dx / w0 + rng.NextDouble());
            if (count > int.MaxValue / 4) throw new ArgumentOutOfRangeException(nameof(cellDensity), "too many particles: raise the nominal weight");
            store.EnsureCapacity(store.Count + (int)count);
            for (long q = 0; q < count; q++)
            {
                double x = (global + rng.NextDouble()) * _dx;
                store.Add(x, (byte)(rng.NextUInt32() & 1), w0);
            }
        }
        _deposited = false;
        _massValid = false;
    }

    /// <summary>Deposits the owned particles on the owned cells: densities per length of u, v, w and f3 per velocity (weights summed in storage order).</summary>
    public void Deposit()
    {
        for (int s = 0; s < S; s++) Array.Clear(_density[s]);
        Array.Clear(_virusByVelocity[0]); Array.Clear(_virusByVelocity[1]);
        for (int s = 0; s < S; s++)
        {
            var store = _particles[s];
            double[] xs = store.RawX, ws = store.RawWeight, d = _density[s];
            byte[] vs = store.RawVelocity;
            if (s == 2)
            {
                double[] f0 = _virusByVelocity[0], f1 = _virusByVelocity[1];
                for (int q = 0; q < store.Count; q++)
                {
                    int local = LocalCell(xs[q]);
                    double w = ws[q];
                    d[local] += w;
                    (vs[q] == 0 ? f0 : f1)[local] += w;
                }
            }
            else
                for (int q = 0; q < store.Count; q++) d[LocalCell(xs[q])] += ws[q];
            for (int i = 0; i < _n; i++) d[i] *= _invDx;
        }
        for (int k = 0; k < K; k++) for (int i = 0; i < _n; i++) _virusByVelocity[k][i] *= _invDx;
        Array.Copy(_density[1], 0, _vExt, 2, _n);
        _deposited = true;
        _leftGhost = _rightGhost = false;
    }

    /// <summary>The deposited density (per length) of one species on the owned cells (valid after <see cref="Deposit"/>).</summary>
    public ReadOnlySpan<double> Density(int species) => _density[species];

    /// <summary>Doubles of the density halo per side: the v densities of the two owned cells next to it.</summary>
    public int DensityHaloLength => 2;

    /// <summary>Writes the v densities of the owned cells on <paramref name="side"/>, nearest first.</summary>
    public void ExtractDensityHalo(HaloSide side, Span<double> buffer)
    {
        if (!_deposited) throw new InvalidOperationException("deposit before extracting the density halo");
        var v = _density[1];
        buffer[0] = side == HaloSide.Left ? v[0] : v[_n - 1];
        buffer[1] = side == HaloSide.Left ? v[1] : v[_n - 2];
    }

    /// <summary>Fills the two ghost v densities on <paramref name="side"/> from the neighbour's extract of the opposite side.</summary>
    public void ApplyDensityHalo(HaloSide side, ReadOnlySpan<double> buffer)
    {
        if (buffer.Length < 2) throw new ArgumentException("density halo too short", nameof(buffer));
        if (side == HaloSide.Left) { _vExt[1] = buffer[0]; _vExt[0] = buffer[1]; _leftGhost = true; }
        else { _vExt[_n + 2] = buffer[0]; _vExt[_n + 3] = buffer[1]; _rightGhost = true; }
    }

    /// <summary>Mirror ghosts of v at a reflecting wall on <paramref name="side"/> (even extension).</summary>
    public void ApplyDensityWall(HaloSide side)
    {
        if (side == HaloSide.Left ? !_leftWall : !_rightWall) throw new InvalidOperationException("this side of the slab is not a reflecting wall");
        if (!_deposited) throw new InvalidOperationException("deposit before applying the wall");
        if (side == HaloSide.Left) { _vExt[1] = _vExt[2]; _vExt[0] = _vExt[3]; _leftGhost = true; }
        else { _vExt[_n + 2] = _vExt[_n + 1]; _vExt[_n + 3] = _vExt[_n]; _rightGhost = true; }
    }

    /// <summary>
    /// Reactions and transport of one step (see the class summary) with the per-particle streams
    /// <see cref="ParticleUniforms32"/>(seed, BlockIndex, step). Needs a fresh <see cref="Deposit"/> and both density
    /// ghosts; clears and refills the outboxes.
    /// </summary>
    public void ReactAndMove(ulong seed, ulong step, double dt)
    {
        if (!_deposited || !_leftGhost || !_rightGhost) throw new InvalidOperationException("deposit and apply both density halos before each step");
        if (!(dt > 0) || dt > MaxTimeStep * (1 + 1e-12)) throw new ArgumentOutOfRangeException(nameof(dt), dt, $"need 0 < dt <= eps dx / max c = {MaxTimeStep:G6}");
        if (step > uint.MaxValue) throw new ArgumentOutOfRangeException(nameof(step), step, "step must fit in 32 bits");
        for (int i = -1; i <= _n; i++) _gradient[i + 1] = (_vExt[i + 3] - _vExt[i + 1]) * (0.5 * _invDx);
        for (int s = 0; s < S; s++) { _left[s].Clear(); _right[s].Clear(); }
        _seed = seed; _step = (uint)step;
        _chained = 0;
        PrepareStep(dt);
        int startV = _particles[1].Count, startW = _particles[2].Count;
        Sweep(0, dt, _particles[0].Count);
        Sweep(1, dt, startV);
        Sweep(2, dt, startW);
        // source r of healthy cells: mass r Δx Δt per cell produced uniformly in time, space and velocity; the births
        // of a cell draw from the stream of tag 3, item = global cell
        double r = _p.Rates.R;
        if (r > 0)
        {
            double produced = r * _dx * dt / _nominal[0];
            for (int i = 0; i < _n; i++)
            {
                var draws = new ParticleUniformStream(seed, (uint)BlockIndex, _step, SourceTag, (uint)(FirstCell + i));
                int births = (int)Math.Floor(produced + draws.Next());
                for (int q = 0; q < births; q++)
                {
                    double birth = draws.Next() * dt;
                    double x = (FirstCell + i + draws.Next()) * _dx;
                    int k = draws.Next() < 0.5 ? 0 : 1;
                    Live(ref draws, 0, ref x, ref k, _nominal[0], dt - birth, out double w, out bool alive);
                    if (alive) Place(0, x, k, w, append: true);
                }
            }
        }
        // the partial masses: survivors (summed by the sweeps as they were written), then everything appended behind them
        for (int s = 0; s < S; s++)
        {
            var ws = _particles[s].RawWeight;
            double m = _keptMass[s];
            for (int q = _kept[s]; q < _particles[s].Count; q++) m += ws[q];
            _mass[s] = m;
        }
        _massValid = true;
        _deposited = false;
    }

    /// <summary>
    /// The full-step factors of this step, as the per-particle path computes them for a particle that lives the whole
    /// step: per species e^{−λΔt} and ∫₀^Δt e^{−λs} ds for the constant rates of v and w, per velocity and owned cell
    /// (index k n + cell) the infection rate ν = β K f3_k, λ = d1 + ν and both factors for u, and the no-tumble
    /// thresholds: a first flight of a full step does not tumble if its uniform is below e^{−σΔt/ε²}(1 − 1e-9) or below
    /// (1 − σΔt/ε²)(1 − 1e-9) (the two tests of <see cref="Fly"/>, so the larger of the two).
    /// </summary>
    private void PrepareStep(double dt)
    {
        var rates = _p.Rates;
        _stepDt = dt;
        for (int s = 0; s < S; s++)
        {
            double loss = s == 1 ? rates.D2 : rates.D3;
            _decayDt[s] = Math.Exp(-loss * dt);
            _integralDt[s] = Integral(loss, dt);
            _noTumbleDt[s] = Math.Exp(-_tumbleRate[s] * dt) * (1.0 - 1e-9);
            _fastNoTumble[s] = Math.Max(_noTumbleDt[s], (1.0 - _tumbleRate[s] * dt) * (1.0 - 1e-9));
        }
        for (int k = 0; k < K; k++)
            for (int i = 0; i < _n; i++)
            {
                double nu = rates.Beta * K * _virusByVelocity[k][i];
                double loss = rates.D1 + nu;
                int at = k * _n + i;
                _uNu[at] = nu; _uLoss[at] = loss;
                _uDecayDt[at] = Math.Exp(-loss * dt);
                _uIntegralDt[at] = Integral(loss, dt);
            }
    }

    /// <summary>
    /// The particles [0, start) of one species live through the step (<see cref="Live"/>), particle p with the stream
    /// of tag = species, item = p; survivors stay in place (compacted, in index order) or leave through an outbox (in
    /// index order). Chunks of <see cref="Chunk"/> particles: their first four draws generated together, then the fast
    /// pass (<see cref="FastPass"/>: particles that neither tumble nor give birth in the step, the scalar path hands
    /// every particle on), then <see cref="Live"/> for the particles it handed on, then the compaction. Each particle's
    /// result is a function of its own state and stream, so neither the chunk size nor the path changes a bit.
    /// Particles appended beyond <paramref name="start"/> (offspring of an earlier species, already complete) are
    /// moved behind the survivors.
    /// </summary>
    private void Sweep(int species, double dt, int start)
    {
        var store = _particles[species];
        double[] xs = store.RawX, ws = store.RawWeight;
        byte[] vs = store.RawVelocity;
        double[] cx = _cx, cw = _cw;
        long[] ck = _ck, alive = _alive;
        int kept = 0;
        double mass = 0;
        var path = ResolvedPath;
        uint block = (uint)BlockIndex;
        for (int c0 = 0; c0 < start; c0 += Chunk)
        {
            int m = Math.Min(Chunk, start - c0);
            ParticleUniforms32.FirstDraws(_seed, block, _step, (uint)species, (uint)c0, m, _d0, _d1, _d2, _d3,
                vector: path != VirusKernelPath.Scalar, wide: path == VirusKernelPath.Avx512);
            int rare = path switch
            {
                VirusKernelPath.Scalar => AllRare(m),
                VirusKernelPath.Avx512 => FastPass512(species, c0, m),
                _ => FastPass(species, c0, m),
            };
            _chained += rare;
            for (int r = 0; r < rare; r++)
            {
                int i = _rare[r], p = c0 + i;
                var draws = new ParticleUniformStream(_seed, block, _step, (uint)species, (uint)p, _d0[i], _d1[i], _d2[i], _d3[i]);
                double x = xs[p];
                int k = vs[p];
                Live(ref draws, species, ref x, ref k, ws[p], dt, out double w, out bool lives);
                cx[i] = x; ck[i] = k; cw[i] = w; alive[i] = lives ? -1 : 0;
            }
            for (int i = 0; i < m; i++)
            {
                if (alive[i] == 0) continue;
                double x = cx[i], w = cw[i];
                int k = (int)ck[i];
                int cell = CellOf(x);
                if (cell >= FirstCell && cell < FirstCell + _n)
                {
                    xs[kept] = x; vs[kept] = (byte)k; ws[kept] = w;
                    kept++;
                    mass += w;
                }
                else Place(species, x, k, w, append: false);
            }
        }
        _kept[species] = kept; _keptMass[species] = mass;
        // Live() appends only to the stores of later species, so the arrays above stay valid; offspring
        // appended to this store by an earlier species' sweep sit at [start, Count): move them down.
        int tail = store.Count - start;
        if (tail > 0 && kept < start)
        {
            Array.Copy(store.RawX, start, store.RawX, kept, tail);
            Array.Copy(store.RawVelocity, start, store.RawVelocity, kept, tail);
            Array.Copy(store.RawWeight, start, store.RawWeight, kept, tail);
        }
        store.Count = kept + tail;
    }

    private int AllRare(int m)
    {
        for (int i = 0; i < m; i++) _rare[i] = i;
        return m;
    }

    /// <summary>
    /// One particle of <paramref name="species"/> with weight <paramref name="weight"/> lives for the last
    /// <paramref name="duration"/> D of the step: its loss rate λ (u: d1 + β K f3_k of its current cell and
    /// velocity; v: d2; w: d3) and production rate ν (u → v: β K f3_k; v → w: k) are frozen; it produces
    /// the mass M = weight ν ∫₀^D e^{−λs} ds as ⌊M (1/ω₀) + U⌋ offspring of weight ω₀ born at one time s drawn
    /// from the density ∝ e^{−λs}, at its position and velocity at s, each then living (recursively) for
    /// D − s; it runs for D (<see cref="Fly"/>), its weight becomes weight·e^{−λD}, and below ω₀/2 it plays
    /// Russian roulette (survives if U < weight (1/ω₀)). Offspring are placed at once (kept or sent to an outbox). The draws, in this order from
    /// <paramref name="draws"/>: U of the offspring count (u and v, taken even when ν = 0, so that the flight's
    /// draw has a fixed place), the birth time if any offspring, the flights (<see cref="Fly"/>), the offspring's
    /// own draws (they continue the parent's stream), the roulette if played.
    /// </summary>
    private void Live(ref ParticleUniformStream draws, int species, ref double x, ref int k, double weight, double duration, out double w, out bool alive)
    {
        var rates = _p.Rates;
        double loss, nu = 0;
        int offspring = -1, at = -1;
        switch (species)
        {
            case 0:
                at = k * _n + LocalCell(x);
                nu = _uNu[at];
                loss = _uLoss[at];
                offspring = 1;
                break;
            case 1:
                nu = rates.K;
                loss = rates.D2;
                offspring = 2;
                break;
            default:
                loss = rates.D3;
                break;
        }
        int born = 0;
        double birth = -1;
        if (offspring >= 0)
        {
            double u = draws.Next();
            if (nu > 0)
            {
                double integral = duration != _stepDt ? Integral(loss, duration) : species == 0 ? _uIntegralDt[at] : _integralDt[species];
                double produced = weight * nu * integral;
                born = (int)Math.Floor(produced * _invNominal[offspring] + u);
                if (born > 0) birth = BirthTime(loss, duration, draws.Next());
            }
        }
        Fly(ref draws, species, ref x, ref k, duration, birth, out double xb, out int kb);
        for (int q = 0; q < born; q++)
        {
            double xo = xb;
            int ko = kb;
            Live(ref draws, offspring, ref xo, ref ko, _nominal[offspring], duration - birth, out double wo, out bool aliveOffspring);
            if (aliveOffspring) Place(offspring, xo, ko, wo, append: true);
        }
        double decay = duration != _stepDt ? Math.Exp(-loss * duration) : species == 0 ? _uDecayDt[at] : _decayDt[species];
        w = weight * decay;
        alive = true;
        double w0 = _nominal[species];
        if (w < 0.5 * w0)
        {
            if (draws.Next() < w * _invNominal[species]) w = w0;
            else alive = false;
        }
    }
    /// <summary>Sends a particle that has finished its step to the owner: kept (appended) or an outbox, with periodic wrap.</summary>
    private void Place(int species, double x, int k, double w, bool append)
    {
        int cell = CellOf(x);
        if (cell < FirstCell)
        {
            if (_periodic && x < 0) x = Wrap(x + _length);
            _left[species].Add(x, (byte)k, w);
        }
        else if (cell >= FirstCell + _n)
        {
            if (_periodic && x >= _length) x = Wrap(x - _length);
            _right[species].Add(x, (byte)k, w);
        }
        else if (append) _particles[species].Add(x, (byte)k, w);
        else throw new InvalidOperationException("Place(append: false) is only for leavers");
    }

    /// <summary>
    /// Runs one particle of <paramref name="species"/> for <paramref name="duration"/>: straight runs at
    /// ±c/ε, exponential tumbling times of rate σ/ε², new direction + with probability ½(1 + b) (b the
    /// clamped taxis bias for healthy cells, 0 otherwise), specular walls. If 0 ≤ <paramref name="captureAt"/>
    /// ≤ duration, the state at that time is returned in (<paramref name="xc"/>, <paramref name="kc"/>). Draws per
    /// flight: U of the flight time −ln U (1/rate) (ln by <see cref="FlightLog"/>), then, if it tumbles inside the step, U of the new direction.
    /// </summary>
    private void Fly(ref ParticleUniformStream draws, int species, ref double x, ref int k, double duration, double captureAt, out double xc, out int kc)
    {
        double noTumble = duration == _stepDt ? _noTumbleDt[species] : 0.0; // only the first flight starts at 0
        double speed = _runSpeed[species], rate = _tumbleRate[species], invRate = _invTumbleRate[species];
        double bias = species == 0 ? _biasScale : 0.0;
        double elapsed = 0;
        bool capture = captureAt >= 0;
        xc = x; kc = k;
        while (true)
        {
            double u = draws.Next();
            double remaining = duration - elapsed;
            // the logarithm only if the flight can end inside the step: below e^{−rate·Δt}(1 − 1e-9)
            // (a full step's first flight) or, for any flight, below (1 − rate·remaining)(1 − 1e-9) ≤ e^{−rate·remaining}
            // (1 − 0.9e-9) for rate·remaining ≤ 1, the time −ln u / rate exceeds the remaining time beyond rounding
            double tau = u < noTumble || u < (1.0 - rate * remaining) * (1.0 - 1e-9) ? double.PositiveInfinity : -FlightLog.Of(u) * invRate;
            noTumble = 0.0;
            double flight = tau < remaining ? tau : remaining;
            double velocity = k == 0 ? speed : -speed;
            if (capture && captureAt <= elapsed + flight)
            {
                xc = x + velocity * (captureAt - elapsed);
                kc = k;
                Reflect(ref xc, ref kc);
                capture = false;
            }
            x += velocity * flight;
            Reflect(ref x, ref k);
            if (tau >= remaining) return;
            elapsed += tau;
            double b = 0;
            if (bias != 0)
            {
                int local = (int)Math.Floor(x * _invDx) - FirstCell;
                local = local < -1 ? -1 : local > _n ? _n : local;
                b = bias * _gradient[local + 1];
                b = b < -1 ? -1 : b > 1 ? 1 : b;
            }
            k = draws.Next() < 0.5 * (1 + b) ? 0 : 1;
        }
    }
    private void Reflect(ref double x, ref int k)
    {
        while ((_leftWall && x < 0) || (_rightWall && x > _length))
        {
            x = x < 0 ? -x : 2 * _length - x;
            k ^= 1;
        }
    }

    /// <summary>∫₀^T e^{−a s} ds = (1 − e^{−aT})/a (T for a = 0), for either sign of a.</summary>
    private static double Integral(double a, double T) => Math.Abs(a * T) < 1e-14 ? T : -ExpM1(-a * T) / a;

    /// <summary>Inverse CDF of the density ∝ e^{−a s} on [0, T] at the uniform <paramref name="u"/>.</summary>
    private static double BirthTime(double a, double T, double u)
    {
        if (Math.Abs(a * T) < 1e-14) return u * T;
        double s = -Log1P(u * ExpM1(-a * T)) / a;
        return s < 0 ? 0 : s > T ? T : s;
    }

    /// <summary>e^z − 1 without cancellation for small |z| (Kahan's trick).</summary>
    private static double ExpM1(double z)
    {
        double u = Math.Exp(z);
        if (u == 1.0) return z;
        double um1 = u - 1.0;
        if (um1 == -1.0) return -1.0;
        return um1 * z / Math.Log(u);
    }

    /// <summary>ln(1 + z) without cancellation for small |z| (Goldberg's trick).</summary>
    private static double Log1P(double z)
    {
        double u = 1.0 + z;
        return u == 1.0 ? z : Math.Log(u) * z / (u - 1.0);
    }

    private int CellOf(double x)
    {
        int cell = (int)Math.Floor(x * _invDx);
        if (_rightWall && cell >= _grid.CellCount) cell = _grid.CellCount - 1;
        if (_leftWall && cell < 0) cell = 0;
        return cell;
    }

    private int LocalCell(double x)
    {
        int local = (int)Math.Floor(x * _invDx) - FirstCell;
        return local < 0 ? 0 : local >= _n ? _n - 1 : local;
    }

    private double Wrap(double x)
    {
        if (x >= _length) return Math.BitDecrement(_length);
        return x < 0 ? 0.0 : x;
    }

    /// <summary>Doubles needed to send the outbox of <paramref name="side"/>: three counts, then (x, velocity, weight) per particle, species by species.</summary>
    public int MigrantHaloLength(HaloSide side)
    {
        int n = S;
        for (int s = 0; s < S; s++) n += 3 * Outbox(side, s).Count;
        return n;
    }

    /// <summary>Encodes the outbox of <paramref name="side"/> (layout of <see cref="MigrantHaloLength"/>).</summary>
    public void ExtractMigrants(HaloSide side, Span<double> buffer)
    {
        if (buffer.Length < MigrantHaloLength(side)) throw new ArgumentException("migrant buffer too short", nameof(buffer));
        int o = S;
        for (int s = 0; s < S; s++)
        {
            var box = Outbox(side, s);
            buffer[s] = box.Count;
            var xs = box.X; var vs = box.Velocity; var ws = box.Weight;
            for (int q = 0; q < box.Count; q++) { buffer[o++] = xs[q]; buffer[o++] = vs[q]; buffer[o++] = ws[q]; }
        }
    }

    /// <summary>Appends the particles encoded by a neighbour's <see cref="ExtractMigrants"/> (call for the left neighbour first, then the right).</summary>
    public void AcceptMigrants(ReadOnlySpan<double> buffer)
    {
        if (buffer.Length < S) throw new ArgumentException("migrant buffer too short", nameof(buffer));
        int o = S;
        for (int s = 0; s < S; s++)
        {
            double c = buffer[s];
            if (!(c >= 0) || c != Math.Floor(c) || o + 3 * c > buffer.Length) throw new ArgumentException("malformed migrant buffer", nameof(buffer));
            var store = _particles[s];
            store.EnsureCapacity(store.Count + (int)c);
            double m = _mass[s];
            for (int q = 0; q < (int)c; q++, o += 3) { store.Add(buffer[o], (byte)buffer[o + 1], buffer[o + 2]); m += buffer[o + 2]; }
            _mass[s] = m;
        }
        _deposited = false;
    }

    /// <summary>
    /// Number of doubles of the slab's state for checkpoints (it varies with the particle counts): per species the
    /// count, then x, velocity index and weight of every owned particle, in storage order.
    /// </summary>
    public int StateLength
    {
        get
        {
            int n = 0;
            for (int s = 0; s < S; s++) n += 1 + 3 * _particles[s].Count;
            return n;
        }
    }

    /// <summary>
    /// Copies the owned particles into <paramref name="state"/> (layout of <see cref="StateLength"/>). Taken between
    /// steps, after the migrants of the last step were accepted; outboxes and deposits are not part of the state.
    /// </summary>
    public void SaveState(Span<double> state)
    {
        if (state.Length != StateLength) throw new ArgumentException("wrong state length", nameof(state));
        int o = 0;
        for (int s = 0; s < S; s++)
        {
            var store = _particles[s];
            int c = store.Count;
            state[o++] = c;
            store.X.CopyTo(state.Slice(o, c)); o += c;
            var v = store.Velocity;
            for (int q = 0; q < c; q++) state[o + q] = v[q];
            o += c;
            store.Weight.CopyTo(state.Slice(o, c)); o += c;
        }
    }

    /// <summary>Replaces the owned particles by a state written by <see cref="SaveState"/>; the outboxes are emptied (their migrants were already accepted when the state was saved).</summary>
    public void LoadState(ReadOnlySpan<double> state)
    {
        int o = 0;
        for (int s = 0; s < S; s++)
        {
            if (o >= state.Length) throw new ArgumentException("state too short", nameof(state));
            double cd = state[o++];
            if (!(cd >= 0) || cd != Math.Floor(cd) || o + 3 * cd > state.Length) throw new ArgumentException("malformed particle state", nameof(state));
            int c = (int)cd;
            var store = _particles[s];
            store.Clear();
            store.EnsureCapacity(c);
            for (int q = 0; q < c; q++) store.Add(state[o + q], (byte)state[o + c + q], state[o + 2 * c + q]);
            o += 3 * c;
            _left[s].Clear(); _right[s].Clear();
        }
        if (o != state.Length) throw new ArgumentException("state too long", nameof(state));
        _deposited = false;
        _massValid = false;
        _leftGhost = _rightGhost = false;
    }

    /// <summary>Appends the outboxes of <paramref name="side"/> of a neighbouring slab (the sequential driver's direct path; same order as <see cref="AcceptMigrants"/>).</summary>
    public void AcceptFrom(VirusParticleSubdomain1D neighbour, HaloSide side)
    {
        for (int s = 0; s < S; s++)
        {
            var box = neighbour.Outbox(side, s);
            double m = _mass[s];
            foreach (double w in box.Weight) m += w;
            _mass[s] = m;
            _particles[s].AppendFrom(box);
        }
        _deposited = false;
    }
}
