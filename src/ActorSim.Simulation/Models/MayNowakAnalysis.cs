using System.Text.Json.Nodes;
using ActorSim.Numerics.Grid;
using ActorSim.Numerics.Virus;
using ActorSim.Numerics.Virus.Spatial;

namespace ActorSim.Simulation.Models;

/// <summary>
/// The analysis written to <c>run.json</c> and printed by <c>actorsim analyze</c>: R0 and the equilibria
/// of the May–Nowak reactions, and for the spatial model the linear stability of Q* on the scenario's
/// grid and boundary conditions (seed 000, eq. (3) linearised: see MayNowakDispersion).
/// </summary>
public static class MayNowakAnalysis
{
    /// <summary>Number of unstable modes listed in full; the count is always given.</summary>
    public const int ListedModes = 10;

    public static JsonObject Equilibria(MayNowakParameters p)
    {
        var (u0, v0, w0) = p.Q0;
        JsonNode? qStar = p.QStar is { } q ? new JsonObject { ["u"] = q.U, ["v"] = q.V, ["w"] = q.W } : null;
        return new JsonObject
        {
            ["R0"] = p.R0,
            ["Q0"] = new JsonObject { ["u"] = u0, ["v"] = v0, ["w"] = w0 },
            ["Q_star"] = qStar,
            ["expected_limit"] = p.R0 > 1 ? "Q_star (R0 > 1: endemic equilibrium is globally asymptotically stable)"
                                          : "Q0 (R0 <= 1: infection-free equilibrium is globally asymptotically stable)",
        };
    }

    /// <summary>Equilibria plus, when R0 &gt; 1, the taxis-driven instability of Q* on <paramref name="grid"/>.</summary>
    public static JsonObject Spatial(VirusPdeParameters p, UniformGrid grid)
    {
        var doc = Equilibria(p.Reaction);
        if (!(p.Reaction.R0 > 1))
        {
            doc["linear_stability"] = "not computed: Q* exists only for R0 > 1";
            return doc;
        }
        var d = new MayNowakDispersion(p);
        var stability = new JsonObject
        {
            ["about"] = "linearisation of eq. (3) around Q* for the admissible modes of the grid's domain and boundary conditions; "
                      + "'discrete' uses the symbol of the scheme's Laplacian (what a run shows), 'continuous' the PDE's |k|²",
            ["chi"] = p.Chi,
        };
        foreach (var kind in new[] { SymbolKind.Discrete, SymbolKind.Continuous })
        {
            var onset = d.CriticalTaxis(grid, kind);
            var unstable = d.UnstableModes(grid, kind, p.Chi);
            var fastest = d.FastestGrowingMode(grid, kind, p.Chi);
            stability[kind.ToString().ToLowerInvariant()] = new JsonObject
            {
                ["chi_c"] = onset.Chi,
                ["chi_c_mode"] = Mode(onset.Mode),
                ["chi_c_bifurcation"] = onset.ViaHopf ? "Hopf (complex pair)" : "saddle (real eigenvalue)",
                ["stable_at_chi"] = unstable.Count == 0,
                ["unstable_mode_count"] = unstable.Count,
                ["unstable_modes"] = new JsonArray(unstable.Take(ListedModes).Select(Growth).ToArray<JsonNode?>()),
                ["fastest_growing_mode"] = Growth(fastest),
            };
        }
        doc["linear_stability"] = stability;
        return doc;
    }

    private static JsonObject Mode(LinearMode m) => new() { ["nx"] = m.Nx, ["ny"] = m.Ny, ["kx"] = m.Kx, ["ky"] = m.Ky, ["mu"] = m.Mu };

    private static JsonObject Growth(ModeGrowth g) => new() { ["mode"] = Mode(g.Mode), ["growth_rate"] = g.Rate, ["frequency"] = g.Frequency };
}
