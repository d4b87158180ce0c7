using System.Diagnostics;

namespace ActorSim.Bench;

/// <summary>
/// STREAM-style triad a[i] = b[i] + s·c[i] on arrays much larger than the caches: the machine's
/// sustainable memory bandwidth, counted as 3 × 8 bytes per element (two reads, one write; the
/// write-allocate read is not counted, as in STREAM). Best of several repetitions.
/// </summary>
public static class Triad
{
    public static double MeasureBytesPerSecond(int threads = 1, int elements = 1 << 25, int repetitions = 8)
    {
        var a = new double[elements];
        var b = new double[elements];
        var c = new double[elements];
        for (int i = 0; i < elements; i++) { b[i] = i; c[i] = 2.0 * i; }
        double best = double.MaxValue;
        for (int rep = 0; rep < repetitions; rep++)
        {
            var sw = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                int lo = (int)((long)elements * t / threads), hi = (int)((long)elements * (t + 1) / threads);
                var sa = a.AsSpan(lo, hi - lo); var sb = b.AsSpan(lo, hi - lo); var sc = c.AsSpan(lo, hi - lo);
                for (int i = 0; i < sa.Length; i++) sa[i] = sb[i] + 3.0 * sc[i];
            });
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        GC.KeepAlive(a);
        return 3.0 * 8.0 * elements / best;
    }
}

/// <summary><c>triad [threads]</c>: prints the measured memory bandwidth.</summary>
public sealed class TriadBenchmark : IBenchmark
{
    public string Name => "triad";
    public string Description => "memory bandwidth (STREAM triad), 1 thread and all cores";
    public int Run(string[] args)
    {
        Console.WriteLine($"triad bandwidth, 1 thread: {Triad.MeasureBytesPerSecond(1) / 1e9:F2} GB/s");
        Console.WriteLine($"triad bandwidth, {Environment.ProcessorCount} threads: {Triad.MeasureBytesPerSecond(Environment.ProcessorCount) / 1e9:F2} GB/s");
        return 0;
    }
}
