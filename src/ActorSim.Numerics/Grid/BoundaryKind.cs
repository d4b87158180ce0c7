namespace ActorSim.Numerics.Grid;

/// <summary>Boundary condition of one axis of a rectangular domain (applies to both ends of the axis).</summary>
public enum BoundaryKind
{
    /// <summary>No-flux: zero normal derivative and zero normal flux of every species (mirror ghost cells).</summary>
    Neumann,

    /// <summary>Periodic: the two ends of the axis are identified.</summary>
    Periodic,
}
