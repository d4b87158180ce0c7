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

    /// <summary>Checks across fields, after every single value has passed its own check. Report problems through <paramref name="error"/>.</summary>
    void CheckConsistency(Scenario scenario, Action<string, string> error);

    /// <summary>Builds the model of a validated scenario, at t = 0.</summary>
    IRunnableModel Create(Scenario scenario);
}
