namespace ActorSim.Numerics.Muscle;

/// <summary>
/// Coordinator-side pure functions: reduce block partials in block order (never arrival order) and solve
/// m_eff y'' = F_eff for the stage acceleration.
/// </summary>
public static class MuscleReduction
{
    /// <summary>total = ((0 + p_0) + p_1) + ... in the given (block-index) order.</summary>
    public static void Reduce(IReadOnlyList<StagePartials> partialsInBlockOrder, StagePartials total)
    {
        total.Clear();
        var t = total.Values;
        for (int b = 0; b < partialsInBlockOrder.Count; b++)
        {
            var p = partialsInBlockOrder[b].Values;
            for (int k = 0; k < t.Length; k++) t[k] += p[k];
        }
    }

    /// <summary>
    /// Solves m_eff y'' = F_eff with m_eff = M I + (m/N) total.Mass and F_eff = F0(y) + (1/N) total.Force.
    /// n_y = 1 divides; n_y &gt; 1 uses an allocation-free Cholesky factorisation (m_eff is symmetric positive definite).
    /// </summary>
    public static void SolveAcceleration(MuscleModel model, long particleCount, ReadOnlySpan<double> y,
        StagePartials total, Span<double> acceleration)
    {
        int ny = model.Ny;
        double invN = particleCount > 0 ? 1.0 / particleCount : 0.0;
        double mN = model.ParticleMass * invN;
        Span<double> f0 = stackalloc double[ny];
        if (model.MacroPotential is null) f0.Clear(); else model.MacroPotential.Force(y, f0);
        var mass = total.Mass;
        var force = total.Force;
        if (ny == 1)
        {
            double meff = model.MacroMass + mN * mass[0];
            acceleration[0] = (f0[0] + invN * force[0]) / meff;
            return;
        }
        // Hand-written Cholesky on the stack (n_y <= 64, so at most 32 KB): no allocation per stage.
        Span<double> a = stackalloc double[ny * ny];
        for (int r = 0; r < ny; r++)
        {
            acceleration[r] = f0[r] + invN * force[r];
            for (int c = 0; c < ny; c++) a[r * ny + c] = (r == c ? model.MacroMass : 0.0) + mN * mass[r * ny + c];
        }
        if (!SmallDense.CholeskySolve(a, ny, acceleration))
            throw new InvalidOperationException("the effective mass matrix m_eff is not positive definite (M > 0 is required)");
    }

    /// <summary>
    /// Reduces diagnostic partials (in block order) to the energies and the maximal constraint drift.
    /// </summary>
    public static MuscleDiagnostics ReduceDiagnostics(MuscleModel model, long particleCount, ReadOnlySpan<double> y,
        ReadOnlySpan<double> ydot, IReadOnlyList<DiagnosticPartials> partialsInBlockOrder)
    {
        double kin = 0.0, pot = 0.0, pair = 0.0, drift = 0.0;
        for (int b = 0; b < partialsInBlockOrder.Count; b++)
        {
            var p = partialsInBlockOrder[b];
            kin += p.KineticSum; pot += p.ParticlePotentialSum; pair += p.PairPotentialSum;
            drift = Math.Max(drift, p.MaxConstraintDrift);
        }
        double invN = particleCount > 0 ? 1.0 / particleCount : 0.0;
        double v2 = 0.0;
        for (int k = 0; k < ydot.Length; k++) v2 += ydot[k] * ydot[k];
        double kinetic = 0.5 * model.MacroMass * v2 + 0.5 * model.ParticleMass * invN * kin;
        double potential = (model.MacroPotential?.Energy(y) ?? 0.0) + invN * pot + 0.5 * invN * pair;
        return new MuscleDiagnostics(kinetic, potential, drift);
    }
}
