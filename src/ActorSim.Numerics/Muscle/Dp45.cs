using ActorSim.Numerics.Ode;

namespace ActorSim.Numerics.Muscle;

/// <summary>
/// The Dormand–Prince 5(4) pair of the adaptive particle and mean-field steps, stage by stage: the tableau of
/// <see cref="DormandPrince45Stages"/> (the ODE integrator's) as rows, so a stage round can form its argument
/// z_s = z0 + h sum_{j&lt;s} A[s][j] k_j for any s. Stage 6 is evaluated at the 5th-order solution (A[6] = b) and is
/// the first stage of the next step (FSAL); the error estimate is h sum_j E[j] k_j.
/// </summary>
public static class Dp45
{
    /// <summary>Number of stages (7, the last one FSAL).</summary>
    public const int Stages = 7;

    /// <summary>Rows of A: A[s] has s entries (A[0] is empty; A[6] are the 5th-order weights b).</summary>
    public static readonly double[][] A =
    [
        [],
        [DormandPrince45Stages.A21],
        [DormandPrince45Stages.A31, DormandPrince45Stages.A32],
        [DormandPrince45Stages.A41, DormandPrince45Stages.A42, DormandPrince45Stages.A43],
        [DormandPrince45Stages.A51, DormandPrince45Stages.A52, DormandPrince45Stages.A53, DormandPrince45Stages.A54],
        [DormandPrince45Stages.A61, DormandPrince45Stages.A62, DormandPrince45Stages.A63, DormandPrince45Stages.A64, DormandPrince45Stages.A65],
        [DormandPrince45Stages.B1, 0.0, DormandPrince45Stages.B3, DormandPrince45Stages.B4, DormandPrince45Stages.B5, DormandPrince45Stages.B6],
    ];

    /// <summary>Error weights e = b(5) − b(4), one per stage.</summary>
    public static readonly double[] E =
    [
        DormandPrince45Stages.E1, 0.0, DormandPrince45Stages.E3, DormandPrince45Stages.E4,
        DormandPrince45Stages.E5, DormandPrince45Stages.E6, DormandPrince45Stages.E7,
    ];

    /// <summary>Stage times c_s (fractions of h).</summary>
    public static readonly double[] C = [0.0, DormandPrince45Stages.C2, DormandPrince45Stages.C3, DormandPrince45Stages.C4, DormandPrince45Stages.C5, 1.0, 1.0];

    /// <summary>h sum_{j&lt;s} A[s][j] k_j, summed in stage order (the one formula every block and the coordinator use).</summary>
    public static double Increment(int stage, double h, ReadOnlySpan<double> k, int stride, int offset)
    {
        var a = A[stage];
        double s = 0.0;
        for (int j = 0; j < a.Length; j++) s += a[j] * k[j * stride + offset];
        return h * s;
    }

    /// <summary>The error estimate h sum_j E[j] k_j of one component.</summary>
    public static double Error(double h, ReadOnlySpan<double> k, int stride, int offset)
    {
        double s = 0.0;
        for (int j = 0; j < Stages; j++) s += E[j] * k[j * stride + offset];
        return h * s;
    }

    /// <summary>Squared scaled error (e / (atol + rtol max(|z0|, |z1|)))^2 of one component.</summary>
    public static double ScaledSquare(double e, double z0, double z1, double rtol, double atol)
    {
        double q = e / (atol + rtol * Math.Max(Math.Abs(z0), Math.Abs(z1)));
        return q * q;
    }
}

/// <summary>
/// The step-size controller of the adaptive particle runs: the ODE integrator's (<see cref="DormandPrince45"/>: PI
/// controller of DOPRI5 with exponents 0.17 / 0.04, safety factor 0.9, growth at most 10x and shrinking to at least
/// 1/5 per decision, no growth right after a rejection; a step shortened to land on an output time does not drag the
/// next one down). Its whole state is three numbers (<see cref="Save"/>), written into checkpoints so a resumed run
/// takes the same steps.
/// </summary>
public sealed class AdaptiveStepController
{
    private const double Beta = 0.04, Alpha = 0.2 - 0.75 * Beta, MinPreviousError = 1e-4;

    private double _hPlanned;
    private bool _landsOnEnd;

    /// <summary>The proposal for the next attempt (0 = not chosen yet).</summary>
    public double H { get; private set; }

    public double PreviousError { get; private set; } = MinPreviousError;
    public bool LastRejected { get; private set; }

    /// <summary>Sets the first proposal (only when none is chosen yet).</summary>
    public void Start(double h)
    {
        if (!(h > 0) || !double.IsFinite(h)) throw new ArgumentOutOfRangeException(nameof(h), h, "the first step must be finite and > 0");
        H = h;
    }

    /// <summary>
    /// Hairer's first guess from the scaled norms of z0 and f(z0): h = 0.01 d0 / d1 (1e-6 if either is tiny), at most
    /// <paramref name="hMax"/>.
    /// </summary>
    public static double InitialGuess(double d0, double d1, double hMax)
    {
        double h = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
        return Math.Min(h, hMax);
    }

    /// <summary>The step from t: the proposal, clipped to land exactly on tEnd (and taken whole if within 1 % of it).</summary>
    public (double H, double TNew) Plan(double t, double tEnd)
    {
        if (!(H > 0)) throw new InvalidOperationException("no step proposal yet");
        double h = H;
        if (h <= 10.0 * double.Epsilon * Math.Abs(t) || t + h == t || h < 1e-14 * Math.Max(1.0, Math.Abs(t)))
            throw new InvalidOperationException(FormattableString.Invariant(
                $"step size underflow at t = {t:R} (h = {h:R}): the tolerances cannot be met (the solution may blow up here)"));
        _hPlanned = h;
        _landsOnEnd = t + 1.01 * h >= tEnd;
        return _landsOnEnd ? (tEnd - t, tEnd) : (h, t + h);
    }

    /// <summary>Takes the error norm of the step of size h just attempted; true = accept. Sets the next proposal.</summary>
    public bool Decide(double err, double h)
    {
        if (!double.IsFinite(err))
        {
            H = h * 0.1; LastRejected = true;
            return false;
        }
        double errPow = Math.Pow(err, Alpha);
        if (err <= 1.0)
        {
            double fac = errPow / Math.Pow(PreviousError, Beta) / 0.9;
            fac = Math.Max(0.1, Math.Min(5.0, fac));
            double hNew = h / fac;
            if (LastRejected) hNew = Math.Min(hNew, h);
            if (_landsOnEnd && !LastRejected) hNew = Math.Max(hNew, Math.Min(_hPlanned, h * 0.9 * Math.Pow(err, -0.2)));
            PreviousError = Math.Max(err, MinPreviousError);
            H = hNew; LastRejected = false;
            return true;
        }
        H = h / Math.Min(5.0, errPow / 0.9);
        LastRejected = true;
        return false;
    }

    /// <summary>Number of doubles of <see cref="Save"/>.</summary>
    public const int StateLength = 3;

    public void Save(Span<double> state) { state[0] = H; state[1] = PreviousError; state[2] = LastRejected ? 1 : 0; }

    public void Load(ReadOnlySpan<double> state) { H = state[0]; PreviousError = state[1]; LastRejected = state[2] != 0; }
}

/// <summary>
/// Coordinator-side Dormand–Prince state of the macroscopic variables (y, y'): the accepted state, the stage
/// derivatives k_s = (y'_s, y''_s), the stage state to broadcast and the macroscopic part of the error norm.
/// </summary>
public sealed class MacroDp45
{
    private readonly int _n;
    private readonly double[] _y, _v, _ys, _vs, _ky, _kv, _yNew, _vNew;

    public MacroDp45(ReadOnlySpan<double> y, ReadOnlySpan<double> ydot)
    {
        _n = y.Length;
        if (ydot.Length != _n) throw new ArgumentException("y and y' lengths differ");
        _y = y.ToArray(); _v = ydot.ToArray(); _ys = y.ToArray(); _vs = ydot.ToArray();
        _ky = new double[Dp45.Stages * _n]; _kv = new double[Dp45.Stages * _n];
        _yNew = new double[_n]; _vNew = new double[_n];
    }

    public ReadOnlySpan<double> Y => _y;
    public ReadOnlySpan<double> Velocity => _v;
    public ReadOnlySpan<double> StageY => _ys;
    public ReadOnlySpan<double> StageVelocity => _vs;

    /// <summary>y'' at the accepted state (the FSAL stage; valid after stage 0 or an accepted step).</summary>
    public ReadOnlySpan<double> Acceleration => _kv.AsSpan(0, _n);

    /// <summary>Sets the stage state of stage s for step h (s = 0: the accepted state).</summary>
    public void PrepareStage(int s, double h)
    {
        for (int k = 0; k < _n; k++)
        {
            _ys[k] = _y[k] + Dp45.Increment(s, h, _ky, _n, k);
            _vs[k] = _v[k] + Dp45.Increment(s, h, _kv, _n, k);
        }
        if (s == Dp45.Stages - 1) { _ys.CopyTo(_yNew, 0); _vs.CopyTo(_vNew, 0); }
    }

    /// <summary>Records stage s's derivatives: y' = the broadcast stage velocity, y'' = the reduced acceleration.</summary>
    public void CompleteStage(int s, ReadOnlySpan<double> acceleration)
    {
        for (int k = 0; k < _n; k++) { _ky[s * _n + k] = _vs[k]; _kv[s * _n + k] = acceleration[k]; }
    }

    /// <summary>Sum of squared scaled errors of y and y' (after stage 6), 2 n_y components.</summary>
    public double ErrorSquares(double h, double rtol, double atol)
    {
        double sum = 0.0;
        for (int k = 0; k < _n; k++)
        {
            sum += Dp45.ScaledSquare(Dp45.Error(h, _ky, _n, k), _y[k], _yNew[k], rtol, atol);
            sum += Dp45.ScaledSquare(Dp45.Error(h, _kv, _n, k), _v[k], _vNew[k], rtol, atol);
        }
        return sum;
    }

    /// <summary>Accepts the step: (y, y') = the 5th-order solution, k_0 = k_6 (FSAL).</summary>
    public void Accept()
    {
        _yNew.CopyTo(_y, 0); _vNew.CopyTo(_v, 0);
        Array.Copy(_ky, 6 * _n, _ky, 0, _n); Array.Copy(_kv, 6 * _n, _kv, 0, _n);
        _y.CopyTo(_ys, 0); _v.CopyTo(_vs, 0);
    }

    /// <summary>Replaces the accepted state (between steps, e.g. after a restart; the FSAL stage is then invalid).</summary>
    public void Reset(ReadOnlySpan<double> y, ReadOnlySpan<double> ydot)
    {
        y.CopyTo(_y); ydot.CopyTo(_v); y.CopyTo(_ys); ydot.CopyTo(_vs);
        Array.Clear(_ky); Array.Clear(_kv);
    }
}
