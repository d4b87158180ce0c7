namespace ActorSim.Numerics.Virus.Spatial;

/// <summary>
/// A space- and time-dependent source density (amount per unit volume per unit time), evaluated at the cell
/// centres of a patch. Implementations must be allocation-free and a pure function of (t, x, y), so that
/// every subdomain evaluates the same value for the same cell.
/// </summary>
public interface ISourceTerm
{
    /// <summary>
    /// Writes r(t, x[i], y[j]) into <paramref name="r"/>[j·x.Length + i] for all i, j.
    /// In 1D <paramref name="y"/> has one entry, 0.
    /// </summary>
    void Fill(double t, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> r);
}

/// <summary>A constant source r (the May–Nowak production rate of healthy cells).</summary>
public sealed record ConstantSource(double Value) : ISourceTerm
{
    /// <inheritdoc />
    public void Fill(double t, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> r) => r.Fill(Value);
}

/// <summary>
/// r(t, x, y) = Base · (1 + Amplitude · Profile(x, y) · Modulation(t)): a spatially heterogeneous,
/// time-modulated production of healthy cells. Keep |Amplitude · Profile · Modulation| ≤ 1 for r ≥ 0.
/// </summary>
public sealed record ModulatedSource(double Base, double Amplitude, Func<double, double, double> Profile, Func<double, double> Modulation)
    : ISourceTerm
{
    /// <inheritdoc />
    public void Fill(double t, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> r)
    {
        double g = Amplitude * Modulation(t);
        int nx = x.Length;
        for (int j = 0; j < y.Length; j++)
            for (int i = 0; i < nx; i++)
                r[j * nx + i] = Base * (1.0 + g * Profile(x[i], y[j]));
    }
}

/// <summary>An arbitrary source r(t, x, y) given by a delegate (e.g. a manufactured-solution forcing).</summary>
public sealed record DelegateSource(Func<double, double, double, double> Function) : ISourceTerm
{
    /// <inheritdoc />
    public void Fill(double t, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> r)
    {
        int nx = x.Length;
        for (int j = 0; j < y.Length; j++)
            for (int i = 0; i < nx; i++)
                r[j * nx + i] = Function(t, x[i], y[j]);
    }
}
