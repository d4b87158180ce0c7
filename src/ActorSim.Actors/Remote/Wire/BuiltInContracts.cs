using Akka.Actor;
using ActorSim.Actors.Remote.Membership;

namespace ActorSim.Actors.Remote.Wire;

/// <summary>
/// Contracts of the runtime itself (ids 1–99): <see cref="Status"/> replies, a few plain value types usable as
/// messages and Ask replies, and the membership protocol.
/// </summary>
public static class BuiltInContracts
{
    /// <summary>Contract ids of the built-in contracts.</summary>
    public static class Ids
    {
        /// <summary><see cref="Status.Failure"/>.</summary>
        public const int StatusFailure = 1;
        /// <summary><see cref="Status.Success"/>.</summary>
        public const int StatusSuccess = 2;
        /// <summary><see cref="string"/>.</summary>
        public const int String = 3;
        /// <summary><see cref="long"/>.</summary>
        public const int Int64 = 4;
        /// <summary><see cref="int"/>.</summary>
        public const int Int32 = 5;
        /// <summary><see cref="double"/>.</summary>
        public const int Double = 6;
        /// <summary><see cref="bool"/>.</summary>
        public const int Boolean = 7;
        /// <summary><c>double[]</c>.</summary>
        public const int DoubleArray = 8;
        /// <summary><c>byte[]</c>.</summary>
        public const int ByteArray = 9;
        /// <summary>Membership announcements (join, heartbeat, leave).</summary>
        public const int MembershipAnnouncement = 10;
    }

    /// <summary>Registers all built-in contracts in <paramref name="registry"/>.</summary>
    public static void RegisterAll(WireRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register<Status.Failure>(Ids.StatusFailure, 1, EncodeFailure, DecodeFailure);
        registry.Register<Status.Success>(Ids.StatusSuccess, 1,
            (m, w) => EncodeSuccess(registry, m, w),
            (ref WireReader r, int _) => DecodeSuccess(registry, ref r));
        registry.Register<string>(Ids.String, 1, static (m, w) => w.WriteString(1, m), static (ref WireReader r, int _) => Single(ref r, "", static (ref WireReader x) => x.ReadString()));
        registry.Register<long>(Ids.Int64, 1, static (m, w) => w.WriteInt64(1, m), static (ref WireReader r, int _) => Single(ref r, 0L, static (ref WireReader x) => x.ReadInt64()));
        registry.Register<int>(Ids.Int32, 1, static (m, w) => w.WriteInt32(1, m), static (ref WireReader r, int _) => Single(ref r, 0, static (ref WireReader x) => x.ReadInt32()));
        registry.Register<double>(Ids.Double, 1, static (m, w) => w.WriteDouble(1, m), static (ref WireReader r, int _) => Single(ref r, 0.0, static (ref WireReader x) => x.ReadDouble()));
        registry.Register<bool>(Ids.Boolean, 1, static (m, w) => w.WriteBool(1, m), static (ref WireReader r, int _) => Single(ref r, false, static (ref WireReader x) => x.ReadBool()));
        registry.Register<double[]>(Ids.DoubleArray, 1, static (m, w) => w.WriteDoubles(1, m), static (ref WireReader r, int _) => Single(ref r, Array.Empty<double>(), static (ref WireReader x) => x.ReadDoubles()));
        registry.Register<byte[]>(Ids.ByteArray, 1, static (m, w) => w.WriteBytes(1, m), static (ref WireReader r, int _) => Single(ref r, Array.Empty<byte>(), static (ref WireReader x) => x.ReadBytes()));
        registry.Register<MembershipAnnouncement>(Ids.MembershipAnnouncement, 1, MembershipAnnouncement.Encode, MembershipAnnouncement.Decode);
    }

    private delegate T FieldReader<out T>(ref WireReader reader);

    private static T Single<T>(ref WireReader reader, T fallback, FieldReader<T> read)
    {
        var value = fallback;
        while (reader.NextField())
        {
            if (reader.Field == 1) value = read(ref reader);
            else reader.SkipField();
        }
        return value;
    }

    private static void EncodeFailure(Status.Failure failure, WireWriter writer)
    {
        var (type, message) = failure.Cause switch
        {
            RemoteActorException remote => (remote.RemoteType, remote.RemoteMessage),
            { } cause => (cause.GetType().FullName ?? cause.GetType().Name, cause.Message),
            null => ("System.Exception", "(no cause given)"),
        };
        writer.WriteString(1, type);
        writer.WriteString(2, message);
    }

    private static Status.Failure DecodeFailure(ref WireReader reader, int version)
    {
        string type = "System.Exception", message = "";
        while (reader.NextField())
        {
            switch (reader.Field)
            {
                case 1: type = reader.ReadString(); break;
                case 2: message = reader.ReadString(); break;
                default: reader.SkipField(); break;
            }
        }
        return new Status.Failure(new RemoteActorException(type, message));
    }

    private static void EncodeSuccess(WireRegistry registry, Status.Success success, WireWriter writer)
    {
        if (success.Status is null) return;
        var contract = registry.ForType(success.Status.GetType());
        writer.WriteUInt64(1, (ulong)contract.Id);
        writer.WriteUInt64(2, (ulong)contract.Version);
        writer.WriteNested(3, (contract, success.Status), static (s, w) => s.contract.EncodeObject(s.Status, w));
    }

    private static Status.Success DecodeSuccess(WireRegistry registry, ref WireReader reader)
    {
        int id = 0, version = 0;
        ReadOnlySpan<byte> value = default;
        var hasValue = false;
        while (reader.NextField())
        {
            switch (reader.Field)
            {
                case 1: id = checked((int)reader.ReadUInt64()); break;
                case 2: version = checked((int)reader.ReadUInt64()); break;
                case 3: value = reader.ReadBytesSpan(); hasValue = true; break;
                default: reader.SkipField(); break;
            }
        }
        return new Status.Success(hasValue ? registry.Decode(id, version, value, reader.Refs) : null);
    }
}
