using System.Diagnostics;

namespace ActorSim.Simulation.Monitoring;

/// <summary>CPU use of this process (percent of all cores) between two samples, and its working set.</summary>
public sealed class ProcessSampler
{
    private readonly object _gate = new();
    private TimeSpan _lastCpu;
    private long _lastWall;

    public ProcessSampler()
    {
        using var p = Process.GetCurrentProcess();
        _lastCpu = p.TotalProcessorTime;
        _lastWall = Stopwatch.GetTimestamp();
    }

    /// <summary>CPU percent (100 = every core busy) since the previous call, and the working set in bytes.</summary>
    public (double CpuPercent, long WorkingSetBytes) Sample()
    {
        using var p = Process.GetCurrentProcess();
        lock (_gate)
        {
            var cpu = p.TotalProcessorTime;
            long now = Stopwatch.GetTimestamp();
            double wall = Stopwatch.GetElapsedTime(_lastWall, now).TotalSeconds;
            double percent = wall > 0 ? (cpu - _lastCpu).TotalSeconds / wall / Environment.ProcessorCount * 100 : 0;
            _lastCpu = cpu;
            _lastWall = now;
            return (Math.Clamp(percent, 0, 100), p.WorkingSet64);
        }
    }
}
