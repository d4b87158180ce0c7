using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ActorSim.Numerics.Muscle;

/// <summary>
/// The particle-block stage kernel specialised to the 2D deformation constraint g(X, y) = F(y)^{-1} X
/// (<see cref="DeformationConstraint2D"/>). Everything that depends only on the broadcast stage state (y, y') is
/// computed once per stage instead of once per particle: F(y)^{-1}, A = DF(y)[y'], D = D^2F(y)[y', y'] and
/// P_c = DF(y)[e_c]. With the reference position r_i = F(y)^{-1} X_i the per-particle kinematics are
/// Phi_i e_c = P_c r_i, X_i' = A r_i, Omega_i = D r_i, so the block partial sums need only the moments
/// S = sum_i r_i r_i^T and T = sum_i f_i r_i^T of the external force f = F1 + k:
/// <code>
///   sum_i Phi_i^T Phi_i   [c, d] = sum_{r,p,q} P_c[r,p] S[p,q] P_d[r,q]
///   sum_i Phi_i^T (f_i - m Omega_i) [c] = sum_{r,p} P_c[r,p] (T - m D S)[r,p]
/// </code>
/// (the same sums, re-associated). The particle loop is a fused, branch-free, bounds-check-free structure-of-arrays
/// loop over 4 particles at a time (<see cref="Vector256{T}"/>, plain multiply and add, no FMA, so the results do
/// not depend on the instruction set), specialised by generic struct arguments on the RK4 stage and on the
/// force f (none, harmonic W1, or the general virtual W1 / interaction field). Lane partial sums are combined in a
/// fixed order, so the result depends only on the block's particles, never on timing or memory addresses.
/// At stage 0 it uses X == X0 (true between steps) and does not read X0.
/// </summary>
internal static class DeformationStageKernel2D
{
    /// <summary>sum r r^T (S00, S01, S11) and sum f r^T (T[r, p]) of one block.</summary>
    private struct Moments
    {
        public double S00, S01, S11, T00, T01, T10, T11;
    }

    /// <summary>Per-stage constants: F(y)^{-1} and A = DF(y)[y'].</summary>
    private readonly struct Coefficients(double i00, double i01, double i10, double i11, double a00, double a01, double a10, double a11)
    {
        public readonly double I00 = i00, I01 = i01, I10 = i10, I11 = i11, A00 = a00, A01 = a01, A10 = a10, A11 = a11;
    }

    public static void Evaluate(DeformationMap2D map, double particleMass, IParticlePotential? w1, IInteractionField? field,
        int stage, double dt, ReadOnlySpan<double> y, ReadOnlySpan<double> ydot,
        double[][] x, double[][] x0, double[][] acc, int count, StagePartials output)
    {
        int ny = map.Ny;
        Span<double> f = stackalloc double[4];
        Span<double> a = stackalloc double[4];
        Span<double> d2 = stackalloc double[4];
        map.Matrix(y, f);
        map.Derivative(y, ydot, a);
        map.SecondDerivative(y, ydot, d2);
        double id = 1.0 / (f[0] * f[3] - f[1] * f[2]);
        var k = new Coefficients(f[3] * id, -f[1] * id, -f[2] * id, f[0] * id, a[0], a[1], a[2], a[3]);

        var arrays = new Arrays(x[0], x[1], x0[0], x0[1], acc[0], acc[1], count);
        Moments mom;
        if (field is null && w1 is null)
            mom = Dispatch(new NoForce(), stage, dt, k, arrays);
        else if (field is null && w1 is HarmonicParticlePotential h && h.Dimension == 2)
            mom = Dispatch(new HarmonicForce(h.Stiffness(0), h.Stiffness(1), h.Rest(0), h.Rest(1)), stage, dt, k, arrays);
        else
            mom = Dispatch(new GeneralForce(w1, field), stage, dt, k, arrays);

        // Assemble the partial sums from the moments: P_c = DF(y)[e_c], Q_c = P_c S, Tm = T - m D S.
        Span<double> e = stackalloc double[ny];
        Span<double> p = stackalloc double[4 * ny];
        Span<double> q = stackalloc double[4 * ny];
        for (int c = 0; c < ny; c++)
        {
            e.Clear(); e[c] = 1.0;
            var pc = p.Slice(4 * c, 4);
            map.Derivative(y, e, pc);
            MulSymmetric(pc, mom.S00, mom.S01, mom.S11, q.Slice(4 * c, 4));
        }
        Span<double> ds = stackalloc double[4];
        MulSymmetric(d2, mom.S00, mom.S01, mom.S11, ds);
        double m = particleMass;
        double tm00 = mom.T00 - m * ds[0], tm01 = mom.T01 - m * ds[1], tm10 = mom.T10 - m * ds[2], tm11 = mom.T11 - m * ds[3];
        var mass = output.Mass;
        var force = output.Force;
        for (int c = 0; c < ny; c++)
        {
            var pc = p.Slice(4 * c, 4);
            force[c] = pc[0] * tm00 + pc[1] * tm01 + pc[2] * tm10 + pc[3] * tm11;
            for (int dd = 0; dd <= c; dd++)
            {
                var qd = q.Slice(4 * dd, 4);
                double s = pc[0] * qd[0] + pc[1] * qd[1] + pc[2] * qd[2] + pc[3] * qd[3];
                mass[c * ny + dd] = s;
                mass[dd * ny + c] = s;
            }
        }
    }

    /// <summary>r = m S for a 2x2 row-major m and symmetric S.</summary>
    private static void MulSymmetric(ReadOnlySpan<double> m, double s00, double s01, double s11, Span<double> r)
    {
        r[0] = m[0] * s00 + m[1] * s01; r[1] = m[0] * s01 + m[1] * s11;
        r[2] = m[2] * s00 + m[3] * s01; r[3] = m[2] * s01 + m[3] * s11;
    }

    private readonly struct Arrays(double[] x0, double[] x1, double[] b0, double[] b1, double[] a0, double[] a1, int count)
    {
        public readonly double[] X0 = x0, X1 = x1, B0 = b0, B1 = b1, A0 = a0, A1 = a1;
        public readonly int Count = count;
    }

    private static Moments Dispatch<TForce>(TForce force, int stage, double dt, in Coefficients k, in Arrays a)
        where TForce : struct, IForce2D
    {
        double h = Rk4.NextStageFactor(stage) * dt;
        return stage switch
        {
            0 => Loop(force, new Rk4FirstStage(h), k, a),
            1 or 2 => Loop(force, new Rk4MiddleStage(Rk4.Weight(stage), h), k, a),
            _ => Loop(force, new Rk4LastStage(dt / 6.0), k, a),
        };
    }

    /// <summary>The fused particle loop: kinematics, moments and the RK4 update, 4 particles per iteration.</summary>
    private static Moments Loop<TForce, TStage>(TForce force, TStage update, in Coefficients k, in Arrays arr)
        where TForce : struct, IForce2D where TStage : struct, IRk4StageUpdate
    {
        int n = arr.Count;
        // One check up front (the loop itself indexes without bounds checks).
        if ((uint)n > (uint)arr.X0.Length || n > arr.X1.Length || n > arr.B0.Length || n > arr.B1.Length
            || n > arr.A0.Length || n > arr.A1.Length)
            throw new InvalidOperationException("particle arrays shorter than the block");
        ref double x0 = ref MemoryMarshal.GetArrayDataReference(arr.X0);
        ref double x1 = ref MemoryMarshal.GetArrayDataReference(arr.X1);
        ref double b0 = ref MemoryMarshal.GetArrayDataReference(arr.B0);
        ref double b1 = ref MemoryMarshal.GetArrayDataReference(arr.B1);
        ref double a0 = ref MemoryMarshal.GetArrayDataReference(arr.A0);
        ref double a1 = ref MemoryMarshal.GetArrayDataReference(arr.A1);

        var i00 = Vector256.Create(k.I00); var i01 = Vector256.Create(k.I01);
        var i10 = Vector256.Create(k.I10); var i11 = Vector256.Create(k.I11);
        var c00 = Vector256.Create(k.A00); var c01 = Vector256.Create(k.A01);
        var c10 = Vector256.Create(k.A10); var c11 = Vector256.Create(k.A11);
        var s00 = Vector256<double>.Zero; var s01 = Vector256<double>.Zero; var s11 = Vector256<double>.Zero;
        var t00 = Vector256<double>.Zero; var t01 = Vector256<double>.Zero;
        var t10 = Vector256<double>.Zero; var t11 = Vector256<double>.Zero;
        nuint len = (nuint)n, vlen = len & ~(nuint)3, i = 0;
        for (; i < vlen; i += 4)
        {
            var p0 = Vector256.LoadUnsafe(ref x0, i);
            var p1 = Vector256.LoadUnsafe(ref x1, i);
            var r0 = i00 * p0 + i01 * p1;
            var r1 = i10 * p0 + i11 * p1;
            var d0 = c00 * r0 + c01 * r1;
            var d1 = c10 * r0 + c11 * r1;
            s00 += r0 * r0; s01 += r0 * r1; s11 += r1 * r1;
            if (force.Active)
            {
                force.Force(p0, p1, out var f0, out var f1);
                t00 += f0 * r0; t01 += f0 * r1; t10 += f1 * r0; t11 += f1 * r1;
            }
            update.Apply(ref x0, ref b0, ref a0, i, p0, d0);
            update.Apply(ref x1, ref b1, ref a1, i, p1, d1);
        }
        Moments m;
        m.S00 = Sum(s00); m.S01 = Sum(s01); m.S11 = Sum(s11);
        m.T00 = Sum(t00); m.T01 = Sum(t01); m.T10 = Sum(t10); m.T11 = Sum(t11);
        for (; i < len; i++)
        {
            double p0 = Unsafe.Add(ref x0, i), p1 = Unsafe.Add(ref x1, i);
            double r0 = k.I00 * p0 + k.I01 * p1;
            double r1 = k.I10 * p0 + k.I11 * p1;
            double d0 = k.A00 * r0 + k.A01 * r1;
            double d1 = k.A10 * r0 + k.A11 * r1;
            m.S00 += r0 * r0; m.S01 += r0 * r1; m.S11 += r1 * r1;
            if (force.Active)
            {
                force.Force(p0, p1, out double f0, out double f1);
                m.T00 += f0 * r0; m.T01 += f0 * r1; m.T10 += f1 * r0; m.T11 += f1 * r1;
            }
            update.Apply(ref x0, ref b0, ref a0, i, p0, d0);
            update.Apply(ref x1, ref b1, ref a1, i, p1, d1);
        }
        return m;
    }

    /// <summary>Lane sum in a fixed order: (l0 + l1) + (l2 + l3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Sum(Vector256<double> v) =>
        (v.GetElement(0) + v.GetElement(1)) + (v.GetElement(2) + v.GetElement(3));

    // ---- the external force f(x) = F1(x) + k(x) ----

    private interface IForce2D
    {
        /// <summary>False if f is identically zero (the T moments are then skipped).</summary>
        bool Active { get; }
        void Force(Vector256<double> x0, Vector256<double> x1, out Vector256<double> f0, out Vector256<double> f1);
        void Force(double x0, double x1, out double f0, out double f1);
    }

    private readonly struct NoForce : IForce2D
    {
        public bool Active => false;
        public void Force(Vector256<double> x0, Vector256<double> x1, out Vector256<double> f0, out Vector256<double> f1)
        { f0 = Vector256<double>.Zero; f1 = Vector256<double>.Zero; }
        public void Force(double x0, double x1, out double f0, out double f1) { f0 = 0.0; f1 = 0.0; }
    }

    /// <summary>F1 = -k (x - x*) (diagonal), exactly <see cref="HarmonicParticlePotential.Force"/>.</summary>
    private readonly struct HarmonicForce(double k0, double k1, double rest0, double rest1) : IForce2D
    {
        private readonly double _nk0 = -k0, _nk1 = -k1, _r0 = rest0, _r1 = rest1;
        private readonly Vector256<double> _nk0v = Vector256.Create(-k0), _nk1v = Vector256.Create(-k1),
            _r0v = Vector256.Create(rest0), _r1v = Vector256.Create(rest1);

        public bool Active => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Force(Vector256<double> x0, Vector256<double> x1, out Vector256<double> f0, out Vector256<double> f1)
        {
            f0 = _nk0v * (x0 - _r0v);
            f1 = _nk1v * (x1 - _r1v);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Force(double x0, double x1, out double f0, out double f1)
        {
            f0 = _nk0 * (x0 - _r0);
            f1 = _nk1 * (x1 - _r1);
        }
    }

    /// <summary>Any W1 and interaction field through their interfaces (one particle at a time).</summary>
    private readonly struct GeneralForce(IParticlePotential? w1, IInteractionField? field) : IForce2D
    {
        private readonly IParticlePotential? _w1 = w1;
        private readonly IInteractionField? _field = field;

        public bool Active => true;

        public void Force(Vector256<double> x0, Vector256<double> x1, out Vector256<double> f0, out Vector256<double> f1)
        {
            Force(x0.GetElement(0), x1.GetElement(0), out double a0, out double a1);
            Force(x0.GetElement(1), x1.GetElement(1), out double b0, out double b1);
            Force(x0.GetElement(2), x1.GetElement(2), out double c0, out double c1);
            Force(x0.GetElement(3), x1.GetElement(3), out double d0, out double d1);
            f0 = Vector256.Create(a0, b0, c0, d0);
            f1 = Vector256.Create(a1, b1, c1, d1);
        }

        public void Force(double x0, double x1, out double f0, out double f1)
        {
            Span<double> x = stackalloc double[2];
            Span<double> f = stackalloc double[2];
            x[0] = x0; x[1] = x1;
            if (_w1 is null) f.Clear(); else _w1.Force(x, f);
            _field?.AddForce(x, f);
            f0 = f[0]; f1 = f[1];
        }
    }
}
