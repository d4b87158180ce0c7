using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace ActorSim.Simulation.Output;

/// <summary>
/// Writes float64 arrays as NumPy <c>.npy</c> files (format version 1.0, dtype <c>&lt;f8</c>, C order),
/// byte-identical to <c>numpy.save</c> of the same array (see <see cref="NpyHeader"/>). Files are
/// written atomically: to <c>&lt;path&gt;.tmp</c> in the same directory, then renamed over
/// <c>&lt;path&gt;</c>, so a reader never sees half a file.
/// </summary>
public static class NpyWriter
{
    /// <summary>Writes a 1D array of shape (n,).</summary>
    public static void Write1D(string path, ReadOnlySpan<double> data) => Write(path, data, [data.Length]);

    /// <summary>Writes a 2D field of shape (ny, nx) in C order: value (j, i) is <c>data[j * nx + i]</c>.</summary>
    public static void Write2D(string path, ReadOnlySpan<double> data, int ny, int nx) => Write(path, data, [ny, nx]);

    /// <summary>Writes an array of the given shape (rank &gt;= 1) whose C-order values are <paramref name="data"/>.</summary>
    public static void Write(string path, ReadOnlySpan<double> data, ReadOnlySpan<int> shape) =>
        WriteAtomically(path, Encode(data, shape));

    /// <summary>The bytes of an .npy file holding <paramref name="data"/> with <paramref name="shape"/> (for callers that also hash them).</summary>
    public static byte[] Encode(ReadOnlySpan<double> data, ReadOnlySpan<int> shape)
    {
        CheckShape(data.Length, shape);
        byte[] header = NpyHeader.Build(shape);
        var bytes = new byte[header.Length + 8L * data.Length];
        header.CopyTo(bytes, 0);
        Span<byte> body = bytes.AsSpan(header.Length);
        if (BitConverter.IsLittleEndian)
            MemoryMarshal.AsBytes(data).CopyTo(body);
        else
            for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(body.Slice(8 * i), data[i]);
        return bytes;
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically (<see cref="AtomicFile.Write"/>).</summary>
    public static void WriteAtomically(string path, byte[] bytes) => AtomicFile.Write(path, bytes);

    /// <summary>Writes the header and data to <paramref name="stream"/> (not atomic; for in-memory use and tests).</summary>
    public static void WriteTo(Stream stream, ReadOnlySpan<double> data, ReadOnlySpan<int> shape) => stream.Write(Encode(data, shape));

    private static void CheckShape(int length, ReadOnlySpan<int> shape)
    {
        if (shape.Length == 0) throw new ArgumentException("the shape must have at least one dimension", nameof(shape));
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"shape {NpyHeader.ShapeRepr(shape)} has a negative dimension", nameof(shape));
            n *= d;
        }
        if (n != length)
            throw new ArgumentException($"shape {NpyHeader.ShapeRepr(shape)} holds {n} values but {length} were given", nameof(shape));
    }
}
