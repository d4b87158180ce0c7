namespace ActorSim.Numerics.Muscle.Huxley;

/// <summary>
/// Huxley (1957) attachment/detachment rates of the two-state cross-bridge model, as functions of the
/// bridge displacement x (length units; h = the largest displacement at which attachment is possible):
/// f(x) = f1 x / h on 0 &lt;= x &lt;= h, else 0;  g(x) = g1 x / h for x &gt;= 0, g2 for x &lt; 0 (rates in 1 / time).
/// </summary>
/// <param name="F1">f1 &gt; 0.</param>
/// <param name="G1">g1 &gt;= 0.</param>
/// <param name="G2">g2 &gt; 0.</param>
/// <param name="H">h &gt; 0.</param>
public sealed record HuxleyRates(double F1, double G1, double G2, double H)
{
    /// <summary>Dimensionless rates with Huxley's proportions (f1 : g1 : g2 close to 43.3 : 10 : 209): h = 1, f1 = 4, g1 = 1, g2 = 20.</summary>
    public static HuxleyRates Standard { get; } = new(4.0, 1.0, 20.0, 1.0);

    /// <summary>Attachment rate f(x).</summary>
    public double Attach(double x) => x >= 0.0 && x <= H ? F1 * x / H : 0.0;

    /// <summary>Detachment rate g(x).</summary>
    public double Detach(double x) => x >= 0.0 ? G1 * x / H : G2;
}
