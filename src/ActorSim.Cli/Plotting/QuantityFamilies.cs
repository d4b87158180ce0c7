using System.Text.RegularExpressions;
using ActorSim.Simulation.Models;

namespace ActorSim.Cli.Plotting;

/// <summary>How a family's values are drawn.</summary>
public enum FamilyKind
{
    /// <summary>The values themselves.</summary>
    Values,
    /// <summary>A conserved quantity: its deviation from the value at the first row, relative to that value.</summary>
    Deviation,
}

/// <summary>One column of <c>timeseries.csv</c> and its name in a legend.</summary>
public sealed record Quantity(string Column, string Name);

/// <summary>
/// Columns drawn on one chart, sharing a y axis: a title, the y-axis label (with the unit when the model definition
/// gives one) and how the values are drawn.
/// </summary>
public sealed record QuantityFamily(string Key, string Title, string YLabel, FamilyKind Kind, IReadOnlyList<Quantity> Members);

/// <summary>
/// Groups a run's time-series columns into families of like quantities (one chart each): the coordinates y, their
/// rates y', the conserved quantities (energy, angular momentum, mass, as relative deviations), the constraint drift,
/// the moments and forces of the Huxley models, per species the extremes of a field, the integrals, and so on.
/// Quantities of different kinds or units never share an axis.
/// </summary>
public static partial class QuantityFamilies
{
    public const string DeviationLabel = "(Q(t) − Q(0)) / |Q(0)|";
    public const string AbsDeviationLabel = "|Q(t) − Q(0)| / |Q(0)|";

    public static IReadOnlyList<QuantityFamily> Group(string model, IReadOnlyList<string> columns, TimeseriesLayout layout)
    {
        var classified = columns.Select(c => (Column: c, Class: Classify(model, c))).ToList();
        switch (layout)
        {
            case TimeseriesLayout.Overlay:
                return [new("all", "", "value", FamilyKind.Values, classified.Select(c => new Quantity(c.Column, c.Class.Name)).ToList())];
            case TimeseriesLayout.Panels:
                return classified.Select(c => c.Class.Family with { Key = c.Column, Members = [new Quantity(c.Column, c.Class.Name)] }).ToList();
            default:
                return classified.GroupBy(c => c.Class.Family.Key)
                    .Select(g => g.First().Class.Family with { Members = g.Select(c => new Quantity(c.Column, c.Class.Name)).ToList() })
                    .ToList();
        }
    }

    private sealed record Classified(QuantityFamily Family, string Name);

    private static Classified Classify(string model, string column)
    {
        QuantityFamily F(string key, string title, string yLabel, FamilyKind kind = FamilyKind.Values) => new(key, title, yLabel, kind, []);
        bool huxley = model.StartsWith("huxley", StringComparison.Ordinal);
        Match m;

        switch (column)
        {
            case "energy":
                return new(F("conserved", "Conserved quantities: deviation from t = 0", DeviationLabel, FamilyKind.Deviation), "energy E");
            case "angular_momentum":
                return new(F("conserved", "Conserved quantities: deviation from t = 0", DeviationLabel, FamilyKind.Deviation), "angular momentum");
            case "mass":
                return new(F("conserved", "Conserved quantities: deviation from t = 0", DeviationLabel, FamilyKind.Deviation), "mass ∫ρ dx");
            case "constraint_drift":
                return new(F("drift", "Constraint drift max |g(X, y) − g(X⁰, y⁰)|", "constraint drift [L]"), "constraint drift");
            case "w1":
                return new(F("w1", "Wasserstein-1 distance, particles vs mean-field density", "W₁ [L]"), "W₁");
            case "F_sigma":
                return new(F("F_sigma", "Standard deviation of F (independent bridges)", "σ_F"), "σ_F");
            case "v" when huxley:
                return new(F("v", "Displacement rate v = −V", $"v {Unit(model, "V", "[L/T]")}"), "v");
        }

        if ((m = CoordinateName().Match(column)).Success)
        {
            bool rate = m.Groups["dot"].Success;
            string baseName = "y" + Subscript(m.Groups["k"].Value) + (rate ? "'" : "");
            string suffix = m.Groups["what"].Value switch { "exact" => " (exact)", "meanfield" => " (mean field)", _ => "" };
            string unit = rate ? "[y]/T" : "[y]";
            return rate
                ? new(F("ydot", "Rates y' of the macroscopic coordinates", $"y' {unit}"), baseName + suffix)
                : new(F("y", "Macroscopic coordinates y", $"y {unit}"), baseName + suffix);
        }
        if ((m = SpeciesStat().Match(column)).Success)
        {
            string s = m.Groups["s"].Value, unit = Unit(model, s, "");
            return m.Groups["stat"].Value switch
            {
                "int" => new(F("int", "Integrals over the domain", "∫ · dx"), $"∫{s} dx"),
                "n" => new(F("n", "Particles per species", "particles"), $"n_{s}"),
                var stat => new(F("extremes_" + s, $"{s} ({Describe(model, s) ?? s}): minimum and maximum over the domain",
                    $"{s} {unit}".TrimEnd()), stat == "min" ? $"min {s}" : $"max {s}"),
            };
        }
        if (huxley && (m = Moment().Match(column)).Success)
            return new(F("Q", "Moments Qₖ = ∫ xᵏ n dx of the attached fraction", "Qₖ"),
                "Q" + Subscript(m.Groups["k"].Value) + (m.Groups["pde"].Success ? " (PDE)" : ""));
        if (huxley && column is "F" or "F_huxley" or "F_pde")
            return new(F("F", "Force F = κ Q₁", "F"), column switch { "F_huxley" => "F Huxley", "F_pde" => "F PDE", _ => "F" });

        // A model variable (May–Nowak u, v, w) or anything else: a chart of its own.
        string? what = Describe(model, column);
        string label = $"{column} {Unit(model, column, "")}".TrimEnd();
        return new(F(column, what is null ? column : $"{column}: {what}", label), column);
    }

    /// <summary>What a model's variable is, from its catalog entry ("virus" for May–Nowak's w), or null.</summary>
    public static string? Describe(string model, string name)
    {
        var spec = ModelCatalog.Find(model)?.Initial.FirstOrDefault(s => s.Name == name);
        if (spec is null) return null;
        string d = spec.Description;
        foreach (string cut in new[] { " at t = 0", " (state" })
        {
            int i = d.IndexOf(cut, StringComparison.Ordinal);
            if (i > 0) d = d[..i];
        }
        if (d.StartsWith("uniform ", StringComparison.Ordinal)) d = d["uniform ".Length..];
        return d.Length is > 0 and <= 40 ? d : null;
    }

    /// <summary>The unit of a model's parameter or initial value in brackets ("[u]", "[L/T]"), or <paramref name="fallback"/>.</summary>
    public static string Unit(string model, string name, string fallback)
    {
        var def = ModelCatalog.Find(model);
        var spec = def?.Initial.Concat(def.Parameters).FirstOrDefault(s => s.Name == name);
        if (spec is null || string.IsNullOrEmpty(spec.Unit) || spec.Unit is "1" or "cells") return fallback;
        return spec.Unit.StartsWith('[') ? spec.Unit : $"[{spec.Unit}]";
    }

    public static string Subscript(string digits) =>
        string.Concat(digits.Select(c => c is >= '0' and <= '9' ? (char)('₀' + (c - '0')) : c));

    [GeneratedRegex(@"^y(?<dot>dot)?(?<k>[0-9]*)(_(?<what>exact|meanfield))?$")]
    private static partial Regex CoordinateName();

    [GeneratedRegex(@"^(?<stat>int|min|max|n)_(?<s>[uvw])$")]
    private static partial Regex SpeciesStat();

    [GeneratedRegex(@"^Q(?<k>[0-9])(?<pde>_pde)?$")]
    private static partial Regex Moment();
}
