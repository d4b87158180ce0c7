using ActorSim.Numerics.Virus.Spatial;

namespace ActorSim.Numerics.Tests.Virus.Spatial;

/// <summary>
/// q(t, x, y) = A + B·cos(P π x)·cos(2π Q y + Phase)·(1 + C sin(Ω t)): smooth, satisfies Neumann conditions at
/// x ∈ {0, 1} and is periodic in y on [0, 1]. In 1D (y ≡ 0, Q = 0, Phase = 0) the y factor is 1.
/// </summary>
internal sealed record ManufacturedField(double A, double B, double P, double Q, double Phase, double C, double Omega)
{
    private double G(double t) => 1.0 + C * Math.Sin(Omega * t);
    private double Gt(double t) => C * Omega * Math.Cos(Omega * t);
    private double X(double x) => Math.Cos(P * Math.PI * x);
    private double Y(double y) => Math.Cos(2 * Math.PI * Q * y + Phase);

    public double Value(double t, double x, double y) => A + B * X(x) * Y(y) * G(t);
    public double Dt(double t, double x, double y) => B * X(x) * Y(y) * Gt(t);
    public double Dx(double t, double x, double y) => -B * P * Math.PI * Math.Sin(P * Math.PI * x) * Y(y) * G(t);
    public double Dy(double t, double x, double y) => -B * 2 * Math.PI * Q * X(x) * Math.Sin(2 * Math.PI * Q * y + Phase) * G(t);
    public double Laplacian(double t, double x, double y) =>
        -((P * Math.PI) * (P * Math.PI) + (2 * Math.PI * Q) * (2 * Math.PI * Q)) * (Value(t, x, y) - A);
}

/// <summary>Exact (u, v, w) and the source terms that make them solve eq. (3).</summary>
internal sealed class ManufacturedSolution
{
    private readonly VirusPdeParameters _p;
    public ManufacturedField U { get; }
    public ManufacturedField V { get; }
    public ManufacturedField W { get; }

    public ManufacturedSolution(VirusPdeParameters p, int dimension)
    {
        _p = p;
        int q = dimension == 2 ? 1 : 0;
        U = new ManufacturedField(1.0, 0.5, 1, q, 0.0, 0.5, 3.0);
        V = new ManufacturedField(2.0, 1.0, 2, q, dimension == 2 ? -Math.PI / 2 : 0.0, 0.3, 2.0);
        W = new ManufacturedField(1.5, 0.5, 1, q, dimension == 2 ? 0.7 : 0.0, -0.4, 4.0);
    }

    public SpeciesTriple Exact(double t, double x, double y) => new(U.Value(t, x, y), V.Value(t, x, y), W.Value(t, x, y));

    public double ForcingU(double t, double x, double y)
    {
        var r = _p.Reaction;
        double u = U.Value(t, x, y), w = W.Value(t, x, y);
        double taxis = U.Dx(t, x, y) * V.Dx(t, x, y) + U.Dy(t, x, y) * V.Dy(t, x, y) + u * V.Laplacian(t, x, y);
        return U.Dt(t, x, y) - _p.Du * U.Laplacian(t, x, y) + _p.Chi * taxis + r.D1 * u + r.Beta * u * w;
    }

    public double ForcingV(double t, double x, double y)
    {
        var r = _p.Reaction;
        return V.Dt(t, x, y) - _p.Dv * V.Laplacian(t, x, y) + r.D2 * V.Value(t, x, y) - r.Beta * U.Value(t, x, y) * W.Value(t, x, y);
    }

    public double ForcingW(double t, double x, double y)
    {
        var r = _p.Reaction;
        return W.Dt(t, x, y) - _p.Dw * W.Laplacian(t, x, y) + r.D3 * W.Value(t, x, y) - r.K * V.Value(t, x, y);
    }

    public VirusPdeProblem Problem(ActorSim.Numerics.Grid.UniformGrid grid) =>
        new(grid, _p, new DelegateSource(ForcingU), new DelegateSource(ForcingV), new DelegateSource(ForcingW));
}
