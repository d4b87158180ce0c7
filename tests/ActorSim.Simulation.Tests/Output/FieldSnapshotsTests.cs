using ActorSim.Simulation.Output;
using FluentAssertions;

namespace ActorSim.Simulation.Tests.Output;

public class FieldSnapshotsTests
{
    [Fact]
    public void File_names_have_a_four_digit_index()
    {
        FieldSnapshots.FileName("u", 3).Should().Be("u_0003.npy");
        FieldSnapshots.FileName("rho_v", 12345).Should().Be("rho_v_12345.npy");
        ((Action)(() => FieldSnapshots.FileName("a/b", 1))).Should().Throw<ArgumentException>();
        ((Action)(() => FieldSnapshots.FileName("u", -1))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Latest_picks_the_highest_index_of_each_field_by_number_not_text()
    {
        using var dir = new TempDir();
        foreach (string f in new[] { "u_0000.npy", "u_0003.npy", "u_10000.npy", "u_9999.npy", "rho_v_0002.npy", "rho_v_0012.npy", "notes.txt", "plain.npy", "u_0004.npy.tmp" })
            File.WriteAllText(dir.File(f), "");

        var latest = FieldSnapshots.Latest(dir.Path);
        latest.Select(s => (s.Name, s.Index)).Should().Equal(("rho_v", 12), ("u", 10000));
        latest[1].Path.Should().Be(dir.File("u_10000.npy"));
        FieldSnapshots.List(dir.Path).Should().HaveCount(6);
        FieldSnapshots.Latest(dir.File("missing")).Should().BeEmpty();
    }
}
