using ActorSim.Numerics.Grid;
using ActorSim.Numerics.Virus;
using ActorSim.Numerics.Virus.Spatial;

namespace ActorSim.Numerics.Tests.Virus.Spatial;

/// <summary>Shared set-ups and measurements for the spatial virus-model tests.</summary>
internal static class SpatialTestSupport
{
    /// <summary>R0 = 4, Q* = (1, 3, 3); with Du = 0.01, Dv = Dw = 0.1 on [0,1] (Neumann) the taxis threshold is χ_c ≈ 0.18 (mode 3).</summary>
    public static readonly MayNowakParameters Rates = new(D1: 1, D2: 1, D3: 1, Beta: 1, K: 1, R: 4);

    public static VirusPdeParameters Pattern(double chi) => new(Rates, Du: 0.01, Dv: 0.1, Dw: 0.1, Chi: chi);

    /// <summary>Amplitude of cos(k (x − x0)) in one species' deviation from a constant (discrete L2 projection).</summary>
    public static double CosineAmplitude(UniformGrid g, double[] field, double constant, double k)
    {
        double num = 0, den = 0;
        for (int i = 0; i < g.Nx; i++)
        {
            double c = Math.Cos(k * (g.XCentre(i) - g.X0));
            num += (field[i] - constant) * c;
            den += c * c;
        }
        return num / den;
    }

    public static double L2(double[] a, double[] b, double cellVolume)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return Math.Sqrt(s * cellVolume);
    }

    /// <summary>Least-squares slope of log(e) against log(h).</summary>
    public static double FittedOrder(double[] h, double[] e)
    {
        int n = h.Length;
        double mx = h.Select(x => Math.Log(x)).Average(), my = e.Select(x => Math.Log(x)).Average();
        double sxy = 0, sxx = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = Math.Log(h[i]) - mx;
            sxy += dx * (Math.Log(e[i]) - my);
            sxx += dx * dx;
        }
        return sxy / sxx;
    }

    public static bool BitEqual(double[] a, double[] b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
            if (BitConverter.DoubleToInt64Bits(a[i]) != BitConverter.DoubleToInt64Bits(b[i])) return false;
        return true;
    }
}
