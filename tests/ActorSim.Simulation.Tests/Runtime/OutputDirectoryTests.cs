using ActorSim.Simulation.Runtime;

namespace ActorSim.Simulation.Tests.Runtime;

/// <summary>An output directory that cannot be made or written is refused with one sentence naming it and why.</summary>
public class OutputDirectoryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorsim-outdir-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string Refusal(string dir, bool force = false) =>
        Assert.Throws<OutputDirectoryException>(() => OutputDirectory.Prepare(dir, force)).Message;

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void An_empty_out_is_refused(string dir) =>
        Assert.Equal("--out is empty: give the path of the output directory", Refusal(dir));

    [Fact]
    public void A_directory_below_a_regular_file_is_refused()
    {
        string file = Path.Combine(_root, "a-file");
        File.WriteAllText(file, "x");
        Assert.Equal($"{file}/out: cannot create or clear the output directory: {file} is a file, not a directory; choose another --out",
            Refusal(Path.Combine(file, "out")));
    }

    [Fact]
    public void A_directory_in_proc_is_refused()
    {
        if (!Directory.Exists("/proc/self")) return;
        Assert.StartsWith("/proc/actorsim-out: cannot create or clear the output directory: ", Refusal("/proc/actorsim-out"));
    }

    [Fact]
    public void A_good_directory_is_created_and_left_empty()
    {
        string dir = Path.Combine(_root, "new", "out");
        OutputDirectory.Prepare(dir, force: false);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));   // the write probe is gone
    }

    [Fact]
    public void Force_also_removes_the_space_reserve_of_a_killed_run()
    {
        string dir = Path.Combine(_root, "out");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "run.json"), "{}");
        File.WriteAllBytes(Path.Combine(dir, ".run.json.reserve"), new byte[16]);
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "mine");
        OutputDirectory.Prepare(dir, force: true);
        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName));
    }
}
