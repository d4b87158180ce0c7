using System.Text;
using ActorSim.Simulation.Output;
using FluentAssertions;

namespace ActorSim.Simulation.Tests.Output;

public class NpyHeaderTests
{
    // Exactly what numpy 1.24 writes for np.save(f, np.zeros(3)) and np.zeros((4, 5)) (checked with numpy).
    private static byte[] Expected(string dict)
    {
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 118, 0 };
        bytes.AddRange(Encoding.ASCII.GetBytes(dict.PadRight(117)));
        bytes.Add((byte)'\n');
        return bytes.ToArray();
    }

    [Fact]
    public void Header_of_a_1D_array_is_byte_identical_to_numpys()
    {
        byte[] header = NpyHeader.Build([3]);
        header.Should().Equal(Expected("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"));
        header.Length.Should().Be(128);
        BitConverter.ToUInt16(header, 8).Should().Be(118);
    }

    [Fact]
    public void Header_of_a_2D_array_is_byte_identical_to_numpys()
    {
        NpyHeader.Build([4, 5]).Should().Equal(Expected("{'descr': '<f8', 'fortran_order': False, 'shape': (4, 5), }"));
    }

    [Theory]
    [InlineData(new[] { 0 })]
    [InlineData(new[] { 1 })]
    [InlineData(new[] { 123456789 })]
    [InlineData(new[] { 2147483647, 0 })]
    [InlineData(new[] { 7, 11, 13 })]
    [InlineData(new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 })]
    public void Data_starts_at_a_multiple_of_64_and_the_header_ends_with_a_newline(int[] shape)
    {
        byte[] header = NpyHeader.Build(shape);
        (header.Length % 64).Should().Be(0);
        header[^1].Should().Be((byte)'\n');
        (10 + BitConverter.ToUInt16(header, 8)).Should().Be(header.Length);
        var parsed = NpyHeader.ParseDict(Encoding.ASCII.GetString(header, 10, header.Length - 10));
        parsed.Shape.Should().Equal(shape);
        parsed.Descr.Should().Be("<f8");
        parsed.FortranOrder.Should().BeFalse();
    }

    // Total preamble + header lengths numpy 1.24 writes: these exercise its extra room for the first axis
    // to grow (21 digits) and its full 64-byte pad when the header is already aligned.
    [Theory]
    [InlineData(128, 6, 6, 6, 6, 6, 6, 6, 6, 6)]
    [InlineData(192, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)]
    [InlineData(192, 12345, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)]
    [InlineData(192, 12, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)]
    public void Header_length_matches_numpys_padding_rule(int numpyLength, params int[] shape)
    {
        byte[] header = NpyHeader.Build(shape);
        header.Length.Should().Be(numpyLength);
        string text = Encoding.ASCII.GetString(header, 10, header.Length - 10);
        text.Should().StartWith("{'descr': '<f8', 'fortran_order': False, 'shape': " + NpyHeader.ShapeRepr(shape) + ", }");
    }

    [Fact]
    public void Shape_repr_matches_python()
    {
        NpyHeader.ShapeRepr([3]).Should().Be("(3,)");
        NpyHeader.ShapeRepr([4, 5]).Should().Be("(4, 5)");
        NpyHeader.ShapeRepr([]).Should().Be("()");
    }

    [Fact]
    public void The_dict_parser_accepts_other_writers_spellings()
    {
        var f = NpyHeader.ParseDict("{\"shape\": (2,3), \"fortran_order\": True, \"descr\": \"<f4\"}  \n");
        f.Shape.Should().Equal(2, 3);
        f.FortranOrder.Should().BeTrue();
        f.Descr.Should().Be("<f4");
        NpyHeader.ParseDict("{'descr': '<f8', 'fortran_order': False, 'shape': (), }").Shape.Should().BeEmpty();
    }

    [Theory]
    [InlineData("{'descr': '<f8', 'fortran_order': False}", "no 'shape'")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'extra': 1}", "unexpected key 'extra'")]
    [InlineData("{'descr': '<f8', 'fortran_order': false, 'shape': (3,)}", "expected True or False")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (-3,)}", "non-negative integer")]
    [InlineData("'descr': '<f8'", "expected '{'")]
    public void Malformed_dicts_are_rejected_with_the_reason(string dict, string reason)
    {
        var act = () => NpyHeader.ParseDict(dict);
        act.Should().Throw<FormatException>().WithMessage($"*{reason}*");
    }
}
