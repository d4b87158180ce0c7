using System.Buffers.Binary;
using System.IO.Hashing;

namespace ActorSim.Cli.Plotting;

/// <summary>
/// Writes a PNG's resolution: inserts the <c>pHYs</c> chunk (pixels per metre) after <c>IHDR</c>, so viewers and
/// word processors size the image as intended. Skia's encoder leaves it out.
/// </summary>
public static class PngDpiChunk
{
    private const int IhdrEnd = 8 + 4 + 4 + 13 + 4; // signature, length, type, data, CRC

    public static byte[] Insert(byte[] png, float dpi)
    {
        uint perMetre = (uint)Math.Round(dpi / 0.0254);
        var chunk = new byte[4 + 4 + 9 + 4];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, 9);
        "pHYs"u8.CopyTo(chunk.AsSpan(4));
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8), perMetre);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(12), perMetre);
        chunk[16] = 1; // unit: metre
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(17), Crc32.HashToUInt32(chunk.AsSpan(4, 13)));
        return [.. png.AsSpan(0, IhdrEnd), .. chunk, .. png.AsSpan(IhdrEnd)];
    }
}
