using System.Buffers.Binary;
using System.Text;

namespace ActorSim.Simulation.Output;

/// <summary>NumPy <c>.npy</c> files (format 1.0) of little-endian float64 arrays in C order.</summary>
public static class NpyWriter
{
    /// <summary>The bytes of an .npy file holding <paramref name="data"/> with <paramref name="shape"/>.</summary>
    public static byte[] Encode(ReadOnlySpan<double> data, ReadOnlySpan<int> shape)
    {
        long count = 1;
        foreach (int n in shape) count *= n;
        if (count != data.Length) throw new ArgumentException($"shape ({string.Join(", ", shape.ToArray())}) holds {count} values, data has {data.Length}");
        string dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape.ToArray());
        string header = $"{{'descr': '<f8', 'fortran_order': False, 'shape': ({dims}), }}";
        int preamble = 10;
        int total = preamble + header.Length + 1;
        int padded = (total + 63) / 64 * 64;
        header = header.PadRight(padded - preamble - 1) + "\n";
        var bytes = new byte[preamble + header.Length + 8 * data.Length];
        bytes[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY", bytes.AsSpan(1));
        bytes[6] = 1; bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        Encoding.ASCII.GetBytes(header, bytes.AsSpan(preamble));
        var body = bytes.AsSpan(preamble + header.Length);
        for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(body.Slice(8 * i), data[i]);
        return bytes;
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> through a temporary file and a rename.</summary>
    public static void WriteAtomically(string path, byte[] bytes)
    {
        string tmp = path + ".tmp";
        File.WriteAllBytes(tmp, bytes);
        File.Move(tmp, path, overwrite: true);
    }
}
