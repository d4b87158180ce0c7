namespace ActorSim.Actors.Remote.Wire;

/// <summary>
/// Encodes and decodes frames: <c>"ASIM"</c>, a frame-format byte, the envelope's numbered fields (the payload
/// last, as field 11), then an HMAC-SHA256 of everything before it keyed with the cluster secret.
/// Decoding checks the HMAC before it parses anything.
/// </summary>
public static class FrameCodec
{
    /// <summary>The current frame format (the byte after the magic).</summary>
    public const byte FormatVersion = 1;

    /// <summary>Bytes of the trailing HMAC.</summary>
    public const int MacLength = 32;

    private static ReadOnlySpan<byte> Magic => "ASIM"u8;

    private const int HeaderFieldContract = 1, HeaderFieldVersion = 2, HeaderFieldCluster = 3, HeaderFieldRun = 4,
        HeaderFieldEpoch = 5, HeaderFieldSenderNode = 6, HeaderFieldSenderPath = 7, HeaderFieldTargetNode = 8,
        HeaderFieldTargetPath = 9, HeaderFieldCorrelation = 10, HeaderFieldPayload = 11;

    /// <summary>
    /// Writes a complete frame into <paramref name="writer"/> (which must be empty): the header from
    /// <paramref name="header"/> (its Payload is ignored), the payload written by <paramref name="writePayload"/>, and the HMAC.
    /// </summary>
    public static void Encode<TState>(WireWriter writer, WireEnvelope header, ClusterSecret secret, TState state, Action<TState, WireWriter> writePayload)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(secret);
        if (writer.Length != 0) throw new ArgumentException("The writer must be empty.", nameof(writer));
        writer.WriteRaw(Magic);
        writer.WriteRaw([FormatVersion]);
        writer.WriteUInt64(HeaderFieldContract, (ulong)header.ContractId);
        writer.WriteUInt64(HeaderFieldVersion, (ulong)header.ContractVersion);
        writer.WriteString(HeaderFieldCluster, header.ClusterId);
        writer.WriteString(HeaderFieldRun, header.RunId);
        writer.WriteInt64(HeaderFieldEpoch, header.Epoch);
        writer.WriteString(HeaderFieldSenderNode, header.SenderNode);
        writer.WriteString(HeaderFieldSenderPath, header.SenderPath);
        writer.WriteString(HeaderFieldTargetNode, header.TargetNode);
        writer.WriteString(HeaderFieldTargetPath, header.TargetPath);
        writer.WriteInt64(HeaderFieldCorrelation, header.CorrelationId);
        writer.WriteTag(HeaderFieldPayload, WireType.LengthDelimited);
        var payloadAt = writer.ReserveLength();
        writePayload(state, writer);
        writer.PatchLength(payloadAt);
        secret.ComputeMac(writer.WrittenSpan, writer.GetSpan(MacLength));
        writer.Advance(MacLength);
    }

    /// <summary>Encodes a frame whose payload is already encoded.</summary>
    public static byte[] Encode(WireEnvelope envelope, ClusterSecret secret)
    {
        using var writer = new WireWriter(envelope.Payload.Length + 256);
        Encode(writer, envelope, secret, envelope.Payload, static (p, w) => w.WriteRaw(p.Span));
        return writer.ToArray();
    }

    /// <summary>Verifies the HMAC and decodes the header; the payload is a slice of <paramref name="frame"/>.</summary>
    /// <exception cref="ForgedFrameException">The HMAC does not match the cluster secret.</exception>
    /// <exception cref="WireFormatException">The frame is not an ActorSim frame, has a newer format, or is malformed.</exception>
    public static WireEnvelope Decode(ReadOnlyMemory<byte> frame, ClusterSecret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var span = frame.Span;
        CheckPreamble(span);
        var signed = span[..^MacLength];
        if (!secret.VerifyMac(signed, span[^MacLength..]))
            throw new ForgedFrameException(
                "The frame's HMAC does not match this cluster's secret (the sender uses another secret, or the frame was forged or corrupted).");
        return ParseHeader(frame[..^MacLength]);
    }

    /// <summary>
    /// Parses the header WITHOUT checking the HMAC: only for describing a rejected frame in a log message.
    /// Returns null if even that fails.
    /// </summary>
    public static WireEnvelope? TryPeekUnverified(ReadOnlyMemory<byte> frame)
    {
        try
        {
            CheckPreamble(frame.Span);
            return ParseHeader(frame[..^MacLength]);
        }
        catch (WireFormatException)
        {
            return null;
        }
    }

    private static void CheckPreamble(ReadOnlySpan<byte> span)
    {
        if (span.Length < Magic.Length + 1 + MacLength || !span.StartsWith(Magic))
            throw new WireFormatException($"Not an ActorSim frame ({span.Length} bytes without the \"ASIM\" preamble).");
        var format = span[Magic.Length];
        if (format != FormatVersion)
            throw new WireFormatException(
                format > FormatVersion
                    ? $"The frame uses format version {format}, but this node only reads version {FormatVersion}; upgrade this node."
                    : $"Unsupported frame format version {format}.");
    }

    private static WireEnvelope ParseHeader(ReadOnlyMemory<byte> signed)
    {
        var start = Magic.Length + 1;
        var reader = new WireReader(signed.Span[start..]);
        int contract = 0, version = 0;
        string cluster = "", run = "", senderNode = "", senderPath = "", targetNode = "", targetPath = "";
        long epoch = 0, correlation = 0;
        ReadOnlyMemory<byte> payload = default;
        var sawPayload = false;
        while (reader.NextField())
        {
            switch (reader.Field)
            {
                case HeaderFieldContract: contract = checked((int)reader.ReadUInt64()); break;
                case HeaderFieldVersion: version = checked((int)reader.ReadUInt64()); break;
                case HeaderFieldCluster: cluster = reader.ReadString(); break;
                case HeaderFieldRun: run = reader.ReadString(); break;
                case HeaderFieldEpoch: epoch = reader.ReadInt64(); break;
                case HeaderFieldSenderNode: senderNode = reader.ReadString(); break;
                case HeaderFieldSenderPath: senderPath = reader.ReadString(); break;
                case HeaderFieldTargetNode: targetNode = reader.ReadString(); break;
                case HeaderFieldTargetPath: targetPath = reader.ReadString(); break;
                case HeaderFieldCorrelation: correlation = reader.ReadInt64(); break;
                case HeaderFieldPayload:
                    var length = reader.ReadBytesSpan().Length; // the payload ends where the reader now stands
                    payload = signed.Slice(signed.Length - reader.Remaining - length, length);
                    sawPayload = true;
                    break;
                default: reader.SkipField(); break;
            }
        }
        if (contract <= 0 || version <= 0 || !sawPayload || senderNode.Length == 0 || targetNode.Length == 0)
            throw new WireFormatException("The frame header lacks a contract id, version, sender node, target node or payload.");
        return new WireEnvelope(contract, version, cluster, run, epoch, senderNode, senderPath, targetNode, targetPath, correlation, payload);
    }
}
