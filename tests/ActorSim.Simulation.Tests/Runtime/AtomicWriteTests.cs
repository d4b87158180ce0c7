using ActorSim.Simulation.Output;
using ActorSim.Simulation.Runtime;
using ActorSim.Simulation.Tests.Output;

namespace ActorSim.Simulation.Tests.Runtime;

/// <summary>
/// Checkpoint files are written through a temporary file of the writer's own: a coordinator or driver frozen in the middle
/// of a write (SIGSTOP) keeps its temporary file open and locked, and the coordinator that took its run over writes the
/// same checkpoint file later. (A full-suite run failed that way when every writer used "x.tmp".)
/// </summary>
public sealed class AtomicWriteTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_checkpoint_file_is_written_while_a_frozen_writer_holds_its_temporary_file_open()
    {
        string path = _dir.File("manifest.json");
        string frozenTemporary = AtomicFile.TemporaryPath(path);
        using var frozen = new FileStream(frozenTemporary, FileMode.Create, FileAccess.Write, FileShare.None);
        frozen.Write("{\"half"u8);

        CheckpointStore.WriteAtomically(path, "{\"step\":800}"u8);

        Assert.Equal("{\"step\":800}", File.ReadAllText(path));
        Assert.NotEqual(frozenTemporary, AtomicFile.TemporaryPath(path));
        Assert.Equal(Path.GetDirectoryName(path), Path.GetDirectoryName(frozenTemporary)); // beside it: the rename stays on one file system
        Assert.EndsWith(".tmp", frozenTemporary, StringComparison.Ordinal);
    }
}
