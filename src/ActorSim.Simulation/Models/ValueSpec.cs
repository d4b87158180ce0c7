namespace ActorSim.Simulation.Models;

/// <summary>What values a scenario number may take.</summary>
public enum ValueKind
{
    /// <summary>A rate: finite and &gt;= 0.</summary>
    Rate,
    /// <summary>Finite and strictly &gt; 0.</summary>
    Positive,
    /// <summary>Finite and &gt;= 0 (densities, amounts).</summary>
    NonNegative,
    /// <summary>Any finite number.</summary>
    Finite,
    /// <summary>A whole number &gt;= 1 (grid sizes, counts).</summary>
    Count,
    /// <summary>A string from <see cref="ValueSpec.Choices"/>.</summary>
    Choice,
    /// <summary>Free text (a formula, a file path, a mixture): any non-empty string; its model checks it.</summary>
    Text,
}

/// <summary>
/// One named number of a model's <c>parameters</c> or <c>initial</c> object: its seed symbol, unit,
/// meaning, allowed values and default (null: required).
/// </summary>
public sealed record ValueSpec(string Name, string Unit, string Description, ValueKind Kind, double? Default = null)
{
    /// <summary>A string-valued spec: one of <paramref name="choices"/>, the first being the default unless <paramref name="required"/>.</summary>
    public static ValueSpec OneOf(string name, string description, string[] choices, bool required = false) =>
        new(name, "", description, ValueKind.Choice, required ? null : 0) { Choices = choices };

    /// <summary>A free-text spec (optional: empty when missing); the model parses and checks the text.</summary>
    public static ValueSpec Text(string name, string description) => new(name, "", description, ValueKind.Text, 0);

    /// <summary>The allowed strings of a <see cref="ValueKind.Choice"/> spec.</summary>
    public string[] Choices { get; init; } = [];

    /// <summary>The default string of a <see cref="ValueKind.Choice"/> spec.</summary>
    public string? DefaultChoice => Kind == ValueKind.Choice && Default is not null ? Choices[0] : Kind == ValueKind.Text ? "" : null;

    public bool Required => Default is null;

    /// <summary>Null when <paramref name="value"/> is allowed, else the sentence saying what is allowed.</summary>
    public string? Check(double value) => Kind switch
    {
        _ when !double.IsFinite(value) => "must be a finite number",
        ValueKind.Rate when value < 0 => "is a rate and must be >= 0",
        ValueKind.Positive when value <= 0 => "must be > 0",
        ValueKind.NonNegative when value < 0 => "must be >= 0",
        ValueKind.Count when value < 1 || value != Math.Floor(value) || value > int.MaxValue => $"must be a whole number from 1 to {int.MaxValue}",
        _ => null,
    };

    /// <summary>The allowed range in words, for documentation and error messages.</summary>
    public string Allowed => Kind switch
    {
        ValueKind.Rate => "a rate: finite number >= 0",
        ValueKind.Positive => "finite number > 0",
        ValueKind.NonNegative => "finite number >= 0",
        ValueKind.Count => $"whole number from 1 to {int.MaxValue}",
        ValueKind.Choice => "one of " + string.Join(", ", Choices.Select(c => $"\"{c}\"")),
        ValueKind.Text => "a non-empty string",
        _ => "finite number",
    };
}
