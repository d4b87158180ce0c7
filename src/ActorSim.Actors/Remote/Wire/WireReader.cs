using Akka.Actor;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace ActorSim.Actors.Remote.Wire;

/// <summary>
/// Reads tagged fields written by <see cref="WireWriter"/>. Typical decoder:
/// <code>
/// while (reader.NextField())
///     switch (reader.Field)
///     {
///         case 1: step = reader.ReadInt64(); break;
///         case 2: values = reader.ReadDoubles(); break;
///         default: reader.SkipField(); break;
///     }
/// </code>
/// Every read checks bounds and the field's wire type and throws <see cref="WireFormatException"/> on mismatch.
/// </summary>
public ref struct WireReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    /// <summary>Creates a reader over <paramref name="data"/>.</summary>
    /// <param name="data">The encoded fields.</param>
    /// <param name="refs">Resolves actor refs read with <see cref="ReadActorRef"/>; null outside a cluster node.</param>
    public WireReader(ReadOnlySpan<byte> data, IWireRefContext? refs = null)
    {
        _data = data;
        _position = 0;
        Refs = refs;
        Field = 0;
        Type = WireType.Varint;
    }

    /// <summary>Resolves actor refs, when the reader belongs to a cluster node.</summary>
    public IWireRefContext? Refs { get; }

    /// <summary>The number of the current field (after <see cref="NextField"/> returned true).</summary>
    public int Field { get; private set; }

    /// <summary>The wire type of the current field.</summary>
    public WireType Type { get; private set; }

    /// <summary>Bytes not yet read.</summary>
    public int Remaining => _data.Length - _position;

    /// <summary>Advances to the next field; false at the end of the data.</summary>
    public bool NextField()
    {
        if (_position >= _data.Length) return false;
        var tag = ReadRawVarint();
        var type = (int)(tag & 7);
        var field = tag >> 3;
        if (field is 0 or > (1 << 28) - 1)
            throw new WireFormatException($"Invalid field number {field} at byte {_position}.");
        if (type is not (0 or 1 or 2 or 5))
            throw new WireFormatException($"Field {field} has unsupported wire type {type}.");
        Field = (int)field;
        Type = (WireType)type;
        return true;
    }

    /// <summary>Skips the current field's value (for field numbers this decoder does not know).</summary>
    public void SkipField()
    {
        switch (Type)
        {
            case WireType.Varint: ReadRawVarint(); break;
            case WireType.Fixed64: Take(8); break;
            case WireType.Fixed32: Take(4); break;
            case WireType.LengthDelimited: Take(ReadLength()); break;
        }
    }

    /// <summary>Reads an unsigned varint field.</summary>
    public ulong ReadUInt64()
    {
        Expect(WireType.Varint);
        return ReadRawVarint();
    }

    /// <summary>Reads a signed (zigzag) varint field.</summary>
    public long ReadInt64()
    {
        Expect(WireType.Varint);
        var raw = ReadRawVarint();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    /// <summary>Reads a signed (zigzag) varint field that must fit an int.</summary>
    public int ReadInt32()
    {
        var value = ReadInt64();
        if (value is < int.MinValue or > int.MaxValue)
            throw new WireFormatException($"Field {Field}: value {value} does not fit a 32-bit integer.");
        return (int)value;
    }

    /// <summary>Reads a boolean field.</summary>
    public bool ReadBool()
    {
        Expect(WireType.Varint);
        return ReadRawVarint() != 0;
    }

    /// <summary>Reads a double field.</summary>
    public double ReadDouble()
    {
        Expect(WireType.Fixed64);
        return BinaryPrimitives.ReadDoubleLittleEndian(Take(8));
    }

    /// <summary>Reads a UTF-8 string field.</summary>
    public string ReadString()
    {
        Expect(WireType.LengthDelimited);
        var bytes = Take(ReadLength());
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new WireFormatException($"Field {Field}: invalid UTF-8 in a string.", ex);
        }
    }

    /// <summary>Reads a byte-block field as a span into the data (valid as long as the data is).</summary>
    public ReadOnlySpan<byte> ReadBytesSpan()
    {
        Expect(WireType.LengthDelimited);
        return Take(ReadLength());
    }

    /// <summary>Reads a byte-block field into a new array.</summary>
    public byte[] ReadBytes() => ReadBytesSpan().ToArray();

    /// <summary>Reads packed little-endian doubles into a new array.</summary>
    public double[] ReadDoubles() => ReadPacked<double>("doubles");

    /// <summary>Reads packed little-endian 64-bit integers into a new array.</summary>
    public long[] ReadInt64s() => ReadPacked<long>("64-bit integers");

    /// <summary>Reads packed little-endian 32-bit integers into a new array.</summary>
    public int[] ReadInt32s() => ReadPacked<int>("32-bit integers");

    /// <summary>Reads a nested message field; returns a reader over its fields.</summary>
    public WireReader ReadNested()
    {
        Expect(WireType.LengthDelimited);
        return new WireReader(Take(ReadLength()), Refs);
    }

    /// <summary>Reads an actor ref field (written by <see cref="WireWriter.WriteActorRef"/>).</summary>
    /// <exception cref="InvalidOperationException">The reader has no <see cref="Refs"/> context.</exception>
    public IActorRef ReadActorRef()
    {
        var field = Field;
        var nested = ReadNested();
        string? node = null, path = null;
        while (nested.NextField())
        {
            switch (nested.Field)
            {
                case 1: node = nested.ReadString(); break;
                case 2: path = nested.ReadString(); break;
                default: nested.SkipField(); break;
            }
        }
        if (string.IsNullOrEmpty(node) || string.IsNullOrEmpty(path))
            throw new WireFormatException($"Field {field}: an actor ref needs a node and a path.");
        var refs = Refs ?? throw new InvalidOperationException(
            $"Cannot read the actor ref {node}{path} (field {field}): actor refs can only be received through a ClusterNode.");
        return refs.Resolve(new RemoteAddress(node, path));
    }

    // ---- Raw building blocks (used by the frame codec) ----------------------------------------------

    /// <summary>Reads a LEB128 varint (at most 10 bytes).</summary>
    public ulong ReadRawVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length) throw Truncated("a varint");
            var b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new WireFormatException($"A varint at byte {_position} is longer than 10 bytes.");
    }

    /// <summary>Takes the next <paramref name="count"/> raw bytes.</summary>
    public ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining) throw Truncated($"{count} bytes");
        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }

    private T[] ReadPacked<T>(string what) where T : unmanaged
    {
        Expect(WireType.LengthDelimited);
        var bytes = Take(ReadLength());
        var size = Marshal.SizeOf<T>();
        if (bytes.Length % size != 0)
            throw new WireFormatException($"Field {Field}: {bytes.Length} bytes is not a whole number of {what} ({size} bytes each).");
        var result = GC.AllocateUninitializedArray<T>(bytes.Length / size); // every element is written below
        var target = MemoryMarshal.AsBytes(result.AsSpan());
        bytes.CopyTo(target);
        if (!BitConverter.IsLittleEndian)
            for (var i = 0; i < target.Length; i += size) target.Slice(i, size).Reverse();
        return result;
    }

    private int ReadLength()
    {
        var length = ReadRawVarint();
        if (length > (ulong)Remaining) throw Truncated($"a length-delimited field of {length} bytes");
        return (int)length;
    }

    private readonly void Expect(WireType type)
    {
        if (Type != type)
            throw new WireFormatException($"Field {Field} has wire type {Type}, but {type} was expected.");
    }

    private readonly WireFormatException Truncated(string what) =>
        new($"Truncated data: expected {what} at byte {_position} of {_data.Length}.");
}
