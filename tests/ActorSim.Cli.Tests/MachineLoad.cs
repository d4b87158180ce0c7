using System.Globalization;

namespace ActorSim.Cli.Tests;

/// <summary>
/// Timing margins of process tests that grow with the machine's load: a margin is multiplied by the 1-minute load
/// average per core (from /proc/loadavg; at least 1, at most 8), so that a busy 2-core machine does not fail a
/// test that waits for an event.
/// </summary>
internal static class MachineLoad
{
    public static double Factor
    {
        get
        {
            try
            {
                string first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
                double load = double.Parse(first, CultureInfo.InvariantCulture) / Environment.ProcessorCount;
                return Math.Clamp(load, 1, 8);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                return 1;
            }
        }
    }

    /// <summary><paramref name="margin"/> scaled by <see cref="Factor"/>.</summary>
    public static TimeSpan Scale(TimeSpan margin) => margin * Factor;
}
