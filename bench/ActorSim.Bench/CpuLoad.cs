using System.Diagnostics;

namespace ActorSim.Bench;

/// <summary>
/// How busy the machine's CPUs were with other processes over an interval: the busy time in /proc/stat (all CPUs,
/// everything but idle and iowait) minus this process's CPU time, in cores (1.0 = one core fully used by others).
/// Benchmarks print it beside their timings, since another process on the same cores distorts them.
/// </summary>
public sealed class CpuLoad
{
    private readonly double _busy0, _own0;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private CpuLoad() { _busy0 = BusySeconds(); _own0 = OwnSeconds(); }

    /// <summary>Starts an interval.</summary>
    public static CpuLoad Start() => new();

    /// <summary>Average number of cores used by other processes since <see cref="Start"/> (NaN where /proc/stat is not available).</summary>
    public double OthersCores()
    {
        double busy = BusySeconds() - _busy0, own = OwnSeconds() - _own0, wall = _clock.Elapsed.TotalSeconds;
        return Math.Max(0.0, busy - own) / wall;
    }

    private static double OwnSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    private static double BusySeconds()
    {
        try
        {
            // cpu  user nice system idle iowait irq softirq steal ... (in USER_HZ = 1/100 s)
            var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long user = long.Parse(f[1]), nice = long.Parse(f[2]), system = long.Parse(f[3]), irq = long.Parse(f[6]), softirq = long.Parse(f[7]);
            return (user + nice + system + irq + softirq) / 100.0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return double.NaN;
        }
    }
}
