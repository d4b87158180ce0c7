namespace ActorSim.Actors.Remote.Wire;

/// <summary>
/// The wire contract of one message type: a numeric id that never changes, the current version, and an
/// encoder/decoder written by hand over numbered fields. Ids 1–99 are reserved for ActorSim.Actors,
/// 100–9999 for ActorSim.Simulation; applications and tests use 10000 and up.
/// </summary>
public abstract class WireContract
{
    private protected WireContract(int id, int version, Type messageType)
    {
        if (id <= 0) throw new ArgumentOutOfRangeException(nameof(id), id, "Contract ids must be positive.");
        if (version <= 0) throw new ArgumentOutOfRangeException(nameof(version), version, "Contract versions start at 1.");
        Id = id;
        Version = version;
        MessageType = messageType;
    }

    /// <summary>The contract id carried in every frame.</summary>
    public int Id { get; }

    /// <summary>The newest version this node writes and reads (it also reads all older versions).</summary>
    public int Version { get; }

    /// <summary>The message type (encoding is by exact type).</summary>
    public Type MessageType { get; }

    /// <summary>Encodes <paramref name="message"/> (which must be a <see cref="MessageType"/>).</summary>
    public abstract void EncodeObject(object message, WireWriter writer);

    /// <summary>Decodes a payload of <paramref name="version"/>.</summary>
    /// <exception cref="WireContractException"><paramref name="version"/> is newer than <see cref="Version"/>.</exception>
    public abstract object DecodeObject(ReadOnlySpan<byte> payload, int version, IWireRefContext? refs);

    /// <inheritdoc />
    public override string ToString() => $"{TypeNames.Of(MessageType)} (contract {Id} v{Version})";
}

/// <summary>The wire contract of messages of type <typeparamref name="T"/>.</summary>
public sealed class WireContract<T> : WireContract where T : notnull
{
    private readonly WireEncoder<T> _encode;
    private readonly WireDecoder<T> _decode;

    /// <summary>Creates a contract.</summary>
    public WireContract(int id, int version, WireEncoder<T> encode, WireDecoder<T> decode) : base(id, version, typeof(T))
    {
        _encode = encode ?? throw new ArgumentNullException(nameof(encode));
        _decode = decode ?? throw new ArgumentNullException(nameof(decode));
    }

    /// <summary>Encodes a message.</summary>
    public void Encode(T message, WireWriter writer) => _encode(message, writer);

    /// <summary>Decodes a payload written with contract version <paramref name="version"/>.</summary>
    public T Decode(ReadOnlySpan<byte> payload, int version, IWireRefContext? refs = null)
    {
        if (version > Version)
            throw new WireContractException(
                $"{TypeNames.Of(typeof(T))} (contract {Id}) arrived in version {version}, but this node only knows versions up to {Version}; " +
                "upgrade this node or downgrade the sender.", Id, version);
        if (version <= 0) throw new WireContractException($"Contract {Id}: invalid version {version}.", Id, version);
        var reader = new WireReader(payload, refs);
        try
        {
            return _decode(ref reader, version) ?? throw new WireFormatException($"The decoder of contract {Id} returned null.");
        }
        catch (Exception ex) when (ex is not WireFormatException)
        {
            throw new WireFormatException($"Decoding {TypeNames.Of(typeof(T))} (contract {Id} v{version}) failed: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public override void EncodeObject(object message, WireWriter writer) => Encode((T)message, writer);

    /// <inheritdoc />
    public override object DecodeObject(ReadOnlySpan<byte> payload, int version, IWireRefContext? refs) => Decode(payload, version, refs);
}
