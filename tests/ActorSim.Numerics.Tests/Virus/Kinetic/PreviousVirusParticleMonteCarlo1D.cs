using ActorSim.Numerics.Random;
using ActorSim.Numerics.Virus.Kinetic;
using ActorSim.Numerics.Virus.Kinetic.MonteCarlo;

namespace ActorSim.Numerics.Tests.Virus.Kinetic;

// A frozen copy of the Monte Carlo slab, its particle store and its sequential driver as they were after the first
// issue-14 pass and before the per-particle 32-bit streams (commit efc999c: CounterRandom(seed, block, step) words
// consumed in one chain over all particles), kept so that the bench (particle-kernels, which links this file) can
// time the previous kernel against the current one in the same run, and so that tests can compare the statistics
// of the two streams. Not used by the product.


/// <summary>
/// Structure-of-arrays particle storage: position x (length), velocity index (0 = +c, 1 = −c) and
/// weight (mass carried). Capacity grows by doubling, so appends are amortised allocation-free.
/// </summary>
internal sealed class PreviousParticleStore1D
{
    private double[] _x, _w;
    private byte[] _v;

    /// <summary>Creates an empty store with the given initial capacity.</summary>
    public PreviousParticleStore1D(int capacity = 16)
    {
        capacity = Math.Max(capacity, 1);
        _x = new double[capacity]; _w = new double[capacity]; _v = new byte[capacity];
    }

    /// <summary>Number of particles stored.</summary>
    public int Count { get; set; }

    /// <summary>Positions of the stored particles.</summary>
    public Span<double> X => _x.AsSpan(0, Count);

    /// <summary>Velocity indices of the stored particles.</summary>
    public Span<byte> Velocity => _v.AsSpan(0, Count);

    /// <summary>Weights of the stored particles.</summary>
    public Span<double> Weight => _w.AsSpan(0, Count);

    internal double[] RawX => _x;
    internal byte[] RawVelocity => _v;
    internal double[] RawWeight => _w;

    /// <summary>Removes all particles (keeps the capacity).</summary>
    public void Clear() => Count = 0;

    /// <summary>Makes room for at least <paramref name="capacity"/> particles.</summary>
    public void EnsureCapacity(int capacity)
    {
        if (capacity <= _x.Length) return;
        int n = Math.Max(capacity, 2 * _x.Length);
        Array.Resize(ref _x, n); Array.Resize(ref _w, n); Array.Resize(ref _v, n);
    }

    /// <summary>Appends one particle.</summary>
    public void Add(double x, byte velocity, double weight)
    {
        if (Count == _x.Length) EnsureCapacity(Count + 1);
        _x[Count] = x; _v[Count] = velocity; _w[Count] = weight;
        Count++;
    }

    /// <summary>Appends all particles of <paramref name="other"/> in their stored order.</summary>
    public void AppendFrom(PreviousParticleStore1D other)
    {
        int n = other.Count;
        EnsureCapacity(Count + n);
        Array.Copy(other._x, 0, _x, Count, n);
        Array.Copy(other._v, 0, _v, Count, n);
        Array.Copy(other._w, 0, _w, Count, n);
        Count += n;
    }
}


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
/// <see cref="ReactAndMove"/> with the stream CounterRandom(seed, block, step), draws consumed in a fixed
/// order (u particles, v particles, w particles in storage order, each followed by its offspring and
/// theirs, then the source births cell by cell); leavers go, in that order, to the per-species outboxes; then each slab
/// appends the left neighbour's right outbox and then the right neighbour's left outbox
/// (<see cref="AcceptFrom"/>, or <see cref="ExtractMigrants"/>/<see cref="AcceptMigrants"/> through a
/// halo buffer). Results depend only on the seed and the number of slabs. Nothing is allocated per
/// particle: stores grow by doubling.</para>
/// </summary>
internal sealed class PreviousVirusParticleSubdomain1D
{
    private const int S = KineticVirusParameters.SpeciesCount, K = 2;
    private readonly KineticGrid1D _grid;
    private readonly KineticVirusParameters _p;
    private readonly int _n;
    private readonly double _dx, _invDx, _length, _biasScale;
    private readonly double[] _runSpeed = new double[S], _tumbleRate = new double[S], _nominal = new double[S];
    private readonly PreviousParticleStore1D[] _particles = new PreviousParticleStore1D[S], _left = new PreviousParticleStore1D[S], _right = new PreviousParticleStore1D[S];
    private readonly double[][] _density;          // [s][n], per length
    private readonly double[][] _virusByVelocity;  // [k][n], f3_k per length
    private readonly double[] _vExt;               // v density, index i+2 = owned cell i; two ghosts per side
    private readonly double[] _gradient;           // ∂x v, index i+1 = owned cell i, i = −1..n
    private readonly bool _leftWall, _rightWall, _periodic;
    private bool _deposited, _leftGhost, _rightGhost;
    // issue 14: the step's stream generated ahead; per-step tables of the full-step factors (the same expressions the
    // per-particle path evaluates, so the same bits); running partial masses kept by the step and the accept methods
    private readonly BufferedCounterRandom _rng = new();
    private double _stepDt = double.NaN;
    private readonly double[] _decayDt = new double[S], _integralDt = new double[S], _noTumbleDt = new double[S];
    private readonly double[][] _uNu, _uLoss, _uDecayDt, _uIntegralDt; // [k][local cell]
    private readonly double[] _mass = new double[S], _keptMass = new double[S];
    private readonly int[] _kept = new int[S];
    private bool _massValid;

    /// <summary>
    /// Creates an empty slab. <paramref name="nominalWeights"/> holds ω₀ of u, v, w: the weight of newborn
    /// particles and the roulette scale (choose total mass / target particle count per species).
    /// </summary>
    public PreviousVirusParticleSubdomain1D(KineticGrid1D grid, KineticVirusParameters parameters, double epsilon, ReadOnlySpan<double> nominalWeights,
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
            _particles[s] = new PreviousParticleStore1D(); _left[s] = new PreviousParticleStore1D(); _right[s] = new PreviousParticleStore1D();
        }
        _biasScale = epsilon * parameters.TaxisBias(1) * parameters.Healthy.Speed;
        _density = new double[S][];
        for (int s = 0; s < S; s++) _density[s] = new double[_n];
        _virusByVelocity = [new double[_n], new double[_n]];
        _vExt = new double[_n + 4];
        _uNu = [new double[_n], new double[_n]]; _uLoss = [new double[_n], new double[_n]];
        _uDecayDt = [new double[_n], new double[_n]]; _uIntegralDt = [new double[_n], new double[_n]];
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

    /// <summary>Nominal particle weight ω₀ of a species.</summary>
    public double NominalWeight(int species) => _nominal[species];

    /// <summary>The particles of one species currently owned.</summary>
    public PreviousParticleStore1D Particles(int species) => _particles[species];

    /// <summary>Particles of one species that left through <paramref name="side"/> during the last <see cref="ReactAndMove"/>.</summary>
    public PreviousParticleStore1D Outbox(HaloSide side, int species) => side == HaloSide.Left ? _left[species] : _right[species];

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
    /// Reactions and transport of one step (see the class summary) with the stream CounterRandom(seed,
    /// BlockIndex, step). Needs a fresh <see cref="Deposit"/> and both density ghosts; clears and refills the outboxes.
    /// </summary>
    public void ReactAndMove(ulong seed, ulong step, double dt)
    {
        if (!_deposited || !_leftGhost || !_rightGhost) throw new InvalidOperationException("deposit and apply both density halos before each step");
        if (!(dt > 0) || dt > MaxTimeStep * (1 + 1e-12)) throw new ArgumentOutOfRangeException(nameof(dt), dt, $"need 0 < dt <= eps dx / max c = {MaxTimeStep:G6}");
        for (int i = -1; i <= _n; i++) _gradient[i + 1] = (_vExt[i + 3] - _vExt[i + 1]) * (0.5 * _invDx);
        for (int s = 0; s < S; s++) { _left[s].Clear(); _right[s].Clear(); }
        var rng = _rng;
        rng.Reset(seed, (uint)BlockIndex, step);
        PrepareStep(dt);
        int startV = _particles[1].Count, startW = _particles[2].Count;
        Sweep(rng, 0, dt, _particles[0].Count);
        Sweep(rng, 1, dt, startV);
        Sweep(rng, 2, dt, startW);
        // source r of healthy cells: mass r Δx Δt per cell produced uniformly in time, space and velocity
        double r = _p.Rates.R;
        if (r > 0)
        {
            double produced = r * _dx * dt / _nominal[0];
            for (int i = 0; i < _n; i++)
            {
                int births = (int)Math.Floor(produced + rng.NextDouble());
                for (int q = 0; q < births; q++)
                {
                    double birth = rng.NextDouble() * dt;
                    double x = (FirstCell + i + rng.NextDouble()) * _dx;
                    int k = (int)(rng.NextUInt32() & 1);
                    Live(rng, 0, ref x, ref k, _nominal[0], dt - birth, out double w, out bool alive);
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
    /// the infection rate ν = β K f3_k, λ = d1 + ν and both factors for u, and the no-tumble thresholds
    /// e^{−σΔt/ε²}(1 − 1e-9): a uniform below it gives a flight time −ln U / rate above Δt with a margin far beyond
    /// the rounding of the logarithm, so its logarithm is not needed.
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
        }
        for (int k = 0; k < K; k++)
            for (int i = 0; i < _n; i++)
            {
                double nu = rates.Beta * K * _virusByVelocity[k][i];
                double loss = rates.D1 + nu;
                _uNu[k][i] = nu; _uLoss[k][i] = loss;
                _uDecayDt[k][i] = Math.Exp(-loss * dt);
                _uIntegralDt[k][i] = Integral(loss, dt);
            }
    }

    /// <summary>
    /// The particles [0, start) of one species live through the step (<see cref="Live"/>); survivors stay in
    /// place (compacted) or leave through an outbox. Particles appended beyond <paramref name="start"/>
    /// (offspring of an earlier species, already complete) are moved behind the survivors.
    /// </summary>
    private void Sweep(BufferedCounterRandom rng, int species, double dt, int start)
    {
        var store = _particles[species];
        double[] xs = store.RawX, ws = store.RawWeight;
        byte[] vs = store.RawVelocity;
        int kept = 0;
        double mass = 0;
        for (int p = 0; p < start; p++)
        {
            double x = xs[p];
            int k = vs[p];
            Live(rng, species, ref x, ref k, ws[p], dt, out double w, out bool alive);
            if (!alive) continue;
            int cell = CellOf(x);
            if (cell >= FirstCell && cell < FirstCell + _n)
            {
                xs[kept] = x; vs[kept] = (byte)k; ws[kept] = w;
                kept++;
                mass += w;
            }
            else Place(species, x, k, w, append: false);
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

    /// <summary>
    /// One particle of <paramref name="species"/> with weight <paramref name="weight"/> lives for the last
    /// <paramref name="duration"/> D of the step: its loss rate λ (u: d1 + β K f3_k of its current cell and
    /// velocity; v: d2; w: d3) and production rate ν (u → v: β K f3_k; v → w: k) are frozen; it produces
    /// the mass M = weight ν ∫₀^D e^{−λs} ds as ⌊M/ω₀ + U⌋ offspring of weight ω₀ born at one time s drawn
    /// from the density ∝ e^{−λs}, at its position and velocity at s, each then living (recursively) for
    /// D − s; it runs for D (<see cref="Fly"/>), its weight becomes weight·e^{−λD}, and below ω₀/2 it plays
    /// Russian roulette. Offspring are placed at once (kept or sent to an outbox).
    /// </summary>
    private void Live(BufferedCounterRandom rng, int species, ref double x, ref int k, double weight, double duration, out double w, out bool alive)
    {
        var rates = _p.Rates;
        double loss, nu = 0;
        int offspring = -1, local = -1;
        switch (species)
        {
            case 0:
                local = LocalCell(x);
                nu = _uNu[k][local];
                loss = _uLoss[k][local];
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
        if (nu > 0)
        {
            double integral = duration != _stepDt ? Integral(loss, duration) : species == 0 ? _uIntegralDt[k][local] : _integralDt[species];
            double produced = weight * nu * integral;
            born = (int)Math.Floor(produced / _nominal[offspring] + rng.NextDouble());
            if (born > 0) birth = BirthTime(loss, duration, rng.NextDouble());
        }
        int k0 = k;
        Fly(rng, species, ref x, ref k, duration, birth, out double xb, out int kb);
        for (int q = 0; q < born; q++)
        {
            double xo = xb;
            int ko = kb;
            Live(rng, offspring, ref xo, ref ko, _nominal[offspring], duration - birth, out double wo, out bool aliveOffspring);
            if (aliveOffspring) Place(offspring, xo, ko, wo, append: true);
        }
        double decay = duration != _stepDt ? Math.Exp(-loss * duration) : species == 0 ? _uDecayDt[k0][local] : _decayDt[species];
        w = weight * decay;
        alive = true;
        double w0 = _nominal[species];
        if (w < 0.5 * w0)
        {
            if (rng.NextDouble() < w / w0) w = w0;
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
    /// ≤ duration, the state at that time is returned in (<paramref name="xc"/>, <paramref name="kc"/>).
    /// </summary>
    private void Fly(BufferedCounterRandom rng, int species, ref double x, ref int k, double duration, double captureAt, out double xc, out int kc)
    {
        double noTumble = duration == _stepDt ? _noTumbleDt[species] : 0.0; // only the first flight starts at 0
        double speed = _runSpeed[species], rate = _tumbleRate[species];
        double bias = species == 0 ? _biasScale : 0.0;
        double elapsed = 0;
        bool capture = captureAt >= 0;
        xc = x; kc = k;
        while (true)
        {
            double u = rng.NextDoubleOpenZero();
            double remaining = duration - elapsed;
            // NextExponential, its logarithm only if the flight can end inside the step: below e^{−rate·Δt}(1 − 1e-9)
            // (a full step's first flight) or, for any flight, below (1 − rate·remaining)(1 − 1e-9) ≤ e^{−rate·remaining}
            // (1 − 0.9e-9) for rate·remaining ≤ 1, the time −ln u / rate exceeds the remaining time beyond rounding
            double tau = u < noTumble || u < (1.0 - rate * remaining) * (1.0 - 1e-9) ? double.PositiveInfinity : -Math.Log(u) / rate;
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
            k = rng.NextDouble() < 0.5 * (1 + b) ? 0 : 1;
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
    public void AcceptFrom(PreviousVirusParticleSubdomain1D neighbour, HaloSide side)
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


/// <summary>
/// Sequential driver of the slab-decomposed three-population Monte Carlo model
/// (<see cref="PreviousVirusParticleSubdomain1D"/>). Step n (n = 0, 1, …): every slab deposits; v-density halos
/// (two cells per side) are exchanged, or mirrored at walls; every slab reacts and moves with the stream
/// CounterRandom(seed, block, n); every slab appends the left neighbour's right outbox, then the right
/// neighbour's left outbox. The reference a subdomain-actor run reproduces bit for bit; results depend
/// only on the seed and the number of slabs.
/// </summary>
internal sealed class PreviousVirusParticleMonteCarlo1D
{
    private const int S = KineticVirusParameters.SpeciesCount;
    private readonly PreviousVirusParticleSubdomain1D[] _blocks;
    private readonly double[][] _leftOut, _rightOut;

    /// <summary>Creates the simulation with <paramref name="blockCount"/> empty slabs.</summary>
    public PreviousVirusParticleMonteCarlo1D(KineticGrid1D grid, KineticVirusParameters parameters, double epsilon, ReadOnlySpan<double> nominalWeights, int blockCount, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(grid);
        Grid = grid; Parameters = parameters; Epsilon = epsilon; Seed = seed;
        _blocks = new PreviousVirusParticleSubdomain1D[blockCount];
        _leftOut = new double[blockCount][]; _rightOut = new double[blockCount][];
        for (int b = 0; b < blockCount; b++)
        {
            int a = grid.SlabStart(b, blockCount), e = grid.SlabStart(b + 1, blockCount);
            _blocks[b] = new PreviousVirusParticleSubdomain1D(grid, parameters, epsilon, nominalWeights, b, a, e - a);
            _leftOut[b] = new double[2]; _rightOut[b] = new double[2];
        }
    }

    public KineticGrid1D Grid { get; }
    public KineticVirusParameters Parameters { get; }
    public double Epsilon { get; }
    public ulong Seed { get; }

    /// <summary>The slabs in block order.</summary>
    public IReadOnlyList<PreviousVirusParticleSubdomain1D> Subdomains => _blocks;

    /// <summary>Number of steps taken; the next step uses this number as its stream key.</summary>
    public long StepCount { get; private set; }

    /// <summary>Macroscopic time reached.</summary>
    public double Time { get; private set; }

    /// <summary>Largest admissible step ε Δx / max c_i.</summary>
    public double MaxTimeStep => _blocks[0].MaxTimeStep;

    /// <summary>Samples every species from cell densities on the whole grid (N values each), as the slabs' <see cref="PreviousVirusParticleSubdomain1D.SampleCells"/>.</summary>
    public void SampleCells(int species, ReadOnlySpan<double> density)
    {
        if (density.Length != Grid.CellCount) throw new ArgumentException("need one value per cell", nameof(density));
        foreach (var b in _blocks) b.SampleCells(species, density.Slice(b.FirstCell, b.CellCount), Seed);
    }

    /// <summary>
    /// Samples <paramref name="count"/> particles of one species, each of weight totalMass/count, positions
    /// i.i.d. from the density <paramref name="density"/> on [0, L) by rejection under
    /// <paramref name="densityBound"/>, velocities uniform; stream CounterRandom(seed,
    /// <see cref="PreviousVirusParticleSubdomain1D.InitializationBlock"/> − 3 − species, 0). Independent of the slab count.
    /// </summary>
    public void SampleDensity(int species, int count, double totalMass, Func<double, double> density, double densityBound)
    {
        ArgumentNullException.ThrowIfNull(density);
        if (count < 1 || !(totalMass > 0) || !(densityBound > 0)) throw new ArgumentOutOfRangeException(nameof(count));
        var rng = new CounterRandom(Seed, PreviousVirusParticleSubdomain1D.InitializationBlock - 3 - (uint)species, 0);
        double w = totalMass / count, length = Grid.Length;
        for (int p = 0; p < count; p++)
        {
            double x;
            do x = rng.NextDouble() * length;
            while (rng.NextDouble() * densityBound >= density(x));
            Add(species, x, (byte)(rng.NextUInt32() & 1), w);
        }
    }

    /// <summary>Adds one particle to the slab that owns its cell.</summary>
    public void Add(int species, double x, byte velocity, double weight)
    {
        if (!(x >= 0 && x < Grid.Length) && !(x == Grid.Length && Grid.Boundary == KineticBoundary.Reflecting))
            throw new ArgumentOutOfRangeException(nameof(x), x, "position outside the domain");
        int cell = Math.Min((int)Math.Floor(x / Grid.Dx), Grid.CellCount - 1);
        int b = _blocks.Length - 1;
        while (_blocks[b].FirstCell > cell) b--;
        _blocks[b].Add(species, x, velocity, weight);
    }

    /// <summary>One step of length <paramref name="dt"/> (see the class summary).</summary>
    public void Step(double dt)
    {
        int n = _blocks.Length;
        bool periodic = Grid.Boundary == KineticBoundary.Periodic;
        for (int b = 0; b < n; b++)
        {
            _blocks[b].Deposit();
            _blocks[b].ExtractDensityHalo(HaloSide.Left, _leftOut[b]);
            _blocks[b].ExtractDensityHalo(HaloSide.Right, _rightOut[b]);
        }
        for (int b = 0; b < n; b++)
        {
            if (periodic || b > 0) _blocks[b].ApplyDensityHalo(HaloSide.Left, _rightOut[(b - 1 + n) % n]);
            else _blocks[b].ApplyDensityWall(HaloSide.Left);
            if (periodic || b < n - 1) _blocks[b].ApplyDensityHalo(HaloSide.Right, _leftOut[(b + 1) % n]);
            else _blocks[b].ApplyDensityWall(HaloSide.Right);
        }
        foreach (var b in _blocks) b.ReactAndMove(Seed, (ulong)StepCount, dt);
        for (int b = 0; b < n; b++)
        {
            if (periodic || b > 0) _blocks[b].AcceptFrom(_blocks[(b - 1 + n) % n], HaloSide.Right);
            if (periodic || b < n - 1) _blocks[b].AcceptFrom(_blocks[(b + 1) % n], HaloSide.Left);
        }
        StepCount++;
        Time += dt;
    }

    /// <summary>Advances by <paramref name="duration"/> in ⌈duration / MaxTimeStep⌉ equal steps; returns the step count.</summary>
    public int Advance(double duration)
    {
        int steps = (int)Math.Ceiling(duration / MaxTimeStep * (1 - 1e-12));
        double dt = duration / steps;
        for (int s = 0; s < steps; s++) Step(dt);
        return steps;
    }

    /// <summary>Deposited density (weight per length) of one species on the whole grid.</summary>
    public double[] Density(int species)
    {
        var d = new double[Grid.CellCount];
        foreach (var b in _blocks)
        {
            b.Deposit();
            b.Density(species).CopyTo(d.AsSpan(b.FirstCell, b.CellCount));
        }
        return d;
    }

    /// <summary>Total weight of one species: the slabs' partial masses added in block order.</summary>
    public double TotalMass(int species)
    {
        double m = 0;
        foreach (var b in _blocks) m += b.PartialMass(species);
        return m;
    }

    /// <summary>Number of particles of one species over all slabs.</summary>
    public int ParticleCount(int species)
    {
        int c = 0;
        foreach (var b in _blocks) c += b.ParticleCount(species);
        return c;
    }
}
