namespace ActorSim.Simulation.Runtime;

/// <summary>The output directory of a run is refused when it already holds files, unless forced.</summary>
public sealed class OutputDirectoryException(string message) : Exception(message);

public static class OutputDirectory
{
    /// <summary>The files and folders a run writes; <c>--force</c> removes exactly these.</summary>
    public static readonly string[] RunOutputs = ["timeseries.csv", "run.json", "fields", "plots", "checkpoints", "monitor.jsonl"];

    /// <summary>In the output directory of a run driven by the cluster that another node took over: the member that drives it now.</summary>
    public const string DriverFileName = ".driver";

    /// <summary>
    /// Creates <paramref name="dir"/> if needed and checks that files can be written in it. A directory that is
    /// not empty is refused unless <paramref name="force"/>; with it, earlier run outputs (<see cref="RunOutputs"/>)
    /// are removed and other files are left alone. Every refusal is an <see cref="OutputDirectoryException"/> with
    /// one sentence naming the directory.
    /// </summary>
    /// <remarks>
    /// The check writes and removes a probe file in a directory that existed before; one this call created (a new
    /// <c>--out</c>, a sweep's member) is this process's own and writable, so it is not probed (a sweep of many short
    /// members saves a file create and delete per member).
    /// </remarks>
    public static void Prepare(string dir, bool force)
    {
        if (string.IsNullOrWhiteSpace(dir)) throw new OutputDirectoryException("--out is empty: give the path of the output directory");
        if (File.Exists(dir)) throw new OutputDirectoryException($"{dir}: is a file, not a directory; choose another --out");
        bool existed;
        try
        {
            existed = Directory.Exists(dir);
            if (existed && Directory.EnumerateFileSystemEntries(dir).Any())
            {
                if (!force)
                    throw new OutputDirectoryException($"{dir}: the output directory exists and is not empty; choose another --out, or pass --force to replace the earlier run's outputs ({string.Join(", ", RunOutputs)})");
                foreach (string name in RunOutputs.Append(RunRecord.ReserveFileName).Append(DriverFileName))
                {
                    string p = Path.Combine(dir, name);
                    if (File.Exists(p)) File.Delete(p);
                    else if (Directory.Exists(p)) Directory.Delete(p, recursive: true);
                }
            }
            Directory.CreateDirectory(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputDirectoryException($"{dir}: cannot create or clear the output directory: {Why(dir, e)}; choose another --out");
        }
        if (!existed) return;
        string probe = Path.Combine(dir, ".actorsim-write-test");
        try
        {
            File.WriteAllBytes(probe, [0]);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(probe); } catch (Exception) when (e is IOException or UnauthorizedAccessException) { }
            throw new OutputDirectoryException($"{dir}: files cannot be written in the output directory: {Why(dir, e)}; choose another --out");
        }
    }

    /// <summary>Why a directory could not be created or written, in words (a file in the way, permissions, read-only, full).</summary>
    private static string Why(string dir, Exception e)
    {
        for (var d = new DirectoryInfo(Path.GetFullPath(dir)).Parent; d is not null; d = d.Parent)
        {
            if (File.Exists(d.FullName)) return $"{d.FullName} is a file, not a directory";
            if (d.Exists) break;
        }
        string m = e.Message;
        if (m.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase)) return "the file system is read-only";
        if (m.Contains("No space left", StringComparison.OrdinalIgnoreCase)) return "no space left on the device";
        if (e is UnauthorizedAccessException || m.Contains("denied", StringComparison.OrdinalIgnoreCase)) return "permission denied";
        if (dir.StartsWith("/proc", StringComparison.Ordinal) || dir.StartsWith("/sys", StringComparison.Ordinal)) return "it is in a virtual file system of the kernel, not on a disk";
        int cut = m.IndexOf(" : '", StringComparison.Ordinal);
        return (cut > 0 ? m[..cut] : m).TrimEnd('.');
    }
}
