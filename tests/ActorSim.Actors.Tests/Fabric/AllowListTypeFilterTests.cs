using ActorSim.Actors.Fabric;

namespace ActorSim.Actors.Tests.Fabric;

public class AllowListTypeFilterTests
{
    private static string Name(Type t) => $"{t.FullName}, {t.Assembly.GetName().Name}";

    [Theory]
    [InlineData(typeof(FabricPing))]
    [InlineData(typeof(FabricPong))]
    [InlineData(typeof(string))]
    [InlineData(typeof(double[]))]
    [InlineData(typeof(List<FabricPong>))]
    [InlineData(typeof(Dictionary<int, string>))]
    [InlineData(typeof(FabricPong[]))]
    public void Allows_ActorSims_own_types_and_plain_values_and_collections_of_them(Type type)
    {
        Assert.True(new AllowListTypeFilter().IsAllowed(Name(type)), Name(type));
        Assert.True(new AllowListTypeFilter().IsAllowed(type.AssemblyQualifiedName!), type.AssemblyQualifiedName);
    }

    [Theory]
    [InlineData(typeof(FileInfo))]
    [InlineData(typeof(System.Diagnostics.Process))]
    [InlineData(typeof(List<FileInfo>))]
    [InlineData(typeof(Dictionary<string, System.Diagnostics.ProcessStartInfo>))]
    [InlineData(typeof(Func<int>))]
    [InlineData(typeof(Uri[]))]
    public void Refuses_every_other_type_also_inside_generic_arguments_and_arrays(Type type)
    {
        var filter = new AllowListTypeFilter();
        Assert.False(filter.IsAllowed(type.AssemblyQualifiedName!), type.AssemblyQualifiedName);
        Assert.Equal(1, filter.Refused);
        Assert.Equal(type.AssemblyQualifiedName, filter.LastRefused);
    }

    [Theory]
    [InlineData("ActorSim.Evil, System.Private.CoreLib")]
    [InlineData("System.String, Evil.Assembly")]
    [InlineData("not a [type")]
    [InlineData("")]
    public void Refuses_names_that_claim_an_allowed_name_from_another_assembly_or_do_not_parse(string name) =>
        Assert.False(new AllowListTypeFilter().IsAllowed(name));
}
