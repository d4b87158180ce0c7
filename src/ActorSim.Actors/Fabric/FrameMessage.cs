using Akka.Actor;
using Akka.Serialization;

namespace ActorSim.Actors.Fabric;

/// <summary>
/// One signed ActorSim frame (contract, cluster, run, epoch, sender, target, payload, HMAC — see the wire format) carried
/// between two nodes by Akka.Remote. The bytes cross the network as they are (<see cref="FrameSerializer"/>).
/// </summary>
public sealed record FrameMessage(byte[] Bytes);

/// <summary>Writes a <see cref="FrameMessage"/> as its bytes: no header, no type name.</summary>
public sealed class FrameSerializer(ExtendedActorSystem system) : Serializer(system)
{
    public const int Id = 1651;

    public override int Identifier => Id;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) => obj is FrameMessage f
        ? f.Bytes
        : throw new ArgumentException($"{nameof(FrameSerializer)} serializes {nameof(FrameMessage)} only, not {obj?.GetType().FullName ?? "null"}", nameof(obj));

    public override object FromBinary(byte[] bytes, Type? type) => new FrameMessage(bytes);
}
