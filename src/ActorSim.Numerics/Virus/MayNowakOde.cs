using ActorSim.Numerics.Ode;
using MathNet.Numerics.LinearAlgebra;

namespace ActorSim.Numerics.Virus;

/// <summary>
/// The spatially homogeneous May–Nowak virus model (seed 000, eq. (1)) as a first-order system with
/// state y = (u, v, w): healthy cells, infected cells, free virus (densities, units of the scenario).
/// <code>
///   du/dt = r - d1 u - beta u w
///   dv/dt = beta u w - d2 v
///   dw/dt = k v - d3 w
/// </code>
/// <see cref="Rhs"/> is a cached delegate (no allocation per call) for the integrators in <see cref="ActorSim.Numerics.Ode"/>.
/// </summary>
public sealed class MayNowakOde
{
    /// <summary>Number of state components.</summary>
    public const int Dimension = 3;
    /// <summary>Index of healthy cells u in the state vector.</summary>
    public const int IndexU = 0;
    /// <summary>Index of infected cells v in the state vector.</summary>
    public const int IndexV = 1;
    /// <summary>Index of free virus w in the state vector.</summary>
    public const int IndexW = 2;

    private readonly double _d1, _d2, _d3, _beta, _k, _r;

    /// <summary>Creates the model for the given rates.</summary>
    public MayNowakOde(MayNowakParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters;
        (_d1, _d2, _d3, _beta, _k, _r) = (parameters.D1, parameters.D2, parameters.D3, parameters.Beta, parameters.K, parameters.R);
        Rhs = Evaluate;
    }

    /// <summary>The model rates.</summary>
    public MayNowakParameters Parameters { get; }

    /// <summary>The right-hand side as an <see cref="OdeRhs"/> (created once).</summary>
    public OdeRhs Rhs { get; }

    /// <summary>Writes (du/dt, dv/dt, dw/dt) at state y = (u, v, w) into <paramref name="dydt"/>. Autonomous: t is unused.</summary>
    public void Evaluate(double t, ReadOnlySpan<double> y, Span<double> dydt)
    {
        double u = y[IndexU], v = y[IndexV], w = y[IndexW];
        double infection = _beta * u * w;
        dydt[IndexU] = _r - _d1 * u - infection;
        dydt[IndexV] = infection - _d2 * v;
        dydt[IndexW] = _k * v - _d3 * w;
    }

    /// <summary>
    /// Jacobian d f / d y at (u, v, w), row-major into <paramref name="jacobian"/> (length 9):
    /// [[-d1 - beta w, 0, -beta u], [beta w, -d2, beta u], [0, k, -d3]] (units 1/time).
    /// </summary>
    public void Jacobian(ReadOnlySpan<double> y, Span<double> jacobian)
    {
        double u = y[IndexU], w = y[IndexW];
        jacobian[0] = -_d1 - _beta * w; jacobian[1] = 0.0; jacobian[2] = -_beta * u;
        jacobian[3] = _beta * w;        jacobian[4] = -_d2; jacobian[5] = _beta * u;
        jacobian[6] = 0.0;              jacobian[7] = _k;   jacobian[8] = -_d3;
    }

    /// <summary>Jacobian d f / d y at (u, v, w) as a 3x3 MathNet matrix (allocates; for analysis, not for stepping).</summary>
    public Matrix<double> Jacobian(double u, double v, double w)
    {
        var j = new double[9];
        Jacobian([u, v, w], j);
        return Matrix<double>.Build.DenseOfRowMajor(3, 3, j);
    }
}
