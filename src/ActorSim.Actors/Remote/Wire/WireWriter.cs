using Akka.Actor;
using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace ActorSim.Actors.Remote.Wire;

/// <summary>
/// Writes tagged fields (field number + <see cref="WireType"/>, protocol-buffers layout) into a growable buffer
/// rented from <see cref="ArrayPool{T}.Shared"/>. Bulk arrays are written as raw little-endian bytes, without
/// per-element encoding. Dispose returns the buffer to the pool.
/// </summary>
public sealed class WireWriter : IDisposable
{
    /// <summary>Width of a reserved (patched later) length: a padded 5-byte varint, enough for any int.</summary>
    private const int ReservedLengthBytes = 5;

    private byte[] _buffer;
    private int _position;

    /// <summary>Creates a writer with at least <paramref name="initialCapacity"/> bytes of room.</summary>
    /// <param name="initialCapacity">Initial buffer size.</param>
    /// <param name="refs">Resolves actor refs written with <see cref="WriteActorRef"/>; null outside a cluster node.</param>
    public WireWriter(int initialCapacity = 256, IWireRefContext? refs = null)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 64));
        Refs = refs;
    }

    /// <summary>Resolves actor refs, when the writer belongs to a cluster node.</summary>
    public IWireRefContext? Refs { get; }

    /// <summary>Number of bytes written.</summary>
    public int Length => _position;

    /// <summary>The bytes written so far (valid until the next write or Dispose).</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _position);

    /// <summary>The bytes written so far (valid until the next write or Dispose).</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _position);

    /// <summary>A copy of the written bytes.</summary>
    public byte[] ToArray() => WrittenSpan.ToArray();

    // ---- Fields -------------------------------------------------------------------------------------

    /// <summary>An unsigned integer (varint).</summary>
    public void WriteUInt64(int field, ulong value)
    {
        WriteTag(field, WireType.Varint);
        WriteRawVarint(value);
    }

    /// <summary>A signed integer (zigzag varint: small magnitudes are short).</summary>
    public void WriteInt64(int field, long value)
    {
        WriteTag(field, WireType.Varint);
        WriteRawVarint((ulong)((value << 1) ^ (value >> 63)));
    }

    /// <summary>A signed 32-bit integer (zigzag varint).</summary>
    public void WriteInt32(int field, int value) => WriteInt64(field, value);

    /// <summary>A boolean (varint 0/1).</summary>
    public void WriteBool(int field, bool value)
    {
        WriteTag(field, WireType.Varint);
        WriteRawVarint(value ? 1UL : 0UL);
    }

    /// <summary>A double, 8 bytes little-endian (bit-exact, including NaN payloads and -0).</summary>
    public void WriteDouble(int field, double value)
    {
        WriteTag(field, WireType.Fixed64);
        BinaryPrimitives.WriteDoubleLittleEndian(Grow(8), value);
        _position += 8;
    }

    /// <summary>A string as UTF-8; <c>null</c> writes nothing (reads back as the decoder's default).</summary>
    public void WriteString(int field, string? value)
    {
        if (value is null) return;
        WriteTag(field, WireType.LengthDelimited);
        var count = Encoding.UTF8.GetByteCount(value);
        WriteRawVarint((ulong)count);
        Encoding.UTF8.GetBytes(value, Grow(count));
        _position += count;
    }

    /// <summary>A block of bytes.</summary>
    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, WireType.LengthDelimited);
        WriteRawVarint((ulong)value.Length);
        value.CopyTo(Grow(value.Length));
        _position += value.Length;
    }

    /// <summary>Doubles as raw little-endian bytes (a protobuf packed repeated double).</summary>
    public void WriteDoubles(int field, ReadOnlySpan<double> values) => WritePacked(field, values);

    /// <summary>64-bit integers as raw little-endian bytes (a protobuf packed repeated sfixed64).</summary>
    public void WriteInt64s(int field, ReadOnlySpan<long> values) => WritePacked(field, values);

    /// <summary>32-bit integers as raw little-endian bytes (a protobuf packed repeated sfixed32).</summary>
    public void WriteInt32s(int field, ReadOnlySpan<int> values) => WritePacked(field, values);

    /// <summary>An actor reference as its node-addressable (node, path) pair; <c>null</c> writes nothing.</summary>
    /// <exception cref="InvalidOperationException">The writer has no <see cref="Refs"/> context.</exception>
    public void WriteActorRef(int field, IActorRef? actor)
    {
        if (actor is null) return;
        var refs = Refs ?? throw new InvalidOperationException(
            $"Cannot write the actor ref {actor.Path} (field {field}): actor refs can only be sent through a ClusterNode.");
        var address = refs.Export(actor);
        WriteNested(field, address, static (a, w) =>
        {
            w.WriteString(1, a.NodeId);
            w.WriteString(2, a.Path);
        });
    }

    /// <summary>A nested message written by <paramref name="write"/> (length-delimited).</summary>
    public void WriteNested<TState>(int field, TState state, Action<TState, WireWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        WriteTag(field, WireType.LengthDelimited);
        var lengthAt = ReserveLength();
        write(state, this);
        PatchLength(lengthAt);
    }

    // ---- Raw building blocks (used by the frame codec) ----------------------------------------------

    /// <summary>Writes raw bytes without a tag.</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Grow(bytes.Length));
        _position += bytes.Length;
    }

    /// <summary>Writes a field tag.</summary>
    public void WriteTag(int field, WireType type)
    {
        if (field is < 1 or > (1 << 28) - 1)
            throw new ArgumentOutOfRangeException(nameof(field), field, "Field numbers must be in 1..2^28-1.");
        WriteRawVarint(((ulong)field << 3) | (ulong)type);
    }

    /// <summary>Reserves room for a length written later by <see cref="PatchLength"/>; returns its position.</summary>
    public int ReserveLength()
    {
        Grow(ReservedLengthBytes);
        var at = _position;
        _position += ReservedLengthBytes;
        return at;
    }

    /// <summary>Writes the number of bytes since the reserved length as a padded 5-byte varint.</summary>
    public void PatchLength(int reservedAt)
    {
        var length = (uint)(_position - reservedAt - ReservedLengthBytes);
        var span = _buffer.AsSpan(reservedAt, ReservedLengthBytes);
        for (var i = 0; i < ReservedLengthBytes - 1; i++)
        {
            span[i] = (byte)(0x80 | (length & 0x7F));
            length >>= 7;
        }
        span[ReservedLengthBytes - 1] = (byte)length;
    }

    /// <summary>Writes a LEB128 varint.</summary>
    public void WriteRawVarint(ulong value)
    {
        var span = Grow(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i++] = (byte)value;
        _position += i;
    }

    /// <summary>Room for <paramref name="count"/> more bytes at the current position (not yet counted as written).</summary>
    public Span<byte> GetSpan(int count) => Grow(count);

    /// <summary>Counts <paramref name="count"/> bytes filled in through <see cref="GetSpan"/> as written.</summary>
    public void Advance(int count)
    {
        if (count < 0 || _position + count > _buffer.Length) throw new ArgumentOutOfRangeException(nameof(count));
        _position += count;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = Array.Empty<byte>();
        _position = 0;
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }

    private void WritePacked<T>(int field, ReadOnlySpan<T> values) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(values);
        WriteTag(field, WireType.LengthDelimited);
        WriteRawVarint((ulong)bytes.Length);
        var target = Grow(bytes.Length);
        if (BitConverter.IsLittleEndian)
        {
            bytes.CopyTo(target);
        }
        else
        {
            var size = bytes.Length / Math.Max(values.Length, 1);
            for (var i = 0; i < bytes.Length; i += size)
                for (var b = 0; b < size; b++) target[i + b] = bytes[i + size - 1 - b];
        }
        _position += bytes.Length;
    }

    private Span<byte> Grow(int count)
    {
        if (_buffer.Length == 0) throw new ObjectDisposedException(nameof(WireWriter));
        var needed = _position + count;
        if (needed > _buffer.Length)
        {
            var size = Math.Max(needed, (int)Math.Min(Array.MaxLength, (long)_buffer.Length * 2));
            var bigger = ArrayPool<byte>.Shared.Rent(size);
            _buffer.AsSpan(0, _position).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        return _buffer.AsSpan(_position, count);
    }
}
