namespace ActorSim.Numerics.Ode;

/// <summary>
/// Error-control settings of the adaptive integrators. A step is accepted when the RMS norm of the
/// local error estimate, each component scaled by <c>AbsTol + RelTol * max(|y_old|, |y_new|)</c>,
/// is at most 1 (Hairer–Nørsett–Wanner, Solving ODEs I, II.4).
/// </summary>
/// <param name="RelTol">Relative tolerance per step (dimensionless), &gt;= 0.</param>
/// <param name="AbsTol">Absolute tolerance per step, in units of y, &gt; 0 (keeps the scale positive
/// for components that pass through zero).</param>
/// <param name="InitialStep">First trial step in time units; null = chosen automatically from f(t0, y0)
/// (Hairer's HINIT heuristic).</param>
/// <param name="MaxStep">Upper bound on the step size in time units; null = unbounded.</param>
/// <param name="MaxSteps">Maximum number of attempted (accepted + rejected) steps within one call of
/// <see cref="DormandPrince45.AdvanceTo"/>.</param>
public sealed record OdeTolerances(
    double RelTol = 1e-8,
    double AbsTol = 1e-10,
    double? InitialStep = null,
    double? MaxStep = null,
    long MaxSteps = 10_000_000);
