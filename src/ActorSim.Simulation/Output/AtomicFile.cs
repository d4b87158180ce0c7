namespace ActorSim.Simulation.Output;

/// <summary>Files written whole or not at all: a temporary file of the writer's own beside the target, then a rename.</summary>
public static class AtomicFile
{
    private static long _temporaries;

    /// <summary>
    /// A temporary file name of this writer's own beside <paramref name="path"/> (<c>&lt;path&gt;.&lt;pid&gt;-&lt;n&gt;.tmp</c>): a
    /// writer that was frozen mid-write (a SIGSTOPped coordinator or driver whose run went on elsewhere) keeps its
    /// temporary file open, and a second writer of the same file must not collide with it.
    /// </summary>
    public static string TemporaryPath(string path) =>
        $"{path}.{Environment.ProcessId}-{Interlocked.Increment(ref _temporaries)}.tmp";

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> through a temporary file and a rename; the temporary file
    /// is removed on failure.</summary>
    public static void Write(string path, byte[] bytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string tmp = TemporaryPath(path);
        try
        {
            File.WriteAllBytes(tmp, bytes);
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }
}
