namespace ActorSim.Simulation.Models;

/// <summary>
/// Every model a scenario file may name. The definitions are made when first asked for, one by one: start-up reads one
/// model's <see cref="IModelDefinition.NeedsDynamicCode"/> (<see cref="NeedsDynamicCode"/>) before the actor system
/// starts, and making only that definition keeps it short (docs/startup.md); <see cref="All"/> makes the rest.
/// </summary>
public static class ModelCatalog
{
    /// <summary>The models by name, in the order of <see cref="All"/>; each name is its definition's <c>ModelName</c>.</summary>
    private static readonly (string Name, Func<IModelDefinition> Make)[] Registry =
    [
        (MayNowakOdeDefinition.ModelName, static () => new MayNowakOdeDefinition()),
        (VirusPdeDefinition.ModelName, static () => new VirusPdeDefinition()),
        (VirusKineticDefinition.ModelName, static () => new VirusKineticDefinition()),
        (VirusKineticMcDefinition.ModelName, static () => new VirusKineticMcDefinition()),
        (MuscleLinearDefinition.ModelName, static () => new MuscleLinearDefinition()),
        (MuscleDeformation2DDefinition.ModelName, static () => new MuscleDeformation2DDefinition()),
        (Muscle1DDefinition.ModelName, static () => new Muscle1DDefinition()),
        (HuxleyPdeDefinition.ModelName, static () => new HuxleyPdeDefinition()),
        (HuxleyParticlesDefinition.ModelName, static () => new HuxleyParticlesDefinition()),
        (HuxleyZahalakDefinition.ModelName, static () => new HuxleyZahalakDefinition()),
    ];

    private static readonly IModelDefinition?[] Made = new IModelDefinition?[Registry.Length];

    private static IReadOnlyList<IModelDefinition>? _all;

    /// <summary>The definition at <paramref name="index"/> of the registry, made once (the same object every time).</summary>
    private static IModelDefinition Definition(int index) =>
        Volatile.Read(ref Made[index]) ?? Interlocked.CompareExchange(ref Made[index], Registry[index].Make(), null) ?? Made[index]!;

    private static int IndexOf(string name)
    {
        for (int i = 0; i < Registry.Length; i++)
            if (Registry[i].Name == name) return i;
        return -1;
    }

    public static IReadOnlyList<IModelDefinition> All => LazyInitializer.EnsureInitialized(ref _all, static () =>
    {
        var all = new IModelDefinition[Registry.Length];
        for (int i = 0; i < all.Length; i++) all[i] = Definition(i);
        return Array.AsReadOnly(all);
    });

    public static IModelDefinition? Find(string name) => IndexOf(name) is var i and >= 0 ? Definition(i) : null;

    /// <summary>
    /// Whether a run of the model named <paramref name="name"/> may compile expression trees
    /// (<see cref="IModelDefinition.NeedsDynamicCode"/>); null for a name no model has. <c>actorsim run</c> reads it at
    /// start-up, before the scenario is checked, to decide whether dynamic code can be off; only that model's definition
    /// is made.
    /// </summary>
    public static bool? NeedsDynamicCode(string name) => Find(name)?.NeedsDynamicCode;

    public static string KnownNames => string.Join(", ", Registry.Select(e => e.Name));
}
