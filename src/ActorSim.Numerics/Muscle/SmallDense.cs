namespace ActorSim.Numerics.Muscle;

/// <summary>
/// Allocation-free dense linear algebra for the tiny per-particle systems (n_x x n_x, n_x &lt;= 16):
/// LU with partial pivoting and Cholesky on row-major spans. Deterministic: fixed loop order, no BLAS.
/// </summary>
internal static class SmallDense
{
    /// <summary>Largest per-particle dimension handled with stack buffers.</summary>
    public const int MaxDimension = 16;

    /// <summary>In-place LU factorisation (row-major n x n) with partial pivoting. Returns false if a pivot is exactly zero.</summary>
    public static bool LuFactor(Span<double> a, int n, Span<int> piv)
    {
        for (int k = 0; k < n; k++)
        {
            int p = k;
            double best = Math.Abs(a[k * n + k]);
            for (int r = k + 1; r < n; r++)
            {
                double v = Math.Abs(a[r * n + k]);
                if (v > best) { best = v; p = r; }
            }
            piv[k] = p;
            if (best == 0.0) return false;
            if (p != k)
                for (int c = 0; c < n; c++) (a[k * n + c], a[p * n + c]) = (a[p * n + c], a[k * n + c]);
            double inv = 1.0 / a[k * n + k];
            for (int r = k + 1; r < n; r++)
            {
                double l = a[r * n + k] * inv;
                a[r * n + k] = l;
                if (l != 0.0)
                    for (int c = k + 1; c < n; c++) a[r * n + c] -= l * a[k * n + c];
            }
        }
        return true;
    }

    /// <summary>Solves (LU) z = b in place for one right-hand side.</summary>
    public static void LuSolve(ReadOnlySpan<double> lu, int n, ReadOnlySpan<int> piv, Span<double> b)
    {
        for (int k = 0; k < n; k++)
        {
            int p = piv[k];
            if (p != k) (b[k], b[p]) = (b[p], b[k]);
        }
        for (int r = 1; r < n; r++)
        {
            double s = b[r];
            for (int c = 0; c < r; c++) s -= lu[r * n + c] * b[c];
            b[r] = s;
        }
        for (int r = n - 1; r >= 0; r--)
        {
            double s = b[r];
            for (int c = r + 1; c < n; c++) s -= lu[r * n + c] * b[c];
            b[r] = s / lu[r * n + r];
        }
    }

    /// <summary>
    /// Solves a x = b in place (b becomes x) for a symmetric positive definite row-major n x n matrix by the
    /// Cholesky factorisation a = L L^T (L overwrites the lower triangle of a; the upper triangle is not read).
    /// Returns false (leaving a and b partly overwritten) if a pivot is not positive, i.e. a is not positive definite.
    /// </summary>
    public static bool CholeskySolve(Span<double> a, int n, Span<double> b)
    {
        for (int j = 0; j < n; j++)
        {
            double d = a[j * n + j];
            for (int k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
            if (!(d > 0.0)) return false;
            double ljj = Math.Sqrt(d);
            a[j * n + j] = ljj;
            for (int i = j + 1; i < n; i++)
            {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
                a[i * n + j] = s / ljj;
            }
        }
        for (int i = 0; i < n; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= a[i * n + k] * b[k];
            b[i] = s / a[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int k = i + 1; k < n; k++) s -= a[k * n + i] * b[k];
            b[i] = s / a[i * n + i];
        }
        return true;
    }

    /// <summary>Determinant from an LU factorisation.</summary>
    public static double LuDeterminant(ReadOnlySpan<double> lu, int n, ReadOnlySpan<int> piv)
    {
        double d = 1.0;
        for (int k = 0; k < n; k++)
        {
            d *= lu[k * n + k];
            if (piv[k] != k) d = -d;
        }
        return d;
    }

    /// <summary>Smallest singular value of a row-major n x n matrix (closed form for n &lt;= 2, MathNet SVD otherwise).</summary>
    public static double MinSingularValue(ReadOnlySpan<double> a, int n)
    {
        if (n == 1) return Math.Abs(a[0]);
        if (n == 2)
        {
            // sigma_min^2 = (|A|_F^2 - sqrt(|A|_F^4 - 4 det^2)) / 2, written stably as 2 det^2 / (|A|_F^2 + sqrt(...)).
            double f2 = a[0] * a[0] + a[1] * a[1] + a[2] * a[2] + a[3] * a[3];
            double det = a[0] * a[3] - a[1] * a[2];
            double disc = Math.Max(0.0, f2 * f2 - 4.0 * det * det);
            double denom = f2 + Math.Sqrt(disc);
            return denom == 0.0 ? 0.0 : Math.Sqrt(2.0 * det * det / denom);
        }
        var m = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, n);
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++) m[r, c] = a[r * n + c];
        var s = m.Svd(false).S;
        return s.Minimum();
    }
}
