using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ActorSim.Numerics.Muscle;

/// <summary>
/// The particle-block stage kernel of the constraints whose kinematics act on each position component separately and
/// affinely, with coefficients that depend only on the broadcast stage state: the linear constraint g = X − G y
/// (any n_x, n_y; Phi = G, X' = G y', Omega = 0) and the 1D stretch g = x / (1 + y) (Phi = x / (1 + y),
/// X' = (y' / (1 + y)) x, Omega = 0), with no W1 or a diagonal harmonic W1 and no interaction field. Per component c
/// the velocity is X_c' = alpha_c + beta X_c with per-stage scalars, so one fused, vectorised, bounds-check-free
/// pass per component does the RK4 update and accumulates the moments sum X, sum X^2, sum f, sum X f (f = F1, the
/// harmonic force, exactly <see cref="HarmonicParticlePotential.Force"/>) from which the block partials follow:
/// <code>
///   linear:  sum Phi^T Phi [a, b] = n sum_r G_ra G_rb,   sum Phi^T f [a] = sum_r G_ra sum_i f_r,i
///   stretch: sum Phi^2 = q^2 sum x^2,                   sum Phi f = q sum x f,        q = 1 / (1 + y)
/// </code>
/// The same sums as the per-particle path, re-associated (4 lanes, combined in a fixed order; plain multiply and add,
/// no FMA), so results depend only on the block's particles. Stretch: stage 0 uses X == X0 (between steps) and does
/// not read X0: per component and step it moves 18 doubles (stage 0: read X, write acc and X; stages 1, 2: read X,
/// acc, X0, write acc, X; stage 3: read X, X0, acc, write X, X0). Linear: X' is the same for every particle, so the
/// stage offset and the accumulator are one number per component (kept by the block) and a step moves 6 doubles per
/// component (X0 read at every stage, X and X0 written at the end) — the same positions bit for bit.
/// </summary>
internal static class ComponentStageKernel
{
    /// <summary>Per-component moments of one stage.</summary>
    private struct Moments
    {
        public double X, XX, F, XF;
    }

    /// <summary>True if <see cref="TryEvaluate"/> handles this constraint and force combination.</summary>
    public static bool Handles(ParticleConstraint constraint, IParticlePotential? w1, IInteractionField? field) =>
        field is null
        && (constraint is LinearConstraint || constraint is StretchConstraint1D)
        && (w1 is null || (w1 is HarmonicParticlePotential h && h.Dimension == constraint.Nx));

    /// <summary>
    /// Evaluates the stage if <see cref="Handles"/>; returns false (and does nothing) otherwise.
    /// </summary>
    public static bool TryEvaluate(ParticleConstraint constraint, IParticlePotential? w1, IInteractionField? field,
        int stage, double dt, ReadOnlySpan<double> y, ReadOnlySpan<double> ydot,
        double[][] x, double[][] x0, double[][] acc, Span<double> uniform, int count, StagePartials output)
    {
        if (!Handles(constraint, w1, field)) return false;
        var h = w1 as HarmonicParticlePotential;
        if (constraint is StretchConstraint1D)
        {
            double q = 1.0 / (1.0 + y[0]);
            var mom = Component(h, 0, stage, dt, 0.0, q * ydot[0], x[0], x0[0], acc[0], count);
            output.Mass[0] = q * q * mom.XX;
            output.Force[0] = q * mom.XF;
            return true;
        }
        var lin = (LinearConstraint)constraint;
        int nx = lin.Nx, ny = lin.Ny;
        ReadOnlySpan<double> g = lin.Coupling;
        output.Clear();
        var mass = output.Mass;
        var force = output.Force;
        for (int r = 0; r < nx; r++)
        {
            double v = 0.0;
            for (int c = 0; c < ny; c++) v += g[r * ny + c] * ydot[c];
            var mom = UniformComponent(h, r, stage, dt, v, x[r], x0[r], ref uniform[2 * r], ref uniform[2 * r + 1], count);
            for (int a = 0; a < ny; a++) force[a] += g[r * ny + a] * mom.F;
        }
        UniformMass(g, nx, ny, count, mass);
        return true;
    }

    /// <summary>
    /// The block's diagnostics (<see cref="ParticleBlock.ComputeDiagnostics"/>) for the constraints of
    /// <see cref="Handles"/> with n_x &lt;= 2, in one vectorised pass: sum |X'|^2, sum W1 and the largest constraint drift
    /// |g(X, y) − g(X^init, y^init)| (for the stretch and n_y = 1 the same per-particle arithmetic as the general path,
    /// so the drift — a maximum — is bit-identical; the sums are re-associated). Returns false (and does nothing) for
    /// anything else.
    /// </summary>
    public static bool TryDiagnostics(ParticleConstraint constraint, IParticlePotential? w1, IInteractionField? field,
        ReadOnlySpan<double> y, ReadOnlySpan<double> ydot, double[][] x, double[][] reference, int count, DiagnosticPartials output)
    {
        if (!Handles(constraint, w1, field) || constraint.Nx > 2) return false;
        var h = w1 as HarmonicParticlePotential;
        int nx = constraint.Nx;
        if ((uint)count > (uint)x[0].Length || count > reference[0].Length
            || (nx == 2 && (count > x[1].Length || count > reference[1].Length)))
            throw new InvalidOperationException("particle arrays shorter than the block");
        // Per component: g_c = x_c * gs + go_c (linear: gs = 1, go = -(G y)_c; stretch: g = x / (1 + y), done as a division),
        // X'_c = va_c + vb * x (linear: va = (G y')_c, vb = 0; stretch: va = 0, vb = y' / (1 + y) applied as (x / (1 + y)) y').
        bool stretch = constraint is StretchConstraint1D;
        double s = 1.0 + y[0];
        Span<double> go = stackalloc double[2];
        Span<double> va = stackalloc double[2];
        go.Clear(); va.Clear();
        if (constraint is LinearConstraint lin)
        {
            ReadOnlySpan<double> g = lin.Coupling;
            int ny = lin.Ny;
            for (int r = 0; r < nx; r++)
            {
                double gy = 0.0, gv = 0.0;
                for (int c = 0; c < ny; c++) { gy += g[r * ny + c] * y[c]; gv += g[r * ny + c] * ydot[c]; }
                go[r] = gy; va[r] = gv;
            }
        }
        double kin = 0.0, pot = 0.0, drift = 0.0;
        var kinV = Vector256<double>.Zero; var potV = Vector256<double>.Zero; var driftV = Vector256<double>.Zero;
        var sV = Vector256.Create(s); var ydV = Vector256.Create(ydot[0]);
        nuint len = (nuint)count, vlen = len & ~(nuint)3, i = 0;
        for (int c = 0; c < nx; c++)
        {
            // kinetic and potential sums component by component (the per-particle path sums components first; the
            // re-association is round-off)
            ref double xc = ref MemoryMarshal.GetArrayDataReference(x[c]);
            double hk = h is null ? 0.0 : 0.5 * h.Stiffness(c), rest = h is null ? 0.0 : h.Rest(c);
            var hkV = Vector256.Create(hk); var restV = Vector256.Create(rest); var vaV = Vector256.Create(va[c]);
            for (i = 0; i < vlen; i += 4)
            {
                var p = Vector256.LoadUnsafe(ref xc, i);
                var xd = stretch ? p / sV * ydV : vaV;
                kinV += xd * xd;
                if (h is not null) { var d = p - restV; potV += hkV * d * d; }
            }
            for (; i < len; i++)
            {
                double p = Unsafe.Add(ref xc, i);
                double xd = stretch ? p / s * ydot[0] : va[c];
                kin += xd * xd;
                if (h is not null) { double d = p - rest; pot += hk * d * d; }
            }
        }
        {
            ref double x0 = ref MemoryMarshal.GetArrayDataReference(x[0]);
            ref double r0 = ref MemoryMarshal.GetArrayDataReference(reference[0]);
            ref double x1 = ref MemoryMarshal.GetArrayDataReference(x[nx - 1]);
            ref double r1 = ref MemoryMarshal.GetArrayDataReference(reference[nx - 1]);
            var go0 = Vector256.Create(go[0]); var go1 = Vector256.Create(go[1]);
            for (i = 0; i < vlen; i += 4)
            {
                var p0 = Vector256.LoadUnsafe(ref x0, i);
                var d0 = (stretch ? p0 / sV : p0 - go0) - Vector256.LoadUnsafe(ref r0, i);
                var d2 = d0 * d0;
                if (nx == 2)
                {
                    var d1 = (Vector256.LoadUnsafe(ref x1, i) - go1) - Vector256.LoadUnsafe(ref r1, i);
                    d2 += d1 * d1;
                }
                driftV = Vector256.Max(driftV, Vector256.Sqrt(d2));
            }
            for (; i < len; i++)
            {
                double p0 = Unsafe.Add(ref x0, i);
                double d0 = (stretch ? p0 / s : p0 - go[0]) - Unsafe.Add(ref r0, i);
                double d2 = d0 * d0;
                if (nx == 2)
                {
                    double d1 = (Unsafe.Add(ref x1, i) - go[1]) - Unsafe.Add(ref r1, i);
                    d2 += d1 * d1;
                }
                drift = Math.Max(drift, Math.Sqrt(d2));
            }
        }
        output.KineticSum = Sum(kinV, Vector256<double>.Zero) + kin;
        output.ParticlePotentialSum = Sum(potV, Vector256<double>.Zero) + pot;
        output.PairPotentialSum = 0.0;
        output.MaxConstraintDrift = Math.Max(drift, Math.Max(Math.Max(driftV.GetElement(0), driftV.GetElement(1)),
            Math.Max(driftV.GetElement(2), driftV.GetElement(3))));
        return true;
    }

    /// <summary>
    /// One component of the linear constraint: X' = v is the same for every particle, so the stage position is
    /// X0 + delta with one offset per component and the RK4 accumulator is one number. The positions are read once per
    /// stage (at X0 + delta, the same bits as a stored X0 + h v) and written once per step: 6 doubles per component
    /// and step (stage 3 reads X0, writes X and X0) instead of 18. Between steps X == X0 as always; during a step X keeps
    /// the step-start position (nothing reads stage positions of a block without an interaction field).
    /// </summary>
    private static Moments UniformComponent(HarmonicParticlePotential? h, int c, int stage, double dt, double v,
        double[] x, double[] x0, ref double delta, ref double acc, int count)
    {
        if ((uint)count > (uint)x.Length || count > x0.Length) throw new InvalidOperationException("particle arrays shorter than the block");
        double next = Rk4.NextStageFactor(stage) * dt;
        Moments m;
        switch (stage)
        {
            case 0:
                m = h is null ? default : ShiftMoments(new HarmonicForce(h.Stiffness(c), h.Rest(c)), x0, 0.0, count, shift: false);
                acc = v; delta = next * v;
                break;
            case 1:
            case 2:
                m = h is null ? default : ShiftMoments(new HarmonicForce(h.Stiffness(c), h.Rest(c)), x0, delta, count, shift: true);
                acc += Rk4.Weight(stage) * v; delta = next * v;
                break;
            default:
                double step = dt / 6.0 * (acc + v);
                m = h is null ? ShiftFinal(new NoForce(), x, x0, delta, step, count) : ShiftFinal(new HarmonicForce(h.Stiffness(c), h.Rest(c)), x, x0, delta, step, count);
                acc = 0.0; delta = 0.0;
                break;
        }
        return m;
    }

    /// <summary>Doubles of per-block state the adaptive linear path keeps per position component.</summary>
    public const int AdaptiveLinearStatePerComponent = Dp45.Stages + 3;

    /// <summary>
    /// Stage <paramref name="stage"/> (0..6) of an adaptive Dormand–Prince step for the linear constraint (the uniform
    /// path of <see cref="ParticleBlock.AdaptiveStage"/>): X' = G y' is the same for every particle, so the stage
    /// velocities are one number per component and the stage positions X0 + delta are never stored; the harmonic force
    /// is affine in X, so its sum at X0 + delta is −k (S + n (delta − x*)) with S = sum X0, kept per component. Per step
    /// this reads the positions twice: stage 0 (first step, or after a restart or projection) sums X0, stage 6 reads X0
    /// for the error norm (the scale atol + rtol max(|X0|, |X1|) is per particle) and the sum of X1 = X0 + delta_6, and
    /// <see cref="AdaptiveLinearCommit"/> writes X = X0 = X1 once. Stage 6's force uses that sum exactly as stage 0 at the
    /// new X0 would, so reusing stage 6 as the next stage 0 (FSAL) gives the same bits as evaluating it afresh.
    /// <paramref name="state"/> per component c (<see cref="AdaptiveLinearStatePerComponent"/> each): k_0..k_6 at
    /// [s n_x + c], then at 7 n_x + 3c: delta_6, S, S1. Returns the block's sum of squared scaled errors (stage 6) or 0.
    /// </summary>
    public static double AdaptiveLinear(LinearConstraint lin, HarmonicParticlePotential? h, int stage, double step,
        ReadOnlySpan<double> ydot, double[][] x0, double[] state, int count, double rtol, double atol, StagePartials output)
    {
        int nx = lin.Nx, ny = lin.Ny;
        ReadOnlySpan<double> g = lin.Coupling;
        output.Clear();
        var mass = output.Mass;
        var force = output.Force;
        double err = 0.0;
        int last = Dp45.Stages - 1;
        for (int r = 0; r < nx; r++)
        {
            double v = 0.0;
            for (int c = 0; c < ny; c++) v += g[r * ny + c] * ydot[c];
            state[stage * nx + r] = v;
            double delta = Dp45.Increment(stage, step, state, nx, r);
            int o = Dp45.Stages * nx + 3 * r;
            if (stage == 0) state[o + 1] = SumAndError(x0[r], 0.0, 0.0, 0.0, 1.0, count, error: false).Sum;
            else if (stage == last)
            {
                var (sum, e) = SumAndError(x0[r], delta, Dp45.Error(step, state, nx, r), rtol, atol, count, error: true);
                state[o] = delta; state[o + 2] = sum;
                err += e;
            }
            double f = 0.0;
            if (h is not null)
            {
                // at stage 6 the force at X1 from S1, written as stage 0 would write it at X0 = X1 (delta = 0)
                double sumX = stage == last ? state[o + 2] : state[o + 1], d = stage == last ? 0.0 : delta;
                f = -h.Stiffness(r) * (sumX + count * (d - h.Rest(r)));
            }
            for (int a = 0; a < ny; a++) force[a] += g[r * ny + a] * f;
        }
        UniformMass(g, nx, ny, count, mass);
        return err;
    }

    /// <summary>The mass matrix of <paramref name="count"/> particles with one constant Jacobian g (linear constraint): count g^T g.</summary>
    private static void UniformMass(ReadOnlySpan<double> g, int nx, int ny, int count, Span<double> mass)
    {
        for (int a = 0; a < ny; a++)
            for (int b = 0; b <= a; b++)
            {
                double s = 0.0;
                for (int r = 0; r < nx; r++) s += g[r * ny + a] * g[r * ny + b];
                mass[a * ny + b] = count * s;
                mass[b * ny + a] = count * s;
            }
    }

    /// <summary>Accepts the step of the adaptive linear path: X = X0 = X0 + delta_6 (one pass), S = S1, k_0 = k_6.</summary>
    public static void AdaptiveLinearCommit(int nx, double[][] x, double[][] x0, double[] state, int count)
    {
        for (int r = 0; r < nx; r++)
        {
            int o = Dp45.Stages * nx + 3 * r;
            double delta = state[o];
            double[] a = x[r], b = x0[r];
            if ((uint)count > (uint)a.Length || count > b.Length) throw new InvalidOperationException("particle arrays shorter than the block");
            ref double ra = ref MemoryMarshal.GetArrayDataReference(a);
            ref double rb = ref MemoryMarshal.GetArrayDataReference(b);
            var dv = Vector256.Create(delta);
            nuint len = (nuint)count, vlen = len & ~(nuint)3, i = 0;
            for (; i < vlen; i += 4)
            {
                var xn = Vector256.LoadUnsafe(ref rb, i) + dv;
                xn.StoreUnsafe(ref ra, i); xn.StoreUnsafe(ref rb, i);
            }
            for (; i < len; i++) { double xn = Unsafe.Add(ref rb, i) + delta; Unsafe.Add(ref ra, i) = xn; Unsafe.Add(ref rb, i) = xn; }
            state[o + 1] = state[o + 2];
            state[r] = state[(Dp45.Stages - 1) * nx + r];
        }
    }

    /// <summary>
    /// One read of X0: the sum of X1 = X0 + delta (the same bits for delta = 0 as a plain sum of X0) and, if asked, the
    /// sum of (e / (atol + rtol max(|X0|, |X1|)))^2.
    /// </summary>
    private static (double Sum, double Err) SumAndError(double[] x0, double delta, double e, double rtol, double atol, int n, bool error)
    {
        if ((uint)n > (uint)x0.Length) throw new InvalidOperationException("particle arrays shorter than the block");
        ref double b = ref MemoryMarshal.GetArrayDataReference(x0);
        var dv = Vector256.Create(delta); var ev = Vector256.Create(e);
        var rv = Vector256.Create(rtol); var av = Vector256.Create(atol);
        var s1 = Vector256<double>.Zero; var s2 = Vector256<double>.Zero;
        var se = Vector256<double>.Zero; var se2 = Vector256<double>.Zero;
        nuint len = (nuint)n, vlen = len & ~(nuint)7, i = 0;
        for (; i < vlen; i += 8)
        {
            var p = Vector256.LoadUnsafe(ref b, i);
            var p2 = Vector256.LoadUnsafe(ref b, i + 4);
            var xn = p + dv; var xn2 = p2 + dv;
            s1 += xn; s2 += xn2;
            if (error)
            {
                var q = ev / (av + rv * Vector256.Max(Vector256.Abs(p), Vector256.Abs(xn)));
                var q2 = ev / (av + rv * Vector256.Max(Vector256.Abs(p2), Vector256.Abs(xn2)));
                se += q * q; se2 += q2 * q2;
            }
        }
        double sum = Sum(s1, s2), err = Sum(se, se2);
        for (; i < len; i++)
        {
            double p = Unsafe.Add(ref b, i);
            double xn = p + delta;
            sum += xn;
            if (error) err += Dp45.ScaledSquare(e, p, xn, rtol, atol);
        }
        return (sum, err);
    }

    /// <summary>Moments of f at X0 + delta (or at X0 when <paramref name="shift"/> is false), reading X0 only.</summary>
    private static Moments ShiftMoments<TForce>(TForce force, double[] x0, double delta, int n, bool shift) where TForce : struct, IForce1D
    {
        ref double b = ref MemoryMarshal.GetArrayDataReference(x0);
        var dv = Vector256.Create(delta);
        var sf = Vector256<double>.Zero; var sf2 = Vector256<double>.Zero;
        nuint len = (nuint)n, vlen = len & ~(nuint)7, i = 0;
        for (; i < vlen; i += 8)
        {
            var p = Vector256.LoadUnsafe(ref b, i);
            var p2 = Vector256.LoadUnsafe(ref b, i + 4);
            if (shift) { p += dv; p2 += dv; }
            sf += force.Force(p); sf2 += force.Force(p2);
        }
        Moments m = default;
        m.F = Sum(sf, sf2);
        for (; i < len; i++)
        {
            double p = Unsafe.Add(ref b, i);
            if (shift) p += delta;
            m.F += force.Force(p);
        }
        return m;
    }

    /// <summary>Stage 3: moments of f at X0 + delta, then X = X0 = X0 + step.</summary>
    private static Moments ShiftFinal<TForce>(TForce force, double[] x, double[] x0, double delta, double step, int n) where TForce : struct, IForce1D
    {
        ref double a = ref MemoryMarshal.GetArrayDataReference(x);
        ref double b = ref MemoryMarshal.GetArrayDataReference(x0);
        var dv = Vector256.Create(delta); var sv = Vector256.Create(step);
        var sf = Vector256<double>.Zero; var sf2 = Vector256<double>.Zero;
        nuint len = (nuint)n, vlen = len & ~(nuint)7, i = 0;
        for (; i < vlen; i += 8)
        {
            var p = Vector256.LoadUnsafe(ref b, i);
            var p2 = Vector256.LoadUnsafe(ref b, i + 4);
            if (force.Active) { sf += force.Force(p + dv); sf2 += force.Force(p2 + dv); }
            var xn = p + sv; var xn2 = p2 + sv;
            xn.StoreUnsafe(ref a, i); xn2.StoreUnsafe(ref a, i + 4);
            xn.StoreUnsafe(ref b, i); xn2.StoreUnsafe(ref b, i + 4);
        }
        Moments m = default;
        m.F = Sum(sf, sf2);
        for (; i < len; i++)
        {
            double p = Unsafe.Add(ref b, i);
            if (force.Active) m.F += force.Force(p + delta);
            double xn = p + step;
            Unsafe.Add(ref a, i) = xn; Unsafe.Add(ref b, i) = xn;
        }
        return m;
    }

    private static Moments Component(HarmonicParticlePotential? h, int c, int stage, double dt, double alpha, double beta,
        double[] x, double[] x0, double[] acc, int count)
    {
        var a = new Arrays(x, x0, acc, count);
        return h is null
            ? Dispatch(new NoForce(), stage, dt, alpha, beta, a)
            : Dispatch(new HarmonicForce(h.Stiffness(c), h.Rest(c)), stage, dt, alpha, beta, a);
    }

    private readonly struct Arrays(double[] x, double[] x0, double[] acc, int count)
    {
        public readonly double[] X = x, B = x0, A = acc;
        public readonly int Count = count;
    }

    private static Moments Dispatch<TForce>(TForce force, int stage, double dt, double alpha, double beta, in Arrays a)
        where TForce : struct, IForce1D
    {
        double h = Rk4.NextStageFactor(stage) * dt;
        return stage switch
        {
            0 => Loop(force, new Rk4FirstStage(h), alpha, beta, a),
            1 or 2 => Loop(force, new Rk4MiddleStage(Rk4.Weight(stage), h), alpha, beta, a),
            _ => Loop(force, new Rk4LastStage(dt / 6.0), alpha, beta, a),
        };
    }

    /// <summary>The fused loop: X' = alpha + beta X, moments, RK4 update; 8 particles per iteration (two vectors).</summary>
    private static Moments Loop<TForce, TStage>(TForce force, TStage update, double alpha, double beta, in Arrays arr)
        where TForce : struct, IForce1D where TStage : struct, IRk4StageUpdate
    {
        int n = arr.Count;
        if ((uint)n > (uint)arr.X.Length || n > arr.B.Length || n > arr.A.Length)
            throw new InvalidOperationException("particle arrays shorter than the block");
        ref double x = ref MemoryMarshal.GetArrayDataReference(arr.X);
        ref double b = ref MemoryMarshal.GetArrayDataReference(arr.B);
        ref double a = ref MemoryMarshal.GetArrayDataReference(arr.A);
        var av = Vector256.Create(alpha);
        var bv = Vector256.Create(beta);
        var sx = Vector256<double>.Zero; var sxx = Vector256<double>.Zero;
        var sf = Vector256<double>.Zero; var sxf = Vector256<double>.Zero;
        var sx2 = Vector256<double>.Zero; var sxx2 = Vector256<double>.Zero;
        var sf2 = Vector256<double>.Zero; var sxf2 = Vector256<double>.Zero;
        nuint len = (nuint)n, vlen = len & ~(nuint)7, i = 0;
        for (; i < vlen; i += 8)
        {
            var p = Vector256.LoadUnsafe(ref x, i);
            var p2 = Vector256.LoadUnsafe(ref x, i + 4);
            var d = av + bv * p;
            var d2 = av + bv * p2;
            sx += p; sxx += p * p;
            sx2 += p2; sxx2 += p2 * p2;
            if (force.Active)
            {
                var f = force.Force(p);
                var f2 = force.Force(p2);
                sf += f; sxf += p * f;
                sf2 += f2; sxf2 += p2 * f2;
            }
            update.Apply(ref x, ref b, ref a, i, p, d);
            update.Apply(ref x, ref b, ref a, i + 4, p2, d2);
        }
        Moments m;
        m.X = Sum(sx, sx2); m.XX = Sum(sxx, sxx2); m.F = Sum(sf, sf2); m.XF = Sum(sxf, sxf2);
        for (; i < len; i++)
        {
            double p = Unsafe.Add(ref x, i);
            double d = alpha + beta * p;
            m.X += p; m.XX += p * p;
            if (force.Active)
            {
                double f = force.Force(p);
                m.F += f; m.XF += p * f;
            }
            update.Apply(ref x, ref b, ref a, i, p, d);
        }
        return m;
    }

    /// <summary>Lane sum of two accumulators in a fixed order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Sum(Vector256<double> u, Vector256<double> v)
    {
        var w = u + v;
        return (w.GetElement(0) + w.GetElement(1)) + (w.GetElement(2) + w.GetElement(3));
    }

    // ---- the force f(x) of one component ----

    private interface IForce1D
    {
        bool Active { get; }
        Vector256<double> Force(Vector256<double> x);
        double Force(double x);
    }

    private readonly struct NoForce : IForce1D
    {
        public bool Active => false;
        public Vector256<double> Force(Vector256<double> x) => Vector256<double>.Zero;
        public double Force(double x) => 0.0;
    }

    /// <summary>f = -k (x - x*), exactly <see cref="HarmonicParticlePotential.Force"/>.</summary>
    private readonly struct HarmonicForce(double k, double rest) : IForce1D
    {
        private readonly double _nk = -k, _r = rest;
        private readonly Vector256<double> _nkv = Vector256.Create(-k), _rv = Vector256.Create(rest);

        public bool Active => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<double> Force(Vector256<double> x) => _nkv * (x - _rv);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public double Force(double x) => _nk * (x - _r);
    }
}
