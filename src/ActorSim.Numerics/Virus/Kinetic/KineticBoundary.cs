namespace ActorSim.Numerics.Virus.Kinetic;

/// <summary>Boundary condition of a 1D kinetic domain [0, L].</summary>
public enum KineticBoundary
{
    /// <summary>x = 0 and x = L are identified.</summary>
    Periodic,

    /// <summary>
    /// Specular reflection f(t, wall, v) = f(t, wall, R v) (R reverses the normal component): no flux
    /// through the walls; the limit PDE gets the homogeneous Neumann condition.
    /// </summary>
    Reflecting,
}

/// <summary>Side of a slab subdomain.</summary>
public enum HaloSide
{
    /// <summary>The side towards x = 0.</summary>
    Left,
    /// <summary>The side towards x = L.</summary>
    Right,
}
