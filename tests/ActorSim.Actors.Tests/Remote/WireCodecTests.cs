using Akka.Actor;
using ActorSim.Actors.Remote;
using ActorSim.Actors.Remote.Wire;
using FluentAssertions;

namespace ActorSim.Actors.Tests.Remote;

public sealed class WireCodecTests
{
    private static readonly ClusterSecret Secret = ClusterSecret.FromString("test-secret-0123456789abcdef");

    private static WireEnvelope Header(int contract = RemoteTestContracts.PingId, int version = 1) =>
        new(contract, version, "cluster-1", "run-7", 3, "node-a", "/user/sender", "node-b", "/user/target", 42, default);

    private static byte[] Frame(object message, WireRegistry registry, ClusterSecret? secret = null, int? versionOverride = null, int? idOverride = null,
        bool sign = true)
    {
        var contract = registry.ForType(message.GetType());
        using var writer = new WireWriter();
        FrameCodec.Encode(writer, Header(idOverride ?? contract.Id, versionOverride ?? contract.Version), secret ?? Secret, sign,
            (contract, message), static (s, w) => s.contract.EncodeObject(s.message, w));
        return writer.ToArray();
    }

    private static object Decode(byte[] frame, WireRegistry registry, ClusterSecret? secret = null)
    {
        var envelope = FrameCodec.Decode(frame, secret ?? Secret);
        return registry.Decode(envelope.ContractId, envelope.ContractVersion, envelope.Payload.Span);
    }

    [Fact]
    public void A_frame_round_trips_header_and_payload()
    {
        var registry = RemoteTestContracts.CreateRegistry();
        var frame = Frame(new Sequenced("sender-ä", 123456), registry);

        var envelope = FrameCodec.Decode(frame, Secret);

        envelope.Should().BeEquivalentTo(Header(RemoteTestContracts.SequencedId), o => o.Excluding(e => e.Payload));
        registry.Decode(envelope.ContractId, envelope.ContractVersion, envelope.Payload.Span).Should().Be(new Sequenced("sender-ä", 123456));
    }

    [Fact]
    public void Doubles_travel_bit_exactly_as_raw_little_endian_bytes()
    {
        var registry = RemoteTestContracts.CreateRegistry();
        var values = new[]
        {
            0.0, -0.0, 1.0 / 3.0, double.Epsilon, -double.MaxValue, double.PositiveInfinity, double.NegativeInfinity,
            BitConverter.Int64BitsToDouble(0x7FF8_0000_DEAD_BEEF), // NaN with a payload
        };

        var decoded = (Bulk)Decode(Frame(new Bulk(-5, values), registry), registry);

        decoded.Id.Should().Be(-5);
        decoded.Values.Select(BitConverter.DoubleToInt64Bits).Should().Equal(values.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void A_bulk_array_is_written_without_per_element_encoding()
    {
        var values = Enumerable.Range(0, 1000).Select(i => i * 0.5).ToArray();
        using var writer = new WireWriter();
        writer.WriteDoubles(2, values);

        writer.Length.Should().Be(1 + 2 + 8000); // tag, 2-byte length, raw bytes
        writer.WrittenSpan[3..11].ToArray().Should().Equal(BitConverter.GetBytes(values[0]));
    }

    [Fact]
    public void Every_field_type_round_trips_and_unknown_fields_are_skipped()
    {
        using var writer = new WireWriter();
        writer.WriteInt64(1, long.MinValue);
        writer.WriteUInt64(2, ulong.MaxValue);
        writer.WriteInt32(3, -7);
        writer.WriteBool(4, true);
        writer.WriteDouble(5, Math.PI);
        writer.WriteString(6, "π ≈ 3.14");
        writer.WriteBytes(7, new byte[] { 1, 2, 3 });
        writer.WriteInt64s(8, new[] { 1L, -1L, long.MaxValue });
        writer.WriteInt32s(9, new[] { 5, -5 });
        writer.WriteNested(10, 99, static (v, w) => w.WriteInt32(1, v));
        writer.WriteString(99, "a field from a newer revision");
        writer.WriteDouble(100, 1.0);

        var r = new WireReader(writer.WrittenSpan);
        var seen = new List<object>();
        while (r.NextField())
        {
            switch (r.Field)
            {
                case 1: seen.Add(r.ReadInt64()); break;
                case 2: seen.Add(r.ReadUInt64()); break;
                case 3: seen.Add(r.ReadInt32()); break;
                case 4: seen.Add(r.ReadBool()); break;
                case 5: seen.Add(r.ReadDouble()); break;
                case 6: seen.Add(r.ReadString()); break;
                case 7: seen.Add(r.ReadBytes()); break;
                case 8: seen.Add(r.ReadInt64s()); break;
                case 9: seen.Add(r.ReadInt32s()); break;
                case 10:
                    var nested = r.ReadNested();
                    nested.NextField().Should().BeTrue();
                    seen.Add(nested.ReadInt32());
                    break;
                default: r.SkipField(); break;
            }
        }

        seen.Should().BeEquivalentTo(new object[]
        {
            long.MinValue, ulong.MaxValue, -7, true, Math.PI, "π ≈ 3.14", new byte[] { 1, 2, 3 },
            new[] { 1L, -1L, long.MaxValue }, new[] { 5, -5 }, 99,
        }, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Reading_a_field_with_the_wrong_wire_type_is_a_clear_error()
    {
        using var writer = new WireWriter();
        writer.WriteString(1, "text");
        var act = () =>
        {
            var r = new WireReader(writer.WrittenSpan);
            r.NextField();
            return r.ReadDouble();
        };

        act.Should().Throw<WireFormatException>().WithMessage("Field 1 has wire type LengthDelimited, but Fixed64 was expected.");
    }

    [Fact]
    public void Status_replies_round_trip_and_exceptions_travel_as_text_only()
    {
        var registry = RemoteTestContracts.CreateRegistry();

        ((Status.Success)Decode(Frame(new Status.Success(new Ping(3)), registry), registry)).Status.Should().Be(new Ping(3));
        ((Status.Success)Decode(Frame(new Status.Success(null), registry), registry)).Status.Should().BeNull();
        var failure = (Status.Failure)Decode(Frame(new Status.Failure(new ArgumentException("bad dt")), registry), registry);

        failure.Cause.Should().BeOfType<RemoteActorException>()
            .Which.Should().Match<RemoteActorException>(e => e.RemoteType == "System.ArgumentException" && e.RemoteMessage == "bad dt");
    }

    [Fact]
    public void A_frame_signed_with_another_secret_is_rejected_as_forged()
    {
        var registry = RemoteTestContracts.CreateRegistry();
        var frame = Frame(new Ping(1), registry, ClusterSecret.FromString("another-secret-0123456789"));

        var act = () => FrameCodec.Decode(frame, Secret);

        act.Should().Throw<ForgedFrameException>().WithMessage("*HMAC does not match*");
    }

    [Fact]
    public void A_tampered_frame_is_rejected_as_forged()
    {
        var registry = RemoteTestContracts.CreateRegistry();
        var frame = Frame(new Sequenced("a", 1), registry);
        frame[^(FrameCodec.MacLength + 1)] ^= 1; // change the payload's last byte, keep the MAC

        var act = () => FrameCodec.Decode(frame, Secret);

        act.Should().Throw<ForgedFrameException>();
        FrameCodec.TryPeekUnverified(frame)!.SenderNode.Should().Be("node-a", "the claimed sender can still be logged");
    }

    [Fact]
    public void An_unknown_contract_id_is_a_typed_error_naming_the_id()
    {
        var sender = RemoteTestContracts.CreateRegistry(withOnlyOnSomeNodes: true);
        var receiver = RemoteTestContracts.CreateRegistry();

        var act = () => Decode(Frame(new OnlyOnSomeNodes("x"), sender), receiver);

        act.Should().Throw<WireContractException>()
            .WithMessage($"Unknown contract id {RemoteTestContracts.OnlyOnSomeNodesId} (version 1)*")
            .Which.ContractId.Should().Be(RemoteTestContracts.OnlyOnSomeNodesId);
    }

    [Fact]
    public void A_newer_contract_version_is_a_typed_error()
    {
        var registry = RemoteTestContracts.CreateRegistry();

        var act = () => Decode(Frame(new Ping(1), registry, versionOverride: 2), registry);

        act.Should().Throw<WireContractException>()
            .WithMessage("Ping (contract 10003) arrived in version 2, but this node only knows versions up to 1*")
            .Which.Version.Should().Be(2);
    }

    [Fact]
    public void An_older_contract_version_is_passed_to_the_decoder()
    {
        var versions = new List<int>();
        var registry = new WireRegistry().Register<Ping>(1, 3, static (m, w) => w.WriteInt32(1, m.N), (ref WireReader r, int v) =>
        {
            versions.Add(v);
            while (r.NextField()) r.SkipField();
            return new Ping(0);
        });
        using var writer = new WireWriter();
        writer.WriteInt32(1, 5);

        registry.Decode(1, 2, writer.WrittenSpan);

        versions.Should().Equal(2);
    }

    [Fact]
    public void An_unsigned_frame_is_read_only_from_an_authenticated_link_and_signs_to_the_same_frame()
    {
        var registry = RemoteTestContracts.CreateRegistry();
        var unsigned = Frame(new Ping(7), registry, sign: false);
        var signedFrame = Frame(new Ping(7), registry);

        FrameCodec.IsUnsigned(unsigned).Should().BeTrue();
        unsigned.Length.Should().Be(signedFrame.Length - FrameCodec.MacLength, "the unsigned format only drops the HMAC");
        FluentActions.Invoking(() => FrameCodec.Decode(unsigned, Secret)).Should().Throw<ForgedFrameException>()
            .WithMessage("The frame is unsigned, but it did not come over a link*");
        var envelope = FrameCodec.Decode(unsigned, Secret, authenticatedLink: true);
        registry.Decode(envelope.ContractId, envelope.ContractVersion, envelope.Payload.Span).Should().Be(new Ping(7));

        var resigned = FrameCodec.SignedCopy(unsigned, Secret);
        resigned.Should().Equal(signedFrame, "signing an unsigned frame gives the frame a signing encoder writes");
        FrameCodec.Decode(resigned, Secret).ContractId.Should().Be(RemoteTestContracts.PingId);
        var forged = FrameCodec.SignedCopy(unsigned, ClusterSecret.FromString("another-secret-0123456789abcdef"));
        FluentActions.Invoking(() => FrameCodec.Decode(forged, Secret)).Should().Throw<ForgedFrameException>();
    }

    [Fact]
    public void A_frame_of_a_newer_frame_format_or_garbage_is_a_clear_error()
    {
        var registry = RemoteTestContracts.CreateRegistry();
        var frame = Frame(new Ping(1), registry);
        frame[4] = 9;

        FluentActions.Invoking(() => FrameCodec.Decode(frame, Secret)).Should().Throw<WireFormatException>()
            .WithMessage("The frame uses format version 9, but this node only reads versions 1 and 2; upgrade this node.");
        FluentActions.Invoking(() => FrameCodec.Decode(new byte[100], Secret)).Should().Throw<WireFormatException>()
            .WithMessage("Not an ActorSim frame*");
    }

    [Fact]
    public void A_correctly_signed_but_truncated_payload_is_a_format_error_not_a_crash()
    {
        using var payload = new WireWriter();
        payload.WriteTag(2, WireType.LengthDelimited);
        payload.WriteRawVarint(1000); // claims 1000 bytes that are not there
        var frame = FrameCodec.Encode(Header(RemoteTestContracts.BulkId) with { Payload = payload.ToArray() }, Secret);

        var act = () => Decode(frame, RemoteTestContracts.CreateRegistry());

        act.Should().Throw<WireFormatException>().WithMessage("*Truncated*");
    }

    [Fact]
    public void Sending_a_type_without_a_contract_names_the_type_and_the_fix()
    {
        var act = () => WireRegistry.CreateDefault().ForType(typeof(Sequenced));

        act.Should().Throw<WireContractException>()
            .WithMessage("No wire contract is registered for message type Sequenced (ActorSim.Actors.Tests.Remote.Sequenced); register one*");
    }

    [Fact]
    public void Registering_an_id_or_a_type_twice_is_refused()
    {
        var registry = RemoteTestContracts.CreateRegistry();

        FluentActions.Invoking(() => registry.Register<OnlyOnSomeNodes>(RemoteTestContracts.PingId, 1, (_, _) => { }, (ref WireReader _, int _) => new OnlyOnSomeNodes("")))
            .Should().Throw<ArgumentException>().WithMessage("Contract id 10003 is already registered for Ping*");
        FluentActions.Invoking(() => registry.Register<Ping>(20000, 1, (_, _) => { }, (ref WireReader _, int _) => new Ping(0)))
            .Should().Throw<ArgumentException>().WithMessage("Ping is already registered*");
    }

    [Fact]
    public void A_missing_or_short_secret_is_a_clear_configuration_error()
    {
        const string variable = "ACTORSIM_TEST_SECRET_THAT_IS_NOT_SET";
        FluentActions.Invoking(() => ClusterSecret.FromEnvironment(variable)).Should().Throw<ClusterConfigurationException>()
            .WithMessage($"No cluster secret in the environment variable {variable}*there is no default*");
        FluentActions.Invoking(() => ClusterSecret.FromString("short")).Should().Throw<ClusterConfigurationException>()
            .WithMessage("*5 bytes long; at least 16 are required*");
        Secret.ToString().Should().NotContain("test-secret");
    }
}
