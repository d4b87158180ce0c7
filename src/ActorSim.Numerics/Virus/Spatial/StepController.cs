namespace ActorSim.Numerics.Virus.Spatial;

/// <summary>The coordinator's pure step-size rule.</summary>
public static class StepController
{
    /// <summary>
    /// The next step from time <paramref name="t"/>, never past <paramref name="tEnd"/>, from the globally reduced
    /// bounds (see <see cref="StepSettings"/>). Throws if the state is not finite or no finite step results.
    /// </summary>
    public static StepPlan Plan(long step, double t, double tEnd, SubdomainBounds global, double diffusionSpectralRadius,
        StepSettings settings)
    {
        if (!double.IsFinite(global.AdvectiveRate) || !double.IsFinite(global.ReactionRate))
            throw new InvalidOperationException($"non-finite step bounds at t = {t}: the state blew up or contains NaN");
        if (!(tEnd > t)) throw new ArgumentOutOfRangeException(nameof(tEnd), "tEnd must be after t");
        double dt = settings.MaxDt;
        if (global.AdvectiveRate > 0) dt = Math.Min(dt, settings.AdvectiveCourant / global.AdvectiveRate);
        if (global.ReactionRate > 0) dt = Math.Min(dt, settings.ReactionCourant / global.ReactionRate);
        if (!(dt > 0) || double.IsInfinity(dt)) throw new InvalidOperationException("no finite time step: set StepSettings.MaxDt");
        double tNext = t + dt;
        if (tNext >= tEnd || tEnd - tNext <= 1e-12 * dt)
        {
            dt = tEnd - t;
            tNext = tEnd;
        }
        int s = Math.Max(settings.MinStages, Rkl2.StagesFor(dt * diffusionSpectralRadius, settings.RklSafety));
        return new StepPlan(step, t, dt, tNext, s);
    }
}
