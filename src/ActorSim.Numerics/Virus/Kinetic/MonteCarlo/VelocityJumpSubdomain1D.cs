using ActorSim.Numerics.Random;

namespace ActorSim.Numerics.Virus.Kinetic.MonteCarlo;

/// <summary>
/// The particles of one slab [FirstCell, FirstCell + CellCount) of the grid for the Monte Carlo
/// velocity-jump process. Per step: <see cref="Move"/> advances every particle exactly over Δt
/// (exponential tumbling times, straight runs, specular walls) using the stream
/// CounterRandom(seed, block, step), draws consumed particle by particle in storage order; particles
/// that end outside the slab are moved, in their storage order, into <see cref="LeftOutbox"/> or
/// <see cref="RightOutbox"/> (positions wrapped across a periodic boundary). Then each slab appends
/// what its neighbours sent (<see cref="Accept"/>): first the left neighbour's right outbox, then the
/// right neighbour's left outbox. Results therefore depend only on the seed and the slab count.
/// A step may move a particle at most one cell (Δt ≤ ε Δx / c), so the taxis field needs one ghost
/// cell per side and particles only ever migrate to an adjacent slab.
/// </summary>
public sealed class VelocityJumpSubdomain1D
{
    private readonly KineticGrid1D _grid;
    private readonly VelocityJumpProcess1D _process;
    private readonly int _n;
    private readonly double[] _gradient; // ∂x s per cell, index i+1 = owned cell i, 0 and n+1 ghosts

    /// <summary>Creates an empty slab.</summary>
    public VelocityJumpSubdomain1D(KineticGrid1D grid, VelocityJumpProcess1D process, int blockIndex, int firstCell, int cellCount)
    {
        ArgumentNullException.ThrowIfNull(grid);
        if (cellCount < 1 || firstCell < 0 || firstCell + cellCount > grid.CellCount) throw new ArgumentOutOfRangeException(nameof(cellCount));
        if (!(process.Speed > 0) || !(process.TurningRate > 0) || !(process.Epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(process), "speed, turning rate and epsilon must be positive");
        _grid = grid; _process = process; BlockIndex = blockIndex; FirstCell = firstCell; _n = cellCount;
        _gradient = new double[cellCount + 2];
    }

    /// <summary>Index of this slab (its random stream and its rank in reductions).</summary>
    public int BlockIndex { get; }

    /// <summary>Global index of the first owned cell.</summary>
    public int FirstCell { get; }

    /// <summary>Number of owned cells.</summary>
    public int CellCount => _n;

    /// <summary>Particles currently owned.</summary>
    public ParticleStore1D Particles { get; } = new();

    /// <summary>Particles that left through x = FirstCell Δx during the last <see cref="Move"/>.</summary>
    public ParticleStore1D LeftOutbox { get; } = new();

    /// <summary>Particles that left through x = (FirstCell + CellCount) Δx during the last <see cref="Move"/>.</summary>
    public ParticleStore1D RightOutbox { get; } = new();

    /// <summary>
    /// The taxis gradient ∂x s (density per length²) per cell, with one ghost per side: element i+1 is
    /// owned cell i, element 0 the cell left of the slab, element CellCount+1 the cell right of it.
    /// Written by the owner of the field (e.g. after a halo exchange); zero means no taxis.
    /// </summary>
    public Span<double> TaxisGradient => _gradient;

    private bool LeftWall => _grid.Boundary == KineticBoundary.Reflecting && FirstCell == 0;
    private bool RightWall => _grid.Boundary == KineticBoundary.Reflecting && FirstCell + _n == _grid.CellCount;

    /// <summary>Largest admissible step: one cell per step, ε Δx / c.</summary>
    public double MaxTimeStep => _grid.Dx / _process.RunSpeed;

    /// <summary>
    /// Advances every owned particle over <paramref name="dt"/> with the stream (seed, BlockIndex, step)
    /// and sorts the leavers into the outboxes (which are cleared first). Allocation-free.
    /// </summary>
    public void Move(ulong seed, ulong step, double dt)
    {
        if (!(dt > 0) || dt > MaxTimeStep * (1 + 1e-12)) throw new ArgumentOutOfRangeException(nameof(dt), dt, "need 0 < dt ≤ ε Δx / c");
        LeftOutbox.Clear(); RightOutbox.Clear();
        var rng = new CounterRandom(seed, (uint)BlockIndex, step);
        double speed = _process.RunSpeed, rate = _process.TumbleRate;
        double biasScale = _process.Epsilon * _process.TaxisBias * _process.Speed;
        double decay = _process.DecayRate == 0 ? 1.0 : Math.Exp(-_process.DecayRate * dt);
        double length = _grid.Length, invDx = 1.0 / _grid.Dx;
        bool leftWall = LeftWall, rightWall = RightWall, periodic = _grid.Boundary == KineticBoundary.Periodic;
        int first = FirstCell, last = FirstCell + _n;
        var store = Particles;
        double[] xs = store.RawX, ws = store.RawWeight;
        byte[] vs = store.RawVelocity;
        int count = store.Count, kept = 0;
        for (int p = 0; p < count; p++)
        {
            double x = xs[p];
            int k = vs[p];
            double remaining = dt;
            while (true)
            {
                double tau = rng.NextExponential(rate);
                double flight = tau < remaining ? tau : remaining;
                x += (k == 0 ? speed : -speed) * flight;
                while ((leftWall && x < 0) || (rightWall && x > length))
                {
                    x = x < 0 ? -x : 2 * length - x;
                    k ^= 1;
                }
                if (tau >= remaining) break;
                remaining -= tau;
                double b = 0;
                if (biasScale != 0)
                {
                    int local = (int)Math.Floor(x * invDx) - first;
                    local = local < -1 ? -1 : local > _n ? _n : local;
                    b = biasScale * _gradient[local + 1];
                    b = b < -1 ? -1 : b > 1 ? 1 : b;
                }
                k = rng.NextDouble() < 0.5 * (1 + b) ? 0 : 1;
            }
            double w = ws[p] * decay;
            int cell = (int)Math.Floor(x * invDx);
            if (rightWall && cell >= last) cell = last - 1;
            if (leftWall && cell < first) cell = first;
            if (cell < first)
            {
                if (periodic && x < 0) x = Wrap(x + length, length);
                LeftOutbox.Add(x, (byte)k, w);
            }
            else if (cell >= last)
            {
                if (periodic && x >= length) x = Wrap(x - length, length);
                RightOutbox.Add(x, (byte)k, w);
            }
            else
            {
                xs[kept] = x; vs[kept] = (byte)k; ws[kept] = w;
                kept++;
            }
        }
        store.Count = kept;
    }

    private static double Wrap(double x, double length)
    {
        if (x >= length) return Math.BitDecrement(length);
        return x < 0 ? 0.0 : x;
    }

    /// <summary>Appends the particles of one neighbour's outbox (call left neighbour first, then right).</summary>
    public void Accept(ParticleStore1D incoming) => Particles.AppendFrom(incoming);

    /// <summary>
    /// Writes the particle density (weight per length) of the owned cells into <paramref name="density"/>
    /// (CellCount entries), summing weights in storage order.
    /// </summary>
    public void DepositDensity(Span<double> density)
    {
        if (density.Length != _n) throw new ArgumentException("need one value per owned cell", nameof(density));
        density.Clear();
        double invDx = 1.0 / _grid.Dx;
        var xs = Particles.X; var ws = Particles.Weight;
        for (int p = 0; p < xs.Length; p++)
        {
            int local = (int)Math.Floor(xs[p] * invDx) - FirstCell;
            local = local < 0 ? 0 : local >= _n ? _n - 1 : local;
            density[local] += ws[p];
        }
        for (int i = 0; i < _n; i++) density[i] *= invDx;
    }

    /// <summary>Total weight of the owned particles, summed in storage order.</summary>
    public double PartialMass()
    {
        double m = 0;
        foreach (var w in Particles.Weight) m += w;
        return m;
    }
}
