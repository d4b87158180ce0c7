namespace ActorSim.Numerics.Virus.Kinetic.MonteCarlo;

/// <summary>
/// Structure-of-arrays particle storage: position x (length), velocity index (0 = +c, 1 = −c) and
/// weight (mass carried). Capacity grows by doubling, so appends are amortised allocation-free.
/// </summary>
public sealed class ParticleStore1D
{
    private double[] _x, _w;
    private byte[] _v;

    /// <summary>Creates an empty store with the given initial capacity.</summary>
    public ParticleStore1D(int capacity = 16)
    {
        capacity = Math.Max(capacity, 1);
        _x = new double[capacity]; _w = new double[capacity]; _v = new byte[capacity];
    }

    /// <summary>Number of particles stored.</summary>
    public int Count { get; internal set; }

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
    public void AppendFrom(ParticleStore1D other)
    {
        int n = other.Count;
        EnsureCapacity(Count + n);
        Array.Copy(other._x, 0, _x, Count, n);
        Array.Copy(other._v, 0, _v, Count, n);
        Array.Copy(other._w, 0, _w, Count, n);
        Count += n;
    }
}
