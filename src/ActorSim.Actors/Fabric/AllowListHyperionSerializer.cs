using Akka.Actor;
using Akka.Serialization;

namespace ActorSim.Actors.Fabric;

/// <summary>
/// Hyperion for ActorSim's control messages, with unsafe types disallowed and every type name in a payload checked
/// against <see cref="AllowListTypeFilter"/>. A payload naming any other type fails to deserialize: Akka.Remote logs
/// the error and drops that message, the connection and the node keep running.
/// </summary>
public sealed class AllowListHyperionSerializer(ExtendedActorSystem system) : HyperionSerializer(system, AllowListSettings)
{
    private static readonly HyperionSerializerSettings AllowListSettings = new(
        preserveObjectReferences: true,
        versionTolerance: true,
        knownTypesProvider: typeof(NoKnownTypesProvider),
        packageNameOverrides: [],
        surrogates: [],
        disallowUnsafeType: true,
        typeFilter: AllowListTypeFilter.Instance);
}

/// <summary>No types are pre-shared: every payload names its types, so nodes of the same version need no list in common.</summary>
public sealed class NoKnownTypesProvider : IKnownTypesProvider
{
    public IEnumerable<Type> GetKnownTypes() => [];
}
