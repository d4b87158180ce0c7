namespace ActorSim.Actors;

/// <summary>Short, readable type names for log and exception messages.</summary>
internal static class TypeNames
{
    public static string Of(Type? type)
    {
        if (type is null) return "<none>";
        if (!type.IsGenericType) return type.Name;
        var name = type.Name;
        var tick = name.IndexOf('`');
        if (tick >= 0) name = name[..tick];
        return name + "<" + string.Join(", ", type.GetGenericArguments().Select(Of)) + ">";
    }
}
