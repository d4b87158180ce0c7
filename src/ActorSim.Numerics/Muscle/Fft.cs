namespace ActorSim.Numerics.Muscle;

/// <summary>
/// In-place iterative radix-2 complex FFT on split (re, im) arrays, with precomputed twiddles.
/// Deterministic (fixed operation order), allocation-free after construction. Forward uses e^{-2 pi i jk/n};
/// the inverse is unscaled (divide by n yourself).
/// </summary>
public sealed class Fft
{
    private readonly double[] _cos, _sin;
    private readonly int[] _rev;

    /// <param name="length">Transform length, a power of two &gt;= 1.</param>
    public Fft(int length)
    {
        if (length < 1 || (length & (length - 1)) != 0) throw new ArgumentException("length must be a power of two", nameof(length));
        Length = length;
        _cos = new double[Math.Max(1, length / 2)];
        _sin = new double[Math.Max(1, length / 2)];
        for (int k = 0; k < length / 2; k++)
        {
            double a = -2.0 * Math.PI * k / length;
            _cos[k] = Math.Cos(a); _sin[k] = Math.Sin(a);
        }
        _rev = new int[length];
        int bits = 0;
        while ((1 << bits) < length) bits++;
        for (int i = 0; i < length; i++)
        {
            int r = 0;
            for (int b = 0; b < bits; b++) if ((i & (1 << b)) != 0) r |= 1 << (bits - 1 - b);
            _rev[i] = r;
        }
    }

    public int Length { get; }

    /// <summary>Transforms (re, im) in place; <paramref name="inverse"/> uses e^{+2 pi i jk/n} (no 1/n).</summary>
    public void Transform(Span<double> re, Span<double> im, bool inverse)
    {
        int n = Length;
        for (int i = 0; i < n; i++)
        {
            int j = _rev[i];
            if (j > i) { (re[i], re[j]) = (re[j], re[i]); (im[i], im[j]) = (im[j], im[i]); }
        }
        double sgn = inverse ? -1.0 : 1.0;
        for (int size = 2; size <= n; size <<= 1)
        {
            int half = size >> 1, step = n / size;
            for (int start = 0; start < n; start += size)
            {
                for (int k = 0; k < half; k++)
                {
                    double wr = _cos[k * step], wi = sgn * _sin[k * step];
                    int a = start + k, b = a + half;
                    double tr = wr * re[b] - wi * im[b];
                    double ti = wr * im[b] + wi * re[b];
                    re[b] = re[a] - tr; im[b] = im[a] - ti;
                    re[a] += tr; im[a] += ti;
                }
            }
        }
    }
}
