using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace ActorSim.Simulation.Output;

/// <summary>
/// Reads <c>.npy</c> files holding C-order little-endian float64 arrays (what <see cref="NpyWriter"/> and
/// <c>numpy.save</c> of a float64 array write). Header versions 1.0, 2.0 and 3.0 are accepted; any other
/// dtype, Fortran order, a bad magic or a data size that does not match the shape is an
/// <see cref="OutputFormatException"/> naming the file and the problem.
/// </summary>
public static class NpyReader
{
    public static NpyArray Read(string path)
    {
        FileStream stream;
        try
        {
            stream = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputFormatException(path, e is FileNotFoundException or DirectoryNotFoundException ? "file not found" : "cannot be opened: " + e.Message, inner: e);
        }
        using (stream) return Read(stream, path);
    }

    /// <summary>Reads from a stream; <paramref name="name"/> is the file name used in error messages.</summary>
    public static NpyArray Read(Stream stream, string name)
    {
        Span<byte> pre = stackalloc byte[8];
        if (!TryReadExactly(stream, pre))
            throw new OutputFormatException(name, "not a .npy file: shorter than the 8-byte preamble");
        if (!pre[..6].SequenceEqual(NpyHeader.Magic))
            throw new OutputFormatException(name, "not a .npy file: it does not start with the magic bytes \\x93NUMPY");
        byte major = pre[6], minor = pre[7];
        if (major is < 1 or > 3 || minor != 0)
            throw new OutputFormatException(name, $".npy format version {major}.{minor} is not supported (expected 1.0, 2.0 or 3.0)");

        Span<byte> lenBytes = stackalloc byte[major == 1 ? 2 : 4];
        if (!TryReadExactly(stream, lenBytes))
            throw new OutputFormatException(name, "truncated .npy header: the header length is missing");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(lenBytes) : BinaryPrimitives.ReadUInt32LittleEndian(lenBytes);
        if (headerLength > 1 << 20) throw new OutputFormatException(name, $"implausible .npy header length {headerLength}");
        var headerBytes = new byte[headerLength];
        if (!TryReadExactly(stream, headerBytes))
            throw new OutputFormatException(name, $"truncated .npy header: expected {headerLength} header bytes");
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);

        NpyHeader.Fields fields;
        try
        {
            fields = NpyHeader.ParseDict(header);
        }
        catch (FormatException e)
        {
            throw new OutputFormatException(name, e.Message, inner: e);
        }
        if (fields.Descr != NpyHeader.Float64Descr)
            throw new OutputFormatException(name, $"dtype '{fields.Descr}' is not supported: expected '{NpyHeader.Float64Descr}' (little-endian float64)");
        if (fields.FortranOrder)
            throw new OutputFormatException(name, "the array is in Fortran order; only C order (fortran_order: False) is supported");

        long count = 1;
        foreach (int d in fields.Shape) count = checked(count * d);
        if (count > Array.MaxLength)
            throw new OutputFormatException(name, $"shape {NpyHeader.ShapeRepr(fields.Shape)} holds {count} values, too many to load");
        var data = new double[count];
        Span<byte> raw = MemoryMarshal.AsBytes(data.AsSpan());
        int got = stream.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false);
        if (got < raw.Length)
            throw new OutputFormatException(name, $"truncated data: shape {NpyHeader.ShapeRepr(fields.Shape)} needs {raw.Length} bytes of float64 data, the file has {got}");
        if (stream.ReadByte() >= 0)
            throw new OutputFormatException(name, $"unexpected bytes after the {raw.Length} bytes of data for shape {NpyHeader.ShapeRepr(fields.Shape)}");
        if (!BitConverter.IsLittleEndian)
            for (int i = 0; i < data.Length; i++)
                data[i] = BinaryPrimitives.ReadDoubleLittleEndian(raw.Slice(i * 8, 8));
        return new NpyArray(fields.Shape, data);
    }

    private static bool TryReadExactly(Stream stream, Span<byte> buffer) =>
        stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) == buffer.Length;
}
