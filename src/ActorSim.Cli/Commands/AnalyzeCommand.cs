using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorSim.Simulation.Models;
using ActorSim.Simulation.Scenarios;
using Spectre.Console;

namespace ActorSim.Cli.Commands;

/// <summary>
/// <c>actorsim analyze &lt;scenario&gt; [--json]</c>: R0 and the equilibria of a May–Nowak scenario and,
/// for the spatial model, the linear stability of Q* on the scenario's grid (no simulation is run).
/// </summary>
public static class AnalyzeCommand
{
    public static Command Build()
    {
        var scenarioArg = new Argument<string>("scenario") { Description = "Path of the scenario JSON file." };
        var jsonOption = new Option<bool>("--json") { Description = "Print the analysis as JSON (the same object run.json records under \"analysis\")." };
        var command = new Command("analyze", "Analyse a May–Nowak scenario without running it: R0, Q0, Q*, and for the spatial models (virus-pde, virus-kinetic, virus-kinetic-mc: their diffusion limit) the critical taxis sensitivity chi_c, the unstable modes at the scenario's chi and the fastest-growing mode.") { scenarioArg, jsonOption };
        command.SetAction(parse =>
        {
            string path = parse.GetRequiredValue(scenarioArg);
            if (!ScenarioErrors.TryLoad(path, out var s)) return ExitCodes.BadInput;
            JsonObject analysis = s.Model switch
            {
                "may-nowak-ode" => MayNowakAnalysis.Equilibria(MayNowakOdeDefinition.Rates(s)),
                "virus-pde" => MayNowakAnalysis.Spatial(VirusPdeDefinition.PdeParameters(s), VirusPdeDefinition.Grid(s)),
                "virus-kinetic" or "virus-kinetic-mc" => ModelCatalog.Find(s.Model)!.Create(s).Analysis(),
                _ => new JsonObject(),
            };
            if (analysis.Count == 0)
            {
                Console.Error.WriteLine($"{path}: analyze covers the May–Nowak models (may-nowak-ode, virus-pde, virus-kinetic, virus-kinetic-mc); model {s.Model} has no analysis");
                return ExitCodes.BadInput;
            }
            if (parse.GetValue(jsonOption))
            {
                Console.Out.WriteLine(analysis.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                return ExitCodes.Ok;
            }
            Print(s, analysis);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string F(JsonNode? n) => n is null ? "—" : n.GetValueKind() == JsonValueKind.Number
        ? double.Parse(n.ToJsonString(), CultureInfo.InvariantCulture).ToString("G6", CultureInfo.InvariantCulture) : n.ToString();

    private static string State(JsonNode? q) => q is null ? "none (R0 <= 1)" : $"u = {F(q["u"])}, v = {F(q["v"])}, w = {F(q["w"])}";

    private static void Print(Scenario s, JsonObject a)
    {
        var console = CliScenario.Console();
        var table = new Table().AddColumn("quantity").AddColumn("value");
        table.AddRow("model", s.Model);
        table.AddRow("R0 = beta·k·r/(d1·d2·d3)", F(a["R0"]));
        table.AddRow("Q0 (infection-free)", State(a["Q0"]));
        table.AddRow("Q* (endemic)", State(a["Q_star"]));
        table.AddRow("expected limit of the ODE", Markup.Escape(a["expected_limit"]!.ToString()));
        console.Write(table);
        if (a["linear_stability"] is JsonObject ls)
        {
            var t = new Table().AddColumn("linear stability of Q*").AddColumn("discrete (the scheme)").AddColumn("continuous (the PDE)");
            JsonNode d = ls["discrete"]!, c = ls["continuous"]!;
            string Mode(JsonNode m) => m["ny"]!.GetValue<int>() == 0 && s.Count("ny") == 1 ? $"n = {m["nx"]}" : $"(nx, ny) = ({m["nx"]}, {m["ny"]})";
            t.AddRow("chi (scenario)", F(ls["chi"]), F(ls["chi"]));
            t.AddRow("critical chi_c", F(d["chi_c"]), F(c["chi_c"]));
            t.AddRow("mode destabilised at chi_c", Mode(d["chi_c_mode"]!), Mode(c["chi_c_mode"]!));
            t.AddRow("bifurcation", F(d["chi_c_bifurcation"]), F(c["chi_c_bifurcation"]));
            t.AddRow("Q* at the scenario's chi", d["stable_at_chi"]!.GetValue<bool>() ? "stable" : "unstable", c["stable_at_chi"]!.GetValue<bool>() ? "stable" : "unstable");
            t.AddRow("unstable modes", F(d["unstable_mode_count"]), F(c["unstable_mode_count"]));
            t.AddRow("fastest-growing mode", Mode(d["fastest_growing_mode"]!["mode"]!), Mode(c["fastest_growing_mode"]!["mode"]!));
            t.AddRow("its growth rate (1/T)", F(d["fastest_growing_mode"]!["growth_rate"]), F(c["fastest_growing_mode"]!["growth_rate"]));
            console.Write(t);
        }
        else if (a["linear_stability"] is JsonValue note)
            console.WriteLine("linear stability: " + note);
    }
}
