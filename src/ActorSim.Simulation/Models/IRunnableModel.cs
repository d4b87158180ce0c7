using System.Text.Json.Nodes;

namespace ActorSim.Simulation.Models;

/// <summary>
/// A model ready to run, as its definition created it from a scenario: either an
/// <see cref="ICoordinatorModel"/> (the coordinator advances all the state itself) or an
/// <see cref="Subdomains.ISubdomainModel"/> (the state lives in subdomain actors).
/// </summary>
public interface IRunnableModel
{
    /// <summary>The column names of <c>timeseries.csv</c> after <c>t</c>, by the seed's symbols (May–Nowak: u, v, w).</summary>
    IReadOnlyList<string> Columns { get; }

    /// <summary>Model-specific analysis for <c>run.json</c> (e.g. R0 and the equilibria).</summary>
    JsonObject Analysis();
}
