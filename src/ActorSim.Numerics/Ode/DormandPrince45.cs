namespace ActorSim.Numerics.Ode;

/// <summary>
/// Adaptive explicit Runge–Kutta integrator with the Dormand–Prince 5(4) pair (DOPRI5): 5th-order
/// solution propagated, embedded 4th-order error estimate, first-same-as-last (6 right-hand-side
/// evaluations per attempted step). Error control follows Hairer–Nørsett–Wanner (Solving ODEs I,
/// II.4): mixed absolute/relative tolerances, RMS norm, and the PI step-size controller of DOPRI5
/// (exponents 0.17 / 0.04, safety factor 0.9, growth limited to 10x and shrinking to 1/5 per step;
/// no growth directly after a rejection).
/// <para>
/// Output is obtained by stepping exactly onto requested times with <see cref="AdvanceTo"/> (no dense
/// output, no interpolation). All work arrays are allocated in the constructor: stepping allocates
/// nothing. Deterministic: identical inputs give bit-identical results. Not thread-safe; integrates
/// forward in time only.
/// </para>
/// </summary>
public sealed class DormandPrince45
{
    /// <summary>Safety factor applied to the optimal step-size prediction.</summary>
    public const double Safety = 0.9;
    /// <summary>Largest factor by which the step may grow after an accepted step.</summary>
    public const double MaxGrowth = 10.0;
    /// <summary>Smallest factor to which the step may shrink after one error test (1/5).</summary>
    public const double MinShrink = 0.2;
    /// <summary>Factor applied to the step after a step produced NaN/infinite values.</summary>
    public const double NonFiniteShrink = 0.1;
    /// <summary>Consecutive non-finite attempted steps after which the integration is abandoned.</summary>
    public const int MaxConsecutiveNonFinite = 10;

    private const double ControllerBeta = 0.04;               // PI part (Gustafsson), DOPRI5 default
    private const double ControllerAlpha = 0.2 - 0.75 * ControllerBeta; // 1/(q+1) - 0.75 beta, q = 4
    private const double MinPreviousError = 1e-4;

    private readonly OdeRhs _rhs;
    private readonly OdeTolerances _tol;
    private readonly DormandPrince45Stages _w;
    private double[] _y;           // current accepted state (swapped with _w.YNew on acceptance)
    private double _t;
    private double _h;             // step size proposed for the next attempt (> 0)
    private double _previousError = MinPreviousError;
    private bool _lastRejected;
    private bool _initialized;

    /// <summary>Creates an integrator for a system of <paramref name="dimension"/> equations.</summary>
    /// <param name="dimension">Number of state components, &gt; 0.</param>
    /// <param name="rhs">Right-hand side f(t, y).</param>
    /// <param name="tolerances">Error-control settings (validated here).</param>
    public DormandPrince45(int dimension, OdeRhs rhs, OdeTolerances tolerances)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        ArgumentNullException.ThrowIfNull(rhs);
        ArgumentNullException.ThrowIfNull(tolerances);
        if (!(tolerances.RelTol >= 0.0) || !double.IsFinite(tolerances.RelTol))
            throw new ArgumentOutOfRangeException(nameof(tolerances), tolerances.RelTol, "RelTol must be finite and >= 0.");
        if (!(tolerances.AbsTol > 0.0) || !double.IsFinite(tolerances.AbsTol))
            throw new ArgumentOutOfRangeException(nameof(tolerances), tolerances.AbsTol, "AbsTol must be finite and > 0.");
        if (tolerances.InitialStep is { } h0 && !(h0 > 0.0 && double.IsFinite(h0)))
            throw new ArgumentOutOfRangeException(nameof(tolerances), h0, "InitialStep must be finite and > 0.");
        if (tolerances.MaxStep is { } hm && !(hm > 0.0))
            throw new ArgumentOutOfRangeException(nameof(tolerances), hm, "MaxStep must be > 0.");
        if (tolerances.MaxSteps <= 0)
            throw new ArgumentOutOfRangeException(nameof(tolerances), tolerances.MaxSteps, "MaxSteps must be > 0.");

        _rhs = rhs;
        _tol = tolerances;
        _w = new DormandPrince45Stages(dimension);
        _y = new double[dimension];
    }

    /// <summary>Number of state components.</summary>
    public int Dimension => _y.Length;

    /// <summary>Error-control settings in use.</summary>
    public OdeTolerances Tolerances => _tol;

    /// <summary>Current time (the last accepted step's end, or t0).</summary>
    public double T => _t;

    /// <summary>Current state at <see cref="T"/>. A view of internal storage: valid until the next call that steps.</summary>
    public ReadOnlySpan<double> Y => _y;

    /// <summary>Step size (time units) proposed by the controller for the next attempt, before clipping to MaxStep and to the output time.</summary>
    public double NextStepSize => _h;

    /// <summary>Accepted steps since <see cref="Initialize"/>.</summary>
    public long AcceptedSteps { get; private set; }

    /// <summary>Rejected step attempts (error test failed or non-finite values) since <see cref="Initialize"/>.</summary>
    public long RejectedSteps { get; private set; }

    /// <summary>Right-hand-side evaluations since <see cref="Initialize"/> (including the initial one and the step-size guess).</summary>
    public long RhsEvaluations { get; private set; }

    /// <summary>
    /// Sets the initial condition y(t0) = y0 and resets counters and the step-size controller.
    /// Evaluates f(t0, y0) and, when no <see cref="OdeTolerances.InitialStep"/> is given, one more
    /// f to choose the first step. Throws <see cref="OdeIntegrationException"/> if y0 or f(t0, y0) is not finite.
    /// </summary>
    public void Initialize(double t0, ReadOnlySpan<double> y0)
    {
        if (y0.Length != _y.Length)
            throw new ArgumentException($"y0 has length {y0.Length}, expected {_y.Length}.", nameof(y0));
        if (!double.IsFinite(t0)) throw new ArgumentOutOfRangeException(nameof(t0), t0, "t0 must be finite.");
        _initialized = false;
        _t = t0;
        y0.CopyTo(_y);
        AcceptedSteps = RejectedSteps = RhsEvaluations = 0;
        _previousError = MinPreviousError;
        _lastRejected = false;

        if (!AllFinite(_y))
            throw new OdeIntegrationException(OdeFailureReason.NonFiniteState, t0, 0.0, "the initial state contains NaN or infinite values.");
        _rhs(t0, _y, _w.K1);
        RhsEvaluations++;
        if (!AllFinite(_w.K1))
            throw new OdeIntegrationException(OdeFailureReason.NonFiniteState, t0, 0.0, "the right-hand side returned NaN or infinite values at the initial state.");

        _h = _tol.InitialStep ?? InitialStepGuess();
        if (_tol.MaxStep is { } hMax) _h = Math.Min(_h, hMax);
        _initialized = true;
    }

    /// <summary>
    /// Integrates from <see cref="T"/> to <paramref name="tEnd"/> with adaptive steps; the last step is
    /// shortened so that <see cref="T"/> == tEnd exactly on return. tEnd == T does nothing.
    /// Throws <see cref="OdeIntegrationException"/> (state left at the last accepted step) when the
    /// step size underflows (h &lt;= 10 eps |t|), when more than MaxSteps steps are attempted in this
    /// call, or when the state/derivative stays non-finite.
    /// </summary>
    public void AdvanceTo(double tEnd)
    {
        if (!_initialized) throw new InvalidOperationException("Call Initialize before AdvanceTo.");
        if (double.IsNaN(tEnd) || tEnd < _t)
            throw new ArgumentOutOfRangeException(nameof(tEnd), tEnd, $"tEnd must be >= the current time {_t:R} (forward integration only).");
        if (double.IsPositiveInfinity(tEnd))
            throw new ArgumentOutOfRangeException(nameof(tEnd), tEnd, "tEnd must be finite.");

        double relTol = _tol.RelTol, absTol = _tol.AbsTol;
        double hMax = _tol.MaxStep ?? double.PositiveInfinity;
        long maxSteps = _tol.MaxSteps;
        long attempts = 0;
        int consecutiveNonFinite = 0;
        bool lastRejectionNonFinite = false;

        while (_t < tEnd)
        {
            if (attempts >= maxSteps)
                throw new OdeIntegrationException(OdeFailureReason.MaxStepsExceeded, _t, _h,
                    FormattableString.Invariant($"more than MaxSteps = {maxSteps} steps attempted while advancing to t = {tEnd:R} (the problem may be stiff, or the tolerances too strict for the time span)."));

            double h = Math.Min(_h, hMax);
            if (h <= 10.0 * UnitRoundoff * Math.Abs(_t) || _t + h == _t)
                throw new OdeIntegrationException(
                    lastRejectionNonFinite ? OdeFailureReason.NonFiniteState : OdeFailureReason.StepSizeUnderflow, _t, h,
                    lastRejectionNonFinite
                        ? "step size underflow: the right-hand side returns NaN or infinite values just ahead of t, so no step can be taken."
                        : "step size underflow: the step needed to meet the tolerances is below round-off of t (the solution may blow up or have a singularity here).");

            double hPlanned = h;
            bool landsOnEnd = _t + 1.01 * h >= tEnd;
            double tNew = _t + h;
            if (landsOnEnd) { h = tEnd - _t; tNew = tEnd; }

            _w.Step(_rhs, _t, h, tNew, _y);
            RhsEvaluations += 6;
            attempts++;

            if (!_w.ResultIsFinite())
            {
                RejectedSteps++;
                consecutiveNonFinite++;
                lastRejectionNonFinite = true;
                if (consecutiveNonFinite >= MaxConsecutiveNonFinite)
                    throw new OdeIntegrationException(OdeFailureReason.NonFiniteState, _t, h,
                        FormattableString.Invariant($"the right-hand side or the state became NaN or infinite in {consecutiveNonFinite} consecutive step attempts, each {1.0 / NonFiniteShrink:R} times shorter than the last."));
                _h = h * NonFiniteShrink;
                _lastRejected = true;
                continue;
            }
            consecutiveNonFinite = 0;

            double err = _w.ErrorNorm(_y, h, relTol, absTol);
            double errPow = Math.Pow(err, ControllerAlpha);   // err^(0.17); err = +inf gives +inf
            if (err <= 1.0)
            {
                // PI controller: h_new = h * safety * err^-alpha * errPrev^beta, clamped.
                double fac = errPow / Math.Pow(_previousError, ControllerBeta) / Safety;
                fac = Math.Max(1.0 / MaxGrowth, Math.Min(1.0 / MinShrink, fac));
                double hNew = h / fac;
                if (_lastRejected) hNew = Math.Min(hNew, h);
                // A step shortened to land on tEnd must not drag the next step down through the growth
                // limit: go back to the step planned before shortening, unless the error of the short
                // step (err ~ h^5) predicts that even that would fail.
                if (landsOnEnd && !_lastRejected)
                    hNew = Math.Max(hNew, Math.Min(hPlanned, h * Safety * Math.Pow(err, -0.2)));
                _previousError = Math.Max(err, MinPreviousError);

                // Accept: swap state and FSAL stage.
                _w.Accept(ref _y);
                _t = tNew;
                _h = hNew;
                _lastRejected = false;
                lastRejectionNonFinite = false;
                AcceptedSteps++;
            }
            else
            {
                double fac = Math.Min(1.0 / MinShrink, errPow / Safety);
                _h = h / fac;
                _lastRejected = true;
                lastRejectionNonFinite = false;
                RejectedSteps++;
            }
        }
    }

    /// <summary>Number of doubles written by <see cref="SaveState"/>: t, h, the error memory, the rejection flag, the three counters, then y and the FSAL derivative f(t, y).</summary>
    public int StateLength => 7 + 2 * _y.Length;

    /// <summary>
    /// Copies everything the next steps depend on (t, the proposed step h, the PI controller's error memory, whether the
    /// last attempt was rejected, the counters, y and the FSAL derivative) into <paramref name="state"/>, so that
    /// <see cref="LoadState"/> continues bit for bit (for checkpoints). Only between <see cref="AdvanceTo"/> calls.
    /// </summary>
    public void SaveState(Span<double> state)
    {
        if (!_initialized) throw new InvalidOperationException("Call Initialize before SaveState.");
        if (state.Length != StateLength) throw new ArgumentException($"state has length {state.Length}, expected {StateLength}.", nameof(state));
        int n = _y.Length;
        state[0] = _t; state[1] = _h; state[2] = _previousError; state[3] = _lastRejected ? 1.0 : 0.0;
        state[4] = AcceptedSteps; state[5] = RejectedSteps; state[6] = RhsEvaluations;
        _y.CopyTo(state.Slice(7, n));
        _w.K1.CopyTo(state.Slice(7 + n, n));
    }

    /// <summary>Restores a state written by <see cref="SaveState"/> (replaces <see cref="Initialize"/>; evaluates nothing).</summary>
    public void LoadState(ReadOnlySpan<double> state)
    {
        if (state.Length != StateLength) throw new ArgumentException($"state has length {state.Length}, expected {StateLength}.", nameof(state));
        int n = _y.Length;
        _t = state[0]; _h = state[1]; _previousError = state[2]; _lastRejected = state[3] != 0.0;
        AcceptedSteps = (long)state[4]; RejectedSteps = (long)state[5]; RhsEvaluations = (long)state[6];
        state.Slice(7, n).CopyTo(_y);
        state.Slice(7 + n, n).CopyTo(_w.K1);
        _initialized = true;
    }

    /// <summary>
    /// Integrates from (t0, y0) to tEnd with <paramref name="steps"/> equal steps of the 5th-order
    /// Dormand–Prince formula, no error control, writing y(tEnd) into <paramref name="yEnd"/>.
    /// Meant for convergence studies (global error O(h^5)). Allocates its workspace once per call.
    /// </summary>
    public static void FixedStep(OdeRhs rhs, double t0, ReadOnlySpan<double> y0, double tEnd, int steps, Span<double> yEnd)
    {
        ArgumentNullException.ThrowIfNull(rhs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        if (y0.Length == 0) throw new ArgumentException("y0 must not be empty.", nameof(y0));
        if (yEnd.Length != y0.Length) throw new ArgumentException("yEnd must have the length of y0.", nameof(yEnd));

        var w = new DormandPrince45Stages(y0.Length);
        var y = new double[y0.Length];
        y0.CopyTo(y);
        double span = tEnd - t0;
        double h = span / steps;
        rhs(t0, y, w.K1);
        double t = t0;
        for (int i = 1; i <= steps; i++)
        {
            double tNew = i == steps ? tEnd : t0 + span * i / steps;
            w.Step(rhs, t, h, tNew, y);
            w.YNew.CopyTo(y, 0);
            w.K7.CopyTo(w.K1, 0);
            t = tNew;
        }
        y.CopyTo(yEnd);
    }

    private const double UnitRoundoff = 2.220446049250313e-16; // 2^-52

    /// <summary>Hairer's HINIT: first step from |y0|, |f0| and a finite-difference estimate of |f'|.</summary>
    private double InitialStepGuess()
    {
        int n = _y.Length;
        double relTol = _tol.RelTol, absTol = _tol.AbsTol;
        double d0 = 0, d1 = 0;
        for (int i = 0; i < n; i++)
        {
            double sk = absTol + relTol * Math.Abs(_y[i]);
            d0 += (_y[i] / sk) * (_y[i] / sk);
            d1 += (_w.K1[i] / sk) * (_w.K1[i] / sk);
        }
        d0 = Math.Sqrt(d0 / n); d1 = Math.Sqrt(d1 / n);
        double h0 = (d0 < 1e-10 || d1 < 1e-10) ? 1e-6 : 0.01 * d0 / d1;
        if (_tol.MaxStep is { } hMax) h0 = Math.Min(h0, hMax);

        for (int i = 0; i < n; i++) _w.YStage[i] = _y[i] + h0 * _w.K1[i];
        _rhs(_t + h0, _w.YStage, _w.K2);
        RhsEvaluations++;
        double d2 = 0;
        for (int i = 0; i < n; i++)
        {
            double sk = absTol + relTol * Math.Abs(_y[i]);
            double q = (_w.K2[i] - _w.K1[i]) / sk;
            d2 += q * q;
        }
        d2 = Math.Sqrt(d2 / n) / h0;
        double dMax = Math.Max(d1, d2);
        double h1 = !(dMax > 1e-15) ? Math.Max(1e-6, h0 * 1e-3) : Math.Pow(0.01 / dMax, 1.0 / 5.0);
        double h = Math.Min(100.0 * h0, h1);
        if (!(h > 0.0) || !double.IsFinite(h)) h = 1e-6; // non-finite f(t0 + h0) etc.: start cautiously
        return h;
    }

    private static bool AllFinite(ReadOnlySpan<double> v)
    {
        foreach (double x in v) if (!double.IsFinite(x)) return false;
        return true;
    }
}
