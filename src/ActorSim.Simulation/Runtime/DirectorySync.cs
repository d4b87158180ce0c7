using System.Runtime.InteropServices;

namespace ActorSim.Simulation.Runtime;

/// <summary>
/// Makes a rename durable: after <c>rename(tmp, final)</c> the directory entry itself must reach the disk (fsync of the
/// directory), or a machine crash can leave the old name. .NET has no API for it, so on Linux this opens the directory
/// read-only and calls fsync(2) on it; elsewhere, and on file systems that refuse it, it does nothing.
/// </summary>
public static class DirectorySync
{
    private const int ReadOnly = 0, Directory = 0x10000; // O_RDONLY, O_DIRECTORY (Linux)

    /// <summary>Flushes the directory <paramref name="path"/> to disk (best effort).</summary>
    public static void Flush(string path)
    {
        if (!OperatingSystem.IsLinux()) return;
        int fd = open(path, ReadOnly | Directory);
        if (fd < 0) return;
        try { _ = fsync(fd); }
        finally { _ = close(fd); }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc")]
    private static extern int close(int fd);
}
