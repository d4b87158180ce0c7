using System.Text;
using ActorSim.Simulation.Output;
using FluentAssertions;

namespace ActorSim.Simulation.Tests.Output;

public class NpyRoundTripTests
{
    [Fact]
    public void A_1D_array_round_trips_bit_for_bit()
    {
        using var dir = new TempDir();
        double[] data = [1.0, -2.5, 0.1, double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, double.Epsilon, 1e308];
        string path = dir.File("u_0001.npy");
        NpyWriter.Write1D(path, data);

        var a = NpyReader.Read(path);
        a.Shape.Should().Equal(data.Length);
        a.Data.Select(BitConverter.DoubleToInt64Bits).Should().Equal(data.Select(BitConverter.DoubleToInt64Bits));
        new FileInfo(path).Length.Should().Be(128 + 8 * data.Length);
    }

    [Fact]
    public void A_2D_field_keeps_its_shape_and_C_order()
    {
        using var dir = new TempDir();
        double[] data = Enumerable.Range(0, 20).Select(k => k * 0.5).ToArray();
        string path = dir.File("rho_0003.npy");
        NpyWriter.Write2D(path, data, ny: 4, nx: 5);

        var a = NpyReader.Read(path);
        a.Shape.Should().Equal(4, 5);
        a.Rank.Should().Be(2);
        a[0, 4].Should().Be(2.0);     // row 0, last column = data[4]
        a[3, 0].Should().Be(7.5);     // row 3, first column = data[15]
        a.Data.Should().Equal(data);
        File.ReadAllBytes(path).AsSpan(10, 118).ToArray().Should().Equal(
            Encoding.ASCII.GetBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4, 5), }".PadRight(117) + "\n"));
    }

    [Fact]
    public void Writing_is_atomic_and_replaces_an_older_file()
    {
        using var dir = new TempDir();
        string path = dir.File("u_0000.npy");
        NpyWriter.Write1D(path, [1, 2, 3, 4, 5, 6, 7, 8]);
        NpyWriter.Write1D(path, [9]);
        NpyReader.Read(path).Data.Should().Equal(9);
        Directory.GetFiles(dir.Path).Select(Path.GetFileName).Should().Equal("u_0000.npy");   // no .tmp left behind
    }

    [Fact]
    public void A_shape_that_does_not_match_the_data_is_refused_and_nothing_is_written()
    {
        using var dir = new TempDir();
        string path = dir.File("bad.npy");
        var act = () => NpyWriter.Write2D(path, new double[11], 3, 4);
        act.Should().Throw<ArgumentException>().WithMessage("*(3, 4) holds 12 values but 11 were given*");
        Directory.GetFiles(dir.Path).Should().BeEmpty();
        ((Action)(() => NpyWriter.Write(path, new double[1], []))).Should().Throw<ArgumentException>();
        ((Action)(() => NpyWriter.Write(path, new double[0], [-1, 0]))).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Encode_gives_the_file_bytes_for_callers_that_hash_them()
    {
        using var dir = new TempDir();
        byte[] bytes = NpyWriter.Encode([1.5, 2.5], [2, 1]);
        bytes.Length.Should().Be(128 + 16);
        NpyWriter.WriteAtomically(dir.File("v_0007.npy"), bytes);
        File.ReadAllBytes(dir.File("v_0007.npy")).Should().Equal(bytes);
        NpyReader.Read(dir.File("v_0007.npy")).Shape.Should().Equal(2, 1);
    }

    [Fact]
    public void An_empty_array_round_trips()
    {
        using var dir = new TempDir();
        NpyWriter.Write2D(dir.File("e.npy"), [], 0, 7);
        var a = NpyReader.Read(dir.File("e.npy"));
        a.Shape.Should().Equal(0, 7);
        a.Data.Should().BeEmpty();
    }

    private static byte[] Valid(int n = 3)
    {
        using var ms = new MemoryStream();
        NpyWriter.WriteTo(ms, Enumerable.Range(0, n).Select(i => (double)i).ToArray(), [n]);
        return ms.ToArray();
    }

    private static byte[] WithHeader(string dict, int dataBytes)
    {
        var header = Encoding.ASCII.GetBytes(dict.PadRight(117) + "\n");
        var bytes = new byte[10 + header.Length + dataBytes];
        Valid().AsSpan(0, 10).CopyTo(bytes);
        header.CopyTo(bytes, 10);
        return bytes;
    }

    public static TheoryData<string, byte[], string> BadFiles() => new()
    {
        { "empty", [], "shorter than the 8-byte preamble" },
        { "bad magic", Encoding.ASCII.GetBytes("PK\u0003\u0004 not numpy at all, sorry"), "magic bytes" },
        { "version 4.0", Valid().Select((b, i) => i == 6 ? (byte)4 : b).ToArray(), "version 4.0 is not supported" },
        { "float32", WithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", 12), "dtype '<f4' is not supported: expected '<f8'" },
        { "big-endian", WithHeader("{'descr': '>f8', 'fortran_order': False, 'shape': (3,), }", 24), "dtype '>f8' is not supported" },
        { "fortran", WithHeader("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", 32), "Fortran order" },
        { "truncated", Valid()[..^5], "truncated data: shape (3,) needs 24 bytes" },
        { "trailing bytes", [.. Valid(), 0], "unexpected bytes after the 24 bytes of data" },
        { "bad dict", WithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': [3], }", 24), "malformed header dict" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void The_reader_names_the_file_and_the_problem(string what, byte[] bytes, string problem)
    {
        using var dir = new TempDir();
        string path = dir.File(what.Replace(' ', '-') + ".npy");
        File.WriteAllBytes(path, bytes);
        var act = () => NpyReader.Read(path);
        var e = act.Should().Throw<OutputFormatException>().Which;
        e.Message.Should().StartWith(path + ": ");
        e.Message.Should().Contain(problem);
        e.File.Should().Be(path);
    }

    [Fact]
    public void A_missing_file_is_reported_as_such()
    {
        var act = () => NpyReader.Read("/nonexistent/dir/u_0001.npy");
        act.Should().Throw<OutputFormatException>().WithMessage("/nonexistent/dir/u_0001.npy: file not found");
    }
}
