namespace ActorSim.Simulation.Tests;

/// <summary>The root of the repository (the folder holding ActorSim.sln), found from the test binaries.</summary>
internal static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(System.IO.Path.Combine(d.FullName, "ActorSim.sln"))) return d.FullName;
        throw new InvalidOperationException("ActorSim.sln not found above " + AppContext.BaseDirectory);
    }
}
