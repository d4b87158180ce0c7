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
}

/// <summary>
/// One named number of a model's <c>parameters</c> or <c>initial</c> object: its seed symbol, unit,
/// meaning, allowed values and default (null: required).
/// </summary>
public sealed record ValueSpec(string Name, string Unit, string Description, ValueKind Kind, double? Default = null)
{
    public bool Required => Default is null;

    /// <summary>Null when <paramref name="value"/> is allowed, else the sentence saying what is allowed.</summary>
    public string? Check(double value) => Kind switch
    {
        _ when !double.IsFinite(value) => "must be a finite number",
        ValueKind.Rate when value < 0 => "is a rate and must be >= 0",
        ValueKind.Positive when value <= 0 => "must be > 0",
        ValueKind.NonNegative when value < 0 => "must be >= 0",
        _ => null,
    };

    /// <summary>The allowed range in words, for documentation and error messages.</summary>
    public string Allowed => Kind switch
    {
        ValueKind.Rate => "a rate: finite number >= 0",
        ValueKind.Positive => "finite number > 0",
        ValueKind.NonNegative => "finite number >= 0",
        _ => "finite number",
    };
}
