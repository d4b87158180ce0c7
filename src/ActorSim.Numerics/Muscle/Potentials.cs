namespace ActorSim.Numerics.Muscle;

/// <summary>Macroscopic potential W0(y) (energy units) with force F0(y) = -grad W0(y).</summary>
public interface IMacroPotential
{
    /// <summary>W0(y).</summary>
    double Energy(ReadOnlySpan<double> y);

    /// <summary>Writes F0(y) = -grad W0(y) (length n_y) into <paramref name="force"/> (overwrites).</summary>
    void Force(ReadOnlySpan<double> y, Span<double> force);
}

/// <summary>One-particle potential W1(X) (energy units per unit particle mass fraction) with force F1 = -grad W1.</summary>
public interface IParticlePotential
{
    /// <summary>W1(x).</summary>
    double Energy(ReadOnlySpan<double> x);

    /// <summary>Writes F1(x) = -grad W1(x) (length n_x) into <paramref name="force"/> (overwrites).</summary>
    void Force(ReadOnlySpan<double> x, Span<double> force);
}

/// <summary>
/// Even pair potential V(r) = V(-r). The interaction force of particle j on particle i is
/// K(X_j, X_i) = -grad_{X_i} V(X_j - X_i) = grad V(X_j - X_i) (seed 003).
/// </summary>
public interface IPairPotential
{
    /// <summary>V(r).</summary>
    double Energy(ReadOnlySpan<double> r);

    /// <summary>Writes grad V(r) into <paramref name="gradient"/> (overwrites).</summary>
    void Gradient(ReadOnlySpan<double> r, Span<double> gradient);
}

/// <summary>Harmonic macroscopic spring W0(y) = 1/2 sum_k k_k (y_k - y*_k)^2 (diagonal stiffness).</summary>
public sealed class HarmonicMacroPotential : IMacroPotential
{
    private readonly double[] _k, _rest;

    /// <param name="stiffness">Diagonal stiffness k_k (energy / y-unit^2).</param>
    /// <param name="rest">Rest position y* (defaults to 0).</param>
    public HarmonicMacroPotential(double[] stiffness, double[]? rest = null)
    {
        _k = (double[])stiffness.Clone();
        _rest = rest is null ? new double[_k.Length] : (double[])rest.Clone();
        if (_rest.Length != _k.Length) throw new ArgumentException("rest and stiffness lengths differ");
    }

    public double Energy(ReadOnlySpan<double> y)
    {
        double e = 0.0;
        for (int k = 0; k < _k.Length; k++) { double d = y[k] - _rest[k]; e += 0.5 * _k[k] * d * d; }
        return e;
    }

    public void Force(ReadOnlySpan<double> y, Span<double> force)
    {
        for (int k = 0; k < _k.Length; k++) force[k] = -_k[k] * (y[k] - _rest[k]);
    }
}

/// <summary>Harmonic particle spring W1(x) = 1/2 sum_k k_k (x_k - x*_k)^2 (diagonal, possibly anisotropic).</summary>
public sealed class HarmonicParticlePotential : IParticlePotential
{
    private readonly double[] _k, _rest;

    /// <param name="stiffness">Diagonal stiffness k_k per component.</param>
    /// <param name="rest">Rest position x* (defaults to 0).</param>
    public HarmonicParticlePotential(double[] stiffness, double[]? rest = null)
    {
        _k = (double[])stiffness.Clone();
        _rest = rest is null ? new double[_k.Length] : (double[])rest.Clone();
        if (_rest.Length != _k.Length) throw new ArgumentException("rest and stiffness lengths differ");
    }

    /// <summary>Number of components (n_x).</summary>
    public int Dimension => _k.Length;

    /// <summary>Stiffness k_c of component c.</summary>
    public double Stiffness(int component) => _k[component];

    /// <summary>Rest position x*_c of component c.</summary>
    public double Rest(int component) => _rest[component];

    public double Energy(ReadOnlySpan<double> x)
    {
        double e = 0.0;
        for (int k = 0; k < _k.Length; k++) { double d = x[k] - _rest[k]; e += 0.5 * _k[k] * d * d; }
        return e;
    }

    public void Force(ReadOnlySpan<double> x, Span<double> force)
    {
        for (int k = 0; k < _k.Length; k++) force[k] = -_k[k] * (x[k] - _rest[k]);
    }
}

/// <summary>Gaussian pair potential V(r) = A exp(-|r|^2 / (2 s^2)); repulsive for A &gt; 0.</summary>
public sealed class GaussianPairPotential : IPairPotential
{
    /// <param name="amplitude">A (energy units).</param>
    /// <param name="width">s (length units, &gt; 0).</param>
    public GaussianPairPotential(double amplitude, double width)
    {
        if (!(width > 0)) throw new ArgumentOutOfRangeException(nameof(width));
        Amplitude = amplitude; Width = width;
    }

    public double Amplitude { get; }
    public double Width { get; }

    public double Energy(ReadOnlySpan<double> r)
    {
        double r2 = 0.0;
        for (int k = 0; k < r.Length; k++) r2 += r[k] * r[k];
        return Amplitude * Math.Exp(-0.5 * r2 / (Width * Width));
    }

    public void Gradient(ReadOnlySpan<double> r, Span<double> gradient)
    {
        double r2 = 0.0;
        for (int k = 0; k < r.Length; k++) r2 += r[k] * r[k];
        double is2 = 1.0 / (Width * Width);
        double c = -Amplitude * is2 * Math.Exp(-0.5 * r2 * is2);
        for (int k = 0; k < r.Length; k++) gradient[k] = c * r[k];
    }
}

/// <summary>Harmonic pair potential V(r) = k/2 |r|^2 (attractive for k &gt; 0): K(X_j, X_i) = k (X_j - X_i).</summary>
public sealed class HarmonicPairPotential : IPairPotential
{
    public HarmonicPairPotential(double stiffness) => Stiffness = stiffness;

    public double Stiffness { get; }

    public double Energy(ReadOnlySpan<double> r)
    {
        double r2 = 0.0;
        for (int k = 0; k < r.Length; k++) r2 += r[k] * r[k];
        return 0.5 * Stiffness * r2;
    }

    public void Gradient(ReadOnlySpan<double> r, Span<double> gradient)
    {
        for (int k = 0; k < r.Length; k++) gradient[k] = Stiffness * r[k];
    }
}

/// <summary>
/// Frame-indifferent strain energy of a 2D element for y = displacement gradient (see <see cref="AffineMap"/>):
/// W0 = k/2 |F^T F - I|_F^2 with F = I + [[y0, y1], [y2, y3]]. Invariant under F -&gt; R F, so the
/// rotation generator (F, X) -&gt; (J F, J X) is a symmetry and angular momentum is conserved.
/// Force: -dW0/dF = -2 k F (F^T F - I).
/// </summary>
public sealed class MacroStrainEnergy2D : IMacroPotential
{
    public MacroStrainEnergy2D(double stiffness) => Stiffness = stiffness;

    public double Stiffness { get; }

    private static void Strain(ReadOnlySpan<double> y, out double f00, out double f01, out double f10, out double f11,
        out double c00, out double c01, out double c11)
    {
        f00 = 1.0 + y[0]; f01 = y[1]; f10 = y[2]; f11 = 1.0 + y[3];
        c00 = f00 * f00 + f10 * f10 - 1.0;
        c01 = f00 * f01 + f10 * f11;
        c11 = f01 * f01 + f11 * f11 - 1.0;
    }

    public double Energy(ReadOnlySpan<double> y)
    {
        Strain(y, out _, out _, out _, out _, out double c00, out double c01, out double c11);
        return 0.5 * Stiffness * (c00 * c00 + 2.0 * c01 * c01 + c11 * c11);
    }

    public void Force(ReadOnlySpan<double> y, Span<double> force)
    {
        Strain(y, out double f00, out double f01, out double f10, out double f11, out double c00, out double c01, out double c11);
        double k2 = -2.0 * Stiffness;
        force[0] = k2 * (f00 * c00 + f01 * c01);
        force[1] = k2 * (f00 * c01 + f01 * c11);
        force[2] = k2 * (f10 * c00 + f11 * c01);
        force[3] = k2 * (f10 * c01 + f11 * c11);
    }
}
