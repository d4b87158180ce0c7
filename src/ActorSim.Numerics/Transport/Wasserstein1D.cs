namespace ActorSim.Numerics.Transport;

/// <summary>
/// Exact Wasserstein-1 distances on the real line via W1(mu, nu) = int |F_mu(x) - F_nu(x)| dx
/// (F the cumulative distribution functions). All inputs are probability measures (weights are
/// normalised to sum 1). Methods taking "sorted" inputs require ascending positions and allocate nothing.
/// </summary>
public static class Wasserstein1D
{
    /// <summary>W1 between two equal-weight empirical measures given by ascending samples (sizes may differ).</summary>
    public static double BetweenSortedEmpirical(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length == 0 || b.Length == 0) throw new ArgumentException("empty measure");
        double wa = 1.0 / a.Length, wb = 1.0 / b.Length;
        int i = 0, j = 0;
        double fa = 0.0, fb = 0.0, p = Math.Min(a[0], b[0]), total = 0.0;
        // Integrate |Fa - Fb| between consecutive merged sample points. Counts are kept as integers to avoid drift.
        long ia = 0, ib = 0;
        while (i < a.Length || j < b.Length)
        {
            double q = i < a.Length && (j >= b.Length || a[i] <= b[j]) ? a[i] : b[j];
            total += Math.Abs(fa - fb) * (q - p);
            p = q;
            if (i < a.Length && a[i] == q) { i++; ia++; fa = ia * wa; }
            else { j++; ib++; fb = ib * wb; }
        }
        return total;
    }

    /// <summary>
    /// W1 between two weighted discrete measures sum_k wa_k delta_{xa_k} and sum_k wb_k delta_{xb_k}
    /// (ascending positions; weights non-negative, each set normalised to total mass 1 here).
    /// </summary>
    public static double BetweenSortedWeighted(ReadOnlySpan<double> xa, ReadOnlySpan<double> wa,
        ReadOnlySpan<double> xb, ReadOnlySpan<double> wb)
    {
        if (xa.Length == 0 || xb.Length == 0) throw new ArgumentException("empty measure");
        if (xa.Length != wa.Length || xb.Length != wb.Length) throw new ArgumentException("positions and weights differ in length");
        double sa = 0.0, sb = 0.0;
        foreach (double w in wa) sa += w;
        foreach (double w in wb) sb += w;
        double ia = 1.0 / sa, ib = 1.0 / sb;
        int i = 0, j = 0;
        double ca = 0.0, cb = 0.0, p = Math.Min(xa[0], xb[0]), total = 0.0;
        while (i < xa.Length || j < xb.Length)
        {
            double q = i < xa.Length && (j >= xb.Length || xa[i] <= xb[j]) ? xa[i] : xb[j];
            total += Math.Abs(ca * ia - cb * ib) * (q - p);
            p = q;
            if (i < xa.Length && xa[i] == q) ca += wa[i++];
            else cb += wb[j++];
        }
        return total;
    }

    /// <summary>
    /// Exact W1 between the equal-weight empirical measure of ascending <paramref name="sortedSamples"/> and the
    /// piecewise-constant density with mass <paramref name="cellMass"/>[k] uniformly spread on
    /// [origin + k dx, origin + (k + 1) dx) (masses normalised to 1). The density's CDF is piecewise linear, so
    /// each sub-interval between merged break points is integrated in closed form (including sign changes).
    /// </summary>
    public static double EmpiricalToCellDensity(ReadOnlySpan<double> sortedSamples, double origin, double dx, ReadOnlySpan<double> cellMass)
    {
        int n = sortedSamples.Length, m = cellMass.Length;
        if (n == 0 || m == 0) throw new ArgumentException("empty measure");
        if (!(dx > 0)) throw new ArgumentOutOfRangeException(nameof(dx));
        double mass = 0.0;
        foreach (double w in cellMass) { if (w < 0) throw new ArgumentException("negative cell mass"); mass += w; }
        double inv = 1.0 / mass, wn = 1.0 / n;
        int k = 0, j = 0;                 // samples passed; next edge index
        double cum = 0.0;                 // un-normalised CDF at edge j - 1 ... tracked as CDF at p
        double p = Math.Min(sortedSamples[0], origin);
        double fp = 0.0;                  // F(p)
        double total = 0.0;
        while (k < n || j <= m)
        {
            double edge = j <= m ? origin + j * dx : double.PositiveInfinity;
            double sample = k < n ? sortedSamples[k] : double.PositiveInfinity;
            double q = Math.Min(edge, sample);
            // F(q): inside cell j - 1 when 1 <= j <= m, constant outside the grid.
            double fq;
            if (j == 0) fq = 0.0;
            else if (j > m) fq = 1.0;
            else fq = q == edge ? (cum + cellMass[j - 1]) * inv : (cum + cellMass[j - 1] * ((q - (origin + (j - 1) * dx)) / dx)) * inv;
            if (q > p)
            {
                double c = k * wn;
                double d0 = c - fp, d1 = c - fq;
                double len = q - p;
                if ((d0 >= 0) == (d1 >= 0)) total += 0.5 * (Math.Abs(d0) + Math.Abs(d1)) * len;
                else total += 0.5 * (d0 * d0 + d1 * d1) / (Math.Abs(d0) + Math.Abs(d1)) * len;
            }
            p = q; fp = fq;
            if (sample <= edge) k++;
            else
            {
                if (j >= 1 && j <= m) cum += cellMass[j - 1];
                j++;
                if (j > m) fp = 1.0;
            }
        }
        return total;
    }

    /// <summary>Convenience: sorts copies and calls <see cref="BetweenSortedEmpirical"/>.</summary>
    public static double BetweenEmpirical(IEnumerable<double> a, IEnumerable<double> b)
    {
        var sa = a.ToArray(); var sb = b.ToArray();
        Array.Sort(sa); Array.Sort(sb);
        return BetweenSortedEmpirical(sa, sb);
    }

    /// <summary>Convenience: sorts a copy of the samples and calls <see cref="EmpiricalToCellDensity"/>.</summary>
    public static double EmpiricalToCellDensity(IEnumerable<double> samples, double origin, double dx, ReadOnlySpan<double> cellMass)
    {
        var s = samples.ToArray();
        Array.Sort(s);
        return EmpiricalToCellDensity(s, origin, dx, cellMass);
    }
}
