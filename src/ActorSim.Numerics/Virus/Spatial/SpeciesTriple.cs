namespace ActorSim.Numerics.Virus.Spatial;

/// <summary>The three species of the May–Nowak model.</summary>
public enum Species
{
    /// <summary>Healthy (uninfected) cells u.</summary>
    U = 0,
    /// <summary>Infected cells v.</summary>
    V = 1,
    /// <summary>Virus particles w.</summary>
    W = 2,
}

/// <summary>One number per species (u, v, w), e.g. integrals, minima or budgets.</summary>
public readonly record struct SpeciesTriple(double U, double V, double W)
{
    /// <summary>Component of a species.</summary>
    public double this[Species s] => s switch { Species.U => U, Species.V => V, _ => W };

    /// <summary>Componentwise sum.</summary>
    public static SpeciesTriple operator +(SpeciesTriple a, SpeciesTriple b) => new(a.U + b.U, a.V + b.V, a.W + b.W);
    /// <summary>Componentwise difference.</summary>
    public static SpeciesTriple operator -(SpeciesTriple a, SpeciesTriple b) => new(a.U - b.U, a.V - b.V, a.W - b.W);
    /// <summary>Componentwise minimum (order-independent, so partition-independent).</summary>
    public static SpeciesTriple Min(SpeciesTriple a, SpeciesTriple b) => new(Math.Min(a.U, b.U), Math.Min(a.V, b.V), Math.Min(a.W, b.W));
    /// <summary>Componentwise maximum.</summary>
    public static SpeciesTriple Max(SpeciesTriple a, SpeciesTriple b) => new(Math.Max(a.U, b.U), Math.Max(a.V, b.V), Math.Max(a.W, b.W));
}
