using ActorSim.Numerics.Virus.Kinetic;

namespace ActorSim.Numerics.Tests.Virus.Kinetic.References;

/// <summary>
/// Exact solution of the 1D two-velocity kinetic model with the linear reactions only (β = 0, χ = 0) on a
/// periodic domain, for ρ_i(0, x) = m_i + A_i cos(κx) on the equilibrium manifold. With q_i = f_i+ − f_i−,
/// ∂t ρ + (c/ε) ∂x q = H(ρ), ∂t q + (c/ε) ∂x ρ = −(σ/ε²) q + H_lin(q) (the velocity-local reactions
/// −d1 f1 + r/2, −d2 f2, −d3 f3 + k f2 act on q without the source), so the means m_i, the cosine
/// amplitudes A_i of ρ and the sine amplitudes B_i of q obey a linear ODE system, integrated here by RK4
/// with 20000 steps (error far below the Monte Carlo noise it is compared with).
/// </summary>
internal static class LinearKineticModeSolution
{
    /// <summary>Cell averages of u, v, w at time <paramref name="t"/> on <paramref name="cells"/> cells of [0, L).</summary>
    public static double[][] CellAverages(KineticVirusParameters p, double eps, double length, int cells, double kappa,
        double[] mean, double[] amplitude, double t)
    {
        var y = new double[9]; // m_0..2, A_0..2, B_0..2
        for (int s = 0; s < 3; s++) { y[s] = mean[s]; y[3 + s] = amplitude[s]; }
        const int steps = 20000;
        double h = t / steps;
        var k1 = new double[9]; var k2 = new double[9]; var k3 = new double[9]; var k4 = new double[9]; var tmp = new double[9];
        for (int n = 0; n < steps; n++)
        {
            Rhs(p, eps, kappa, y, k1);
            for (int i = 0; i < 9; i++) tmp[i] = y[i] + 0.5 * h * k1[i];
            Rhs(p, eps, kappa, tmp, k2);
            for (int i = 0; i < 9; i++) tmp[i] = y[i] + 0.5 * h * k2[i];
            Rhs(p, eps, kappa, tmp, k3);
            for (int i = 0; i < 9; i++) tmp[i] = y[i] + h * k3[i];
            Rhs(p, eps, kappa, tmp, k4);
            for (int i = 0; i < 9; i++) y[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
        }
        double dx = length / cells;
        var r = new double[3][];
        for (int s = 0; s < 3; s++)
        {
            r[s] = new double[cells];
            for (int i = 0; i < cells; i++)
                r[s][i] = y[s] + y[3 + s] * (Math.Sin(kappa * (i + 1) * dx) - Math.Sin(kappa * i * dx)) / (kappa * dx);
        }
        return r;
    }

    private static void Rhs(KineticVirusParameters p, double eps, double kappa, double[] y, double[] dy)
    {
        var q = p.Rates;
        if (q.Beta != 0 || p.Chi != 0) throw new ArgumentException("the mode solution is for the linear model only (beta = chi = 0)");
        double[] loss = [q.D1, q.D2, q.D3];
        for (int s = 0; s < 3; s++)
        {
            var tr = p.Species(s);
            double a = tr.Speed * kappa / eps;
            dy[s] = -loss[s] * y[s];
            dy[3 + s] = -a * y[6 + s] - loss[s] * y[3 + s];
            dy[6 + s] = a * y[3 + s] - tr.TurningRate / (eps * eps) * y[6 + s] - loss[s] * y[6 + s];
        }
        dy[0] += q.R;
        dy[2] += q.K * y[1]; dy[5] += q.K * y[4]; dy[8] += q.K * y[7];
    }
}
