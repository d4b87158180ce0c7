namespace ActorSim.Numerics.Muscle;

/// <summary>
/// A uniform node mesh for the particle-mesh interaction: nodes at origin + k h, k = 0..n-1 per dimension
/// (n a power of two), in 1D or 2D. Particles must stay in [origin, origin + (n - 1) h) in every dimension.
/// </summary>
/// <param name="Origin">Coordinates of node 0 (length = dimension, 1 or 2).</param>
/// <param name="Spacing">Node spacing h (length units).</param>
/// <param name="Nodes">Nodes per dimension n (power of two).</param>
public sealed record ParticleMeshGrid(double[] Origin, double Spacing, int Nodes)
{
    /// <summary>Dimension (1 or 2).</summary>
    public int Dimension => Origin.Length;

    /// <summary>Total number of nodes n^d (the length of a deposit buffer).</summary>
    public int NodeCount => Dimension == 1 ? Nodes : Nodes * Nodes;
}

/// <summary>
/// Particle-mesh evaluation of the mean interaction k(x) = (1/N) sum_j grad V(X_j - x):
/// (1) every block deposits its particles on the mesh with cloud-in-cell weights into its own partial
/// buffer (<see cref="Deposit"/>); (2) the coordinator sums the partial meshes in block order
/// (<see cref="ReduceInBlockOrder"/>); (3) <see cref="ComputeField"/> convolves the mesh density with the
/// sampled kernel H(o) = -grad V(o h) (and V for the potential) by zero-padded (free-space, Hockney) FFT
/// convolution on a 2n grid; (4) blocks interpolate the field back with the same cloud-in-cell weights
/// (<see cref="AddForce"/>). With CIC on both sides the self force vanishes and forces are pairwise
/// antisymmetric. Error versus direct summation is O(h^2) for smooth V.
/// </summary>
public sealed class ParticleMesh : IInteractionField
{
    private readonly Fft _fft;
    private readonly int _n, _p, _d;
    private readonly double[] _kre, _kim;   // FFT of the force kernel (Hx + i Hy in 2D, Hx + i V in 1D)
    private readonly double[] _vre, _vim;   // FFT of V (2D only)
    private readonly double[] _wre, _wim, _tre, _tim, _fre, _fim;
    private readonly double[] _ex, _ey, _phi;

    public ParticleMesh(ParticleMeshGrid grid, IPairPotential potential)
    {
        if (grid.Dimension is not (1 or 2)) throw new ArgumentException("particle mesh supports 1D and 2D");
        if (grid.Nodes < 2 || (grid.Nodes & (grid.Nodes - 1)) != 0) throw new ArgumentException("nodes per dimension must be a power of two >= 2");
        if (!(grid.Spacing > 0)) throw new ArgumentException("spacing must be positive");
        Grid = grid;
        _n = grid.Nodes; _p = 2 * _n; _d = grid.Dimension;
        _fft = new Fft(_p);
        int size = _d == 1 ? _p : _p * _p;
        _kre = new double[size]; _kim = new double[size];
        _wre = new double[size]; _wim = new double[size];
        _tre = new double[_p]; _tim = new double[_p];
        _fre = _d == 2 ? new double[size] : Array.Empty<double>();
        _fim = _d == 2 ? new double[size] : Array.Empty<double>();
        _ex = new double[grid.NodeCount];
        _ey = _d == 2 ? new double[grid.NodeCount] : Array.Empty<double>();
        _phi = new double[grid.NodeCount];
        _vre = _d == 2 ? new double[size] : Array.Empty<double>();
        _vim = _d == 2 ? new double[size] : Array.Empty<double>();

        double h = grid.Spacing;
        Span<double> r = stackalloc double[_d];
        Span<double> g = stackalloc double[_d];
        if (_d == 1)
        {
            for (int k = 0; k < _p; k++)
            {
                if (k == _n) continue;
                r[0] = (k < _n ? k : k - _p) * h;
                potential.Gradient(r, g);
                _kre[k] = -g[0];
                _kim[k] = potential.Energy(r);
            }
            Transform(_kre, _kim, false);
        }
        else
        {
            for (int a = 0; a < _p; a++)
            {
                if (a == _n) continue;
                for (int b = 0; b < _p; b++)
                {
                    if (b == _n) continue;
                    r[0] = (a < _n ? a : a - _p) * h;
                    r[1] = (b < _n ? b : b - _p) * h;
                    potential.Gradient(r, g);
                    int idx = a * _p + b;
                    _kre[idx] = -g[0]; _kim[idx] = -g[1];
                    _vre[idx] = potential.Energy(r);
                }
            }
            Transform(_kre, _kim, false);
            Transform(_vre, _vim, false);
        }
    }

    /// <summary>The mesh.</summary>
    public ParticleMeshGrid Grid { get; }

    /// <summary>Row-major index of node (ix, iy) in a deposit buffer (iy = 0 in 1D).</summary>
    public int NodeIndex(int ix, int iy = 0) => _d == 1 ? ix : ix * _n + iy;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private int Locate(double x, int dim, out double t)
    {
        double f = (x - Grid.Origin[dim]) / Grid.Spacing;
        double fl = Math.Floor(f);
        if (!(fl >= 0.0 && fl <= _n - 2))
            throw new ArgumentOutOfRangeException(nameof(x), x, $"particle coordinate {dim} = {x} lies outside the particle mesh");
        t = f - fl;
        return (int)fl;
    }

    /// <summary>
    /// Per-block kernel: adds unit-weight cloud-in-cell deposits of the given particles (component spans of
    /// equal length; one span in 1D) to <paramref name="mesh"/> (length <see cref="ParticleMeshGrid.NodeCount"/>).
    /// </summary>
    public void Deposit(ReadOnlySpan<double> x0, ReadOnlySpan<double> x1, Span<double> mesh)
    {
        if (_d == 1)
        {
            for (int i = 0; i < x0.Length; i++)
            {
                int ix = Locate(x0[i], 0, out double t);
                mesh[ix] += 1.0 - t;
                mesh[ix + 1] += t;
            }
            return;
        }
        for (int i = 0; i < x0.Length; i++)
        {
            int ix = Locate(x0[i], 0, out double tx);
            int iy = Locate(x1[i], 1, out double ty);
            int k = ix * _n + iy;
            mesh[k] += (1.0 - tx) * (1.0 - ty);
            mesh[k + 1] += (1.0 - tx) * ty;
            mesh[k + _n] += tx * (1.0 - ty);
            mesh[k + _n + 1] += tx * ty;
        }
    }

    /// <summary>Per-block kernel: deposits a muscle particle block (its current positions).</summary>
    public void Deposit(ParticleBlock block, Span<double> mesh) =>
        Deposit(block.Position(0), _d == 2 ? block.Position(1) : ReadOnlySpan<double>.Empty, mesh);

    /// <summary>Coordinator: total = ((0 + p_0) + p_1) + ... in block order.</summary>
    public static void ReduceInBlockOrder(IReadOnlyList<double[]> partialsInBlockOrder, Span<double> total)
    {
        total.Clear();
        foreach (var p in partialsInBlockOrder)
            for (int k = 0; k < total.Length; k++) total[k] += p[k];
    }

    /// <summary>
    /// Coordinator: computes the mesh force (and potential) from the reduced deposit counts of
    /// <paramref name="particleCount"/> particles. After this the object answers <see cref="AddForce"/> and
    /// <see cref="Potential"/>; the field arrays can also be broadcast to blocks (see <see cref="ForceX"/>).
    /// </summary>
    public void ComputeField(ReadOnlySpan<double> counts, long particleCount)
    {
        double w = 1.0 / particleCount;
        int size = _wre.Length;
        Array.Clear(_wre); Array.Clear(_wim);
        if (_d == 1)
        {
            for (int i = 0; i < _n; i++) _wre[i] = w * counts[i];
        }
        else
        {
            for (int a = 0; a < _n; a++)
                for (int b = 0; b < _n; b++) _wre[a * _p + b] = w * counts[a * _n + b];
        }
        Transform(_wre, _wim, false);
        if (_d == 1)
        {
            // rho real: conv(rho, Hx + i V) = conv(rho, Hx) + i conv(rho, V).
            for (int k = 0; k < size; k++)
            {
                double re = _wre[k] * _kre[k] - _wim[k] * _kim[k];
                double im = _wre[k] * _kim[k] + _wim[k] * _kre[k];
                _wre[k] = re; _wim[k] = im;
            }
            Transform(_wre, _wim, true);
            double s = 1.0 / _p;
            for (int i = 0; i < _n; i++) { _ex[i] = s * _wre[i]; _phi[i] = s * _wim[i]; }
            return;
        }
        // 2D: force via the kernel Hx + i Hy (two real convolutions in one complex one), potential via FFT(V).
        double scale = 1.0 / ((double)_p * _p);
        for (int k = 0; k < size; k++)
        {
            double pr = _wre[k], pi = _wim[k];
            _fre[k] = pr * _kre[k] - pi * _kim[k];
            _fim[k] = pr * _kim[k] + pi * _kre[k];
            _wre[k] = pr * _vre[k] - pi * _vim[k];
            _wim[k] = pr * _vim[k] + pi * _vre[k];
        }
        Transform(_fre, _fim, true);
        Transform(_wre, _wim, true);
        for (int a = 0; a < _n; a++)
            for (int b = 0; b < _n; b++)
            {
                int k = a * _p + b, j = a * _n + b;
                _ex[j] = scale * _fre[k]; _ey[j] = scale * _fim[k]; _phi[j] = scale * _wre[k];
            }
    }

    /// <summary>
    /// Block side of a distributed run: loads a field computed by the coordinator's <see cref="ComputeField"/>
    /// (its <see cref="ForceX"/>, <see cref="ForceY"/> (empty in 1D) and <see cref="PotentialMesh"/>), after which
    /// this instance answers <see cref="AddForce"/> and <see cref="Potential"/> identically.
    /// </summary>
    public void LoadField(ReadOnlySpan<double> forceX, ReadOnlySpan<double> forceY, ReadOnlySpan<double> potential)
    {
        forceX.CopyTo(_ex);
        if (_d == 2) forceY.CopyTo(_ey);
        potential.CopyTo(_phi);
    }

    /// <summary>Mesh force, x component (length <see cref="ParticleMeshGrid.NodeCount"/>).</summary>
    public ReadOnlySpan<double> ForceX => _ex;

    /// <summary>Mesh force, y component (2D only).</summary>
    public ReadOnlySpan<double> ForceY => _ey;

    /// <summary>Mesh potential (1/N) sum_j V(X_j - node).</summary>
    public ReadOnlySpan<double> PotentialMesh => _phi;

    public void AddForce(ReadOnlySpan<double> x, Span<double> force)
    {
        if (_d == 1)
        {
            int ix = Locate(x[0], 0, out double t);
            force[0] += (1.0 - t) * _ex[ix] + t * _ex[ix + 1];
            return;
        }
        int i = Locate(x[0], 0, out double tx);
        int j = Locate(x[1], 1, out double ty);
        int k = i * _n + j;
        double w00 = (1.0 - tx) * (1.0 - ty), w01 = (1.0 - tx) * ty, w10 = tx * (1.0 - ty), w11 = tx * ty;
        force[0] += w00 * _ex[k] + w01 * _ex[k + 1] + w10 * _ex[k + _n] + w11 * _ex[k + _n + 1];
        force[1] += w00 * _ey[k] + w01 * _ey[k + 1] + w10 * _ey[k + _n] + w11 * _ey[k + _n + 1];
    }

    public double Potential(ReadOnlySpan<double> x)
    {
        if (_d == 1)
        {
            int ix = Locate(x[0], 0, out double t);
            return (1.0 - t) * _phi[ix] + t * _phi[ix + 1];
        }
        int i = Locate(x[0], 0, out double tx);
        int j = Locate(x[1], 1, out double ty);
        int k = i * _n + j;
        return (1.0 - tx) * (1.0 - ty) * _phi[k] + (1.0 - tx) * ty * _phi[k + 1]
             + tx * (1.0 - ty) * _phi[k + _n] + tx * ty * _phi[k + _n + 1];
    }

    private void Transform(double[] re, double[] im, bool inverse)
    {
        if (_d == 1) { _fft.Transform(re, im, inverse); return; }
        for (int a = 0; a < _p; a++) _fft.Transform(re.AsSpan(a * _p, _p), im.AsSpan(a * _p, _p), inverse);
        for (int b = 0; b < _p; b++)
        {
            for (int a = 0; a < _p; a++) { _tre[a] = re[a * _p + b]; _tim[a] = im[a * _p + b]; }
            _fft.Transform(_tre, _tim, inverse);
            for (int a = 0; a < _p; a++) { re[a * _p + b] = _tre[a]; im[a * _p + b] = _tim[a]; }
        }
    }
}
