namespace ActorSim.Numerics.Muscle;

/// <summary>
/// A parametrised linear deformation F(y) in R^{2x2} of a 2D finite element (seed 003, "Examples
/// (nonlinear constraint)"). Matrices are row-major spans of length 4: (F00, F01, F10, F11).
/// Implementations must be stateless and allocation-free.
/// </summary>
public abstract class DeformationMap2D
{
    protected DeformationMap2D(int ny)
    {
        if (ny < 1) throw new ArgumentOutOfRangeException(nameof(ny));
        Ny = ny;
    }

    /// <summary>Number of macroscopic parameters n_y.</summary>
    public int Ny { get; }

    /// <summary>F(y).</summary>
    public abstract void Matrix(ReadOnlySpan<double> y, Span<double> f);

    /// <summary>DF(y)[v] = d/ds F(y + s v) at s = 0.</summary>
    public abstract void Derivative(ReadOnlySpan<double> y, ReadOnlySpan<double> v, Span<double> df);

    /// <summary>D^2F(y)[v, v] = d^2/ds^2 F(y + s v) at s = 0.</summary>
    public abstract void SecondDerivative(ReadOnlySpan<double> y, ReadOnlySpan<double> v, Span<double> d2f);
}

/// <summary>Rigid rotation F(theta) = [[cos, -sin], [sin, cos]]; y = (theta) in radians.</summary>
public sealed class RotationMap : DeformationMap2D
{
    public RotationMap() : base(1) { }

    public override void Matrix(ReadOnlySpan<double> y, Span<double> f)
    {
        double c = Math.Cos(y[0]), s = Math.Sin(y[0]);
        f[0] = c; f[1] = -s; f[2] = s; f[3] = c;
    }

    public override void Derivative(ReadOnlySpan<double> y, ReadOnlySpan<double> v, Span<double> df)
    {
        double c = Math.Cos(y[0]), s = Math.Sin(y[0]), w = v[0];
        df[0] = -s * w; df[1] = -c * w; df[2] = c * w; df[3] = -s * w;
    }

    public override void SecondDerivative(ReadOnlySpan<double> y, ReadOnlySpan<double> v, Span<double> d2f)
    {
        double c = Math.Cos(y[0]), s = Math.Sin(y[0]), w2 = v[0] * v[0];
        d2f[0] = -c * w2; d2f[1] = s * w2; d2f[2] = -s * w2; d2f[3] = -c * w2;
    }
}

/// <summary>Axis-aligned stretch F(y) = diag(1 + y0, 1 + y1) (engineering stretches; full rank while 1 + y_k != 0).</summary>
public sealed class StretchMap : DeformationMap2D
{
    public StretchMap() : base(2) { }

    public override void Matrix(ReadOnlySpan<double> y, Span<double> f)
    {
        f[0] = 1.0 + y[0]; f[1] = 0.0; f[2] = 0.0; f[3] = 1.0 + y[1];
    }

    public override void Derivative(ReadOnlySpan<double> y, ReadOnlySpan<double> v, Span<double> df)
    {
        df[0] = v[0]; df[1] = 0.0; df[2] = 0.0; df[3] = v[1];
    }

    public override void SecondDerivative(ReadOnlySpan<double> y, ReadOnlySpan<double> v, Span<double> d2f) => d2f.Slice(0, 4).Clear();
}

/// <summary>Simple shear F(y) = [[1, y0], [0, 1]] (always invertible, det = 1).</summary>
public sealed class ShearMap : DeformationMap2D
{
    public ShearMap() : base(1) { }

    public override void Matrix(ReadOnlySpan<double> y, Span<double> f)
    {
        f[0] = 1.0; f[1] = y[0]; f[2] = 0.0; f[3] = 1.0;
    }

    public override void Derivative(ReadOnlySpan<double> y, ReadOnlySpan<double> v, Span<double> df)
    {
        df[0] = 0.0; df[1] = v[0]; df[2] = 0.0; df[3] = 0.0;
    }

    public override void SecondDerivative(ReadOnlySpan<double> y, ReadOnlySpan<double> v, Span<double> d2f) => d2f.Slice(0, 4).Clear();
}

/// <summary>
/// General affine deformation F(y) = I + [[y0, y1], [y2, y3]] (n_y = 4; the displacement gradient).
/// Contains rotations, stretches and shears; used for frame-indifference tests.
/// </summary>
public sealed class AffineMap : DeformationMap2D
{
    public AffineMap() : base(4) { }

    public override void Matrix(ReadOnlySpan<double> y, Span<double> f)
    {
        f[0] = 1.0 + y[0]; f[1] = y[1]; f[2] = y[2]; f[3] = 1.0 + y[3];
    }

    public override void Derivative(ReadOnlySpan<double> y, ReadOnlySpan<double> v, Span<double> df)
    {
        df[0] = v[0]; df[1] = v[1]; df[2] = v[2]; df[3] = v[3];
    }

    public override void SecondDerivative(ReadOnlySpan<double> y, ReadOnlySpan<double> v, Span<double> d2f) => d2f.Slice(0, 4).Clear();
}

/// <summary>
/// Rotation and stretch F(theta, s) = s R(theta), y = (theta, s) (n_y = 2; theta in radians, s the isotropic
/// stretch, full rank while s != 0). With R' = dR/dtheta = J R (J the rotation by pi/2) and R'' = -R:
/// DF[v] = v_theta s R' + v_s R and D^2F[v, v] = -v_theta^2 s R + 2 v_theta v_s R'.
/// </summary>
public sealed class RotationStretchMap : DeformationMap2D
{
    public RotationStretchMap() : base(2) { }

    public override void Matrix(ReadOnlySpan<double> y, Span<double> f)
    {
        double c = Math.Cos(y[0]), s = Math.Sin(y[0]), k = y[1];
        f[0] = k * c; f[1] = -k * s; f[2] = k * s; f[3] = k * c;
    }

    public override void Derivative(ReadOnlySpan<double> y, ReadOnlySpan<double> v, Span<double> df)
    {
        double c = Math.Cos(y[0]), s = Math.Sin(y[0]), k = y[1], a = v[0] * k, b = v[1];
        // a R' + b R with R' = [[-s, -c], [c, -s]]
        df[0] = -a * s + b * c; df[1] = -a * c - b * s; df[2] = a * c + b * s; df[3] = -a * s + b * c;
    }

    public override void SecondDerivative(ReadOnlySpan<double> y, ReadOnlySpan<double> v, Span<double> d2f)
    {
        double c = Math.Cos(y[0]), s = Math.Sin(y[0]), a = -v[0] * v[0] * y[1], b = 2 * v[0] * v[1];
        // a R + b R'
        d2f[0] = a * c - b * s; d2f[1] = -a * s - b * c; d2f[2] = a * s + b * c; d2f[3] = a * c - b * s;
    }
}
