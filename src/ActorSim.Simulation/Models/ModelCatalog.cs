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

    /// <summary>
    /// Whether a run of the model named <paramref name="name"/> may compile expression trees
    /// (<see cref="IModelDefinition.NeedsDynamicCode"/>); null for a name no model has. <c>actorsim run</c> reads it at
    /// start-up, before the scenario is checked, to decide whether dynamic code can be off.
    /// </summary>
    public static bool? NeedsDynamicCode(string name) => Find(name)?.NeedsDynamicCode;

    public static string KnownNames => string.Join(", ", All.Select(m => m.Name));
}
