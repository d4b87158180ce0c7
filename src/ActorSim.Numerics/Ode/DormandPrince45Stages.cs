namespace ActorSim.Numerics.Ode;

/// <summary>
/// Butcher tableau of the Dormand–Prince 5(4) pair (Dormand &amp; Prince 1980; coefficients as in
/// Hairer–Nørsett–Wanner, Solving ODEs I, Table II.5.2) and a preallocated workspace that performs
/// one step with it. Propagates the 5th-order solution (local extrapolation); the 7th stage is
/// f(t + h, y_new), reused as the first stage of the next step (FSAL).
/// </summary>
internal sealed class DormandPrince45Stages
{
    public const double C2 = 1.0 / 5.0, C3 = 3.0 / 10.0, C4 = 4.0 / 5.0, C5 = 8.0 / 9.0;

    public const double A21 = 1.0 / 5.0;
    public const double A31 = 3.0 / 40.0, A32 = 9.0 / 40.0;
    public const double A41 = 44.0 / 45.0, A42 = -56.0 / 15.0, A43 = 32.0 / 9.0;
    public const double A51 = 19372.0 / 6561.0, A52 = -25360.0 / 2187.0, A53 = 64448.0 / 6561.0, A54 = -212.0 / 729.0;
    public const double A61 = 9017.0 / 3168.0, A62 = -355.0 / 33.0, A63 = 46732.0 / 5247.0, A64 = 49.0 / 176.0, A65 = -5103.0 / 18656.0;
    // 5th-order weights (= row 7 of A; b2 = b7 = 0).
    public const double B1 = 35.0 / 384.0, B3 = 500.0 / 1113.0, B4 = 125.0 / 192.0, B5 = -2187.0 / 6784.0, B6 = 11.0 / 84.0;
    // Error weights e = b(5) - b(4) (e2 = 0).
    public const double E1 = 71.0 / 57600.0, E3 = -71.0 / 16695.0, E4 = 71.0 / 1920.0, E5 = -17253.0 / 339200.0, E6 = 22.0 / 525.0, E7 = -1.0 / 40.0;

    /// <summary>Stage derivatives; K1 must hold f(t, y) before <see cref="Step"/>, K7 receives f(t+h, y_new).</summary>
    public double[] K1, K7;
    /// <summary>Inner stage derivatives.</summary>
    public readonly double[] K2, K3, K4, K5, K6;
    /// <summary>Stage argument buffer.</summary>
    public readonly double[] YStage;
    /// <summary>5th-order solution at t + h after <see cref="Step"/>.</summary>
    public double[] YNew;

    public DormandPrince45Stages(int dimension)
    {
        K1 = new double[dimension]; K2 = new double[dimension]; K3 = new double[dimension];
        K4 = new double[dimension]; K5 = new double[dimension]; K6 = new double[dimension];
        K7 = new double[dimension]; YStage = new double[dimension]; YNew = new double[dimension];
    }

    public int Dimension => K1.Length;

    /// <summary>
    /// One step of size h from (t, y) with K1 = f(t, y) already set: fills K2..K6, YNew and
    /// K7 = f(t + h, YNew), i.e. 6 right-hand-side evaluations. <paramref name="tNew"/> is the time
    /// of the end point (passed separately so that a step landing on an output time evaluates f there exactly).
    /// </summary>
    public void Step(OdeRhs rhs, double t, double h, double tNew, ReadOnlySpan<double> y)
    {
        int n = K1.Length;
        ReadOnlySpan<double> k1 = K1;
        Span<double> k2 = K2, k3 = K3, k4 = K4, k5 = K5, k6 = K6, ys = YStage, yn = YNew;
        y = y[..n];

        for (int i = 0; i < n; i++) ys[i] = y[i] + h * (A21 * k1[i]);
        rhs(t + C2 * h, ys, k2);
        for (int i = 0; i < n; i++) ys[i] = y[i] + h * (A31 * k1[i] + A32 * k2[i]);
        rhs(t + C3 * h, ys, k3);
        for (int i = 0; i < n; i++) ys[i] = y[i] + h * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
        rhs(t + C4 * h, ys, k4);
        for (int i = 0; i < n; i++) ys[i] = y[i] + h * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
        rhs(t + C5 * h, ys, k5);
        for (int i = 0; i < n; i++) ys[i] = y[i] + h * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
        rhs(tNew, ys, k6);
        for (int i = 0; i < n; i++) yn[i] = y[i] + h * (B1 * k1[i] + B3 * k3[i] + B4 * k4[i] + B5 * k5[i] + B6 * k6[i]);
        rhs(tNew, yn, K7);
    }

    /// <summary>
    /// Accepts the step without copying: <paramref name="y"/> and YNew swap buffers, and K1/K7 swap so
    /// that K1 = f(t + h, y_new) for the next step (FSAL).
    /// </summary>
    public void Accept(ref double[] y)
    {
        (y, YNew) = (YNew, y);
        (K1, K7) = (K7, K1);
    }

    /// <summary>True when YNew and K7 are all finite (then so were K1..K6).</summary>
    public bool ResultIsFinite()
    {
        ReadOnlySpan<double> yn = YNew, k7 = K7;
        for (int i = 0; i < yn.Length; i++)
        {
            if (!double.IsFinite(yn[i]) || !double.IsFinite(k7[i])) return false;
        }
        return true;
    }

    /// <summary>
    /// RMS norm of the embedded error estimate h * sum(e_j K_j), each component divided by
    /// absTol + relTol * max(|y_i|, |YNew_i|). Accept the step when &lt;= 1.
    /// </summary>
    public double ErrorNorm(ReadOnlySpan<double> y, double h, double relTol, double absTol)
    {
        int n = K1.Length;
        ReadOnlySpan<double> k1 = K1, k3 = K3, k4 = K4, k5 = K5, k6 = K6, k7 = K7, yn = YNew;
        y = y[..n];
        double sum = 0.0;
        for (int i = 0; i < n; i++)
        {
            double e = h * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
            double sc = absTol + relTol * Math.Max(Math.Abs(y[i]), Math.Abs(yn[i]));
            double q = e / sc;
            sum += q * q;
        }
        return Math.Sqrt(sum / n);
    }
}
