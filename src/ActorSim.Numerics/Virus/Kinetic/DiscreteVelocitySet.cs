namespace ActorSim.Numerics.Virus.Kinetic;

/// <summary>
/// A finite velocity set V = {v_k}, k = 0..K-1, all of speed <see cref="Speed"/>, with the counting
/// measure (so ∫_V h dv = Σ_k h_k and |V| = K) and the uniform equilibrium M_k = 1/K. The set is
/// symmetric (−v ∈ V whenever v ∈ V), hence &lt;v M&gt; = 0, and isotropic in its second moment:
/// &lt;v⊗v M&gt; = (c²/d) I in dimension d (1D: {+c, −c}; 2D: K ≥ 3 equally spaced directions).
/// Velocities are in units of length per (kinetic) time; see README.md for the scaling.
/// </summary>
public sealed class DiscreteVelocitySet
{
    private readonly double[] _vx, _vy;
    private readonly int[] _reflectX, _reflectY;

    private DiscreteVelocitySet(int dimension, double speed, double[] vx, double[] vy)
    {
        Dimension = dimension; Speed = speed; _vx = vx; _vy = vy;
        _reflectX = BuildReflection(vx, vy, flipX: true);
        _reflectY = BuildReflection(vx, vy, flipX: false);
    }

    /// <summary>The 1D set {+c, −c} (index 0 moves right, index 1 moves left).</summary>
    public static DiscreteVelocitySet OneDimensional(double speed)
    {
        if (!(speed > 0)) throw new ArgumentOutOfRangeException(nameof(speed), speed, "speed must be positive");
        return new DiscreteVelocitySet(1, speed, new[] { speed, -speed }, new[] { 0.0, 0.0 });
    }

    /// <summary>
    /// The 2D set of <paramref name="directions"/> equally spaced unit directions (angle 2πk/K) scaled
    /// by <paramref name="speed"/>. K must be even (so the set is symmetric) and at least 4; K = 4 and
    /// K = 8 are the usual choices. Components that are zero in exact arithmetic are stored as 0.
    /// </summary>
    public static DiscreteVelocitySet TwoDimensional(double speed, int directions)
    {
        if (!(speed > 0)) throw new ArgumentOutOfRangeException(nameof(speed), speed, "speed must be positive");
        if (directions < 4 || directions % 2 != 0) throw new ArgumentOutOfRangeException(nameof(directions), directions, "need an even number of directions, at least 4");
        var vx = new double[directions];
        var vy = new double[directions];
        for (int k = 0; k < directions; k++)
        {
            double angle = 2.0 * Math.PI * k / directions;
            vx[k] = speed * Snap(Math.Cos(angle));
            vy[k] = speed * Snap(Math.Sin(angle));
        }
        return new DiscreteVelocitySet(2, speed, vx, vy);
    }

    /// <summary>Space dimension d (1 or 2).</summary>
    public int Dimension { get; }

    /// <summary>Number of velocities K = |V|.</summary>
    public int Count => _vx.Length;

    /// <summary>Common speed c of all velocities.</summary>
    public double Speed { get; }

    /// <summary>Uniform equilibrium weight M_k = 1/K (∫_V M dv = 1).</summary>
    public double Equilibrium => 1.0 / Count;

    /// <summary>x components of the velocities.</summary>
    public ReadOnlySpan<double> Vx => _vx;

    /// <summary>y components of the velocities (all zero in 1D).</summary>
    public ReadOnlySpan<double> Vy => _vy;

    /// <summary>Component <paramref name="axis"/> (0 = x, 1 = y) of velocity k.</summary>
    public double Component(int k, int axis) => axis == 0 ? _vx[k] : _vy[k];

    /// <summary>First moment &lt;v_a M&gt; = Σ_k M_k v_{k,a} (zero for a symmetric set).</summary>
    public double FirstMoment(int axis)
    {
        double s = 0;
        for (int k = 0; k < Count; k++) s += Component(k, axis);
        return s * Equilibrium;
    }

    /// <summary>Second moment &lt;v_a v_b M&gt; = Σ_k M_k v_{k,a} v_{k,b}, units length²/time².</summary>
    public double SecondMoment(int a, int b)
    {
        double s = 0;
        for (int k = 0; k < Count; k++) s += Component(k, a) * Component(k, b);
        return s * Equilibrium;
    }

    /// <summary>
    /// Limit diffusion tensor entry D_ab = (1/σ) &lt;v_a v_b M&gt; (seed eq. (42)–(43)) for the
    /// relaxation operator T(g) = −σ (g − M&lt;g&gt;) with turning rate σ (per kinetic time).
    /// </summary>
    public double DiffusionCoefficient(double sigma, int a = 0, int b = 0) => SecondMoment(a, b) / sigma;

    /// <summary>
    /// Bias coefficient a of the taxis kernel T¹(v, v*) = a σ M(v) v·∇s: with a = χ / &lt;v_x² M&gt;
    /// the limit drift is (1/σ)&lt;v T¹(M)&gt; = a &lt;v⊗v M&gt; ∇s = χ ∇s (seed eq. (41), (52)).
    /// </summary>
    public double TaxisBiasCoefficient(double chi) => chi / SecondMoment(0, 0);

    /// <summary>Index of the velocity obtained from v_k by reversing its component along <paramref name="axis"/> (specular reflection on a wall normal to that axis).</summary>
    public int Reflect(int k, int axis) => axis == 0 ? _reflectX[k] : _reflectY[k];

    /// <summary>Index of −v_k.</summary>
    public int Opposite(int k) => Reflect(Reflect(k, 0), 1);

    private static double Snap(double x) => Math.Abs(x) < 1e-12 ? 0.0 : x;

    private static int[] BuildReflection(double[] vx, double[] vy, bool flipX)
    {
        var map = new int[vx.Length];
        for (int k = 0; k < vx.Length; k++)
        {
            double tx = flipX ? -vx[k] : vx[k], ty = flipX ? vy[k] : -vy[k];
            int found = -1;
            for (int l = 0; l < vx.Length; l++)
                if (Math.Abs(vx[l] - tx) <= 1e-12 * (1 + Math.Abs(tx)) && Math.Abs(vy[l] - ty) <= 1e-12 * (1 + Math.Abs(ty))) { found = l; break; }
            if (found < 0) throw new InvalidOperationException("velocity set is not closed under reflection");
            map[k] = found;
        }
        return map;
    }
}
