using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ActorSim.Cli.Plotting;

/// <summary>
/// Encodes an <see cref="RgbImage"/> as a PNG: 8-bit truecolour, no interlace, one IDAT chunk
/// compressed with zlib (System.IO.Compression), each row filtered with the "Sub" filter. No native
/// library is involved, and the same image always gives the same bytes.
/// </summary>
public static class PngEncoder
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static byte[] Encode(RgbImage image)
    {
        using var png = new MemoryStream();
        png.Write(Signature);

        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], image.Height);
        ihdr[8] = 8;    // bit depth
        ihdr[9] = 2;    // colour type: truecolour
        ihdr[10] = 0;   // deflate
        ihdr[11] = 0;   // adaptive filtering
        ihdr[12] = 0;   // no interlace
        WriteChunk(png, "IHDR", ihdr);

        int stride = image.Width * 3;
        var raw = new byte[(stride + 1) * image.Height];
        for (int y = 0; y < image.Height; y++)
        {
            int row = y * (stride + 1);
            raw[row] = 1;                                                       // filter type Sub
            for (int x = 0; x < image.Width; x++)
            {
                Rgb p = image[x, y];
                Rgb left = x > 0 ? image[x - 1, y] : default;
                int o = row + 1 + x * 3;
                raw[o] = (byte)(p.R - left.R);
                raw[o + 1] = (byte)(p.G - left.G);
                raw[o + 2] = (byte)(p.B - left.B);
            }
        }
        using (var compressed = new MemoryStream())
        {
            using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw);
            WriteChunk(png, "IDAT", compressed.ToArray());
        }
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream s, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        Encoding.ASCII.GetBytes(type, head[4..]);
        s.Write(head);
        s.Write(data);
        uint crc = Crc32.Append(Crc32.Compute(head[4..]), data);
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, crc);
        s.Write(tail);
    }
}
