namespace ActorSim.Simulation.Models;

/// <summary>Checks shared by the kinetic models' coordinators.</summary>
internal static class KineticDiagnostics
{
    /// <summary>Stops the run with a clear message when the reduced masses are not finite (the scheme blew up).</summary>
    public static void ThrowIfNotFinite(double[] masses, double t)
    {
        foreach (double m in masses)
            if (!double.IsFinite(m))
                throw new InvalidOperationException(
                    $"the kinetic solution is no longer finite at t = {t:G6}. The explicit taxis flux needs a cell Péclet number "
                    + "chi·|grad v|·dx/D_u <= 2 and the turning kernel needs eps·a·c_u·|grad v| <= 1: refine the grid, lower chi, "
                    + "or end the run before the pattern concentrates to the grid scale (Keller–Segel-like aggregation)");
    }
}
