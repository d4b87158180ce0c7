namespace ActorSim.Numerics.Ode;

/// <summary>Why an adaptive integration was abandoned.</summary>
public enum OdeFailureReason
{
    /// <summary>The step size needed to meet the tolerances fell below round-off of t (typically a
    /// singularity/blow-up of the solution or a discontinuous right-hand side).</summary>
    StepSizeUnderflow,
    /// <summary>More than <see cref="OdeTolerances.MaxSteps"/> steps were attempted in one call.</summary>
    MaxStepsExceeded,
    /// <summary>The state or the right-hand side became NaN or infinite.</summary>
    NonFiniteState,
}

/// <summary>
/// Thrown when an ODE integration cannot continue. <see cref="T"/> is the last accepted time (the
/// integrator's state is left there, still valid), <see cref="StepSize"/> the step size being tried.
/// The message states t, h and the reason.
/// </summary>
public sealed class OdeIntegrationException : Exception
{
    /// <summary>Creates the exception; the message is composed from the arguments.</summary>
    public OdeIntegrationException(OdeFailureReason reason, double t, double stepSize, string detail)
        : base(FormattableString.Invariant($"ODE integration failed at t = {t:R} with step size h = {stepSize:R}: {detail}"))
    {
        Reason = reason;
        T = t;
        StepSize = stepSize;
    }

    /// <summary>Why the integration stopped.</summary>
    public OdeFailureReason Reason { get; }

    /// <summary>Last accepted time (time units).</summary>
    public double T { get; }

    /// <summary>Step size (time units) being attempted when the failure was detected.</summary>
    public double StepSize { get; }
}
