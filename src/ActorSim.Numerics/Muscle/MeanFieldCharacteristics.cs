namespace ActorSim.Numerics.Muscle;

/// <summary>
/// The characteristic-flow form of the mean-field limit: mu^t is the push-forward of mu^in under the flow
/// X^t solving X' = Phi(X, y)[y'] with the same (y, y') ODE, whose coefficients are integrals against mu^t.
/// Discretising mu^in by a deterministic equal-weight quadrature (here: its n quantile points) turns it into
/// exactly the particle system, so <see cref="SequentialMuscleDriver"/> integrates it; the quadrature error
/// W1(mu_n^in, mu^in) is O(1/n) instead of the O(n^{-1/2}) of i.i.d. samples, and the stability estimate of
/// seed 003 carries it over to all times.
/// </summary>
public static class MeanFieldCharacteristics
{
    /// <summary>
    /// The n mid-quantiles x_k = F^{-1}((k + 1/2) / n) of the cell-constant density with masses
    /// <paramref name="cellMass"/> on cells [origin + j dx, origin + (j + 1) dx) (normalised internally).
    /// </summary>
    public static double[] QuantilePoints(double origin, double dx, ReadOnlySpan<double> cellMass, int n)
    {
        double total = 0.0;
        foreach (double w in cellMass) total += w;
        var x = new double[n];
        int j = 0; double below = 0.0; // mass of cells before j
        for (int k = 0; k < n; k++)
        {
            double target = (k + 0.5) / n * total;
            while (j < cellMass.Length - 1 && below + cellMass[j] < target) { below += cellMass[j]; j++; }
            double frac = cellMass[j] > 0 ? (target - below) / cellMass[j] : 0.5;
            x[k] = origin + (j + Math.Clamp(frac, 0.0, 1.0)) * dx;
        }
        return x;
    }
}
