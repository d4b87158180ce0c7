namespace ActorSim.Simulation.Models;

/// <summary>Every model a scenario file may name.</summary>
public static class ModelCatalog
{
    public static IReadOnlyList<IModelDefinition> All { get; } =
    [
        new MayNowakOdeDefinition(),
        new VirusPdeDefinition(),
        new VirusKineticDefinition(),
    ];

    public static IModelDefinition? Find(string name) => All.FirstOrDefault(m => m.Name == name);

    public static string KnownNames => string.Join(", ", All.Select(m => m.Name));
}
