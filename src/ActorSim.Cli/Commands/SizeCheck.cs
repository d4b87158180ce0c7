using System.CommandLine;
using System.Globalization;
using ActorSim.Simulation.Scenarios;

namespace ActorSim.Cli.Commands;

/// <summary>
/// Refuses a scenario that cannot fit this machine before it runs: its <see cref="ResourceEstimate"/> against the free
/// memory (<c>MemAvailable</c> of /proc/meminfo, and the cgroup's memory limit when there is one), the free disk of the
/// output directory, and <see cref="ResourceEstimate.MaxSteps"/>. <c>--force-size</c> runs it anyway.
/// </summary>
internal static class SizeCheck
{
    /// <summary>Use at most this share of the free memory and disk.</summary>
    private const double Share = 0.9;

    public static Option<bool> ForceOption() => new("--force-size")
    {
        Description = "Run (or pass) a scenario even when its estimated memory, output disk or step count does not fit this machine.",
    };

    /// <summary>
    /// The estimate of <paramref name="scenario"/>, checked against this machine with outputs under <paramref name="outDir"/>;
    /// false after printing why it does not fit (unless <paramref name="force"/>). Warnings go to standard error.
    /// </summary>
    /// <param name="localMemory">False for a cluster run: its blocks live on the workers, so this machine's memory is not the limit.</param>
    public static bool Fits(Scenario scenario, string outDir, bool force, out ResourceEstimate estimate, bool localMemory = true)
    {
        estimate = ResourceEstimator.Estimate(scenario);
        var problems = new List<string>();
        if (localMemory && FreeMemory() is { } memory && estimate.MemoryBytes > Share * memory)
            problems.Add($"it needs about {ResourceEstimate.Bytes(estimate.MemoryBytes)} of memory ({estimate.MemoryKeys}), more than the {ResourceEstimate.Bytes(memory)} free on this machine");
        if (FreeDisk(outDir) is { } disk && estimate.DiskBytes > Share * disk)
            problems.Add($"its outputs need about {ResourceEstimate.Bytes(estimate.DiskBytes)} of disk ({estimate.DiskKeys}), more than the {ResourceEstimate.Bytes(disk)} free for {outDir}");
        if (estimate.Steps > ResourceEstimate.MaxSteps)
            problems.Add($"it takes about {ResourceEstimate.Count(estimate.Steps)} steps ({estimate.StepKeys}), more than the {ResourceEstimate.Count(ResourceEstimate.MaxSteps)} allowed (weeks of computing even at a microsecond a step)");
        else if (estimate.Steps > ResourceEstimate.WarnSteps)
            Console.Error.WriteLine($"{scenario.SourceFile}: warning: the run takes about {ResourceEstimate.Count(estimate.Steps)} steps ({estimate.StepKeys}); this may take hours or days");
        if (problems.Count == 0) return true;
        if (force)
        {
            foreach (string p in problems) Console.Error.WriteLine($"{scenario.SourceFile}: warning (--force-size): {p}");
            return true;
        }
        foreach (string p in problems) Console.Error.WriteLine($"{scenario.SourceFile}: too large for this machine: {p}; make the scenario smaller, or pass --force-size to try anyway");
        return false;
    }

    /// <summary>
    /// Whether a sweep fits this machine: its <paramref name="jobs"/> largest members at once in memory, every member's
    /// outputs on the disk of <paramref name="outDir"/>, and each member within the step limit; false after printing why
    /// not (unless <paramref name="force"/>).
    /// </summary>
    public static bool FitsSweep(IReadOnlyList<(string Name, Scenario Scenario)> members, int jobs, string outDir, bool force, bool localMemory = true)
    {
        if (members.Count == 0) return true;
        var estimates = members.Select(m => (m.Name, Estimate: ResourceEstimator.Estimate(m.Scenario))).ToList();
        string file = members[0].Scenario.SourceFile;
        var problems = new List<string>();
        double memory = estimates.Select(e => e.Estimate.MemoryBytes).OrderDescending().Take(jobs).Sum();
        if (localMemory && FreeMemory() is { } free && memory > Share * free)
            problems.Add($"{Math.Min(jobs, members.Count)} members at once (--jobs {jobs}) need about {ResourceEstimate.Bytes(memory)} of memory, more than the {ResourceEstimate.Bytes(free)} free on this machine; lower --jobs");
        double disk = estimates.Sum(e => e.Estimate.DiskBytes);
        if (FreeDisk(outDir) is { } freeDisk && disk > Share * freeDisk)
            problems.Add($"the outputs of the {members.Count} members need about {ResourceEstimate.Bytes(disk)} of disk, more than the {ResourceEstimate.Bytes(freeDisk)} free for {outDir}");
        var longest = estimates.MaxBy(e => e.Estimate.Steps);
        if (longest.Estimate.Steps > ResourceEstimate.MaxSteps)
            problems.Add($"member {longest.Name} takes about {ResourceEstimate.Count(longest.Estimate.Steps)} steps ({longest.Estimate.StepKeys}), more than the {ResourceEstimate.Count(ResourceEstimate.MaxSteps)} allowed");
        if (problems.Count == 0) return true;
        if (force)
        {
            foreach (string p in problems) Console.Error.WriteLine($"{file}: warning (--force-size): {p}");
            return true;
        }
        foreach (string p in problems) Console.Error.WriteLine($"{file}: the sweep is too large for this machine: {p}; make it smaller, or pass --force-size to try anyway");
        return false;
    }

    /// <summary>The memory this process may still use, in bytes: MemAvailable, the cgroup's limit less its use, the GC's heap limit; null when unknown.</summary>
    internal static double? FreeMemory()
    {
        double? free = null;
        try
        {
            foreach (string line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)
                    && double.TryParse(line["MemAvailable:".Length..].Replace("kB", "").Trim(), CultureInfo.InvariantCulture, out double kb))
                    free = kb * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        if (CgroupValue("memory.max") is { } max && CgroupValue("memory.current") is { } current)
            free = Math.Min(free ?? double.MaxValue, Math.Max(0, max - current));
        // The GC's limit of this process (System.GC.HeapHardLimitPercent in actorsim.runtimeconfig.json), if lower.
        var info = GC.GetGCMemoryInfo();
        if (info.TotalAvailableMemoryBytes > 0) free = Math.Min(free ?? double.MaxValue, info.TotalAvailableMemoryBytes);
        return free;
    }

    private static double? CgroupValue(string name)
    {
        try
        {
            string path = Path.Combine("/sys/fs/cgroup", name);
            if (!File.Exists(path)) return null; // no cgroup v2 limit here: tested first, as a first exception costs ~5 ms at start-up
            string text = File.ReadAllText(path).Trim();
            return double.TryParse(text, CultureInfo.InvariantCulture, out double v) ? v : null;   // "max": no limit
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The free disk space (bytes) where <paramref name="outDir"/> is or would be created; null when unknown.</summary>
    internal static double? FreeDisk(string outDir)
    {
        try
        {
            var d = new DirectoryInfo(Path.GetFullPath(string.IsNullOrEmpty(outDir) ? "." : outDir));
            while (d is not null && !d.Exists) d = d.Parent;
            if (d is null) return null;
            var drive = new DriveInfo(d.FullName);
            return drive.TotalSize > 0 ? drive.AvailableFreeSpace : null;   // 0: a virtual file system (/proc); the directory check says why
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
