namespace ActorSim.Numerics.Muscle;

/// <summary>
/// Direct O(N^2) interaction: k(x) = (1/N) sum_j grad V(X_j - x), summed over j in global index order
/// (so the result does not depend on the block count). Load the stage positions of all blocks with
/// <see cref="Load"/>, then query.
/// </summary>
public sealed class DirectSumField : IInteractionField
{
    private readonly IPairPotential _v;
    private readonly double[][] _pos;

    public DirectSumField(IPairPotential potential, int nx, int particleCount)
    {
        _v = potential;
        Nx = nx; Count = particleCount;
        _pos = new double[nx][];
        for (int c = 0; c < nx; c++) _pos[c] = new double[particleCount];
    }

    public int Nx { get; }
    public int Count { get; }

    /// <summary>Copies the current positions of all blocks into global order.</summary>
    public void Load(IReadOnlyList<ParticleBlock> blocks)
    {
        foreach (var b in blocks)
            for (int c = 0; c < Nx; c++) b.Position(c).CopyTo(_pos[c].AsSpan((int)b.FirstParticle, b.Count));
    }

    /// <summary>Sets the positions directly (component arrays of length N).</summary>
    public void Load(IReadOnlyList<double[]> positions)
    {
        for (int c = 0; c < Nx; c++) positions[c].AsSpan(0, Count).CopyTo(_pos[c]);
    }

    public void AddForce(ReadOnlySpan<double> x, Span<double> force)
    {
        int nx = Nx;
        Span<double> r = stackalloc double[nx];
        Span<double> grad = stackalloc double[nx];
        Span<double> sum = stackalloc double[nx];
        sum.Clear();
        for (int j = 0; j < Count; j++)
        {
            for (int c = 0; c < nx; c++) r[c] = _pos[c][j] - x[c];
            _v.Gradient(r, grad);
            for (int c = 0; c < nx; c++) sum[c] += grad[c];
        }
        double inv = 1.0 / Count;
        for (int c = 0; c < nx; c++) force[c] += inv * sum[c];
    }

    public double Potential(ReadOnlySpan<double> x)
    {
        int nx = Nx;
        Span<double> r = stackalloc double[nx];
        double sum = 0.0;
        for (int j = 0; j < Count; j++)
        {
            for (int c = 0; c < nx; c++) r[c] = _pos[c][j] - x[c];
            sum += _v.Energy(r);
        }
        return sum / Count;
    }
}
