using System.Collections.Frozen;
using System.Reflection;
using Hyperion;

namespace ActorSim.Actors.Fabric;

/// <summary>
/// The types a peer may name in a Hyperion payload: ActorSim's own types (namespace and assembly <c>ActorSim.*</c>),
/// a fixed set of value and collection types of the base library, and Akka's actor-reference surrogates. Generic
/// arguments and array element types are checked one by one. Anything else is refused before a type is loaded or an
/// object created, so a payload naming e.g. a delegate, a file or a process type never gets instantiated.
/// </summary>
public sealed class AllowListTypeFilter : ITypeFilter
{
    private static readonly FrozenSet<string> BaseTypes = new[]
    {
        "System.Object", "System.String", "System.Boolean", "System.Byte", "System.SByte", "System.Int16", "System.UInt16",
        "System.Int32", "System.UInt32", "System.Int64", "System.UInt64", "System.Single", "System.Double", "System.Decimal",
        "System.Char", "System.Guid", "System.DateTime", "System.DateTimeOffset", "System.TimeSpan", "System.Nullable`1",
        "System.ValueTuple`1", "System.ValueTuple`2", "System.ValueTuple`3", "System.ValueTuple`4", "System.ValueTuple`5",
        "System.Collections.Generic.List`1", "System.Collections.Generic.Dictionary`2", "System.Collections.Generic.HashSet`1",
        "System.Collections.Generic.KeyValuePair`2", "System.Collections.Generic.SortedDictionary`2",
        "System.Collections.ObjectModel.ReadOnlyCollection`1",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> BaseAssemblies = new[]
    {
        "System.Private.CoreLib", "mscorlib", "netstandard", "System.Runtime", "System.Collections", "Akka",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The shared instance.</summary>
    public static AllowListTypeFilter Instance { get; } = new();

    private long _refused;

    /// <summary>How many type names this filter refused since the process started.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>The last refused type name, for diagnostics.</summary>
    public string? LastRefused { get; private set; }

    /// <summary>Is <paramref name="typeName"/> (an assembly-qualified name, possibly generic or an array) allowed?</summary>
    public bool IsAllowed(string typeName)
    {
        bool ok = Check(typeName);
        if (!ok)
        {
            Interlocked.Increment(ref _refused);
            LastRefused = typeName;
        }
        return ok;
    }

    // Akka's surrogates for actor references and paths, by exact name: Hyperion serializes IActorRef through them.
    private static readonly FrozenSet<string> AkkaSurrogates = new[]
    {
        "Akka.Actor.ActorRefBase+Surrogate, Akka", "Akka.Actor.ActorPath+Surrogate, Akka",
        "Akka.Actor.Address+AddressSurrogate, Akka",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static bool Check(string typeName)
    {
        if (string.IsNullOrWhiteSpace(typeName)) return false;
        if (AkkaSurrogates.Contains(ShortName(typeName))) return true;
        bool allowed = true;
        try
        {
            // The runtime's own parser walks the name (generic arguments, arrays, nesting); our resolvers decide each
            // part and only ever return types from assemblies that are already loaded.
            var type = Type.GetType(typeName,
                assemblyResolver: name => AllowedAssembly(name.Name) ? Loaded(name.Name!) : null,
                typeResolver: (assembly, name, ignoreCase) =>
                {
                    if (!AllowedTypeName(name, assembly)) { allowed = false; return null; }
                    return assembly?.GetType(name, throwOnError: false, ignoreCase: false) ?? Type.GetType(name, throwOnError: false);
                },
                throwOnError: false);
            return allowed && type is not null;
        }
        catch (Exception)
        {
            return false;
        }
    }

    private static bool AllowedAssembly(string? name) =>
        name is not null && (BaseAssemblies.Contains(name) || name.StartsWith("ActorSim.", StringComparison.Ordinal));

    private static bool AllowedTypeName(string name, Assembly? assembly)
    {
        string? asm = assembly?.GetName().Name;
        if (name.StartsWith("ActorSim.", StringComparison.Ordinal))
            return asm is null || asm.StartsWith("ActorSim.", StringComparison.Ordinal);
        return BaseTypes.Contains(name) && (asm is null || BaseAssemblies.Contains(asm));
    }

    /// <summary>"Type, Assembly" of an assembly-qualified name without version, culture and key (non-generic names only).</summary>
    private static string ShortName(string typeName)
    {
        if (typeName.Contains('[')) return typeName;
        var parts = typeName.Split(',', StringSplitOptions.TrimEntries);
        return parts.Length >= 2 ? parts[0] + ", " + parts[1] : typeName;
    }

    private static Assembly? Loaded(string name) =>
        AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == name);
}
