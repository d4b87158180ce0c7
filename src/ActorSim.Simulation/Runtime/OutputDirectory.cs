namespace ActorSim.Simulation.Runtime;

/// <summary>The output directory of a run is refused when it already holds files, unless forced.</summary>
public sealed class OutputDirectoryException(string message) : Exception(message);

public static class OutputDirectory
{
    /// <summary>The files and folders a run writes; <c>--force</c> removes exactly these.</summary>
    public static readonly string[] RunOutputs = ["timeseries.csv", "run.json", "fields", "plots", "checkpoints", "monitor.jsonl"];

    /// <summary>
    /// Creates <paramref name="dir"/> if needed. A directory that is not empty is refused unless
    /// <paramref name="force"/>; with it, earlier run outputs (<see cref="RunOutputs"/>) are removed and
    /// other files are left alone.
    /// </summary>
    public static void Prepare(string dir, bool force)
    {
        if (File.Exists(dir)) throw new OutputDirectoryException($"{dir}: is a file, not a directory; choose another --out");
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
        {
            if (!force)
                throw new OutputDirectoryException($"{dir}: the output directory exists and is not empty; choose another --out, or pass --force to replace the earlier run's outputs ({string.Join(", ", RunOutputs)})");
            foreach (string name in RunOutputs)
            {
                string p = Path.Combine(dir, name);
                if (File.Exists(p)) File.Delete(p);
                else if (Directory.Exists(p)) Directory.Delete(p, recursive: true);
            }
        }
        Directory.CreateDirectory(dir);
    }
}
