using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Serialization;

namespace ActorSim.Actors.Fabric;

/// <summary>
/// Bulk payloads (halos, snapshots, partial sums) as raw little-endian IEEE-754 doubles: 8 bytes a value, no header
/// (the frame's length gives the count), no type name on the wire. On a little-endian machine both directions are a
/// single memory copy. Bound to <c>double[]</c> in <see cref="FabricConfig"/>.
/// </summary>
public sealed class DoubleArraySerializer(ExtendedActorSystem system) : Serializer(system)
{
    /// <summary>The serializer's wire id (ActorSim's ids start at 1650; Akka reserves 0–40).</summary>
    public const int Id = 1650;

    public override int Identifier => Id;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj)
    {
        if (obj is not double[] values)
            throw new ArgumentException($"{nameof(DoubleArraySerializer)} serializes double[] only, not {obj?.GetType().FullName ?? "null"}", nameof(obj));
        return Encode(values);
    }

    public override object FromBinary(byte[] bytes, Type? type) => Decode(bytes);

    /// <summary>The little-endian bytes of <paramref name="values"/>.</summary>
    public static byte[] Encode(ReadOnlySpan<double> values)
    {
        var bytes = new byte[values.Length * sizeof(double)];
        if (BitConverter.IsLittleEndian) MemoryMarshal.AsBytes(values).CopyTo(bytes);
        else
            for (int i = 0; i < values.Length; i++)
                BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * sizeof(double)), values[i]);
        return bytes;
    }

    /// <summary>The doubles of little-endian <paramref name="bytes"/>.</summary>
    /// <exception cref="System.Runtime.Serialization.SerializationException">The length is not a multiple of 8.</exception>
    public static double[] Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % sizeof(double) != 0)
            throw new System.Runtime.Serialization.SerializationException(
                $"a double[] payload of {bytes.Length} bytes is not a whole number of 8-byte values");
        var values = new double[bytes.Length / sizeof(double)];
        if (BitConverter.IsLittleEndian) bytes.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        else
            for (int i = 0; i < values.Length; i++)
                values[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(i * sizeof(double))..]);
        return values;
    }
}
