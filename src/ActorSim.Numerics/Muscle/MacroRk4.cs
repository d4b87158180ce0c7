namespace ActorSim.Numerics.Muscle;

/// <summary>
/// Coordinator-side RK4 state of the macroscopic variables (y, y'). For each stage it exposes the stage state
/// to broadcast; after the reduction it takes the stage acceleration y''_s and moves to the next stage with
/// exactly the formulas the particle blocks use (so the split system equals one RK4 step of the whole ODE).
/// </summary>
public sealed class MacroRk4
{
    private readonly double[] _y, _v, _ys, _vs, _accY, _accV;

    public MacroRk4(ReadOnlySpan<double> y, ReadOnlySpan<double> ydot)
    {
        int n = y.Length;
        if (ydot.Length != n) throw new ArgumentException("y and y' lengths differ");
        _y = y.ToArray(); _v = ydot.ToArray();
        _ys = y.ToArray(); _vs = ydot.ToArray();
        _accY = new double[n]; _accV = new double[n];
    }

    /// <summary>Index of the next stage to evaluate (0..3).</summary>
    public int Stage { get; private set; }

    /// <summary>y at the start of the current step (the accepted state between steps).</summary>
    public ReadOnlySpan<double> Y => _y;

    /// <summary>y' at the start of the current step.</summary>
    public ReadOnlySpan<double> Velocity => _v;

    /// <summary>Stage y to broadcast.</summary>
    public ReadOnlySpan<double> StageY => _ys;

    /// <summary>Stage y' to broadcast.</summary>
    public ReadOnlySpan<double> StageVelocity => _vs;

    /// <summary>Records the reduced acceleration of the current stage and advances to the next one.</summary>
    /// <returns>True when this completed the step.</returns>
    public bool CompleteStage(double dt, ReadOnlySpan<double> acceleration)
    {
        int s = Stage, n = _y.Length;
        double w = Rk4.Weight(s);
        if (s == 0)
            for (int k = 0; k < n; k++) { _accY[k] = _vs[k]; _accV[k] = acceleration[k]; }
        else if (s < 3)
            for (int k = 0; k < n; k++) { _accY[k] += w * _vs[k]; _accV[k] += w * acceleration[k]; }
        if (s < 3)
        {
            double c = Rk4.NextStageFactor(s) * dt;
            for (int k = 0; k < n; k++)
            {
                double vNext = _v[k] + c * acceleration[k];
                _ys[k] = _y[k] + c * _vs[k];
                _vs[k] = vNext;
            }
            Stage = s + 1;
            return false;
        }
        double sixth = dt / 6.0;
        for (int k = 0; k < n; k++)
        {
            _y[k] += sixth * (_accY[k] + _vs[k]);
            _v[k] += sixth * (_accV[k] + acceleration[k]);
            _ys[k] = _y[k]; _vs[k] = _v[k];
        }
        Stage = 0;
        return true;
    }

    /// <summary>Replaces the accepted state (between steps only, e.g. after a restart).</summary>
    public void Reset(ReadOnlySpan<double> y, ReadOnlySpan<double> ydot)
    {
        y.CopyTo(_y); ydot.CopyTo(_v); y.CopyTo(_ys); ydot.CopyTo(_vs);
        Array.Clear(_accY); Array.Clear(_accV);
        Stage = 0;
    }
}
