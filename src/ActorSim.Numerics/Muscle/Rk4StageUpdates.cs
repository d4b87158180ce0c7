using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ActorSim.Numerics.Muscle;

// The RK4 update of one position component, shared by the vectorised stage kernels (DeformationStageKernel2D,
// ComponentStageKernel): x = stage position, b = step-start X0, a = accumulator, at element i; xs = x, xd = x'.

internal interface IRk4StageUpdate
{
    void Apply(ref double x, ref double b, ref double a, nuint i, Vector256<double> xs, Vector256<double> xd);
    void Apply(ref double x, ref double b, ref double a, nuint i, double xs, double xd);
}

/// <summary>Stage 0: a = xd; x = X0 + h xd, with X0 == x (between steps), so X0 is not read.</summary>
internal readonly struct Rk4FirstStage(double h) : IRk4StageUpdate
{
    private readonly double _h = h;
    private readonly Vector256<double> _hv = Vector256.Create(h);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(ref double x, ref double b, ref double a, nuint i, Vector256<double> xs, Vector256<double> xd)
    {
        xd.StoreUnsafe(ref a, i);
        (xs + _hv * xd).StoreUnsafe(ref x, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(ref double x, ref double b, ref double a, nuint i, double xs, double xd)
    {
        Unsafe.Add(ref a, i) = xd;
        Unsafe.Add(ref x, i) = xs + _h * xd;
    }
}

/// <summary>Stages 1, 2: a += w xd; x = X0 + h xd.</summary>
internal readonly struct Rk4MiddleStage(double w, double h) : IRk4StageUpdate
{
    private readonly double _w = w, _h = h;
    private readonly Vector256<double> _wv = Vector256.Create(w), _hv = Vector256.Create(h);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(ref double x, ref double b, ref double a, nuint i, Vector256<double> xs, Vector256<double> xd)
    {
        (Vector256.LoadUnsafe(ref a, i) + _wv * xd).StoreUnsafe(ref a, i);
        (Vector256.LoadUnsafe(ref b, i) + _hv * xd).StoreUnsafe(ref x, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(ref double x, ref double b, ref double a, nuint i, double xs, double xd)
    {
        Unsafe.Add(ref a, i) += _w * xd;
        Unsafe.Add(ref x, i) = Unsafe.Add(ref b, i) + _h * xd;
    }
}

/// <summary>Stage 3: x = X0 = X0 + (dt/6) (a + xd).</summary>
internal readonly struct Rk4LastStage(double sixth) : IRk4StageUpdate
{
    private readonly double _s = sixth;
    private readonly Vector256<double> _sv = Vector256.Create(sixth);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(ref double x, ref double b, ref double a, nuint i, Vector256<double> xs, Vector256<double> xd)
    {
        var xn = Vector256.LoadUnsafe(ref b, i) + _sv * (Vector256.LoadUnsafe(ref a, i) + xd);
        xn.StoreUnsafe(ref x, i);
        xn.StoreUnsafe(ref b, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(ref double x, ref double b, ref double a, nuint i, double xs, double xd)
    {
        double xn = Unsafe.Add(ref b, i) + _s * (Unsafe.Add(ref a, i) + xd);
        Unsafe.Add(ref x, i) = xn;
        Unsafe.Add(ref b, i) = xn;
    }
}
