namespace ActorSim.Simulation.Models;

/// <summary>Every model a scenario file may name.</summary>
public static class ModelCatalog
{
    public static IReadOnlyList<IModelDefinition> All { get; } =
    [
        new MayNowakOdeDefinition(),
        new VirusPdeDefinition(),
        new VirusKineticDefinition(),
        new VirusKineticMcDefinition(),
        new MuscleLinearDefinition(),
        new MuscleDeformation2DDefinition(),
        new Muscle1DDefinition(),
        new HuxleyPdeDefinition(),
        new HuxleyParticlesDefinition(),
        new HuxleyZahalakDefinition(),
    ];

    public static IModelDefinition? Find(string name) => All.FirstOrDefault(m => m.Name == name);

    public static string KnownNames => string.Join(", ", All.Select(m => m.Name));
}
