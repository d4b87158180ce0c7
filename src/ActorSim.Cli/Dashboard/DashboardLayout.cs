using System.Text.Json.Nodes;
using ActorSim.Cli.Plotting;

namespace ActorSim.Cli.Dashboard;

/// <summary>One chart of the dashboard: a quantity family (see <see cref="QuantityFamilies"/>).</summary>
public sealed record FamilyLayout(string Key, string Title, string YLabel, string Kind, IReadOnlyList<Quantity> Members);

/// <summary>Where the field preview's cells are: the physical extent, axis labels and what the values are.</summary>
public sealed record FieldLayout(double X0, double X1, string XLabel, double Y0, double Y1, string YLabel, string ValueLabel, bool Histogram, bool Transposed);

/// <summary>
/// What the dashboard page draws for a run (<c>/api/layout</c>): the same quantity families as <c>actorsim plot</c>
/// (one chart each, deviations for conserved quantities) and the field's geometry from the run's scenario file (its
/// parameters, when the file is readable here; else the model's defaults).
/// </summary>
public static class DashboardLayout
{
    public sealed record Layout(IReadOnlyList<FamilyLayout> Families, FieldLayout? Field);

    public static Layout For(MonitorView view, string? runId, IReadOnlyList<string> columns, string? field, int[]? shape)
    {
        var run = view.Runs.LastOrDefault(r => runId is null || r.Info.RunId == runId);
        if (run is null) return new Layout([], null);
        var info = new RunInfo(run.Info.Model, null, run.Status, ScenarioParameters(run.Info.Scenario));
        var families = QuantityFamilies.Group(info.Model, columns, TimeseriesLayout.Auto)
            .Select(f => new FamilyLayout(f.Key, f.Title, f.YLabel, f.Kind == FamilyKind.Deviation ? "deviation" : "values", f.Members))
            .ToList();
        FieldLayout? fieldLayout = null;
        if (field is not null && shape is { Length: 1 or 2 } && shape.All(n => n > 0))
        {
            var g = FieldGeometry.For(info, field, shape);
            if (!g.Positions)
                fieldLayout = new FieldLayout(g.X0, g.X1, g.XLabel, g.Y0, g.Y1, g.YLabel, g.ValueLabel, g.Histogram, g.Transposed);
        }
        return new Layout(families, fieldLayout);
    }

    /// <summary>The <c>parameters</c> object of the scenario file <paramref name="path"/>, or null when it cannot be read.</summary>
    private static JsonObject? ScenarioParameters(string? path)
    {
        try
        {
            if (string.IsNullOrEmpty(path) || !File.Exists(path)) return null;
            return JsonNode.Parse(File.ReadAllText(path)) is JsonObject o ? o["parameters"] as JsonObject : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
