using ActorSim.Simulation.Scenarios;

namespace ActorSim.Simulation.Models;

/// <summary>
/// A model as scenario files name it: its schema (what <c>parameters</c> and <c>initial</c> hold), the
/// checks that need more than one field, and how a validated scenario becomes a running model. Adding a
/// model means one Numerics class plus one implementation of this interface, registered in
/// <see cref="ModelCatalog"/>.
/// </summary>
public interface IModelDefinition
{
    /// <summary>The value of the scenario's <c>model</c> key.</summary>
    string Name { get; }

    /// <summary>One line saying what the model is and where its equations come from.</summary>
    string Summary { get; }

    /// <summary>The model's equations in the seeds' symbols, one per line, as <c>actorsim describe</c> prints them.</summary>
    IReadOnlyList<string> Equations => [];

    IReadOnlyList<ValueSpec> Parameters { get; }

    IReadOnlyList<ValueSpec> Initial { get; }

    /// <summary>The largest <c>run.blocks</c> that makes sense for this model (1 for a model with no microscopic state).</summary>
    int MaxBlocks { get; }

    /// <summary>
    /// True when a run of the model may compile expression trees to delegates (ActorSim.Numerics' <c>ExprCompiler</c>:
    /// formulas given in the scenario, such as muscle-1d's constraint <c>g</c> or muscle-deformation-2d's map), so the
    /// process must keep dynamic code on: interpreted, those formulas would be many times slower. A model that compiles
    /// nothing leaves <c>actorsim run</c> free to turn dynamic code off at start-up (docs/startup.md), which makes the
    /// actor system's start cheaper. Read at start-up through <see cref="ModelCatalog.NeedsDynamicCode"/>.
    /// </summary>
    bool NeedsDynamicCode => false;

    /// <summary>Checks across fields, after every single value has passed its own check. Report problems through <paramref name="error"/>.</summary>
    void CheckConsistency(Scenario scenario, Action<string, string> error);

    /// <summary>Builds the model of a validated scenario, at t = 0.</summary>
    IRunnableModel Create(Scenario scenario);
}
