using ActorSim.Numerics.Grid;

namespace ActorSim.Numerics.Virus.Spatial;

/// <summary>The coordinator's pure step-size rule.</summary>
public static class StepController
{
    /// <summary>
    /// The next step from time <paramref name="t"/>, never past <paramref name="tEnd"/>, from the globally reduced
    /// bounds (see <see cref="StepSettings"/>). Each RKL2 substep of length τ along an axis needs
    /// τ·(advective rate of that axis) ≤ AdvectiveCourant and τ·ρ_axis ≤ RklSafety·(s² + s − 2)/2 with
    /// ρ_axis = (max D)·4/h²; in 2D the x substeps have τ = Dt/2. Throws if the state is not finite or no finite
    /// step results.
    /// </summary>
    public static StepPlan Plan(long step, double t, double tEnd, SubdomainBounds global, UniformGrid grid,
        double maxDiffusivity, StepSettings settings)
    {
        if (!double.IsFinite(global.AdvectiveRateX) || !double.IsFinite(global.AdvectiveRateY) || !double.IsFinite(global.ReactionRate))
            throw new InvalidOperationException($"non-finite step bounds at t = {t}: the state blew up or contains NaN");
        if (!(tEnd > t)) throw new ArgumentOutOfRangeException(nameof(tEnd), "tEnd must be after t");
        bool twoD = grid.Dimension == 2;
        double xFraction = twoD ? 0.5 : 1.0; // x substeps are Dt/2 long in 2D
        double dt = settings.MaxDt;
        if (global.AdvectiveRateX > 0) dt = Math.Min(dt, settings.AdvectiveCourant / (xFraction * global.AdvectiveRateX));
        if (twoD && global.AdvectiveRateY > 0) dt = Math.Min(dt, settings.AdvectiveCourant / global.AdvectiveRateY);
        if (global.ReactionRate > 0) dt = Math.Min(dt, settings.ReactionCourant / global.ReactionRate);
        if (!(dt > 0) || double.IsInfinity(dt)) throw new InvalidOperationException("no finite time step: set StepSettings.MaxDt");
        double tNext = t + dt;
        if (tNext >= tEnd || tEnd - tNext <= 1e-12 * dt)
        {
            dt = tEnd - t;
            tNext = tEnd;
        }
        double rhoX = maxDiffusivity * 4.0 / (grid.Hx * grid.Hx);
        int sx = Math.Max(settings.MinStages, Rkl2.StagesFor(xFraction * dt * rhoX, settings.RklSafety));
        int sy = 0;
        if (twoD)
        {
            double rhoY = maxDiffusivity * 4.0 / (grid.Hy * grid.Hy);
            sy = Math.Max(settings.MinStages, Rkl2.StagesFor(dt * rhoY, settings.RklSafety));
        }
        return new StepPlan(step, t, dt, tNext, sx, sy);
    }
}
