namespace ActorSim.Numerics.Ode;

/// <summary>
/// Right-hand side f of the first-order system dy/dt = f(t, y). Implementations write the derivative
/// of every component into <paramref name="dydt"/> (same length as <paramref name="y"/>, in units of
/// y per unit time) and must not allocate, keep the spans, or depend on anything but (t, y) and
/// fixed parameters; the integrators call it several times per step with stage values of y.
/// </summary>
/// <param name="t">Time at which the derivative is evaluated.</param>
/// <param name="y">State at time t (read only; may be an internal stage buffer).</param>
/// <param name="dydt">Receives f(t, y).</param>
public delegate void OdeRhs(double t, ReadOnlySpan<double> y, Span<double> dydt);
